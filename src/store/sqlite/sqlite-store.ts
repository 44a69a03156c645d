import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { AppError, StoreError } from '../../domain/errors.js';
import { type ActivityRecord, LABEL_FIELDS, type NewRecord } from '../../domain/fields.js';
import type { Filter, Page } from '../../domain/filter.js';
import { orderedRecord } from '../../domain/record.js';
import type { StatsQuery, StatsResult } from '../../domain/stats.js';
import { parseTimeZone } from '../../domain/time-zone.js';
import { CellList, hourRange } from '../cells.js';
import { type ChangeEvent, ChangeFeed } from '../changes.js';
import { RenderedRows } from '../rendered-rows.js';
import { ALL, RecentIds, Rollup } from '../rollup.js';
import { SeriesRegistry, type SeriesSelection } from '../series.js';
import { type RecordRow, rowToJson, rowToRecord } from '../sql/records.js';
import { computeStats, type StatsSource } from '../stats.js';
import type { RowRenderer, Store } from '../store.js';
import { TaskTotals } from '../task-totals.js';
import { ValueRollups } from '../value-rollup.js';
import { BatchedWrites, OpFailed, type WriteOp, type WriteResult } from '../write/ops.js';
import { Checkpointer } from './checkpointer.js';
import { makeFolders } from './folders.js';
import { SqliteReads } from './reads.js';
import { type BatchOutcome, ROLLUP_GATHER, SqliteWriter } from './writer.js';

const UTC = parseTimeZone('UTC');

/** Pages freed per compaction step (4 MiB with 4 KiB pages). */
const COMPACT_PAGES = 1024;
/**
 * The background step waits for this many new records, or MAINTENANCE_WAIT_MS after a write,
 * whichever comes first (docs/decisions.md, "Deferred work gathered"): a step's fixed costs
 * (two transactions, two fsyncs, a new text-index segment) are then shared by hundreds of
 * records instead of one write batch's few dozen.
 */
const MAINTENANCE_GATHER = 1_000;
const MAINTENANCE_WAIT_MS = 50;
/**
 * Records below ROLLUP_GATHER are folded into the persisted cells once no write has come for
 * this long, so a quiet store's next start recounts nothing (docs/decisions.md, "Persisted
 * cells folded from memory, gathered").
 */
const FOLD_IDLE_MS = 1_000;
/** Records whose JSON text is kept for the next pages that show them (~300 bytes each). */
const RENDERED_ROWS = 5_000;
/** Label sets whose rings are loaded per background tick after start. */
const RING_WARM_STEP = 200;

/**
 * The embedded default: one SQLite file in WAL mode, every acknowledged write fsynced, with the
 * roll-up of its records in memory (docs/decisions.md, "Store design, schema 2"). One process
 * owns a file: the in-memory roll-up must see every write, so a second store on the same file
 * is refused (a lock held for the store's life, released by the OS even after kill -9).
 */
export class SqliteStore extends BatchedWrites implements Store {
  readonly description: string;
  /** Published as part of each commit: "now" is the next id. */
  readonly changes = new ChangeFeed(() => this.nextId());
  private readonly lock: Database;
  private readonly writer: SqliteWriter;
  /** WAL checkpoints in a thread of their own (none for an in-memory database). */
  private readonly checkpointer: Checkpointer | undefined;
  private readonly db: Database;
  private readonly registry = new SeriesRegistry();
  private readonly rollup = new Rollup();
  private readonly recent = new RecentIds();
  /** The JSON text of records read lately (src/store/rendered-rows.ts). */
  private readonly rendered = new RenderedRows(RENDERED_ROWS);
  /** Roll-ups per label value, built on first use (see statsSource.byValue). */
  private readonly values: ValueRollups;
  /** Per-task totals of the tasks counted lately, kept in step with writes (statsSource.taskTotals). */
  private readonly tasks = new TaskTotals();
  private readonly reads: SqliteReads;
  private maintenance: NodeJS.Timeout | undefined;
  private idleFold: NodeJS.Timeout | undefined;
  /** The in-memory cells the writer's fold persists (see SqliteWriter.maintain). */
  private readonly cellsOf = (series: number) => this.rollup.cellsOf(series);
  private warming: NodeJS.Immediate | undefined;
  private closed = false;

