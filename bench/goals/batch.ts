/**
 * Issue 9: batch ingest on 10M records: batches of 1,000 against the naive baseline's bulk
 * import (one transaction per batch, same records) and against single-record POSTs, and
 * memory while four clients send the largest batches the API takes.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_BATCH_BYTES, MAX_BATCH_RECORDS } from '../../src/api/batch.js';
import { recordBodies } from '../lib/bodies.js';
import { API, atLeast, atMost, BASELINES, type Goal, MB, MEMORY_HEADER, memoryRow, records } from '../lib/goal.js';
import type { LoadRequest } from '../lib/load-types.js';
import { envelopeData, Results, type Target } from '../lib/measure.js';
import { ensureNaiveDataset } from '../lib/naive-data.js';
import { type ServerProcess, sampleMemory } from '../lib/servers.js';
import { fmt, num, pairedRatios, ratioText, spread } from '../lib/stats.js';

const BATCH = 1000;
const CONNECTIONS = 4;

/** Every item of a batch answer stored (or, for the naive baseline, given an id). */
const checkAdded = (size: number) => (body: string) => {
  const { added } = envelopeData<{ added: number }>(body);
  return added === size ? undefined : `${added} of ${size} added`;
};

export const batch: Goal = {
  name: 'batch',
  title: 'Batch ingest',
  async run(bench) {
    const big = records(bench.big.records);
    const naiveSource = ensureNaiveDataset(bench.big.file, bench.log);
    bench.log(`  copying the ${big}-record data sets`);
    const actlogFile = join(bench.tmp, 'actlog-batch.db');
    const naiveFile = join(bench.tmp, 'naive-batch.db');
    copyFileSync(bench.big.file, actlogFile);
    copyFileSync(naiveSource, naiveFile);
    const actlog = await bench.startActlog(actlogFile, 'actlog (batch)');
    const naive = await bench.start('naive (batch)', [BASELINES.naive, '--db', naiveFile]);

    const all = recordBodies(bench, 8 * BATCH, 2);
    const batches: LoadRequest[] = Array.from({ length: 8 }, (_, i) => ({
      method: 'POST',
      path: `${API}/batch`,
      body: JSON.stringify(all.slice(i * BATCH, (i + 1) * BATCH)),
    }));
    const singles: LoadRequest[] = all
      .slice(0, 64)
      .map((r) => ({ method: 'POST', path: API, body: JSON.stringify(r) }));
    const batchTarget = (id: string, label: string, server: ServerProcess): Target => ({
      id,
      label,
      server,
      requests: batches,
      expectStatus: 200,
      connections: CONNECTIONS,
      freshEventIds: true,
      check: checkAdded(BATCH),
    });
    const memory = sampleMemory(actlog.pid);
    const r = new Results(
      await bench.measure([
        batchTarget('actlog', `actlog ${big}: batches of ${BATCH}`, actlog),
        batchTarget('naive', `naive ${big}: batches of ${BATCH}`, naive),
        {
          id: 'single',
          label: `actlog ${big}: single-record POSTs`,
          server: actlog,
          requests: singles,
          expectStatus: 200,
          freshEventIds: true,
        },
      ]),
    );
    const steady = memory.stop();
    await bench.stop(naive);

    // ---- the largest batches: 10,000 records padded to just under 16 MiB, four clients at once
    const padded = recordBodies(bench, MAX_BATCH_RECORDS, 3);
    // Sized with the event ids filled in (a UUID is 24 characters longer than the placeholder).
    const bare = JSON.stringify(padded).replaceAll('__EVENT_ID__', crypto.randomUUID()).length;
    const pad = Math.floor((MAX_BATCH_BYTES - 16 * 1024 - bare) / MAX_BATCH_RECORDS);
    for (const record of padded) record.action_detail += ` ${'x'.repeat(Math.max(0, pad - 1))}`;
    const huge = JSON.stringify(padded);
    const hugeMemory = sampleMemory(actlog.pid);
    const hugeResults = new Results(
      await bench.measure(
        [
          {
            id: 'huge',
            label: `actlog ${big}: ${num(Buffer.byteLength(huge) / 2 ** 20, 1)} MiB batches`,
            server: actlog,
            requests: [{ method: 'POST', path: `${API}/batch`, body: huge }],
            expectStatus: 200,
            connections: CONNECTIONS,
            // Two batches per client, however long they take (a 16 MiB batch takes seconds).
            amount: 2 * CONNECTIONS,
            freshEventIds: true,
            check: checkAdded(MAX_BATCH_RECORDS),
          },
        ],
        { rounds: 1 },
      ),
    );
    const hugePeak = hugeMemory.stop();

    const perSecond = (id: string, size: number) => r.rps(id).map((x) => x * size);
    const overNaive = pairedRatios(perSecond('actlog', BATCH), perSecond('naive', BATCH));
    const overSingle = pairedRatios(perSecond('actlog', BATCH), r.rps('single'));
    const hugeMB = (hugePeak.hwmKiB * 1024) / MB;
    const recordsRow = (label: string, id: string, size: number, results = r) =>
      `| ${label} | ${fmt(spread(results.rps(id).map((x) => x * size)), 0)} | ${fmt(spread(results.mean(id)))} | ${fmt(spread(results.p99(id)))} |`;
    return {
      verdicts: [
        atLeast(
          9,
          `batches of ${BATCH} on ${big}, records/s: actlog / naive (one transaction per batch)`,
          overNaive,
          3,
        ),
        atLeast(9, `batches of ${BATCH} / single-record POSTs on ${big}, records/s`, overSingle, 10),
        atMost(
          9,
          `peak RSS while ${CONNECTIONS} clients send 16 MiB batches`,
          spread([hugeMB]),
          200,
          'MB',
          `${num(hugeMB, 0)} MB`,
        ),
      ],
      body: [
        `Both servers on a copy of the ${big}-record data set (the naive one flattened into its schema). ` +
          `${CONNECTIONS} connections send JSON arrays of ${BATCH} generated records (8 different batches in turn; ` +
          'half the records carry an `event_id`, fresh for every request, so every item is stored). Every answer ' +
          'means every record in it is durable. The single-record POSTs use 50 connections.',
        '',
        '| | records/s | mean latency (ms) | p99 (ms) |',
        '|---|---:|---:|---:|',
        recordsRow(`actlog, batches of ${BATCH}`, 'actlog', BATCH),
        recordsRow(`naive, batches of ${BATCH} (one transaction each)`, 'naive', BATCH),
        recordsRow('actlog, single-record POSTs', 'single', 1),
        recordsRow(
          `actlog, ${MAX_BATCH_RECORDS.toLocaleString('en')}-record batches of ${num(Buffer.byteLength(huge) / 2 ** 20, 1)} MiB`,
          'huge',
          MAX_BATCH_RECORDS,
          hugeResults,
        ),
        '',
        `actlog / naive: ${ratioText(overNaive)} (goal ≥ 3×) · batches / single POSTs: ${ratioText(overSingle)} (goal ≥ 10×).`,
        '',
        ...MEMORY_HEADER,
        memoryRow(`actlog, batches of ${BATCH} and single POSTs`, steady),
        memoryRow(`actlog, ${CONNECTIONS} clients sending 16 MiB batches`, hugePeak),
      ],
      raw: { results: Object.fromEntries(r.all), huge: Object.fromEntries(hugeResults.all), steady, hugePeak },
    };
  },
};
