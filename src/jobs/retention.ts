import type { Logger } from 'pino';
import type { ActivityRecord } from '../domain/fields.js';
import { nowInSeconds } from '../domain/record.js';
import { decidingRule, expired, oldestKept, prunes, type Retention } from '../domain/retention.js';
import { rowToRecord } from '../store/sql/records.js';
import type { Store } from '../store/store.js';

/** Records looked at per scan step (read only). */
export const PRUNE_STEP = 1000;
/**
 * Deletes go in transactions sized so that each holds the writer about this long (measured as
 * the step's whole wait, queueing included), and after each the pruner waits as long again:
 * pruning takes at most about half the writer, and a write queued behind it waits a few ms.
 */
const STEP_TARGET_MS = 4;
const MIN_DELETE_STEP = 25;
const MAX_DELETE_STEP = 1000;
/** Pruning runs at start and then this often (extensions §8: at least hourly). */
export const PRUNE_EVERY_MS = 60 * 60 * 1000;

export interface PruneReport {
  deleted: number;
  /** Per deciding rule (`--retain-days N` or `field=value:days`): records that went (or would go). */
  byRule: Record<string, number>;
}

/**
 * Retention (extensions §8): finds records past their age, oldest ids first among those older
 * than the shortest age, and deletes them through the store's ordinary write path (so counts
 * and statistics stay exact and every instance's live tail hears of it), in small steps paced
 * so that writes never wait behind more than one short step (STEP_TARGET_MS).
 * Then gives the space back (compact). One pruner at a time across instances (exclusive).
 */
export class Pruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  /** Records deleted per transaction, adapted to STEP_TARGET_MS. */
  private deleteStep = 50;

  constructor(
    private readonly store: Store,
    private readonly retention: Retention,
    private readonly logger?: Logger,
    private readonly now: () => number = nowInSeconds,
  ) {}

  /** Prunes now, then every PRUNE_EVERY_MS, in the background. */
  start(everyMs = PRUNE_EVERY_MS): void {
    if (!prunes(this.retention)) return;
    const run = () => {
      this.running ??= this.prune()
        .then((report) => {
          if (report.deleted > 0) this.logger?.info(report, 'pruned records past their retention');
        })
        .catch((err: unknown) => this.logger?.error({ err }, 'pruning failed; it is retried at the next run'))
        .finally(() => {
          this.running = undefined;
        });
    };
    run();
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
  }

  /** Stops scheduling and lets a step in progress finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes what is past its retention; skipped (zero) when another instance is pruning. */
  async prune(): Promise<PruneReport> {
    const report: PruneReport = { deleted: 0, byRule: {} };
    const ran = await this.store.exclusive('prune', async () => {
      await this.scan(async (expiredRecords) => {
        for (let at = 0; at < expiredRecords.length && !this.stopped; ) {
          const step = expiredRecords.slice(at, at + this.deleteStep);
          at += step.length;
          const started = performance.now();
          const deleted = await this.store.deleteIds(step.map((r) => r.id));
          tally(report, this.retention, step, deleted);
          const ms = performance.now() - started;
          if (ms < STEP_TARGET_MS / 2) this.deleteStep = Math.min(this.deleteStep * 2, MAX_DELETE_STEP);
          else if (ms > STEP_TARGET_MS * 2) this.deleteStep = Math.max(this.deleteStep >> 1, MIN_DELETE_STEP);
          await new Promise((resolve) => setTimeout(resolve, Math.max(1, ms)));
        }
      });
      if (report.deleted > 0 && !this.stopped) await this.store.compact();
    });
    if (!ran) this.logger?.info('another instance is pruning; skipped');
    return report;
  }

  /** What prune would delete now, without deleting it. */
  dryRun(): Promise<PruneReport> {
    return expiredReport(this.store, this.retention, this.now());
  }

  private scan(take: (expiredRecords: ActivityRecord[]) => Promise<void>): Promise<void> {
    return scanExpired(this.store, this.retention, this.now(), take, () => this.stopped);
  }
}

/** Where expired records are looked for: a store, or a read-only reader of its file. */
export type RecordSource = Pick<Store, 'ascending'>;

/** How many records retention would delete now, by deciding rule (a dry run). */
export async function expiredReport(source: RecordSource, retention: Retention, now: number): Promise<PruneReport> {
  const report: PruneReport = { deleted: 0, byRule: {} };
  await scanExpired(source, retention, now, async (expiredRecords) => tally(report, retention, expiredRecords));
  return report;
}

/** Adds records to the report by deciding rule; `deleted` is less when another writer took some first. */
function tally(report: PruneReport, retention: Retention, gone: ActivityRecord[], deleted = gone.length): void {
  report.deleted += deleted;
  for (const record of gone) {
    const rule = decidingRule(retention, record);
    report.byRule[rule] = (report.byRule[rule] ?? 0) + 1;
  }
}

/** Walks records older than the shortest age, a step at a time, handing on the expired ones. */
async function scanExpired(
  source: RecordSource,
  retention: Retention,
  now: number,
  take: (expiredRecords: ActivityRecord[]) => Promise<void>,
  stopped: () => boolean = () => false,
): Promise<void> {
  const until = oldestKept(retention, now);
  if (until === undefined || until <= 0) return;
  let after = 0;
  while (!stopped()) {
    const candidates = await source.ascending({ until }, after, PRUNE_STEP, rowToRecord);
    if (candidates.length === 0) return;
    after = (candidates[candidates.length - 1] as ActivityRecord).id;
    const gone = candidates.filter((record) => expired(retention, record, now));
    if (gone.length > 0) await take(gone);
    if (candidates.length < PRUNE_STEP) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
