import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { LABEL_FIELDS } from '../../domain/fields.js';
import { CellList, hourOf, hourRange, periodOf } from '../cells.js';
import { ALL, ZONE_BLOCK } from '../rollup.js';
import { type Labels, labelKey, labelsOf } from '../series.js';
import { INSERT_COLUMNS, insertValues } from '../sql/records.js';
import { type AddOutcome, OpFailed, type WriteOp, type WriteResult } from '../write/ops.js';
import { LATEST_IN_OF_SQL, LATEST_IN_SQL, migrate } from './schema.js';

/** A change the main thread applies to its in-memory roll-up after the commit, in order. */
export type Change =
  | { kind: 'add'; id: number; series: number; timestamp: number; op: number }
  | { kind: 'remove'; id: number; series: number; timestamp: number }
  | { kind: 'wipe' };

export interface BatchOutcome {
  results: WriteResult[];
  changes: Change[];
  /** Label sets created by this batch, to register. */
  series: [number, Labels][];
}

/** An op's own failure inside a plain run: the batch is retried with each op isolated. */
class OpError extends Error {
  constructor(readonly error: unknown) {
    super('an op failed');
  }
}

/**
 * SQLite refused this statement for this op's data (a constraint, a trigger's RAISE); the
 * database itself is fine. Disk, I/O, lock and corruption errors fail the whole batch.
 */
const isOpFailure = (error: unknown) => {
  const code = (error as { code?: string }).code ?? '';
  return (
    code.startsWith('SQLITE_CONSTRAINT') ||
    code === 'SQLITE_MISMATCH' ||
    code === 'SQLITE_TOOBIG' ||
    code === 'SQLITE_ERROR'
  );
};

/** Records indexed for text per background step. */
const TEXT_STEP = 2_000;
/**
 * Records gathered before they are folded into the persisted cells, unless the store says the
 * writer is idle (docs/decisions.md, "Persisted cells folded from memory, gathered"). A fold
 * rewrites one cell blob per label set and period its records touch: ~950 for 1,000 records
 * at 10M, ~11,000 for 20,000. Start-up recounts at most this many records more.
 */
export const ROLLUP_GATHER = 20_000;

/** A label set's cells (or ALL's) as the store holds them in memory: every committed record. */
export type CellsOf = (series: number) => CellList | undefined;

export interface Watermarks {
  /** Records up to this id are in the text index. */
  text: number;
  /** Records up to this id are in the persisted cells and zone map. */
  rollup: number;
}

/**
 * The write side of the SQLite store: its own connection, every write transaction, and the
 * background step that keeps the deferred structures (the text index, the persisted hour cells
 * and the zone map) up to date in large batches (docs/decisions.md, "Store design, schema 2").
 */
export class SqliteWriter {
  readonly db: Database;
  private readonly series = new Map<string, number>();
  private readonly statements: ReturnType<typeof prepare>;
  watermarks: Watermarks;

