/**
 * The benchmark suite (issue 4): generates the data sets, starts actlog and the two
 * baselines each in its own process, drives them with autocannon from another process,
 * and writes the figures and the goal ratios to docs/benchmarks.md.
 *
 *   npm run bench                 full: 1M and 10M records, 5 rounds (20–40 minutes)
 *   npm run bench -- --quick      quick: 100k and 1M records, 3 rounds (about two minutes)
 *
 * Options: --out <file> (default docs/benchmarks.md, whose mode line says which mode
 * wrote it), --profile / --skip-profile (CPU profiles of actlog under load; on by
 * default in full mode), --seed <n>. Raw figures of every run are appended to
 * bench/out/results.jsonl; --rerender rewrites the report from the last recorded run of the
 * mode without measuring (after a change to bench/lib/report.ts).
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { ensureDataset, OUT_DIR } from './generate.js';
import { recordStream } from './lib/dataset.js';
import { LoadGenerator } from './lib/load.js';
import type { LoadRequest, LoadResult, LoadSpec } from './lib/load-types.js';
import { describeMachine } from './lib/machine.js';
import {
  ANALYSIS_MARKER,
  type Combo,
  type FilterValues,
  type MemoryPeak,
  NAIVE_CONTRAST,
  type ProfileEntry,
  type RunReport,
  renderReport,
} from './lib/report.js';
import { httpRequest, memoryOf, type ServerProcess, sampleMemory, startServer } from './lib/servers.js';
import { profileMarkdown, summarizeProfile } from './profile-summary.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const BARE = fileURLToPath(new URL('./baselines/bare-http.js', import.meta.url));
const STUB = fileURLToPath(new URL('./baselines/actlog-stub.js', import.meta.url));
const NAIVE = fileURLToPath(new URL('./baselines/naive.js', import.meta.url));
const TMP = join(OUT_DIR, 'tmp');
const PROFILES = join(OUT_DIR, 'profiles');
const API = '/api/v1/activity_log';

export interface Mode {
  name: 'quick' | 'full';
  small: number;
  big: number;
  rounds: number;
  connections: number;
  warmupSeconds: number;
  /** One round of one read target. */
  readSeconds: number;
  /** One round of one write target. */
  writeSeconds: number;
  /** Requests per round for the slow contrast targets (one connection). */
  slowAmount: number;
  startupRounds: number;
  /** How deep the deep pages start. */
  depth: number;
  profile: boolean;
}

const MODES: Record<'quick' | 'full', Omit<Mode, 'profile'>> = {
  quick: {
    name: 'quick',
    small: 100_000,
    big: 1_000_000,
    rounds: 3,
    connections: 50,
    warmupSeconds: 0.5,
    readSeconds: 0.5,
    writeSeconds: 1,
    slowAmount: 2,
    startupRounds: 3,
    depth: 500_000,
  },
  full: {
    name: 'full',
    small: 1_000_000,
    big: 10_000_000,
    rounds: 5,
    connections: 50,
    warmupSeconds: 2,
    readSeconds: 3,
    writeSeconds: 3,
    slowAmount: 3,
    startupRounds: 5,
    depth: 5_000_000,
  },
};

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- servers

const running = new Set<ServerProcess>();

async function start(name: string, args: string[]): Promise<ServerProcess> {
  const server = await startServer(name, args);
  running.add(server);
  return server;
}

async function stop(...servers: ServerProcess[]): Promise<void> {
  await Promise.all(servers.map((s) => s.stop()));
  for (const s of servers) running.delete(s);
}

const actlogArgs = (db: string) => [CLI, 'serve', '--port', '0', '--db', db, '--log-level', 'warn'];
const startActlog = (db: string, name = 'actlog') => start(name, actlogArgs(db));

// ---------------------------------------------------------------- filter values

const FIELDS = ['platform', 'serial', 'action_type'] as const;
/** Combination keys in a readable order: none, one filter, two, all three. */
const MASKS = [0, 1, 2, 4, 3, 5, 6, 7];
const PAGE = 100;

