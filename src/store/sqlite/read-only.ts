import BetterSqlite3 from 'better-sqlite3';
import { LABEL_FIELDS } from '../../domain/fields.js';
import type { Filter } from '../../domain/filter.js';
import type { Labels } from '../series.js';
import { type RecordRow, ROW_SELECT } from '../sql/records.js';
import type { RowRenderer } from '../store.js';

/**
 * Records of a SQLite file read on a plain read-only connection, without the store (and its
 * lock): for `actlog prune --dry-run` beside a running server. Only the time range of a filter
 * is honoured (that is what retention asks), by a walk of the primary key.
 */
export class SqliteRecordReader {
  private readonly db: BetterSqlite3.Database;
  private readonly labels = new Map<number, Labels>();

  constructor(file: string) {
    this.db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const rows = this.db
      .prepare(`SELECT id, ${LABEL_FIELDS.join(', ')} FROM series`)
      .raw()
      .all() as [number, ...string[]][];
    for (const [id, ...labels] of rows) this.labels.set(id, labels);
  }

  async ascending<T>(filter: Filter, afterId: number, limit: number, render: RowRenderer<T>): Promise<T[]> {
    const rows = this.db
      .prepare(
        `SELECT ${ROW_SELECT} FROM activity_log WHERE id > ? AND timestamp >= ? AND timestamp < ? ORDER BY id LIMIT ?`,
      )
      .raw()
      .all(afterId, filter.since ?? 0, filter.until ?? Number.MAX_SAFE_INTEGER + 1, limit) as RecordRow[];
    return rows.map((row) => render(row, this.labels.get(row[1] as number) ?? []));
  }

  close(): void {
    this.db.close();
  }
}