  constructor(file: string) {
    this.db = new BetterSqlite3(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit is fsynced before it returns, so an acknowledged write survives power loss.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    // A new file returns the space of deleted records in steps (compact); it can only be set
    // before the first table exists. Older files reuse freed pages for new records instead.
    if (this.db.prepare('SELECT count(*) FROM sqlite_master').pluck().get() === 0) {
      this.db.pragma('auto_vacuum = INCREMENTAL');
    }
    migrate(this.db);
    this.statements = prepare(this.db);
    for (const row of this.db
      .prepare(`SELECT id, ${LABEL_FIELDS.join(', ')} FROM series`)
      .raw()
      .all() as unknown[][]) {
      this.series.set(labelKey(row.slice(1) as string[]), row[0] as number);
    }
    this.watermarks = this.readWatermarks();
  }

  /**
   * Applies a batch in one transaction; throws (and commits nothing) if the transaction itself
   * fails. An op that fails on its own (the database refused it) is answered with OpFailed and
   * the rest commits: the batch is first tried plainly, and only if an op throws is it run
   * again with a savepoint around each op, so the common case pays nothing for the isolation.
   */
  apply(ops: readonly WriteOp[]): BatchOutcome {
    try {
      return this.run(ops, false);
    } catch (error) {
      if (error instanceof OpError) return this.run(ops, true);
      throw error;
    }
  }

  private run(ops: readonly WriteOp[], isolate: boolean): BatchOutcome {
    const created: [number, Labels][] = [];
    try {
      return this.db
        .transaction(() => {
          const changes: Change[] = [];
          const results = ops.map((op, index) =>
            isolate ? this.isolated(op, index, changes, created) : this.plain(op, index, changes, created),
          );
          return { results, changes, series: created };
        })
        .immediate();
    } catch (error) {
      // The transaction rolled back: forget the label sets it had created.
      for (const [, labels] of created) this.series.delete(labelKey(labels));
      throw error;
    }
  }

  /** An op outside a savepoint: a failure of the op itself is marked, to retry the batch isolated. */
  private plain(op: WriteOp, index: number, changes: Change[], created: [number, Labels][]): WriteResult {
    try {
      return this.applyOne(op, index, changes, created);
    } catch (error) {
      throw isOpFailure(error) ? new OpError(error) : error;
    }
  }

  /**
   * One op in its own savepoint: if it fails, it alone is rolled back and answered with the
   * failure, and the rest of the batch (other clients' requests) still commits.
   */
  private isolated(op: WriteOp, index: number, changes: Change[], created: [number, Labels][]): WriteResult {
    const s = this.statements;
    const ownChanges: Change[] = [];
    const ownSeries: [number, Labels][] = [];
    s.savepoint.run();
    try {
      const result = this.applyOne(op, index, ownChanges, ownSeries);
      s.release.run();
      changes.push(...ownChanges);
      created.push(...ownSeries);
      return result;
    } catch (error) {
      s.rollbackTo.run();
      s.release.run();
      for (const [, labels] of ownSeries) this.series.delete(labelKey(labels));
      return new OpFailed(error);
    }
  }

  private applyOne(op: WriteOp, index: number, changes: Change[], created: [number, Labels][]): WriteResult {
    const s = this.statements;
    switch (op.kind) {
      case 'add': {
        const series = this.seriesOf(labelsOf(op.record), created);
        const info = s.insert.run(...insertValues(op.record, series));
        if (info.changes === 0) {
          // The event_id is taken: the first write wins, this one is a duplicate.
          return { id: s.byEvent.get(op.record.event_id) as number, duplicate: true } satisfies AddOutcome;
        }
        const id = Number(info.lastInsertRowid);
        changes.push({ kind: 'add', id, series, timestamp: op.record.timestamp, op: index });
        return { id, duplicate: false } satisfies AddOutcome;
      }
      case 'delete':
        return this.deleteOne(op.id, changes);
      case 'deleteIds':
        return this.deleteMany(op.ids, changes);
      case 'deleteAll':
        s.deleteAll.run();
        s.textDeleteAll.run();
        s.cellsDeleteAll.run();
        s.zonesDeleteAll.run();
        changes.push({ kind: 'wipe' });
        return undefined;
    }
  }

  private deleteOne(id: number, changes: Change[]): boolean {
    return this.deleteMany([id], changes) === 1;
  }

  /**
   * Deletes records and takes them out of the text index and the persisted cells in the same
   * transaction. Cells are rewritten once per label set and period touched, not once per record:
   * a prune step deletes hundreds of neighbouring records, which share a few cell blobs.
   */
  private deleteMany(ids: readonly number[], changes: Change[]): number {
    const s = this.statements;
    const uncounted = new Map<string, { series: number; period: number; timestamps: number[] }>();
    let deleted = 0;
    for (const id of ids) {
      const row = s.deleteOne.get(id) as [number, number, string, string | null] | undefined;
      if (!row) continue;
      deleted++;
      const [series, timestamp, detail, error] = row;
      if (id <= this.watermarks.text) s.textDelete.run(id, detail, error);
      if (id <= this.watermarks.rollup) {
        // The persisted cells include this record: take it out below, in the same transaction.
        const period = periodOf(hourOf(timestamp));
        for (const target of [series, ALL]) {
          const key = `${target}:${period}`;
          const entry = uncounted.get(key);
          if (entry) entry.timestamps.push(timestamp);
          else uncounted.set(key, { series: target, period, timestamps: [timestamp] });
        }
      }
      changes.push({ kind: 'remove', id, series, timestamp });
    }
    for (const { series, period, timestamps } of uncounted.values()) this.uncount(series, period, timestamps);
    return deleted;
  }

  /** Uncounts deleted records of one label set (or ALL) and period; re-reads an hour's latest if it went. */
  private uncount(series: number, period: number, timestamps: readonly number[]): void {
    const s = this.statements;
    const blob = s.cellsGet.get(series, period) as Buffer | undefined;
    if (!blob) return;
    const cells = CellList.fromPeriods([blob]);
    const stale = new Set<number>();
    for (const timestamp of timestamps) if (cells.remove(timestamp)) stale.add(hourOf(timestamp));
    for (const hour of stale) {
      if (cells.countIn(hour) === 0) continue;
      const [from, to] = hourRange(hour);
      const latest = (series === ALL ? s.latestInHour.get(from, to) : s.latestInHourOf.get(from, to, series)) as
        | number
        | null;
      if (latest !== null) cells.setLatest(hour, latest);
    }
    const bytes = cells.periodBytes(period);
    if (bytes) s.cellsPut.run(series, period, bytes);
    else s.cellsDelete.run(series, period);
  }

  private seriesOf(labels: Labels, created: [number, Labels][]): number {
    const key = labelKey(labels);
    let id = this.series.get(key);
    if (id === undefined) {
      id = Number(this.statements.insertSeries.run(...labels).lastInsertRowid);
      this.series.set(key, id);
      created.push([id, labels]);
    }
    return id;
  }

  /**
   * One step of deferred work, each part in its own short transaction: the next records into
   * the text index, and, once ROLLUP_GATHER records wait or when `foldNow` (the store has been
   * quiet, or catches up in bulk), every record not yet folded into the persisted cells. Returns true while text
   * remains to index.
   */
  maintain(cellsOf: CellsOf, foldNow = false): boolean {
    const newest = this.newest();
    const { text, rollup } = this.watermarks;
    if (text < newest) this.indexText(text, Math.min(newest, text + TEXT_STEP));
    if (rollup < newest && (foldNow || newest - rollup >= ROLLUP_GATHER)) this.foldRollup(rollup, newest, cellsOf);
    return this.watermarks.text < newest;
  }

  /** Records not yet in the text index, and not yet in the persisted cells. */
  backlog(): { text: number; rollup: number } {
    const newest = this.newest();
    return { text: Math.max(0, newest - this.watermarks.text), rollup: Math.max(0, newest - this.watermarks.rollup) };
  }

  private newest(): number {
    return (this.statements.newest.get() as number | null) ?? 0;
  }

  private indexText(from: number, to: number): void {
    const s = this.statements;
    this.db
      .transaction(() => {
        s.textIndex.run(from, to);
        s.setWatermark.run(to, 'text');
      })
      .immediate();
    this.watermarks.text = to;
  }

  /**
   * Folds the records in (from, to] into the persisted cells and zone map. `to` is the newest
   * id, so the store's in-memory cells (every committed record, deletes applied) are exactly
   * what each touched period must hold: the fold writes their bytes and reads no old blob.
   * Periods no record of the range touches already hold what memory holds for them.
   */
  private foldRollup(from: number, to: number, cellsOf: CellsOf): void {
    const s = this.statements;
    this.db
      .transaction(() => {
        const touched = new Map<number, Set<number>>();
        const zones = new Map<number, [number, number]>();
        for (const [id, series, timestamp] of s.recordsBetween.iterate(from, to) as Iterable<
          [number, number, number]
        >) {
          const period = periodOf(hourOf(timestamp));
          for (const target of [series, ALL]) {
            const periods = touched.get(target);
            if (periods) periods.add(period);
            else touched.set(target, new Set([period]));
          }
          const block = Math.floor(id / ZONE_BLOCK);
          const zone = zones.get(block);
          if (!zone) zones.set(block, [timestamp, timestamp]);
          else {
            if (timestamp < zone[0]) zone[0] = timestamp;
            if (timestamp > zone[1]) zone[1] = timestamp;
          }
        }
        for (const [series, periods] of touched) {
          const cells = cellsOf(series);
          for (const period of periods) {
            const bytes = cells?.periodBytes(period);
            if (bytes) s.cellsPut.run(series, period, bytes);
            else s.cellsDelete.run(series, period);
          }
        }
        for (const [block, [min, max]] of zones) s.zonePut.run(block, min, max);
        s.setWatermark.run(to, 'rollup');
      })
      .immediate();
    this.watermarks.rollup = to;
  }

  /** Frees up to `pages` pages at the end of the file; returns how many free pages remain. */
  vacuumStep(pages: number): number {
    if (this.db.pragma('auto_vacuum', { simple: true }) !== 2) return 0;
    this.db.pragma(`incremental_vacuum(${pages})`);
    return this.db.pragma('freelist_count', { simple: true }) as number;
  }

  private readWatermarks(): Watermarks {
    const rows = this.db.prepare('SELECT name, id FROM watermarks').raw().all() as [string, number][];
    const map = new Map(rows);
    return { text: map.get('text') ?? 0, rollup: map.get('rollup') ?? 0 };
  }

  close(): void {
    this.db.close();
  }
}

function prepare(db: Database) {
  const one = (sql: string): Statement => db.prepare(sql);
  const pluck = (sql: string): Statement => db.prepare(sql).pluck();
  return {
    insertSeries: one(
      `INSERT INTO series (${LABEL_FIELDS.join(', ')}) VALUES (${LABEL_FIELDS.map(() => '?').join(', ')})`,
    ),
    // A repeated event_id inserts nothing (the partial unique index): the caller looks up the first.
    insert: one(
      `INSERT INTO activity_log (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT (event_id) WHERE event_id IS NOT NULL DO NOTHING`,
    ),
    byEvent: pluck('SELECT id FROM activity_log WHERE event_id = ?'),
    deleteOne: one('DELETE FROM activity_log WHERE id = ? RETURNING series_id, timestamp, action_detail, error').raw(),
    deleteAll: one('DELETE FROM activity_log'),
    textDelete: one(
      "INSERT INTO activity_text (activity_text, rowid, action_detail, error) VALUES ('delete', ?, ?, ?)",
    ),
    textDeleteAll: one("INSERT INTO activity_text (activity_text) VALUES ('delete-all')"),
    textIndex: one(
      `INSERT INTO activity_text (rowid, action_detail, error)
       SELECT id, action_detail, error FROM activity_log WHERE id > ? AND id <= ? ORDER BY id`,
    ),
    newest: pluck('SELECT max(id) FROM activity_log'),
    recordsBetween: one('SELECT id, series_id, timestamp FROM activity_log WHERE id > ? AND id <= ?').raw(),
    cellsGet: pluck('SELECT cells FROM rollup_cells WHERE series_id = ? AND period = ?'),
    cellsPut: one('INSERT OR REPLACE INTO rollup_cells (series_id, period, cells) VALUES (?, ?, ?)'),
    cellsDelete: one('DELETE FROM rollup_cells WHERE series_id = ? AND period = ?'),
    cellsDeleteAll: one('DELETE FROM rollup_cells'),
    latestInHour: pluck(LATEST_IN_SQL),
    latestInHourOf: pluck(LATEST_IN_OF_SQL),
    zonePut: one(
      `INSERT INTO zone_map (block, min_ts, max_ts) VALUES (?, ?, ?)
       ON CONFLICT (block) DO UPDATE SET min_ts = min(min_ts, excluded.min_ts), max_ts = max(max_ts, excluded.max_ts)`,
    ),
    zonesDeleteAll: one('DELETE FROM zone_map'),
    savepoint: one('SAVEPOINT op'),
    release: one('RELEASE op'),
    rollbackTo: one('ROLLBACK TO op'),
    setWatermark: one('UPDATE watermarks SET id = ? WHERE name = ?'),
  };
}
