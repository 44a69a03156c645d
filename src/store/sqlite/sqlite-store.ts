import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { StoreError } from '../../domain/errors.js';
import type { Filter, Page } from '../../domain/filter.js';
import type { ActivityRecord, NewRecord } from '../../domain/record.js';
import { GroupCommit } from '../group-commit.js';
import { equalities, filterValues, RECORD_COLUMNS, type Shape, shapeOf, whereClause } from '../sql.js';
import type { Store } from '../store.js';
import { migrate } from './schema.js';

type WriteOp = { kind: 'add'; record: NewRecord } | { kind: 'delete'; id: number } | { kind: 'deleteAll' };
type WriteResult = number | boolean | undefined;

const positional = () => '?';

/** The embedded default: one SQLite file in WAL mode, every acknowledged write fsynced. */
export class SqliteStore implements Store {
  readonly description: string;
  private readonly db: Database;
  private readonly writes: GroupCommit<WriteOp, WriteResult>;
  private readonly listStatements = new Map<string, Statement>();
  private readonly countStatements = new Map<string, Statement>();
  private readonly insert: Statement;
  private readonly countUp: Statement;
  private readonly deleteOne: Statement;
  private readonly countDown: Statement;
  private readonly dropEmptyCount: Statement;
  private closed = false;

  private constructor(file: string) {
    this.description = `sqlite ${file}`;
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new BetterSqlite3(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit is fsynced before it returns, so an acknowledged write survives power loss.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);

    this.insert = this.db.prepare(
      `INSERT INTO activity_log (platform, serial, action_type, action_detail, username, timestamp)
       VALUES (@platform, @serial, @action_type, @action_detail, @username, @timestamp)`,
    );
    this.countUp = this.db.prepare(
      `INSERT INTO activity_counts (platform, serial, action_type, n) VALUES (?, ?, ?, 1)
       ON CONFLICT (platform, serial, action_type) DO UPDATE SET n = n + 1`,
    );
    this.deleteOne = this.db.prepare('DELETE FROM activity_log WHERE id = ? RETURNING platform, serial, action_type');
    this.countDown = this.db.prepare(
      'UPDATE activity_counts SET n = n - 1 WHERE platform = ? AND serial = ? AND action_type = ?',
    );
    this.dropEmptyCount = this.db.prepare(
      'DELETE FROM activity_counts WHERE platform = ? AND serial = ? AND action_type = ? AND n <= 0',
    );
    const deleteAllRecords = this.db.prepare('DELETE FROM activity_log');
    const deleteAllCounts = this.db.prepare('DELETE FROM activity_counts');

    const apply = (op: WriteOp): WriteResult => {
      switch (op.kind) {
        case 'add': {
          const { platform, serial, action_type } = op.record;
          const id = Number(this.insert.run(op.record).lastInsertRowid);
          this.countUp.run(platform, serial, action_type);
          return id;
        }
        case 'delete': {
          const row = this.deleteOne.get(op.id) as Pick<NewRecord, 'platform' | 'serial' | 'action_type'> | undefined;
          if (!row) return false;
          this.countDown.run(row.platform, row.serial, row.action_type);
          this.dropEmptyCount.run(row.platform, row.serial, row.action_type);
          return true;
        }
        case 'deleteAll':
          deleteAllRecords.run();
          deleteAllCounts.run();
          return undefined;
      }
    };
    const applyAll = this.db.transaction((ops: WriteOp[]) => ops.map(apply));
    this.writes = new GroupCommit((ops) => this.guard('write', () => applyAll.immediate(ops)));
  }

  static open(file: string): SqliteStore {
    return new SqliteStore(file);
  }

  async add(record: NewRecord): Promise<number> {
    return (await this.writes.submit({ kind: 'add', record })) as number;
  }

  async delete(id: number): Promise<boolean> {
    return (await this.writes.submit({ kind: 'delete', id })) as boolean;
  }

  async deleteAll(): Promise<void> {
    await this.writes.submit({ kind: 'deleteAll' });
  }

  async list(filter: Filter, page: Page): Promise<ActivityRecord[]> {
    const shape = shapeOf(filter);
    const withCursor = page.beforeId !== undefined;
    const key = `${shape.key}:${withCursor}`;
    let statement = this.listStatements.get(key);
    if (!statement) {
      statement = this.db.prepare(listSql(shape, withCursor));
      this.listStatements.set(key, statement);
    }
    const params: (string | number)[] = filterValues(shape, filter);
    if (withCursor) params.push(page.beforeId as number);
    params.push(page.limit, page.offset);
    const bound = statement;
    return this.guard('read', () => bound.all(...params) as ActivityRecord[]);
  }

  async count(filter: Filter): Promise<number> {
    const shape = shapeOf(filter);
    let statement = this.countStatements.get(shape.key);
    if (!statement) {
      statement = this.db.prepare(
        `SELECT coalesce(sum(n), 0) FROM activity_counts ${whereClause(equalities(shape.fields, positional))}`,
      );
      statement.pluck();
      this.countStatements.set(shape.key, statement);
    }
    const bound = statement;
    return this.guard('read', () => bound.get(...filterValues(shape, filter)) as number);
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

/** Newest first, from the index on exactly the filtered columns, so no sort is needed. */
function listSql(shape: Shape, withCursor: boolean): string {
  const conditions = equalities(shape.fields, positional);
  if (withCursor) conditions.push('id < ?');
  const index = shape.key ? `INDEXED BY activity_log_by_${shape.key}` : '';
  return `SELECT ${RECORD_COLUMNS} FROM activity_log ${index} ${whereClause(conditions)} ORDER BY id DESC LIMIT ? OFFSET ?`;
}
