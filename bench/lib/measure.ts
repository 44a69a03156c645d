/**
 * Measuring targets with the load generator: each target is checked once (status and
 * content), warmed up, then measured in rounds that visit every target once, so slow drift of
 * the machine spreads over all of them. Also the checks and table rows the goals share.
 */
import { v7 as uuidv7 } from 'uuid';
import type { LoadGenerator } from './load.js';
import type { LoadRequest, LoadResult, LoadSpec } from './load-types.js';
import { httpRequest, type ServerProcess } from './servers.js';
import { fmt, spread } from './stats.js';

export interface Target {
  id: string;
  label: string;
  server: ServerProcess;
  requests: LoadRequest[];
  expectStatus: number;
  /** Connections (default: the mode's). */
  connections?: number;
  /** Requests per round instead of a timed window (on one connection unless `connections` says). */
  amount?: number;
  /** Replace `__EVENT_ID__` in bodies with a fresh id per request. */
  freshEventIds?: boolean;
  /** Checks one answer before the load; returns a problem, if any. */
  check?: (body: string, request: LoadRequest) => string | undefined | Promise<string | undefined>;
}

export interface MeasureOptions {
  connections: number;
  warmupSeconds: number;
  rounds: number;
  seconds: number;
}

function specOf(target: Target, options: MeasureOptions, seconds: number): LoadSpec {
  const base = {
    origin: target.server.origin,
    requests: target.requests,
    expectStatus: target.expectStatus,
    ...(target.freshEventIds ? { freshEventIds: true } : {}),
  };
  if (target.amount !== undefined) {
    return { ...base, connections: target.connections ?? 1, amount: target.amount, timeout: 300 };
  }
  return { ...base, connections: target.connections ?? options.connections, seconds };
}

export const describe = (r: LoadResult) =>
  `${Math.round(r.rps).toLocaleString('en').padStart(7)} req/s  mean ${r.latency.mean.toFixed(2).padStart(8)} ms  ` +
  `p99 ${r.latency.p99.toFixed(1).padStart(7)} ms  (${r.responses} answers${r.unexpected ? `, ${r.unexpected} UNEXPECTED` : ''})`;

/** Runs the targets; problems (failed checks, unexpected answers) go to `warn`. */
export async function measureTargets(
  load: LoadGenerator,
  targets: Target[],
  options: MeasureOptions,
  log: (line: string) => void,
  warn: (text: string) => void,
): Promise<Map<string, LoadResult[]>> {
  for (const target of targets) {
    for (const request of target.requests.slice(0, 4)) {
      const body = request.body?.replaceAll('__EVENT_ID__', () => uuidv7());
      let problem: string | undefined;
      try {
        const answer = await httpRequest(`${target.server.origin}${request.path}`, request.method, body);
        problem =
          answer.status !== target.expectStatus
            ? `status ${answer.status}, expected ${target.expectStatus}: ${answer.body.slice(0, 200)}`
            : await target.check?.(answer.body, request);
      } catch (error) {
        problem = `no usable answer: ${(error as Error).message}`;
      }
      if (problem) warn(`${target.label}: ${request.method} ${request.path.slice(0, 200)}: ${problem}`);
    }
  }
  const timed = targets.filter((t) => t.amount === undefined);
  if (options.warmupSeconds > 0) {
    log(`  warm-up: ${timed.length} targets × ${options.warmupSeconds} s`);
    for (const target of timed) await load.run(specOf(target, options, options.warmupSeconds));
  }
  const results = new Map<string, LoadResult[]>();
  for (let round = 1; round <= options.rounds; round++) {
    for (const target of targets) {
      const result = await load.run(specOf(target, options, options.seconds));
      const list = results.get(target.id) ?? [];
      list.push(result);
      results.set(target.id, list);
      if (result.responses === 0) {
        warn(`${target.label}, round ${round}: no answer within the ${options.seconds} s window (each takes longer)`);
      }
      if (result.unexpected > 0) {
        warn(
          `${target.label}, round ${round}: ${result.unexpected} unexpected answers (${JSON.stringify(result.statuses)})`,
        );
      }
      log(`  [${round}/${options.rounds}] ${target.label.slice(0, 48).padEnd(48)} ${describe(result)}`);
    }
  }
  return results;
}

/** Per-round figures of one target. */
export class Results {
  constructor(readonly all: Map<string, LoadResult[]>) {}
  runs = (id: string) => this.all.get(id) ?? [];
  rps = (id: string) => this.runs(id).map((r) => r.rps);
  mean = (id: string) => this.runs(id).map((r) => r.latency.mean);
  p99 = (id: string) => this.runs(id).map((r) => r.latency.p99);
  /** `| label | requests/s | mean | p99 |` */
  row = (label: string, id: string) =>
    `| ${label} | ${fmt(spread(this.rps(id)), 0)} | ${fmt(spread(this.mean(id)))} | ${fmt(spread(this.p99(id)))} |`;
  merge(other: Map<string, LoadResult[]>): this {
    for (const [id, list] of other) this.all.set(id, [...(this.all.get(id) ?? []), ...list]);
    return this;
  }
}

export const THROUGHPUT_HEADER = ['| | requests/s | mean latency (ms) | p99 (ms) |', '|---|---:|---:|---:|'];

export const envelopeData = <T>(body: string): T => {
  const parsed = JSON.parse(body) as { code: number; data: T };
  if (parsed.code !== 0) throw new Error(`code ${parsed.code}`);
  return parsed.data;
};

export const checkId = (body: string) =>
  Number.isInteger(envelopeData<{ id?: number }>(body).id) ? undefined : `no id: ${body.slice(0, 200)}`;