  private constructor(file: string) {
    super();
    this.description = `sqlite ${file}`;
    if (file !== ':memory:') makeFolders(dirname(file));
    this.lock = acquireLock(file);
    try {
      this.writer = new SqliteWriter(file);
      this.db = new BetterSqlite3(file);
      this.db.pragma('busy_timeout = 5000');
      // This connection only reads: a mistake in a read path can never write.
      this.db.pragma('query_only = ON');
    } catch (error) {
      this.lock.close();
      throw error;
    }
    this.values = new ValueRollups(this.registry, this.rollup, this.statsSource);
    this.reads = new SqliteReads(this.db, this.registry, this.rollup, this.recent, () => this.writer.watermarks.text);
    this.load();
    // Only once the file has opened and loaded: a failed open leaves no thread behind.
    this.checkpointer = file === ':memory:' ? undefined : this.startCheckpointer(file);
    this.scheduleMaintenance();
    // What start-up recounted above the persisted cells is folded too once the store is quiet.
    this.scheduleIdleFold();
    this.warmRings(1);
  }

  /**
   * The writer checkpoints on its own only past the backstop. If the thread fails, it says so
   * on stderr (the store has no logger) and the writer goes back to SQLite's default.
   */
  private startCheckpointer(file: string): Checkpointer {
    this.writer.db.pragma(`wal_autocheckpoint = ${Checkpointer.WRITER_CHECKPOINT_PAGES}`);
    return new Checkpointer(file, (error) => {
      if (this.closed) return;
      this.writer.db.pragma(`wal_autocheckpoint = ${Checkpointer.SQLITE_DEFAULT_PAGES}`);
      process.emitWarning(`the WAL checkpoint thread stopped (${error.message}); the writer checkpoints by itself`);
    });
  }

  /**
   * Creates or upgrades a file's schema without opening a store: no lock is taken, so it can
   * run beside a server that owns the file (which then finds nothing to do). Returns a description.
   */
  static migrateFile(file: string): string {
    try {
      makeFolders(dirname(file));
      new SqliteWriter(file).close();
      return `sqlite ${file}`;
    } catch (cause) {
      throw new Error(`cannot open the SQLite database ${file}: ${(cause as Error).message}`, { cause });
    }
  }

  /** Opens (creating if needed) the database file; fails with one line naming the file. */
  static open(file: string): SqliteStore {
    try {
      return new SqliteStore(file);
    } catch (cause) {
      throw new Error(`cannot open the SQLite database ${file}: ${(cause as Error).message}`, { cause });
    }
  }

  /** Label sets, persisted cells and zone map, then the records the background step has not folded in yet. */
  private load(): void {
    const labels = this.db.prepare(`SELECT id, ${LABEL_FIELDS.join(', ')} FROM series`).raw();
    for (const [id, ...values] of labels.iterate() as Iterable<[number, ...string[]]>) this.registry.add(id, values);
    // One row per label set, its periods joined by SQLite in order: a row costs more to hand
    // over than its bytes (~148,000 periods of ~21,000 label sets at 10M records).
    const cells = this.db
      .prepare(
        `SELECT series_id, CAST(group_concat(cells, '' ORDER BY period) AS BLOB)
           FROM rollup_cells GROUP BY series_id ORDER BY series_id`,
      )
      .raw();
    for (const [series, blob] of cells.iterate() as Iterable<[number, Buffer]>) {
      this.rollup.load(series, CellList.fromPeriods([blob]));
    }
    const zones = this.db.prepare('SELECT block, min_ts, max_ts FROM zone_map').raw();
    for (const [block, min, max] of zones.iterate() as Iterable<[number, number, number]>) {
      this.rollup.zones.loadBlock(block, min, max);
    }
    const tail = this.db.prepare('SELECT id, series_id, timestamp FROM activity_log WHERE id > ? ORDER BY id').raw();
    for (const [id, series, timestamp] of tail.iterate(this.writer.watermarks.rollup) as Iterable<number[]>) {
      this.rollup.add(series as number, timestamp as number, id as number);
    }
  }

