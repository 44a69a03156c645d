import { dirname } from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { StoreError } from '../../domain/errors.js';
import type { Filter, Page } from '../../domain/filter.js';
import type { ActivityRecord, NewRecord } from '../../domain/record.js';
import { BatchedWrites, type WriteOp, type WriteResult } from '../batched-writes.js';
import { CountDeltas, type CountKey, countKeyOf } from '../count-rollup.js';
import {
  equalities,
  pageKey,
  pageParams,
  RECORD_COLUMNS,
  RECORD_FIELDS,
  type Shape,
  shapeOf,
  whereClause,
} from '../sql.js';
import type { Store } from '../store.js';
import { CountCache } from './count-cache.js';
import { makeFolders } from './folders.js';
import { migrate } from './schema.js';

const positional = () => '?';

export interface SqliteStoreOptions {
  /** How soon counts notice writes by another connection to the file (default EXTERNAL_WRITE_CHECK_MS). */
  externalWriteCheckMs?: number;
}

/** The embedded default: one SQLite file in WAL mode, every acknowledged write fsynced. */
export class SqliteStore extends BatchedWrites implements Store {
  readonly description: string;
  private readonly db: Database;
  private readonly listStatements = new Map<string, Statement>();
  private readonly countOne: Statement;
  private readonly commit: (ops: readonly WriteOp[]) => WriteResult[];
  private readonly counts: CountCache;
  private closed = false;

  private constructor(file: string, options: SqliteStoreOptions) {
    super();
    this.description = `sqlite ${file}`;
    if (file !== ':memory:') makeFolders(dirname(file));
    this.db = new BetterSqlite3(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit is fsynced before it returns, so an acknowledged write survives power loss.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);

    const insert = this.db.prepare(
      `INSERT INTO activity_log (platform, serial, action_type, action_detail, username, timestamp)
       VALUES (@platform, @serial, @action_type, @action_detail, @username, @timestamp)`,
    );
    const deleteOne = this.db.prepare('DELETE FROM activity_log WHERE id = ? RETURNING platform, serial, action_type');
    const deleteAllRecords = this.db.prepare('DELETE FROM activity_log');
    const deleteAllCounts = this.db.prepare('DELETE FROM activity_counts');
    const changeCount = this.db.prepare(
      `INSERT INTO activity_counts (platform, serial, action_type, n) VALUES (?, ?, ?, ?)
       ON CONFLICT (platform, serial, action_type) DO UPDATE SET n = n + excluded.n`,
    );
    this.countOne = this.db.prepare(
      'SELECT n FROM activity_counts WHERE platform = ? AND serial = ? AND action_type = ?',
    );
    this.countOne.pluck();

    const deltas = new CountDeltas();
    let wiped = false;
    const apply = (op: WriteOp): WriteResult => {
      switch (op.kind) {
        case 'add': {
          const id = Number(insert.run(op.record).lastInsertRowid);
          deltas.record(op.record, 1);
          return id;
        }
        case 'delete': {
          const row = deleteOne.get(op.id) as Pick<NewRecord, 'platform' | 'serial' | 'action_type'> | undefined;
          if (row) deltas.record(row, -1);
          return row !== undefined;
        }
        case 'deleteAll':
          deleteAllRecords.run();
          deleteAllCounts.run();
          deltas.clear(); // earlier changes in this batch were wiped with the rest
          wiped = true;
          return undefined;
      }
    };
    let changes: { key: CountKey; delta: number }[] = [];
    const applyBatch = this.db.transaction((ops: readonly WriteOp[]) => {
      deltas.clear();
      wiped = false;
      const results = ops.map(apply);
      changes = deltas.changes();
      for (const { key, delta } of changes) changeCount.run(...key, delta);
      return results;
    });
    const dataVersion = this.db.prepare('PRAGMA data_version').pluck();
    this.counts = new CountCache(() => dataVersion.get() as number, options.externalWriteCheckMs);
    // Only a committed batch reaches the cache: a failed one throws before `apply`.
    this.commit = (ops) => {
      const results = this.guard('write', () => applyBatch.immediate(ops));
      this.counts.apply(changes, wiped);
      return results;
    };
  }

  protected applyBatch(ops: readonly WriteOp[]): WriteResult[] {
    return this.commit(ops);
  }

  /** Opens (creating if needed) the database file; fails with one line naming the file. */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteStore {
    try {
      return new SqliteStore(file, options);
    } catch (cause) {
      throw new Error(`cannot open the SQLite database ${file}: ${(cause as Error).message}`, { cause });
    }
  }

  async list(filter: Filter, page: Page): Promise<ActivityRecord[]> {
    return this.page(filter, page, false) as ActivityRecord[];
  }

  async listJson(filter: Filter, page: Page): Promise<string> {
    return this.page(filter, page, true) as string;
  }

  private page(filter: Filter, page: Page, json: boolean): unknown {
    const shape = shapeOf(filter);
    const key = pageKey(shape, page, json);
    let statement = this.listStatements.get(key);
    if (!statement) {
      statement = this.db.prepare(listSql(shape, page.beforeId !== undefined, json));
      if (json) statement.pluck();
      this.listStatements.set(key, statement);
    }
    const bound = statement;
    const params = pageParams(shape, filter, page);
    return this.guard('read', () => (json ? bound.get(...params) : bound.all(...params)));
  }

  async count(filter: Filter): Promise<number> {
    const key = countKeyOf(filter);
    return this.guard('read', () => this.counts.get(key, () => (this.countOne.get(...key) as number | undefined) ?? 0));
  }

  /**
   * Bulk load for imports and benchmark data sets: one transaction, same counts as
   * `add`, bypassing the per-request promise. Not for request paths.
   */
  importBatch(records: readonly NewRecord[]): void {
    this.commit(records.map((record) => ({ kind: 'add', record })));
  }

  async ping(): Promise<void> {
    this.guard('read', () => this.db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writes.drain();
    this.db.close();
  }

  /** Turns driver errors into StoreError, whose client-facing message holds no internals. */
  private guard<T>(what: 'read' | 'write', work: () => T): T {
    try {
      return work();
    } catch (cause) {
      throw new StoreError(`the database could not ${what === 'read' ? 'be read' : 'complete the write'}`, { cause });
    }
  }
}

/**
 * Newest first, from the index on exactly the filtered columns, so no sort is needed.
 * As JSON, SQLite builds the array text itself (json_object keeps the key order given).
 */
function listSql(shape: Shape, withCursor: boolean, json: boolean): string {
  const conditions = equalities(shape.fields, positional);
  if (withCursor) conditions.push('id < ?');
  const index = shape.key ? `INDEXED BY activity_log_by_${shape.key}` : '';
  const rows = `SELECT ${RECORD_COLUMNS} FROM activity_log ${index} ${whereClause(conditions)} ORDER BY id DESC LIMIT ? OFFSET ?`;
  if (!json) return rows;
  const object = RECORD_FIELDS.map((field) => `'${field}', ${field}`).join(', ');
  return `SELECT json_group_array(json_object(${object}) ORDER BY id DESC) FROM (${rows})`;
}
