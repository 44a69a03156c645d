/**
 * What every benchmark goal module (bench/goals/*.ts) shares: the verdicts it reaches, the
 * report section it writes, and the bench it runs on. A goal owns its measurements, its
 * ratios and its prose; bench/run.ts only sequences them and bench/lib/report.ts only
 * assembles what they return.
 */
import { fileURLToPath } from 'node:url';
import type { DatasetInfo } from '../generate.js';
import type { LoadGenerator } from './load.js';
import type { LoadResult } from './load-types.js';
import type { Target } from './measure.js';
import type { ServerProcess } from './servers.js';
import { num, ratioText, type Spread } from './stats.js';

export interface Mode {
  name: 'quick' | 'full';
  small: number;
  big: number;
  /** Rounds of the headline targets, and the seconds of one round of one target. */
  rounds: number;
  seconds: number;
  /** Rounds and seconds of the wide matrices (every filter combination): many targets, shorter rounds. */
  matrixRounds: number;
  matrixSeconds: number;
  connections: number;
  warmupSeconds: number;
  /** Requests per round for slow contrast targets (one connection). */
  slowAmount: number;
  /** Requests per round for single-connection latency targets. */
  singleAmount: number;
  startupRounds: number;
}

export interface Verdict {
  /** The issue whose goal this is, e.g. 8. */
  issue: number;
  goal: string;
  measured: string;
  target: string;
  pass: boolean;
  distance: string;
}

/** What a goal module hands to the report. */
export interface GoalReport {
  name: string;
  title: string;
  /** When it was measured (a report may combine goals of several runs, see --only). */
  date: string;
  seconds: number;
  verdicts: Verdict[];
  /** The section's markdown, below its heading. */
  body: string[];
  /** Raw figures, kept in bench/out/results.jsonl. */
  raw: Record<string, unknown>;
  /** Failed checks and unexpected answers while it was measured. */
  warnings: string[];
}

/** The bench a goal runs on: data sets, servers, the load generator. */
export interface Bench {
  mode: Mode;
  seed: number;
  small: DatasetInfo;
  big: DatasetInfo;
  /** A scratch folder, emptied after every goal. */
  tmp: string;
  load: LoadGenerator;
  log(line: string): void;
  warn(text: string): void;
  start(name: string, nodeArgs: string[]): Promise<ServerProcess>;
  /** `actlog serve` on a SQLite file, with extra flags. */
  startActlog(db: string, name: string, flags?: string[]): Promise<ServerProcess>;
  stop(...servers: ServerProcess[]): Promise<void>;
  /** Checks, warms up and measures targets in rounds (see bench/lib/measure.ts). */
  measure(targets: Target[], options?: { rounds?: number; seconds?: number }): Promise<Map<string, LoadResult[]>>;
}

export interface Goal {
  name: string;
  title: string;
  run(bench: Bench): Promise<Omit<GoalReport, 'name' | 'title' | 'date' | 'seconds' | 'warnings'>>;
}

export function atLeast(
  issue: number,
  goal: string,
  ratio: Spread,
  target: number,
  measured = ratioText(ratio),
): Verdict {
  const pass = ratio.median >= target;
  return {
    issue,
    goal,
    measured,
    target: `≥ ${target}×`,
    pass,
    distance: pass ? '' : `${num((1 - ratio.median / target) * 100, 0)} % short`,
  };
}

export function atMost(
  issue: number,
  goal: string,
  ratio: Spread,
  target: number,
  unit = '×',
  measured = ratioText(ratio),
): Verdict {
  const pass = ratio.median <= target;
  return {
    issue,
    goal,
    measured,
    target: `≤ ${target}${unit === '×' ? '×' : ` ${unit}`}`,
    pass,
    distance: pass ? '' : `${num((ratio.median / target - 1) * 100, 0)} % over`,
  };
}

export const MB = 1e6;

export const records = (n: number) =>
  n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : n.toLocaleString('en');

export const API = '/api/v1/activity_log';

export const query = (params: Record<string, string | number>) => {
  const text = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return text ? `?${text}` : '';
};

const baseline = (name: string) => fileURLToPath(new URL(`../baselines/${name}.js`, import.meta.url));
/** The baseline servers (bench/baselines/), as scripts for `Bench.start`. */
export const BASELINES = { bare: baseline('bare-http'), stub: baseline('actlog-stub'), naive: baseline('naive') };

/** `| what | peak RSS | largest sample | samples |` rows. */
export const memoryRow = (what: string, m: { hwmKiB: number; maxRssKiB: number; samples: number }) =>
  `| ${what} | ${num((m.hwmKiB * 1024) / MB, 0)} MB | ${num((m.maxRssKiB * 1024) / MB, 0)} MB | ${m.samples} |`;
export const MEMORY_HEADER = [
  '| process | peak RSS (VmHWM) | largest 100 ms sample | samples |',
  '|---|---:|---:|---:|',
];