  protected applyBatch(ops: readonly WriteOp[]): WriteResult[] {
    const outcome = this.guard('write', () => this.writer.apply(ops));
    this.applyChanges(outcome, ops);
    this.changes.publish(this.events(ops, outcome));
    this.scheduleMaintenance();
    this.scheduleIdleFold();
    return outcome.results.map((result) =>
      result instanceof OpFailed ? new OpFailed(toStoreError(result.error, 'write')) : result,
    );
  }

  /** Brings the in-memory roll-up up to a committed batch. */
  private applyChanges(outcome: BatchOutcome, ops: readonly WriteOp[]): void {
    for (const [id, labels] of outcome.series) this.registry.add(id, labels);
    for (const change of outcome.changes) {
      if (change.kind === 'wipe') {
        this.rollup.clear();
        this.recent.clear();
        this.rendered.clear();
        this.values.clear();
        this.tasks.clear();
        this.reads.hours.clear();
      } else if (change.kind === 'add') {
        this.rollup.add(change.series, change.timestamp, change.id);
        this.reads.hours.changed(change.timestamp);
        this.recent.add(change.series, change.id);
        this.values.add(change.series, change.timestamp);
        const task = (ops[change.op] as Extract<WriteOp, { kind: 'add' }>).record.task_id;
        if (task !== undefined) this.tasks.add(task, change.series, change.timestamp);
      } else {
        // A removed record's task is not in the commit: every task's totals are read afresh.
        this.tasks.clear();
        this.recent.remove(change.series, change.id);
        this.rendered.delete(change.id);
        this.values.remove(change.series, change.timestamp);
        this.reads.hours.changed(change.timestamp);
        const { hour, targets } = this.rollup.remove(change.series, change.timestamp);
        for (const target of targets) {
          const [from, to] = hourRange(hour);
          const latest = this.reads.latestIn(target, from, to);
          if (latest !== null) this.rollup.setLatest(target, hour, latest);
        }
      }
    }
  }

  /** The committed batch as the change feed tells it: every change in commit (and id) order. */
  private events(ops: readonly WriteOp[], outcome: BatchOutcome): ChangeEvent[] {
    if (this.changes.listening === 0) return [];
    return outcome.changes.map((change): ChangeEvent => {
      if (change.kind === 'wipe') return { kind: 'delete_all' };
      if (change.kind === 'remove') return { kind: 'delete', id: change.id };
      const { record } = ops[change.op] as Extract<WriteOp, { kind: 'add' }>;
      return { kind: 'record', id: change.id, record: orderedRecord({ id: change.id, ...record } as ActivityRecord) };
    });
  }

  /**
   * Runs the writer's background steps between batches until the text index has caught up: at
   * once when MAINTENANCE_GATHER records wait for it (or ROLLUP_GATHER for the persisted cells),
   * else MAINTENANCE_WAIT_MS after the write that scheduled it.
   */
  private scheduleMaintenance(): void {
    if (this.maintenance || this.closed) return;
    let wait = MAINTENANCE_WAIT_MS;
    try {
      const backlog = this.writer.backlog();
      if (backlog.text >= MAINTENANCE_GATHER || backlog.rollup >= ROLLUP_GATHER) wait = 0;
    } catch {
      // Reading the backlog failed: the step itself will find out, later.
    }
    this.maintenance = setTimeout(() => {
      this.maintenance = undefined;
      this.maintainStep(false);
    }, wait);
  }

  /** After FOLD_IDLE_MS without a write, everything not yet in the persisted cells is folded. */
  private scheduleIdleFold(): void {
    if (this.closed) return;
    if (this.idleFold) {
      this.idleFold.refresh();
      return;
    }
    this.idleFold = setTimeout(() => {
      this.idleFold = undefined;
      this.maintainStep(true);
    }, FOLD_IDLE_MS);
  }

