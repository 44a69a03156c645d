/**
 * What one group-commit batch costs the SQLite store: milliseconds per commit and the
 * pages it appends to the WAL, for batches of several sizes, with synchronous=FULL (as
 * served) and OFF (to separate the fsync). Runs `importBatch` (the same transaction as
 * a batch of POSTs) in this process on a copy of a data set, so the figures hold no HTTP.
 * Configurations are interleaved over several rounds; medians are printed.
 *
 *   node dist/bench/commit-cost.js [--db bench/out/actlog-1000000-….db] [--batches 200] [--rounds 5]
 */
import { copyFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { OUT_DIR } from './generate.js';
import { recordStream } from './lib/dataset.js';
import { spread } from './lib/stats.js';

type Pragma = (source: string, options?: { simple: boolean }) => unknown;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      batches: { type: 'string', default: '200' },
      rounds: { type: 'string', default: '5' },
      sizes: { type: 'string', default: '25,50' },
    },
  });
  const batches = Number(values.batches);
  const rounds = Number(values.rounds);
  const sizes = values.sizes.split(',').map(Number);
  const file = join(OUT_DIR, 'commit-cost.db');
  const remove = () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  };
  remove();
  if (values.db) copyFileSync(values.db, file);
  const store = SqliteStore.open(file);
  try {
    // The store's connection is private; this needs it to read the WAL size and to switch fsync off.
    const db = (store as unknown as { db?: { pragma?: Pragma } }).db;
    if (typeof db?.pragma !== 'function') throw new Error('SqliteStore has no `db` field: update bench/commit-cost.ts');
    const pragma: Pragma = (source, options) => (db.pragma as Pragma).call(db, source, options);
    pragma('wal_autocheckpoint = 0'); // every frame stays in the WAL, to be counted
    const frame = (pragma('page_size', { simple: true }) as number) + 24;
    const next = recordStream(4242);
    store.importBatch(Array.from({ length: 25 }, next)); // creates the WAL
    const results = new Map<string, { ms: number[]; pages: number[] }>();
    for (let round = 0; round < rounds; round++) {
      for (const batch of sizes) {
        for (const synchronous of ['FULL', 'OFF'] as const) {
          pragma(`synchronous = ${synchronous}`);
          const walBefore = statSync(`${file}-wal`).size;
          const started = performance.now();
          for (let i = 0; i < batches; i++) store.importBatch(Array.from({ length: batch }, next));
          const ms = (performance.now() - started) / batches;
          const pages = (statSync(`${file}-wal`).size - walBefore) / batches / frame;
          pragma('wal_checkpoint(TRUNCATE)');
          const key = `${batch} ${synchronous}`;
          const entry = results.get(key) ?? { ms: [], pages: [] };
          entry.ms.push(ms);
          entry.pages.push(pages);
          results.set(key, entry);
        }
      }
    }
    const label = values.db ? values.db.replace(/^.*\//, '') : 'a database that starts empty';
    console.log(`commit cost on ${label}: ${batches} batches per configuration, median of ${rounds} rounds\n`);
    console.log('| records a batch | synchronous | ms a commit | µs a record | WAL pages a commit |');
    console.log('|---:|---|---:|---:|---:|');
    for (const [key, { ms, pages }] of results) {
      const [batch, synchronous] = key.split(' ');
      const m = spread(ms).median;
      console.log(
        `| ${batch} | ${synchronous} | ${m.toFixed(2)} | ${((m * 1000) / Number(batch)).toFixed(0)} | ${spread(pages).median.toFixed(0)} |`,
      );
    }
  } finally {
    await store.close();
    remove();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
