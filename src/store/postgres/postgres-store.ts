import { randomInt } from 'node:crypto';
import type { ActivityRecord } from '../../domain/fields.js';
import type { Filter, Page } from '../../domain/filter.js';
import type { StatsQuery, StatsResult } from '../../domain/stats.js';
import { parseTimeZone } from '../../domain/time-zone.js';
import type { ChangeFeed } from '../changes.js';
import type { Labels } from '../series.js';
import { type RecordRow, ROW_SELECT, rowToJson, rowToRecord } from '../sql/records.js';
import { computeStats } from '../stats.js';
import type { RowRenderer, Store } from '../store.js';
import { BatchedWrites, type WriteOp, type WriteResult } from '../write/ops.js';
import { createPool, type Deadline, redactUrl, type Sql, UNPARSABLE_URL, values, withDeadline } from './connection.js';
import {
  connectFailureReason,
  isLoginRefused,
  isLostConnection,
  isMissingDatabase,
  isUnreachable,
  toStoreError,
} from './errors.js';
import { PostgresFeed } from './feed.js';
import { KnownSeries } from './known-series.js';
import { PostgresReads } from './reads.js';
import { migrate } from './schema.js';
import { PostgresWriter } from './writes.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (query parameters become connection parameters). */
  url: string;
  /** Tables live in this schema (created if missing) instead of the search_path's default. */
  schema?: string;
  /** Most connections open at once (default 10). */
  poolSize?: number;
  /** How long one connection attempt may take (default 5 s). */
  connectTimeoutSeconds?: number;
  /** Server-side limit on any one statement (default 10 s). */
  statementTimeoutMs?: number;
}

const UTC = parseTimeZone('UTC');
/** Shards of the roll-up: each instance writes one, so instances rarely wait for each other's rows. */
const SHARDS = 16;

/**
 * PostgreSQL, for several actlog instances sharing one database or for operators who already
 * run it. The same model as the SQLite store (label sets, hour cells, the same page planner),
 * with the aggregates in tables kept in the writing transaction, since no single process sees
 * every write, and PostgreSQL's own indexes where it has better ones (BRIN for time, GIN
 * pg_trgm for text). See docs/decisions.md, "Store design, schema 2". This class bounds every
 * operation (guard) and hands it to its part: writes.ts, reads.ts, feed.ts.
 */
export class PostgresStore extends BatchedWrites implements Store {
  readonly description: string;
  private closing: Promise<void> | null = null;
  private readonly series: KnownSeries;
  private readonly feed: PostgresFeed;
  private readonly reads: PostgresReads;
  private readonly writer: PostgresWriter;

  private constructor(
    private readonly sql: Sql,
    description: string,
    /** Client-side bound on any operation, for when the server or network stops answering. */
    private readonly deadlineMs: number,
    /** The LISTEN/NOTIFY channel of this database schema; its name also keys the write-order lock. */
    private readonly channel: string,
  ) {
    super();
    this.description = description;
    this.series = new KnownSeries(sql);
    this.feed = new PostgresFeed(sql, this.series, channel, () => this.nextId());
    this.reads = new PostgresReads(sql, this.series);
    this.writer = new PostgresWriter(this.series, channel, randomInt(SHARDS));
  }

  get changes(): ChangeFeed {
    return this.feed.changes;
  }

