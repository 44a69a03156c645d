/**
 * The benchmark suite: generates the data sets, then runs each goal module of
 * bench/goals/ (one per measured goal of the issues), each starting actlog and its baselines
 * in their own processes and driving them with autocannon from another process, and writes
 * the figures and the goal ratios to docs/benchmarks.md.
 *
 *   npm run bench                      full: 1M and 10M records (about 45 minutes)
 *   npm run bench -- --quick           quick: 100k and 1M records (a few minutes)
 *   npm run bench -- --only pages,post re-measure some goals; the others are kept from the last run
 *
 * Options: --out <file> (default docs/benchmarks.md), --seed <n>, --list (the goals).
 * Each goal's report is appended to bench/out/goals.jsonl as soon as it is measured (--only takes
 * the others from there), and every run's to bench/out/results.jsonl.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NODE_FLAGS } from '../src/cli/launch.js';
import { ensureDataset, OUT_DIR } from './generate.js';
import { GOALS } from './goals/index.js';
import type { Bench, GoalReport, Mode } from './lib/goal.js';
import { LoadGenerator } from './lib/load.js';
import { describeMachine } from './lib/machine.js';
import { measureTargets } from './lib/measure.js';
import { ANALYSIS_MARKER, type RunReport, renderReport } from './lib/report.js';
import { type ServerProcess, startServer } from './lib/servers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const TMP = join(OUT_DIR, 'tmp');
const RESULTS = join(OUT_DIR, 'results.jsonl');
/** Every goal's report as soon as it is measured, so that an interrupted run loses no finished goal. */
const GOAL_RESULTS = join(OUT_DIR, 'goals.jsonl');

const MODES: Record<Mode['name'], Mode> = {
  quick: {
    name: 'quick',
    small: 100_000,
    big: 1_000_000,
    rounds: 3,
    seconds: 0.5,
    matrixRounds: 2,
    matrixSeconds: 0.3,
    connections: 50,
    warmupSeconds: 0.3,
    slowAmount: 2,
    singleAmount: 20,
    startupRounds: 3,
  },
  full: {
    name: 'full',
    small: 1_000_000,
    big: 10_000_000,
    rounds: 5,
    seconds: 3,
    matrixRounds: 3,
    // 1 s, not less: a slow target (a count that reads a task's records) must finish within it.
    matrixSeconds: 1,
    connections: 50,
    warmupSeconds: 1,
    slowAmount: 3,
    singleAmount: 100,
    startupRounds: 5,
  },
};

const log = (line: string) => process.stdout.write(`${line}\n`);
const running = new Set<ServerProcess>();

/** Writes the report, keeping everything from the analysis marker on. */
function writeReport(out: string, report: RunReport): void {
  const previous = existsSync(out) ? readFileSync(out, 'utf8') : '';
  const at = previous.indexOf(ANALYSIS_MARKER);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderReport(report, at >= 0 ? previous.slice(at) : undefined));
}

