/**
 * Issue 9: retention prunes millions of records in small steps that never hold writes up for
 * more than a few milliseconds: the p99 of POST latency while half of the 10M-record data set
 * is pruned, against the p99 of the same load once pruning is done.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordBodies } from '../lib/bodies.js';
import { API, atMost, type Goal, query, records } from '../lib/goal.js';
import type { LoadRequest, LoadResult } from '../lib/load-types.js';
import { describe, envelopeData } from '../lib/measure.js';
import { httpRequest } from '../lib/servers.js';
import { fmt, num, spread } from '../lib/stats.js';

const RETAIN_DAYS = 45;
const CONNECTIONS = 10;
/** "A few milliseconds": what pruning may add to the p99 of a POST. */
const ALLOWED_MS = 5;
/** How long the writes go on while pruning, then how long pruning is watched alone (per mode). */
const LOADED_SECONDS = { quick: 10, full: 30 };
const QUIET_SECONDS = { quick: 10, full: 60 };

export const prune: Goal = {
  name: 'prune',
  title: 'Retention: writes while pruning',
  async run(bench) {
    const big = records(bench.big.records);
    bench.log(`  copying the ${big}-record data set`);
    const file = join(bench.tmp, 'actlog-prune.db');
    copyFileSync(bench.big.file, file);
    // Records without a timestamp are stamped now by the server, so pruning leaves them alone.
    const bodies: LoadRequest[] = recordBodies(bench, 64, 4).map((r) => ({
      method: 'POST',
      path: API,
      body: JSON.stringify(r),
    }));
    const cutoff = Math.floor(Date.now() / 1000) - RETAIN_DAYS * 86_400 - 60;
    const count = async (origin: string, filter: Record<string, number>) =>
      envelopeData<{ count: number }>((await httpRequest(`${origin}${API}/count${query(filter)}`)).body).count;

    const window = Math.max(0.5, bench.mode.seconds * 0.7);
    const specFor = (origin: string) => ({
      origin,
      requests: bodies,
      connections: CONNECTIONS,
      seconds: window,
      expectStatus: 200,
    });
    // The same load on the same file without retention first: the p99 to compare with.
    const plain = await bench.startActlog(file, 'actlog (not pruning)');
    const baseline: LoadResult[] = [];
    for (let i = 0; i < Math.max(3, bench.mode.rounds); i++) {
      baseline.push(await bench.load.run(specFor(plain.origin)));
      bench.log(`  not pruning: ${describe(baseline.at(-1) as LoadResult)}`);
    }
    await bench.stop(plain);

    const started = performance.now();
    const server = await bench.startActlog(file, 'actlog (pruning)', ['--retain-days', String(RETAIN_DAYS)]);
    const expired = await count(server.origin, { until: cutoff });
    const spec = specFor(server.origin);
    // Writes for a while as pruning goes on (pruning under constant writes yields to them, and
    // would take long); then pruning finishes without writes, which gives its own rate.
    const during: LoadResult[] = [];
    let left = expired;
    const loadUntil = performance.now() + LOADED_SECONDS[bench.mode.name] * 1000;
    while (left > 0 && performance.now() < loadUntil) {
      during.push(await bench.load.run(spec));
      left = await count(server.origin, { until: cutoff });
      bench.log(`  pruning, ${left.toLocaleString('en')} left: ${describe(during.at(-1) as LoadResult)}`);
    }
    const loadedSeconds = (performance.now() - started) / 1000;
    const prunedUnderLoad = expired - left;
    // Then a while without writes, for pruning's own rate (the rest would take long at 10M).
    const quietStart = performance.now();
    const quietLeft = left;
    while (left > 0 && performance.now() - quietStart < QUIET_SECONDS[bench.mode.name] * 1000) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      left = await count(server.origin, { until: cutoff });
    }
    const quietSeconds = (performance.now() - quietStart) / 1000;
    const prunedQuiet = quietLeft - left;
    const pruneSeconds = (performance.now() - started) / 1000;
    for (const r of [...during, ...baseline])
      if (r.unexpected) bench.warn(`${r.unexpected} unexpected answers: ${JSON.stringify(r.statuses)}`);
    // Compared once the server has stopped pruning (a count and a stats request taken while it
    // still deletes would see different moments), on a restart without retention.
    await bench.stop(server);
    const settled = await bench.startActlog(file, 'actlog (after pruning)');
    const stats = envelopeData<{ total: number }>(
      (await httpRequest(`${settled.origin}${API}/stats?group_by=platform`)).body,
    ).total;
    const total = await count(settled.origin, {});
    if (stats !== total) bench.warn(`after pruning, stats total ${stats} but count ${total}`);

    const p99During = spread(during.map((r) => r.latency.p99));
    const p99Baseline = spread(baseline.map((r) => r.latency.p99));
    const added = p99During.median - p99Baseline.median;
    const row = (label: string, list: LoadResult[]) =>
      `| ${label} | ${list.length} | ${fmt(spread(list.map((r) => r.rps)), 0)} | ${fmt(spread(list.map((r) => r.latency.mean)))} | ` +
      `${fmt(spread(list.map((r) => r.latency.p99)))} | ${fmt(spread(list.map((r) => r.latency.max)))} |`;
    return {
      verdicts: [
        atMost(
          9,
          `p99 of POST latency while pruning ${num(expired / 1e6, 1)}M of ${big} records, minus p99 without`,
          spread([added]),
          ALLOWED_MS,
          'ms',
          `${num(p99During.median, 1)} − ${num(p99Baseline.median, 1)} = ${num(added, 1)} ms`,
        ),
      ],
      body: [
        `A copy of the ${big}-record data set served with \`--retain-days ${RETAIN_DAYS}\`: ${expired.toLocaleString('en')} ` +
          `records are past it, and the server prunes them in the background from start-up. Meanwhile ${CONNECTIONS} ` +
          `connections POST single records (durable answers), in windows of ${num(window, 1)} s until no expired record is ` +
          `left or for ${LOADED_SECONDS[bench.mode.name]} s; then pruning is watched alone for up to ` +
          `${QUIET_SECONDS[bench.mode.name]} s. The p99 without pruning comes from the same load on the same file served ` +
          'without retention, just before. ' +
          `Under writes it pruned ${prunedUnderLoad.toLocaleString('en')} records in ${num(loadedSeconds, 0)} s ` +
          `(${num(prunedUnderLoad / loadedSeconds, 0)} records/s); alone, ${prunedQuiet.toLocaleString('en')} in ${num(quietSeconds, 0)} s ` +
          `(${num(prunedQuiet / Math.max(quietSeconds, 0.001), 0)} records/s)` +
          (left > 0
            ? `; ${left.toLocaleString('en')} were still to go, about ${num(left / Math.max(prunedQuiet / quietSeconds, 1) / 60, 0)} min more at that rate. `
            : `; all ${expired.toLocaleString('en')} were gone after ${num(pruneSeconds, 0)} s. `) +
          `Afterwards (stopped, restarted without retention) the count (${total.toLocaleString('en')}) and the statistics total were compared.`,
        '',
        '| | windows | requests/s | mean (ms) | p99 (ms) | max (ms) |',
        '|---|---:|---:|---:|---:|---:|',
        row('POSTs while pruning', during),
        row('POSTs, same file, no retention', baseline),
        '',
        `Goal: pruning adds at most ${ALLOWED_MS} ms to the p99 (medians over windows).`,
      ],
      raw: { expired, pruneSeconds, loadedSeconds, prunedUnderLoad, quietSeconds, prunedQuiet, left, during, baseline },
    };
  },
};
