/**
 * Generates benchmark data sets through the store's bulk path (`importBatch`: one
 * transaction per chunk, count roll-up maintained), not through HTTP, and caches them
 * under bench/out/ keyed by size, seed, generator version and schema version.
 *
 *   node dist/bench/generate.js [--records 1000000] [--seed 42]
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SCHEMA_VERSION } from '../src/store/sqlite/schema.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { type BenchRecord, GENERATOR_VERSION, recordStream } from './lib/dataset.js';

export const OUT_DIR = fileURLToPath(new URL('../../bench/out/', import.meta.url));
/** Records per `importBatch` call (one transaction each); larger chunks amortise the commit. */
const CHUNK = 100_000;

export interface DatasetInfo {
  file: string;
  records: number;
  seed: number;
  bytes: number;
  /** Seconds the generation took (when it was generated, possibly by an earlier run). */
  seconds: number;
  cached: boolean;
}

interface Sidecar {
  records: number;
  seed: number;
  generatorVersion: number;
  schemaVersion: number;
  seconds: number;
  createdAt: string;
}

const sqliteFiles = (file: string) => [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];

export const datasetFile = (records: number, seed: number) =>
  join(OUT_DIR, `actlog-${records}-s${seed}-g${GENERATOR_VERSION}-v${SCHEMA_VERSION}.db`);

/** Returns the cached data set, generating it first if it is missing or incomplete. */
export async function ensureDataset(
  records: number,
  seed: number,
  log: (line: string) => void = console.log,
): Promise<DatasetInfo> {
  const file = datasetFile(records, seed);
  const sidecarFile = `${file}.meta`; // JSON; not *.json, which the linter would check
  if (existsSync(file) && existsSync(sidecarFile)) {
    const meta = JSON.parse(readFileSync(sidecarFile, 'utf8')) as Sidecar;
    log(`data set ${records.toLocaleString('en')} records (seed ${seed}): cached ${file}`);
    return { file, records, seed, bytes: statSync(file).size, seconds: meta.seconds, cached: true };
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const temp = `${file}.partial`;
  for (const f of [...sqliteFiles(temp), ...sqliteFiles(file), sidecarFile]) rmSync(f, { force: true });

  log(`data set ${records.toLocaleString('en')} records (seed ${seed}): generating ${file}`);
  const started = performance.now();
  const store = SqliteStore.open(temp);
  store.bulkLoadMode();
  const next = recordStream(seed, records);
  const step = Math.max(CHUNK, Math.ceil(records / 10 / CHUNK) * CHUNK);
  let lastReport = 0;
  for (let done = 0; done < records; ) {
    const size = Math.min(CHUNK, records - done);
    const chunk: BenchRecord[] = new Array(size);
    for (let i = 0; i < size; i++) chunk[i] = next();
    store.importBatch(chunk);
    done += size;
    if (done - lastReport >= step || done === records) {
      lastReport = done;
      const seconds = (performance.now() - started) / 1000;
      log(
        `  ${done.toLocaleString('en').padStart(12)} records  ${seconds.toFixed(1).padStart(6)} s  ` +
          `${Math.round(done / seconds).toLocaleString('en')} records/s`,
      );
    }
  }
  // The text index, the persisted cells and the zone map, at once (a server does it in the background).
  store.catchUp();
  await store.close(); // checkpoints the WAL into the file and removes it
  renameSync(temp, file);
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const sidecar: Sidecar = {
    records,
    seed,
    generatorVersion: GENERATOR_VERSION,
    schemaVersion: SCHEMA_VERSION,
    seconds,
    createdAt: new Date().toISOString(),
  };
  writeFileSync(sidecarFile, `${JSON.stringify(sidecar, null, 2)}\n`);
  const bytes = statSync(file).size;
  log(`  done in ${seconds} s, ${(bytes / 2 ** 20).toFixed(0)} MiB`);
  return { file, records, seed, bytes, seconds, cached: false };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { records: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '42' } },
  });
  const records = Number(values.records);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(records) || records < 1) throw new Error('--records must be a positive whole number');
  if (!Number.isSafeInteger(seed)) throw new Error('--seed must be a whole number');
  await ensureDataset(records, seed);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
