/**
 * Durable POST throughput with 1, 2 and 3 actlog instances on one PostgreSQL database.
 * Usage: npm run build && node dist/bench/instances.js [--seconds 10] [--rounds 3]
 * Needs PostgreSQL (ACTLOG_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 * Prints a Markdown table for docs/benchmarks.md.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { NODE_FLAGS } from '../src/cli/launch.js';
import { LoadGenerator } from './lib/load.js';
import { type ServerProcess, startServer } from './lib/servers.js';
import { num, spread } from './lib/stats.js';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, rounds: { type: 'string' } } });
const SECONDS = Number(values.seconds ?? 10);
const ROUNDS = Number(values.rounds ?? 3);
const CONNECTIONS = 50;
const ADMIN_URL = process.env.ACTLOG_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CLI = new URL('../src/cli/main.js', import.meta.url).pathname;
const body = JSON.stringify({
  platform: 'tiktok',
  serial: 'device_1',
  action_type: 'post',
  action_detail: 'bench',
  username: 'u1',
});

async function withDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = `actlog_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function measure(load: LoadGenerator, instances: number): Promise<number[]> {
  return withDatabase(async (url) => {
    const servers: ServerProcess[] = [];
    for (let i = 0; i < instances; i++) {
      servers.push(
        await startServer(`actlog-${i}`, [
          ...NODE_FLAGS,
          CLI,
          'serve',
          '--port',
          '0',
          '--database-url',
          url,
          '--log-level',
          'warn',
        ]),
      );
    }
    try {
      const run = (seconds: number) =>
        Promise.all(
          servers.map((server) =>
            load.run({
              origin: server.origin,
              requests: [{ method: 'POST', path: '/api/v1/activity_log', body }],
              connections: Math.ceil(CONNECTIONS / instances),
              seconds,
              expectStatus: 200,
            }),
          ),
        );
      await run(2); // warm-up
      const rounds: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const results = await run(SECONDS);
        rounds.push(results.reduce((sum, result) => sum + result.rps, 0));
      }
      return rounds;
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  });
}

// One load-generator process per instance, so the generator is not the bottleneck of one.
const load = LoadGenerator.start();
const rows: string[] = [];
let single = Number.NaN;
for (const instances of [1, 2, 3]) {
  const s = spread(await measure(load, instances));
  if (instances === 1) single = s.median;
  rows.push(`| ${instances} | ${num(s.median)} | ${num(s.min)}–${num(s.max)} | ${num(s.median / single)}× |`);
  process.stderr.write(`${instances} instance(s): ${num(s.median)} req/s\n`);
}
load.close();
process.stdout.write(
  `| instances | POST req/s (median of ${ROUNDS} × ${SECONDS} s) | spread | vs 1 instance |\n|---|---|---|---|\n${rows.join('\n')}\n`,
);