/**
 * For every filter combination, a popular value (the most common) and a rare one (the
 * least common that still fills a page of 100 in the smaller data set), read from the
 * count roll-up. The smaller data set is a prefix of the bigger one, so both hold them.
 */
function chooseFilters(smallFile: string, bigFile: string): Combo[] {
  type Row = { platform: string; serial: string; action_type: string; n: number };
  const small = new Database(smallFile);
  const big = new Database(bigFile);
  try {
    const rows = small.prepare('SELECT platform, serial, action_type, n FROM activity_counts').all() as Row[];
    const countBig = big.prepare('SELECT n FROM activity_counts WHERE platform = ? AND serial = ? AND action_type = ?');
    countBig.pluck();
    return MASKS.map((mask) => {
      const fields = FIELDS.filter((_, i) => mask & (1 << i));
      const key = fields.map((f) => f[0]).join('') || 'none';
      const matching = rows.filter((row) => FIELDS.every((f, i) => (mask & (1 << i) ? row[f] !== '' : row[f] === '')));
      matching.sort((a, b) => b.n - a.n);
      const picks: { label: 'popular' | 'rare'; row: Row }[] = [];
      const popular = matching[0];
      if (popular) picks.push({ label: 'popular', row: popular });
      if (mask !== 0) {
        const rare = [...matching].reverse().find((row) => row.n >= PAGE);
        if (rare && rare !== popular) picks.push({ label: 'rare', row: rare });
      }
      const values: FilterValues[] = picks.map(({ label, row }) => ({
        label,
        filter: Object.fromEntries(fields.map((f) => [f, row[f]])),
        small: row.n,
        big: (countBig.get(row.platform, row.serial, row.action_type) as number | undefined) ?? 0,
      }));
      return { key, fields: [...fields], values };
    });
  } finally {
    small.close();
    big.close();
  }
}

const query = (params: Record<string, string | number>) => {
  const text = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return text ? `?${text}` : '';
};

/**
 * The naive baseline on the big data set: a copy of actlog's file reduced to what the
 * naive schema has (the table and single-column indexes on platform, serial and
 * action_type), so its planner cannot use actlog's composite indexes or roll-up.
 */
function naiveCopy(source: string, target: string): void {
  copyFileSync(source, target);
  const db = new Database(target);
  db.exec(`
    DROP INDEX activity_log_by_ps; DROP INDEX activity_log_by_pa;
    DROP INDEX activity_log_by_sa; DROP INDEX activity_log_by_psa;
    DROP TABLE activity_counts;
  `);
  db.close();
}

// ---------------------------------------------------------------- measuring

interface Target {
  id: string;
  label: string;
  server: ServerProcess;
  requests: LoadRequest[];
  expectStatus: number;
  /** One connection and a few requests per round: for requests that take a long time. */
  slow?: boolean;
  /** One connection and this many requests per round: latency without queueing, for contrast with `slow` ones. */
  single?: number;
  /** Checks one answer before the load; returns a problem, if any. */
  check?: (body: string, request: LoadRequest) => string | undefined;
}

const warnings: string[] = [];

function specOf(target: Target, mode: Mode, seconds: number): LoadSpec {
  if (target.single !== undefined) {
    return {
      origin: target.server.origin,
      requests: target.requests,
      connections: 1,
      amount: target.single,
      expectStatus: target.expectStatus,
    };
  }
  return target.slow
    ? {
        origin: target.server.origin,
        requests: target.requests,
        connections: 1,
        amount: mode.slowAmount,
        expectStatus: target.expectStatus,
        timeout: 300,
      }
    : {
        origin: target.server.origin,
        requests: target.requests,
        connections: mode.connections,
        seconds,
        expectStatus: target.expectStatus,
      };
}

