/**
 * Issue 8: a count under any filter combination, a time range included, and the statistics an
 * operator asks for most, each costing about as much as a trivial GET at 10M records: served
 * from label-set roll-ups, not scans.
 */
import { DATA_END } from '../lib/dataset.js';
import { DatasetTruth, describeFilter, type Filter, WEEK_RANGE } from '../lib/filters.js';
import { API, atMost, type Goal, MEMORY_HEADER, memoryRow, query, records } from '../lib/goal.js';
import { envelopeData, Results, type Target } from '../lib/measure.js';
import { sampleMemory } from '../lib/servers.js';
import { fmt, pairedRatios, ratioText, spread } from '../lib/stats.js';

const DAY = 86_400;

export const counts: Goal = {
  name: 'counts',
  title: 'Counts and statistics',
  async run(bench) {
    const { mode } = bench;
    const big = records(bench.big.records);
    const truth = new DatasetTruth(bench.big.file);
    try {
      const combos = new DatasetTruth(bench.small.file);
      const combinations = combos.combinations();
      const account = combos.anchors()[0]?.username as string;
      combos.close();
      const server = await bench.startActlog(bench.big.file, 'actlog (big)');
      const memory = sampleMemory(server.pid);
      const countTarget = (id: string, label: string, filters: Filter[]): Target => ({
        id,
        label,
        server,
        requests: filters.map((f) => ({ method: 'GET', path: `${API}/count${query(f)}` })),
        expectStatus: 200,
        check: (body, request) => {
          const filter = filters.find((f) => request.path === `${API}/count${query(f)}`) ?? {};
          const { count } = envelopeData<{ count: number }>(body);
          const expected = truth.count(filter);
          return count === expected ? undefined : `count ${count}, expected ${expected} for ${describeFilter(filter)}`;
        },
      });
      const statsCases: { key: string; why: string; params: Record<string, string | number>; filter: Filter }[] = [
        {
          key: 'account-30-days',
          why: `\`group_by=day,action_type\` over 30 days for one account (${account}), in Europe/Amsterdam`,
          params: {
            group_by: 'day,action_type',
            username: account,
            since: DATA_END - 30 * DAY,
            until: DATA_END,
            tz: 'Europe/Amsterdam',
          },
          filter: { username: account, since: String(DATA_END - 30 * DAY), until: String(DATA_END) },
        },
        { key: 'serial-all', why: '`group_by=serial` over everything', params: { group_by: 'serial' }, filter: {} },
      ];
      const statsTargets: Target[] = statsCases.map((s) => ({
        id: `stats:${s.key}`,
        label: `actlog ${big}: stats ${s.key}`,
        server,
        requests: [{ method: 'GET', path: `${API}/stats${query(s.params)}` }],
        expectStatus: 200,
        check: (body) => {
          const data = envelopeData<{ total: number; truncated: boolean; groups: { count: number }[] }>(body);
          const expected = truth.count(s.filter);
          const sum = data.groups.reduce((a, g) => a + g.count, 0);
          if (data.total !== expected) return `total ${data.total}, expected ${expected}`;
          return !data.truncated && sum !== expected ? `groups sum to ${sum}, expected ${expected}` : undefined;
        },
      }));
      const trivial = (when: string): Target => ({
        id: `trivial:${when}`,
        label: `actlog ${big}: GET /api/v1/nope (404), ${when}`,
        server,
        requests: [{ method: 'GET', path: '/api/v1/nope' }],
        expectStatus: 404,
      });
      const ranged = (f: Filter): Filter => ({
        ...f,
        since: String(WEEK_RANGE.since),
        until: String(WEEK_RANGE.until),
      });
      // The trivial GET brackets each round, which the others are compared with: drift cancels out.
      const r = new Results(
        await bench.measure(
          [
            trivial('before'),
            ...statsTargets,
            ...combinations.flatMap((c) => [
              countTarget(`count:${c.key}`, `count ${c.key}`, c.filters),
              countTarget(`ranged:${c.key}`, `count ${c.key} + week`, c.filters.map(ranged)),
            ]),
            trivial('after'),
          ],
          { rounds: mode.matrixRounds, seconds: mode.matrixSeconds },
        ),
      );
      const peak = memory.stop();
      const trivialMean = r.mean('trivial:before').map((m, i) => (m + (r.mean('trivial:after')[i] ?? m)) / 2);
      const ratios = combinations.flatMap((c) =>
        ['count', 'ranged'].map((kind) => ({
          key: `${kind}:${c.key}`,
          c,
          kind,
          ratio: pairedRatios(r.mean(`${kind}:${c.key}`), trivialMean),
        })),
      );
      const worst = ratios.reduce((a, b) => (b.ratio.median > a.ratio.median ? b : a));
      const statsRatios = statsCases.map((s) => ({ s, ratio: pairedRatios(r.mean(`stats:${s.key}`), trivialMean) }));
      const cell = (id: string) => {
        const ratio = pairedRatios(r.mean(id), trivialMean);
        return `${fmt(spread(r.mean(id)))} | ${ratioText(ratio)}${ratio.median <= 1.5 ? '' : ' **MISS**'}`;
      };
      return {
        verdicts: [
          atMost(
            8,
            `count latency at ${big} / trivial GET, worst of ${ratios.length} (${worst.c.key}${worst.kind === 'ranged' ? ' + a week' : ''})`,
            worst.ratio,
            1.5,
          ),
          ...statsRatios.map(({ s, ratio }) => atMost(8, `stats ${s.key} latency at ${big} / trivial GET`, ratio, 3)),
        ],
        body: [
          `Every combination of the six equality filters with the values of the two anchor records (see the pages ` +
            `section), alone and with a week as \`since\`/\`until\` (\`${describeFilter({ since: String(WEEK_RANGE.since), until: String(WEEK_RANGE.until) })}\`, ` +
            'off the hour at both ends). Each count and statistics total was checked against plain SQL on the data set ' +
            `file. ${mode.connections} connections; mean latency over trivial GET (measured before and after each round).`,
          '',
          `| | mean latency (ms) | / trivial GET |`,
          '|---|---:|---:|',
          `| trivial GET (\`/api/v1/nope\`) | ${fmt(spread(trivialMean))} | |`,
          ...statsRatios.map(
            ({ s, ratio }) =>
              `| stats: ${s.why} | ${fmt(spread(r.mean(`stats:${s.key}`)))} | ${ratioText(ratio)} (goal ≤ 3×) |`,
          ),
          '',
          `| filters | matching in ${big} (anchor 1 / 2) | count: mean (ms) | / trivial (goal ≤ 1.5×) | count + a week: mean (ms) | / trivial (goal ≤ 1.5×) |`,
          '|---|---:|---:|---:|---:|---:|',
          ...combinations.map(
            (c) =>
              `| ${c.key} | ${c.filters.map((f) => truth.count(f).toLocaleString('en')).join(' / ')} | ` +
              `${cell(`count:${c.key}`)} | ${cell(`ranged:${c.key}`)} |`,
          ),
          '',
          ...MEMORY_HEADER,
          memoryRow(`actlog serving ${big} records (counts above)`, peak),
        ],
        raw: { results: Object.fromEntries(r.all), memory: peak },
      };
    } finally {
      truth.close();
    }
  },
};