/** The latest report of each goal measured in a mode (bench/out/goals.jsonl). */
function lastRecorded(mode: Mode['name']): Map<string, GoalReport> {
  const latest = new Map<string, GoalReport>();
  if (!existsSync(GOAL_RESULTS)) return latest;
  for (const line of readFileSync(GOAL_RESULTS, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const { mode: recorded, ...goal } = JSON.parse(line) as GoalReport & { mode: Mode['name'] };
    if (recorded === mode) latest.set(goal.name, goal);
  }
  return latest;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      seed: { type: 'string', default: '42' },
      out: { type: 'string' },
      only: { type: 'string' },
      list: { type: 'boolean', default: false },
    },
  });
  if (values.list) {
    for (const goal of GOALS) log(`${goal.name.padEnd(12)} ${goal.title}`);
    return;
  }
  const mode = MODES[values.quick ? 'quick' : 'full'];
  const seed = Number(values.seed);
  const out = values.out ?? join(ROOT, 'docs/benchmarks.md');
  const only = values.only?.split(',').map((name) => name.trim());
  const unknown = only?.filter((name) => !GOALS.some((g) => g.name === name));
  if (unknown?.length) throw new Error(`unknown goal(s) ${unknown.join(', ')}; --list shows them`);
  const previous = only ? lastRecorded(mode.name) : new Map<string, GoalReport>();

  const began = performance.now();
  log(
    `actlog benchmarks, ${mode.name} mode: ${mode.small.toLocaleString('en')} and ${mode.big.toLocaleString('en')} records`,
  );
  const machine = describeMachine(ROOT, OUT_DIR);
  log('data sets');
  const small = await ensureDataset(mode.small, seed, (l) => log(`  ${l}`));
  const big = await ensureDataset(mode.big, seed, (l) => log(`  ${l}`));
  // Warnings belong to the goal that raised them (so that --only replaces them with its goals).
  let warnings: string[] = [];
  const allWarnings: string[] = [];
  const load = LoadGenerator.start();
  const start = async (name: string, nodeArgs: string[]) => {
    const server = await startServer(name, nodeArgs);
    running.add(server);
    return server;
  };
  const bench: Bench = {
    mode,
    seed,
    small,
    big,
    tmp: TMP,
    load,
    log,
    warn(text) {
      warnings.push(text);
      allWarnings.push(text);
      log(`  WARNING ${text}`);
    },
    start,
    startActlog: (db, name, flags = []) =>
      start(name, [...NODE_FLAGS, CLI, 'serve', '--port', '0', '--db', db, '--log-level', 'warn', ...flags]),
    async stop(...servers) {
      await Promise.all(servers.map((s) => s.stop()));
      for (const s of servers) running.delete(s);
    },
    measure: (targets, options = {}) =>
      measureTargets(
        load,
        targets,
        {
          connections: mode.connections,
          warmupSeconds: mode.warmupSeconds,
          rounds: options.rounds ?? mode.rounds,
          seconds: options.seconds ?? mode.seconds,
        },
        log,
        bench.warn,
      ),
  };

  const goals: GoalReport[] = [];
  try {
    for (const goal of GOALS) {
      if (only && !only.includes(goal.name)) continue;
      log(`\n${goal.name}: ${goal.title}`);
      rmSync(TMP, { recursive: true, force: true });
      mkdirSync(TMP, { recursive: true });
      warnings = [];
      const goalStarted = performance.now();
      const result = await goal.run(bench);
      await bench.stop(...running);
      const report: GoalReport = {
        name: goal.name,
        title: goal.title,
        date: new Date().toISOString(),
        seconds: (performance.now() - goalStarted) / 1000,
        ...result,
        warnings,
      };
      goals.push(report);
      appendFileSync(GOAL_RESULTS, `${JSON.stringify({ mode: mode.name, ...report })}\n`);
      for (const v of result.verdicts) log(`  ${v.pass ? 'PASS' : 'MISS'} ${v.goal}: ${v.measured} (${v.target})`);
    }
  } finally {
    load.close();
    await Promise.all([...running].map((s) => s.stop()));
    rmSync(TMP, { recursive: true, force: true });
  }

  // With --only, the goals not measured now are kept from the last run, in the registry's order.
  const merged = GOALS.map((goal) => goals.find((g) => g.name === goal.name) ?? previous.get(goal.name)).filter(
    (g): g is GoalReport => g !== undefined,
  );
  const report: RunReport = {
    mode,
    date: new Date().toISOString(),
    seconds: (performance.now() - began) / 1000,
    machine,
    datasets: { small, big },
    goals: merged,
  };
  writeReport(out, report);
  // Every run's raw figures, one JSON document a line (not *.json, which the linter would check).
  appendFileSync(RESULTS, `${JSON.stringify(report)}\n`);
  log(`\nwrote ${relative(process.cwd(), out)} in ${Math.round(report.seconds)} s`);
  if (allWarnings.length > 0) log(`${allWarnings.length} warnings:\n  ${allWarnings.join('\n  ')}`);
}

main().catch(async (error: unknown) => {
  console.error(error);
  await Promise.all([...running].map((s) => s.stop()));
  process.exit(1);
});