const describe = (r: LoadResult) =>
  `${Math.round(r.rps).toLocaleString('en').padStart(7)} req/s  mean ${r.latency.mean.toFixed(2).padStart(8)} ms  ` +
  `p99 ${r.latency.p99.toFixed(1).padStart(7)} ms  (${r.responses} answers${r.unexpected ? `, ${r.unexpected} UNEXPECTED` : ''})`;

function checkSafely(target: Target, body: string, request: LoadRequest): string | undefined {
  try {
    return target.check?.(body, request);
  } catch (error) {
    return `unreadable answer (${(error as Error).message}): ${body.slice(0, 200)}`;
  }
}

/** Checks each target once, warms each up, then runs the rounds, every target once per round. */
async function measure(load: LoadGenerator, targets: Target[], mode: Mode, results: Map<string, LoadResult[]>) {
  for (const target of targets) {
    for (const request of target.requests.slice(0, 4)) {
      const answer = await httpRequest(`${target.server.origin}${request.path}`, request.method, request.body);
      const problem =
        answer.status !== target.expectStatus
          ? `status ${answer.status}, expected ${target.expectStatus}: ${answer.body.slice(0, 200)}`
          : checkSafely(target, answer.body, request);
      if (problem) {
        warnings.push(`${target.label}: ${request.method} ${request.path}: ${problem}`);
        log(`  WARNING ${target.label}: ${problem}`);
      }
    }
  }
  log(`  warm-up: ${targets.filter((t) => !t.slow).length} targets × ${mode.warmupSeconds} s`);
  for (const target of targets) if (!target.slow) await load.run(specOf(target, mode, mode.warmupSeconds));
  for (let round = 1; round <= mode.rounds; round++) {
    for (const target of targets) {
      const result = await load.run(specOf(target, mode, mode.readSeconds));
      const list = results.get(target.id) ?? [];
      list.push(result);
      results.set(target.id, list);
      if (result.unexpected > 0) {
        warnings.push(
          `${target.label}, round ${round}: ${result.unexpected} unexpected answers (${JSON.stringify(result.statuses)})`,
        );
      }
      log(`  [${round}/${mode.rounds}] ${target.label.padEnd(40)} ${describe(result)}`);
    }
  }
}

function checkPage(filter: Record<string, string>, beforeId?: number) {
  return (body: string): string | undefined => {
    const { code, data } = JSON.parse(body) as { code: number; data: Record<string, unknown>[] };
    if (code !== 0 || !Array.isArray(data)) return `not a page: ${body.slice(0, 200)}`;
    if (data.length !== PAGE) return `${data.length} records, expected ${PAGE}`;
    for (let i = 0; i < data.length; i++) {
      const record = data[i] as Record<string, unknown>;
      for (const [field, value] of Object.entries(filter)) {
        if (record[field] !== value) return `record ${record.id} does not match ${field}=${value}`;
      }
      if (i > 0 && (record.id as number) >= ((data[i - 1] as Record<string, unknown>).id as number)) {
        return 'not newest first';
      }
      if (beforeId !== undefined && (record.id as number) >= beforeId)
        return `record ${record.id} is not before ${beforeId}`;
    }
    return undefined;
  };
}

const checkCount = (expected: number) => (body: string) => {
  const { code, data } = JSON.parse(body) as { code: number; data: { count: number } };
  return code === 0 && data.count === expected ? undefined : `count ${data?.count}, expected ${expected}`;
};

/** Spawn → first successful GET /api/v1/activity_log/count. */
async function timeToFirstAnswer(db: string): Promise<number> {
  const started = performance.now();
  const server = await startActlog(db, 'actlog (start-up)');
  for (;;) {
    const answer = await httpRequest(`${server.origin}${API}/count`).catch(() => undefined);
    if (answer?.status === 200) break;
    await sleep(2);
  }
  const ms = performance.now() - started;
  await stop(server);
  return ms;
}

