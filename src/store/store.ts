import type { ActivityRecord, NewRecord } from '../domain/fields.js';
import type { Filter, Page } from '../domain/filter.js';
import type { StatsQuery, StatsResult } from '../domain/stats.js';
import type { ChangeFeed } from './changes.js';
import type { Labels } from './series.js';
import type { RecordRow } from './sql/records.js';
import type { AddOutcome } from './write/ops.js';

export type { AddOutcome } from './write/ops.js';

/** Turns a stored row and its label set into what a caller wants (an object, JSON text, a CSV row). */
export type RowRenderer<T> = (row: RecordRow, labels: Labels) => T;

/**
 * What every backend provides. A store returns values and raises StoreError when it
 * cannot work; it knows nothing of HTTP. A promise that resolves means the change is
 * durable (committed to disk or to the database server).
 */
export interface Store {
  /** Human-readable name for logs and the ready line, e.g. `sqlite ./data/actlog.db`. */
  readonly description: string;
  /** What committed writes changed, in commit order (the live tail's source). */
  readonly changes: ChangeFeed;
  /**
   * Keeps a record and returns its new id: larger than any id acknowledged before, never reused.
   * A record whose event_id is already taken adds nothing: the first record's id, `duplicate`.
   */
  add(record: NewRecord): Promise<AddOutcome>;
  /** Newest first (descending id). */
  list(filter: Filter, page: Page): Promise<ActivityRecord[]>;
  /**
   * The same page as `list`, already as JSON text (an array of records in field order,
   * escaped exactly as JSON.stringify would), without an object per row.
   */
  listJson(filter: Filter, page: Page): Promise<string>;
  count(filter: Filter): Promise<number>;
  /**
   * Matching records with an id above `afterId`, oldest first, at most `limit`, each rendered
   * by `render` from its row and label set (export and the live tail's replay read this way).
   */
  ascending<T>(filter: Filter, afterId: number, limit: number, render: RowRenderer<T>): Promise<T[]>;
  /** Statistics of extensions §4; `total` equals `count(filter)`. */
  stats(filter: Filter, query: StatsQuery): Promise<StatsResult>;
  /** `false` when no record has this id. */
  delete(id: number): Promise<boolean>;
  /**
   * Deletes the records that match and existed when the call began, in bounded steps between
   * other writes; returns how many went.
   */
  deleteMatching(filter: Filter): Promise<number>;
  /** Removes every record; the id sequence keeps counting. */
  deleteAll(): Promise<void>;
  /** Deletes these ids (those that still exist) in one write transaction; returns how many went. */
  deleteIds(ids: readonly number[]): Promise<number>;
  /**
   * Runs `work` unless another holder of `name` is running it (on PostgreSQL: across every
   * instance, with an advisory lock); returns false when it was not run.
   */
  exclusive(name: string, work: () => Promise<void>): Promise<boolean>;
  /** Gives space freed by deletes back in small steps (SQLite's incremental vacuum; a no-op where the database does it). */
  compact(): Promise<void>;
  /** Resolves when the store can serve requests (used by readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