  private maintainStep(foldNow: boolean): void {
    if (this.closed) return;
    try {
      if (this.writer.maintain(this.cellsOf, foldNow)) this.scheduleMaintenance();
    } catch {
      // A read-only or full disk: the deferred structures wait; reads stay exact (they scan what is
      // not indexed, and the in-memory cells are authoritative).
    }
  }

  private warmRings(from: number): void {
    this.warming = setImmediate(() => {
      this.warming = undefined;
      if (this.closed) return;
      const next = this.guard('read', () => this.reads.warmRings(from, RING_WARM_STEP));
      if (next < this.registry.bound) this.warmRings(next);
    });
  }

  async list(filter: Filter, page: Page): Promise<ActivityRecord[]> {
    return this.pageRows(filter, page).map((row) => rowToRecord(row, this.labelsOf(row)));
  }

  /**
   * The page as JSON: its ids from the database, each record's text from `rendered` where held,
   * and rows read and rendered only for the others.
   */
  async listJson(filter: Filter, page: Page): Promise<string> {
    return this.guard('read', () => {
      const ids = this.reads.pageIds(filter, page.offset, page.limit, page.beforeId);
      const texts: string[] = new Array(ids.length);
      const missing: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        const text = this.rendered.get(ids[i] as number);
        if (text === undefined) missing.push(i);
        else texts[i] = text;
      }
      if (missing.length > 0) {
        const rows = new Map(this.reads.rowsById(missing.map((i) => ids[i] as number)).map((row) => [row[0], row]));
        for (const i of missing) {
          const id = ids[i] as number;
          const row = rows.get(id) as RecordRow;
          const text = rowToJson(row, this.labelsOf(row));
          this.rendered.set(id, text);
          texts[i] = text;
        }
      }
      return `[${texts.join(',')}]`;
    });
  }

  private pageRows(filter: Filter, page: Page): RecordRow[] {
    return this.guard('read', () => this.reads.page(filter, page.offset, page.limit, page.beforeId));
  }

  async ascending<T>(filter: Filter, afterId: number, limit: number, render: RowRenderer<T>): Promise<T[]> {
    const rows = this.guard('read', () => this.reads.ascending(filter, afterId, limit));
    return rows.map((row) => render(row, this.labelsOf(row)));
  }

  private labelsOf(row: RecordRow) {
    return this.registry.labels(row[1] as number) ?? [];
  }

  async count(filter: Filter): Promise<number> {
    return (await this.stats(filter, { groupBy: [], zone: UTC, limit: 1 })).total;
  }

  async stats(filter: Filter, query: StatsQuery): Promise<StatsResult> {
    try {
      return await computeStats(this.statsSource, filter, this.registry.select(filter), query);
    } catch (cause) {
      throw toStoreError(cause, 'read');
    }
  }

  protected async matchingIds(filter: Filter, limit: number, before: number): Promise<number[]> {
    const ids: number[] = [];
    this.guard('read', () =>
      this.reads.forEach(
        filter,
        (candidate) => {
          ids.push(candidate[0] as number);
          return ids.length < limit;
        },
        before,
      ),
    );
    return ids;
  }

  protected async nextId(): Promise<number> {
    return this.guard('read', () => this.reads.nextId());
  }

  private readonly statsSource: StatsSource = {
    labels: (series) => this.registry.labels(series),
    totals: async (selection, perSeries, visit) => {
      this.forTargets(selection, perSeries, (series) => {
        const count = this.rollup.count(series);
        if (count > 0) visit(series, count, this.rollup.latestOf(series));
      });
    },
    cells: async (selection, perSeries, fromHour, toHour, visit) => {
      this.forTargets(selection, perSeries, (series) => {
        this.rollup.cellsOf(series)?.forEach(fromHour, toHour, (hour, n, last) => visit(series, hour, n, last));
      });
    },
    cellSums: async (selection, perSeries, fromHour, toHour, visit) => {
      this.forTargets(selection, perSeries, (series) => {
        const sum = this.rollup.cellsOf(series)?.sum(fromHour, toHour);
        if (sum && sum.count > 0) visit(series, sum.count, sum.latest);
      });
    },
    records: async (selection, ranges, visit) => {
      for (const [from, to] of ranges) this.reads.recordsBetween(selection, from, to, (s, ts) => visit(s, ts, null));
    },
    rangeTotals: async (selection, perSeries, from, to, visit) =>
      this.reads.totalsBetween(selection, perSeries, from, to, visit),
    matching: async (filter, _selection, visit) => {
      this.reads.forEach(filter, (c) => {
        visit(c[1] as number, c[2] as number, (c[3] as string | null) ?? null);
        return true;
      });
    },
    taskTotals: async (filter, selection, visit) => this.reads.taskTotals(filter, selection, visit, this.tasks),
    byValue: (fields, filter) => this.values.view(fields, filter),
  };

  /**
   * Visits the label sets to read for a selection: ALL stands for every record when no per-set
   * breakdown is needed. A plain loop (this runs for each of ~20,000 label sets per request).
   */
  private forTargets(selection: SeriesSelection, perSeries: boolean, visit: (series: number) => void): void {
    if (!selection.all) for (const id of selection.ids) visit(id);
    else if (!perSeries) visit(ALL);
    else for (let id = ALL + 1; id < this.registry.bound; id++) visit(id);
  }

  /**
   * Bulk load for benchmark data sets: one transaction per call, the same roll-up as `add`,
   * bypassing the per-request promise. Not for request paths. `catchUp` then builds the
   * deferred structures at once.
   */
  importBatch(records: readonly NewRecord[]): void {
    const ops = records.map((record): WriteOp => ({ kind: 'add', record }));
    this.applyChanges(this.writer.apply(ops), ops);
  }

  /**
   * For building benchmark files only: a 1 GiB page cache and no fsync on the writer. Safe
   * only for a file renamed into place after a clean close (a crash leaves it unusable).
   */
  bulkLoadMode(): void {
    this.writer.db.pragma('cache_size = -1048576');
    this.writer.db.pragma('synchronous = OFF');
  }

  /** Runs the background steps until the text index and persisted cells are complete. */
  catchUp(): void {
    while (this.writer.maintain(this.cellsOf, true)) {}
  }

  /** One process owns the file (the lock), so any section is already exclusive. */
  async exclusive(_name: string, work: () => Promise<void>): Promise<boolean> {
    await work();
    return true;
  }

  async compact(): Promise<void> {
    // Small steps between write batches, so no write waits long behind it.
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.closed) return;
      await this.writes.drain();
      if (this.guard('write', () => this.writer.vacuumStep(COMPACT_PAGES)) === 0) return;
    }
  }

  async ping(): Promise<void> {
    this.guard('read', () => this.db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writes.drain();
    if (this.maintenance) clearTimeout(this.maintenance);
    if (this.idleFold) clearTimeout(this.idleFold);
    if (this.warming) clearImmediate(this.warming);
    // Its connection closes first, so the writer's is the last and removes the WAL.
    await this.checkpointer?.stop();
    this.db.close();
    this.writer.close();
    this.lock.close();
  }

  private guard<T>(what: 'read' | 'write', work: () => T): T {
    try {
      return work();
    } catch (cause) {
      throw toStoreError(cause, what);
    }
  }
}

/** Driver errors become StoreError, whose client-facing message holds no internals; domain errors pass. */
function toStoreError(cause: unknown, what: 'read' | 'write'): Error {
  if (cause instanceof AppError) return cause;
  return new StoreError(`the database could not ${what === 'read' ? 'be read' : 'complete the write'}`, { cause });
}

/**
 * An exclusive lock on `<file>.lock` (a one-page SQLite file in exclusive locking mode), held
 * while the store is open. The OS releases it when the process ends, however it ends.
 */
function acquireLock(file: string): Database {
  if (file === ':memory:') return new BetterSqlite3(':memory:');
  const lock = new BetterSqlite3(`${file}.lock`);
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('CREATE TABLE IF NOT EXISTS actlog_lock (pid INTEGER); BEGIN EXCLUSIVE; COMMIT;');
    return lock;
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new Error(
        'it is in use by another actlog process (one server per SQLite file; use PostgreSQL for several)',
      );
    }
    throw error;
  }
}