async function profiled(
  name: string,
  db: string,
  target: Omit<Target, 'server' | 'id' | 'label'>,
  load: LoadGenerator,
  mode: Mode,
): Promise<string> {
  mkdirSync(PROFILES, { recursive: true });
  const file = join(PROFILES, `${name}.cpuprofile`);
  rmSync(file, { force: true });
  const server = await start(`actlog (profile ${name})`, [
    '--cpu-prof',
    '--cpu-prof-dir',
    PROFILES,
    '--cpu-prof-name',
    `${name}.cpuprofile`,
    ...actlogArgs(db),
  ]);
  const spec = specOf({ ...target, server, id: name, label: name }, mode, Math.max(mode.writeSeconds, 3));
  const result = await load.run(spec);
  log(`  profile ${name.padEnd(32)} ${describe(result)}`);
  await stop(server);
  return file;
}

// ---------------------------------------------------------------- main

/** Writes the report, keeping everything from the analysis marker on. */
function writeReport(out: string, report: RunReport): void {
  const previous = existsSync(out) ? readFileSync(out, 'utf8') : '';
  const at = previous.indexOf(ANALYSIS_MARKER);
  // Without a marker, nothing the file held is lost: it moves below the marker.
  const analysis =
    at >= 0
      ? previous.slice(at)
      : previous.trim()
        ? `${ANALYSIS_MARKER}\n\n## Analysis\n\n(Kept from the previous version of this file, which had no analysis marker.)\n\n${previous}`
        : undefined;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderReport(report, analysis));
}