  /**
   * Connects, creates or upgrades the schema, and returns a ready store. Throws an Error
   * with one line, `cannot reach PostgreSQL at <url>: <reason>`, when the server cannot be used.
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const target = redactUrl(options.url);
    const connectTimeoutSeconds = options.connectTimeoutSeconds ?? 5;
    const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
    const poolSize = options.poolSize ?? 10;
    if (!Number.isInteger(poolSize) || poolSize < 1)
      throw new Error('PostgreSQL pool size must be a whole number of at least 1');

    let sql: Sql;
    try {
      sql = createPool({ ...options, poolSize, connectTimeoutSeconds, statementTimeoutMs });
    } catch (error) {
      const shown = target === UNPARSABLE_URL ? '' : ` ${target}`;
      throw new Error(
        `invalid PostgreSQL URL${shown} (expected postgres://user:password@host:port/database): ${connectFailureReason(error, connectTimeoutSeconds)}`,
      );
    }
    // A deadline also covers a server that accepts connections but never answers.
    const connectDeadlineMs = connectTimeoutSeconds * 1000 + 1000;
    try {
      await withDeadline(sql`SELECT 1`, connectDeadlineMs, { expired: false });
    } catch (error) {
      await sql.end({ timeout: 0 }).catch(() => {});
      const reason = connectFailureReason(error, connectTimeoutSeconds);
      throw new Error(
        isLoginRefused(error)
          ? `PostgreSQL at ${target} refused the login: ${reason}; check the user name and password in the URL`
          : isMissingDatabase(error)
            ? `PostgreSQL at ${target} has no such database: ${reason}; create it first (createdb) or name another in the URL`
            : `cannot reach PostgreSQL at ${target}: ${reason}`,
      );
    }
    try {
      await migrate(sql, options.schema);
    } catch (error) {
      await sql.end({ timeout: 0 }).catch(() => {});
      const reason = connectFailureReason(error, connectTimeoutSeconds);
      throw new Error(
        isUnreachable(error)
          ? `cannot reach PostgreSQL at ${target}: ${reason}`
          : `cannot prepare the actlog tables in PostgreSQL at ${target}: ${reason}`,
      );
    }
    const description = `postgres ${target}${options.schema === undefined ? '' : ` (schema ${options.schema})`}`;
    const [{ schema }] = (await sql`SELECT current_schema() AS schema`) as unknown as [{ schema: string }];
    const store = new PostgresStore(
      sql,
      description,
      connectTimeoutSeconds * 1000 + statementTimeoutMs + 2000,
      `actlog_changes:${schema}`,
    );
    try {
      await store.guard('read', () => store.series.refresh());
      await store.guard('read', () => store.feed.listen());
    } catch (error) {
      await sql.end({ timeout: 0 }).catch(() => {});
      throw new Error(`cannot reach PostgreSQL at ${target}: ${(error as Error).message}`);
    }
    return store;
  }

  protected applyBatch(ops: readonly WriteOp[]): Promise<WriteResult[]> {
    return this.guard('write', async (deadline) => {
      const created: [number, Labels][] = [];
      const results = await this.sql.begin((tx) => this.writer.apply(tx, ops, deadline, created));
      this.series.learn(created);
      return results;
    });
  }

  async list(filter: Filter, page: Page): Promise<ActivityRecord[]> {
    const rows = await this.pageRows(filter, page);
    return rows.map((row) => rowToRecord(row, this.series.labelsOf(row[1] as number)));
  }

  async listJson(filter: Filter, page: Page): Promise<string> {
    const rows = await this.pageRows(filter, page);
    return `[${rows.map((row) => rowToJson(row, this.series.labelsOf(row[1] as number))).join(',')}]`;
  }

  private pageRows(filter: Filter, page: Page): Promise<RecordRow[]> {
    return this.guard('read', async () => {
      await this.series.refresh();
      const rows = await this.reads.select(ROW_SELECT, filter, page.offset + page.limit, page.beforeId);
      await this.series.refresh(); // a label set created between the two reads
      return rows.slice(page.offset);
    });
  }

  ascending<T>(filter: Filter, afterId: number, limit: number, render: RowRenderer<T>): Promise<T[]> {
    return this.guard('read', async () => {
      await this.series.refresh();
      return this.reads.ascending(filter, afterId, limit, render);
    });
  }

  async count(filter: Filter): Promise<number> {
    return (await this.stats(filter, { groupBy: [], zone: UTC, limit: 1 })).total;
  }

  stats(filter: Filter, query: StatsQuery): Promise<StatsResult> {
    return this.guard('read', async () => {
      await this.series.refresh();
      return computeStats(this.reads.statsSource, filter, this.series.registry.select(filter), query);
    });
  }

  protected matchingIds(filter: Filter, limit: number, before: number): Promise<number[]> {
    return this.guard('read', async () => {
      await this.series.refresh();
      return (await this.reads.select('id', filter, limit, before)).map((row) => row[0] as number);
    });
  }

  protected nextId(): Promise<number> {
    // Not the sequence: it is ahead by ids a writer drew and has not committed. Writers hold the
    // write-order lock from drawing ids to commit, so every id still to commit is above this.
    return this.guard('read', async () => {
      const [row] = await values<[number]>(this.sql, 'SELECT coalesce(max(id), 0) + 1 FROM activity_log', []);
      return row?.[0] ?? 1;
    });
  }

  async exclusive(name: string, work: () => Promise<void>): Promise<boolean> {
    // A session lock on a connection of its own, so it is held exactly as long as the work runs.
    const connection = await this.guard('read', () => this.sql.reserve());
    try {
      const key = `${this.channel}:${name}`;
      const [row] = (await connection.unsafe('SELECT pg_try_advisory_lock(hashtext($1)) AS got', [key])) as unknown as [
        { got: boolean },
      ];
      if (!row?.got) return false;
      try {
        await work();
      } finally {
        await connection.unsafe('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
      }
      return true;
    } finally {
      connection.release();
    }
  }

  /** PostgreSQL's autovacuum makes the space of deleted rows reusable; nothing to do here. */
  async compact(): Promise<void> {}

  async ping(): Promise<void> {
    await this.guard('read', async () => {
      await this.sql`SELECT 1`;
    });
  }

  async close(): Promise<void> {
    this.closing ??= (async () => {
      await this.writes.drain();
      await this.sql.end({ timeout: 5 });
    })();
    return this.closing;
  }

  /**
   * Bounds the work by the deadline and turns every failure into a StoreError. A read that
   * lost its connection (a pooled connection the server had just closed) is tried once more
   * on another: reads are idempotent, and a server restart then costs no failed request.
   */
  private async guard<T>(what: 'read' | 'write', work: (deadline: Deadline) => Promise<T>): Promise<T> {
    const deadline: Deadline = { expired: false };
    const attempt = async () => {
      try {
        return await work(deadline);
      } catch (error) {
        if (what === 'read' && !deadline.expired && isLostConnection(error)) return work(deadline);
        throw error;
      }
    };
    try {
      return await withDeadline(attempt(), this.deadlineMs, deadline);
    } catch (cause) {
      throw toStoreError(cause, what);
    }
  }
}
