import type { Filter, Page } from '../domain/filter.js';
import type { ActivityRecord, NewRecord } from '../domain/record.js';

/**
 * What every backend provides. A store returns values and raises StoreError when it
 * cannot work; it knows nothing of HTTP. A promise that resolves means the change is
 * durable (committed to disk or to the database server).
 */
export interface Store {
  /** Human-readable name for logs and the ready line, e.g. `sqlite ./data/actlog.db`. */
  readonly description: string;
  /** Keeps a record and returns its new id: larger than any id acknowledged before, never reused. */
  add(record: NewRecord): Promise<number>;
  /** Newest first (descending id). */
  list(filter: Filter, page: Page): Promise<ActivityRecord[]>;
  /**
   * The same page as `list`, already as JSON text (an array of records in contract field
   * order, escaped exactly as JSON.stringify would), built by the database: the hot path of
   * `GET /api/v1/activity_log` then creates no object per row.
   */
  listJson(filter: Filter, page: Page): Promise<string>;
  count(filter: Filter): Promise<number>;
  /** `false` when no record has this id. */
  delete(id: number): Promise<boolean>;
  /** Removes every record; the id sequence keeps counting. */
  deleteAll(): Promise<void>;
  /** Resolves when the store can serve requests (used by readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