/** The last run of a mode recorded in bench/out/results.jsonl. */
function lastRecorded(mode: 'quick' | 'full'): RunReport | undefined {
  const file = join(OUT_DIR, 'results.jsonl');
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as RunReport)
    .filter((report) => report.mode.name === mode)
    .at(-1);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'skip-profile': { type: 'boolean', default: false },
      seed: { type: 'string', default: '42' },
      out: { type: 'string' },
      rerender: { type: 'boolean', default: false },
    },
  });
  const base = MODES[values.quick ? 'quick' : 'full'];
  const mode: Mode = { ...base, profile: values.profile || (!values.quick && !values['skip-profile']) };
  const seed = Number(values.seed);
  const out = values.out ?? join(ROOT, 'docs/benchmarks.md');
  if (values.rerender) {
    const recorded = lastRecorded(mode.name);
    if (!recorded) throw new Error(`no ${mode.name} run recorded in bench/out/results.jsonl`);
    writeReport(out, recorded);
    log(`rewrote ${relative(process.cwd(), out)} from the ${mode.name} run of ${recorded.date}`);
    return;
  }
  const began = performance.now();
  log(
    `actlog benchmarks, ${mode.name} mode: ${mode.small.toLocaleString('en')} and ${mode.big.toLocaleString('en')} records`,
  );

  const machine = describeMachine(ROOT, OUT_DIR);
  log('data sets');
  const small = await ensureDataset(mode.small, seed, (l) => log(`  ${l}`));
  const big = await ensureDataset(mode.big, seed, (l) => log(`  ${l}`));
  const combos = chooseFilters(small.file, big.file);
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });

  const results = new Map<string, LoadResult[]>();
  const load = LoadGenerator.start();
  const memory: MemoryPeak[] = [];
  const profiles: ProfileEntry[] = [];
  const startup = { emptyMs: [] as number[], bigMs: [] as number[] };
  let pageBytes = 0;

  try {
    // ---- time to first answer: an empty (initialised) database vs the big one
    log('start-up: time to first answer');
    const empty = join(TMP, 'empty.db');
    await stop(await startActlog(empty)); // creates the schema, so both runs only open a file
    for (let round = 1; round <= mode.startupRounds; round++) {
      startup.emptyMs.push(await timeToFirstAnswer(empty));
      startup.bigMs.push(await timeToFirstAnswer(big.file));
      log(
        `  [${round}/${mode.startupRounds}] empty ${startup.emptyMs.at(-1)?.toFixed(0)} ms, ` +
          `${mode.big.toLocaleString('en')} records ${startup.bigMs.at(-1)?.toFixed(0)} ms`,
      );
    }

    // ---- reads: counts, pages, deep pages, the bare ceiling, the naive contrast
    log('reads');
    const actSmall = await startActlog(small.file, 'actlog (small)');
    const actBig = await startActlog(big.file, 'actlog (big)');
    const readMemory = sampleMemory(actBig.pid);
    log(`  copying the ${mode.big.toLocaleString('en')}-record data set for the naive baseline`);
    const naiveFile = join(TMP, 'naive-big.db');
    naiveCopy(big.file, naiveFile);
    const naiveBig = await start('naive (big)', [NAIVE, '--db', naiveFile, '--existing']);
    const firstPage = await httpRequest(`${actBig.origin}${API}`);
    pageBytes = Buffer.byteLength(firstPage.body);
    const pageFile = join(TMP, 'page.json');
    writeFileSync(pageFile, firstPage.body);
    const bare = await start('bare-http', [BARE, '--page', pageFile]);
    const stub = await start('actlog-stub', [STUB, '--page', pageFile]);

    // The trivial GET brackets the counts, which are compared with it: drift during the block cancels out.
    const trivial = (when: string): Target => ({
      id: `trivial:${when}`,
      label: `actlog big: GET /nope (404), ${when}`,
      server: actBig,
      requests: [{ method: 'GET', path: '/nope' }],
      expectStatus: 404,
    });
    const readTargets: Target[] = [trivial('before')];
    for (const combo of combos) {
      readTargets.push({
        id: `count:${combo.key}`,
        label: `actlog big: count ${combo.key}`,
        server: actBig,
        requests: combo.values.map((v) => ({ method: 'GET', path: `${API}/count${query(v.filter)}` })),
        expectStatus: 200,
        check: (body, request) => {
          const value = combo.values.find((v) => request.path === `${API}/count${query(v.filter)}`);
          return checkCount(value?.big ?? -1)(body);
        },
      });
    }
    readTargets.push(
      {
        id: 'healthz',
        label: 'actlog big: GET /healthz',
        server: actBig,
        requests: [{ method: 'GET', path: '/healthz' }],
        expectStatus: 200,
      },
      {
        id: 'stub:count',
        label: 'actlog-stub: count psa',
        server: stub,
        requests: (combos.find((c) => c.key === 'psa')?.values ?? []).map((v) => ({
          method: 'GET',
          path: `${API}/count${query(v.filter)}`,
        })),
        expectStatus: 200,
      },
      trivial('after'),
    );
    const beforeId = mode.big - mode.depth + 1;
    // Right after the first page of the big set, the figures that are compared with it.
    const comparedWithFirstPage: Target[] = [
      {
        id: 'deep:before',
        label: `actlog big: before_id ${mode.depth.toLocaleString('en')} deep`,
        server: actBig,
        requests: [{ method: 'GET', path: `${API}${query({ before_id: beforeId })}` }],
        expectStatus: 200,
        check: checkPage({}, beforeId),
      },
      {
        id: 'bare:page',
        label: 'bare-http: pre-built page',
        server: bare,
        requests: [{ method: 'GET', path: API }],
        expectStatus: 200,
      },
      {
        id: 'stub:page',
        label: 'actlog-stub: pre-built records',
        server: stub,
        requests: [{ method: 'GET', path: API }],
        expectStatus: 200,
      },
      {
        id: 'naive:first',
        label: 'naive big: first page',
        server: naiveBig,
        requests: [{ method: 'GET', path: API }],
        expectStatus: 200,
        check: checkPage({}),
      },
    ];
    for (const combo of combos) {
      for (const [size, server] of [
        ['small', actSmall],
        ['big', actBig],
      ] as const) {
        readTargets.push({
          id: `page:${size}:${combo.key}`,
          label: `actlog ${size}: page ${combo.key}`,
          server,
          requests: combo.values.map((v) => ({ method: 'GET', path: `${API}${query(v.filter)}` })),
          expectStatus: 200,
          check: (body, request) => {
            const value = combo.values.find((v) => request.path === `${API}${query(v.filter)}`);
            return checkPage(value?.filter ?? {})(body);
          },
        });
      }
      if (combo.key === 'none') readTargets.push(...comparedWithFirstPage);
    }
    const deepOffset = (name: 'actlog' | 'naive', server: ServerProcess): Target => ({
      id: `${name === 'actlog' ? 'deep' : 'naive'}:offset`,
      label: `${name} big: offset ${mode.depth.toLocaleString('en')}`,
      server,
      requests: [{ method: 'GET', path: `${API}${query({ offset: mode.depth })}` }],
      expectStatus: 200,
      slow: true,
      check: checkPage({}, beforeId),
    });
    readTargets.push(deepOffset('actlog', actBig), deepOffset('naive', naiveBig));
    for (const key of NAIVE_CONTRAST) {
      const combo = combos.find((c) => c.key === key);
      if (!combo) continue;
      const countRequests = combo.values.map((v) => ({
        method: 'GET' as const,
        path: `${API}/count${query(v.filter)}`,
      }));
      const pageRequests = combo.values.map((v) => ({ method: 'GET' as const, path: `${API}${query(v.filter)}` }));
      readTargets.push({
        id: `single:count:${key}`,
        label: `actlog big: count ${key}, one connection`,
        server: actBig,
        requests: countRequests,
        expectStatus: 200,
        single: 200,
      });
      if (key !== 'none') {
        readTargets.push({
          id: `single:page:${key}`,
          label: `actlog big: page ${key}, one connection`,
          server: actBig,
          requests: pageRequests,
          expectStatus: 200,
          single: 200,
        });
      }
      readTargets.push({
        id: `naive:count:${key}`,
        label: `naive big: COUNT(*) ${key}`,
        server: naiveBig,
        requests: combo.values.map((v) => ({ method: 'GET', path: `${API}/count${query(v.filter)}` })),
        expectStatus: 200,
        slow: true,
      });
      if (key === 'none') continue;
      readTargets.push({
        id: `naive:page:${key}`,
        label: `naive big: page ${key}`,
        server: naiveBig,
        requests: combo.values.map((v) => ({ method: 'GET', path: `${API}${query(v.filter)}` })),
        expectStatus: 200,
        slow: true,
      });
    }
    await measure(load, readTargets, mode, results);
    memory.push({
      what: `actlog serving ${mode.big.toLocaleString('en')} records (reads above)`,
      ...readMemory.stop(),
    });
    pushReferenceMemory(memory, 'actlog-stub: the HTTP stack alone (reads above)', stub.pid);
    await stop(actSmall, actBig, naiveBig, stub);
    rmSync(naiveFile, { force: true });

    // ---- writes: durable single-record POSTs on fresh databases (and on a copy of the big one)
    log('writes');
    const next = recordStream(seed + 1);
    const bodies: LoadRequest[] = Array.from({ length: 64 }, () => ({
      method: 'POST',
      path: API,
      body: JSON.stringify(next()),
    }));
    const checkId = (body: string) =>
      Number.isInteger((JSON.parse(body) as { data?: { id?: number } }).data?.id) ? undefined : `no id: ${body}`;
    const actFresh = await startActlog(join(TMP, 'actlog-post.db'), 'actlog (post)');
    const postStub = await start('actlog-stub (post)', [STUB]);
    const naiveFresh = await start('naive (post)', [NAIVE, '--db', join(TMP, 'naive-post.db')]);
    log(`  copying the ${mode.big.toLocaleString('en')}-record data set for writes`);
    const bigCopy = join(TMP, 'actlog-big-copy.db');
    copyFileSync(big.file, bigCopy);
    const actBigCopy = await startActlog(bigCopy, 'actlog (post, big)');
    const writeMemory = sampleMemory(actBigCopy.pid);
    const postTarget = (id: string, label: string, server: ServerProcess): Target => ({
      id,
      label,
      server,
      requests: bodies,
      expectStatus: 200,
      check: checkId,
    });
    await measure(
      load,
      [
        postTarget('post:actlog', 'actlog: POST (empty db)', actFresh),
        postTarget('post:bare', 'bare-http: POST', bare),
        postTarget('post:stub', 'actlog-stub: POST (no storage)', postStub),
        postTarget('post:naive', 'naive: POST (empty db)', naiveFresh),
        postTarget('post:actlog-big', `actlog: POST (${mode.big.toLocaleString('en')} records)`, actBigCopy),
      ],
      { ...mode, readSeconds: mode.writeSeconds },
      results,
    );
    memory.push({
      what: `actlog writing to ${mode.big.toLocaleString('en')} records (POSTs above)`,
      ...writeMemory.stop(),
    });
    pushReferenceMemory(memory, 'bare-http (reads and POSTs above)', bare.pid);
    await stop(actFresh, naiveFresh, actBigCopy, bare, postStub);
    rmSync(bigCopy, { force: true });

    // ---- CPU profiles of actlog under load
    if (mode.profile) {
      log('profiles');
      const postFile = await profiled(
        'post',
        join(TMP, 'actlog-profile.db'),
        { requests: bodies, expectStatus: 200 },
        load,
        mode,
      );
      profiles.push({
        name: 'post',
        description: 'durable single-record POSTs on an empty database, 50 connections',
        file: relative(ROOT, postFile),
        summary: summarizeProfile(postFile, 20),
      });
      const pageProfile = await profiled(
        'page',
        big.file,
        { requests: [{ method: 'GET', path: API }], expectStatus: 200 },
        load,
        mode,
      );
      profiles.push({
        name: 'page',
        description: `newest-100 page, no filter, ${mode.big.toLocaleString('en')} records, 50 connections`,
        file: relative(ROOT, pageProfile),
        summary: summarizeProfile(pageProfile, 20),
      });
      const psa = combos.find((c) => c.key === 'psa')?.values ?? [];
      const countProfile = await profiled(
        'count',
        big.file,
        { requests: psa.map((v) => ({ method: 'GET', path: `${API}/count${query(v.filter)}` })), expectStatus: 200 },
        load,
        mode,
      );
      profiles.push({
        name: 'count',
        description: `count with all three filters, ${mode.big.toLocaleString('en')} records, 50 connections`,
        file: relative(ROOT, countProfile),
        summary: summarizeProfile(countProfile, 20),
      });
      for (const p of profiles) log(`\n${p.name}:\n${profileMarkdown(p.summary)}\n`);
    }
  } finally {
    load.close();
    await Promise.all([...running].map((s) => s.stop()));
    rmSync(TMP, { recursive: true, force: true });
  }

  const report: RunReport = {
    mode,
    date: new Date().toISOString(),
    seconds: (performance.now() - began) / 1000,
    machine,
    datasets: { small, big },
    combos,
    results: Object.fromEntries(results),
    memory,
    startup,
    pageBytes,
    profiles,
    warnings,
  };
  writeReport(out, report);
  // Every run's raw figures, one JSON document a line (not *.json, which the linter would check).
  appendFileSync(join(OUT_DIR, 'results.jsonl'), `${JSON.stringify(report)}\n`);
  log(`\nwrote ${relative(process.cwd(), out)} in ${Math.round(report.seconds)} s`);
  if (warnings.length > 0) log(`${warnings.length} warnings:\n  ${warnings.join('\n  ')}`);
}

main().catch(async (error: unknown) => {
  console.error(error);
  await Promise.all([...running].map((s) => s.stop()));
  process.exit(1);
});

/** One reading of a reference process's memory (it is not sampled under load). */
function pushReferenceMemory(memory: MemoryPeak[], what: string, pid: number): void {
  const reading = memoryOf(pid);
  if (reading) memory.push({ what, maxRssKiB: reading.rssKiB, hwmKiB: reading.hwmKiB, samples: 1, reference: true });
}
