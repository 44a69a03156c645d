import type { Filter, Page } from '../../domain/filter.js';
import type { ActivityRecord, NewRecord } from '../../domain/record.js';
import { BatchedWrites, type WriteOp, type WriteResult } from '../batched-writes.js';
import { CountDeltas, countKeyOf } from '../count-rollup.js';
import { equalities, pageKey, pageParams, RECORD_COLUMNS, type Shape, shapeOf, whereClause } from '../sql.js';
import type { Store } from '../store.js';
import {
  createPool,
  intArray,
  redactUrl,
  type Sql,
  type TransactionSql,
  textArray,
  UNPARSABLE_URL,
} from './connection.js';
import {
  connectFailureReason,
  deadlineError,
  isLoginRefused,
  isLostConnection,
  isMissingDatabase,
  isUnreachable,
  toStoreError,
} from './errors.js';
import { migrate } from './schema.js';

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

type Combination = Pick<NewRecord, 'platform' | 'serial' | 'action_type'>;

const dollar = (position: number) => `$${position}`;

/** Shards of each count: a transaction updates one, chosen at random, so concurrent writers rarely collide. */
const COUNT_SHARDS = 16;

/**
 * Inserts a run of records in one statement. Ids are drawn from the sequence first and
 * numbered in ascending order, and the n-th record gets the n-th smallest: so ids follow
 * the order of the ops whatever order the server evaluates rows in, and sorting the
 * returned ids gives each op its own.
 */
const INSERT_RUN = `
  WITH ids AS (
    SELECT nextval('activity_log_id_seq') AS id FROM generate_series(1, $1::int)
  ), numbered AS (
    SELECT id, row_number() OVER (ORDER BY id) AS ord FROM ids
  )
  INSERT INTO activity_log (${RECORD_COLUMNS})
  SELECT numbered.id, r.platform, r.serial, r.action_type, r.action_detail, r.username, r.timestamp
  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[])
       WITH ORDINALITY AS r (platform, serial, action_type, action_detail, username, timestamp, ord)
  JOIN numbered USING (ord)
  RETURNING id`;

const DELETE_RUN = 'DELETE FROM activity_log WHERE id = ANY($1::int8[]) RETURNING id, platform, serial, action_type';

/** Adds each roll-up key's delta to one shard; keys arrive sorted, so row locks are taken in one order. */
const UPSERT_COUNTS = `
  INSERT INTO activity_counts AS c (platform, serial, action_type, shard, n)
  SELECT d.platform, d.serial, d.action_type, $1::smallint, d.n
  FROM unnest($2::text[], $3::text[], $4::text[], $5::int8[]) AS d (platform, serial, action_type, n)
  ON CONFLICT (platform, serial, action_type, shard) DO UPDATE SET n = c.n + excluded.n`;

const COUNT = `SELECT coalesce(sum(n), 0)::int8 AS n FROM activity_counts
  WHERE platform = $1 AND serial = $2 AND action_type = $3`;

/**
 * PostgreSQL, for several actlog instances sharing one database or for operators who
 * already run it. Same semantics as SqliteStore: group commit, one index per filter
 * combination, exact counts from an aggregate kept in the writing transaction.
 */
export class PostgresStore extends BatchedWrites implements Store {
  readonly description: string;
  private readonly listStatements = new Map<string, string>();
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly sql: Sql,
    description: string,
    /** Client-side bound on any operation, for when the server or network stops answering. */
    private readonly deadlineMs: number,
  ) {
    super();
    this.description = description;
  }

  protected applyBatch(ops: readonly WriteOp[]): Promise<WriteResult[]> {
    return this.guard('write', (deadline) => this.sql.begin((tx) => applyBatchIn(tx, ops, deadline)));
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
    return new PostgresStore(sql, description, connectTimeoutSeconds * 1000 + statementTimeoutMs + 2000);
  }

  async list(filter: Filter, page: Page): Promise<ActivityRecord[]> {
    // The driver's result is an Array subclass with metadata: hand back a plain array.
    return Array.from(await this.page<ActivityRecord[]>(filter, page, false));
  }

  async listJson(filter: Filter, page: Page): Promise<string> {
    const [row] = await this.page<{ json: string }[]>(filter, page, true);
    return row?.json ?? '[]';
  }

  private page<T extends readonly object[]>(filter: Filter, page: Page, json: boolean): Promise<T> {
    const shape = shapeOf(filter);
    const key = pageKey(shape, page, json);
    let text = this.listStatements.get(key);
    if (!text) {
      text = listSql(shape, page.beforeId !== undefined, json);
      this.listStatements.set(key, text);
    }
    const statement = text;
    const params = pageParams(shape, filter, page);
    return this.guard(
      'read',
      async () => (await this.sql.unsafe(statement, params, { prepare: true })) as unknown as T,
    );
  }

  /** One roll-up key (src/store/count-rollup.ts): at most COUNT_SHARDS rows, for any filter. */
  async count(filter: Filter): Promise<number> {
    return this.guard('read', async () => {
      const [row] = await this.sql.unsafe<{ n: number }[]>(COUNT, [...countKeyOf(filter)], { prepare: true });
      return row?.n ?? 0;
    });
  }

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

/** Newest first, from the index on exactly the filtered columns then id, so no sort is needed. */
/** As JSON, PostgreSQL builds the array text (row_to_json keeps column order, adds no spaces). */
function listSql(shape: Shape, withCursor: boolean, json: boolean): string {
  const conditions = equalities(shape.fields, dollar);
  let next = conditions.length + 1;
  if (withCursor) conditions.push(`id < ${dollar(next++)}`);
  const rows = `SELECT ${RECORD_COLUMNS} FROM activity_log ${whereClause(conditions)} ORDER BY id DESC LIMIT ${dollar(next)} OFFSET ${dollar(next + 1)}`;
  if (!json) return rows;
  return `SELECT coalesce('[' || string_agg(row_to_json(r)::text, ',' ORDER BY r.id DESC) || ']', '[]') AS json FROM (${rows}) r`;
}

/**
 * One batch in one transaction, with the SQLite store's semantics: results in op order,
 * ids increasing in op order, a delete-all removing what earlier ops added but not what
 * later ones add. Runs of consecutive adds (or deletes) become one statement each, and
 * all count changes one upsert at the end.
 */
async function applyBatchIn(tx: TransactionSql, ops: readonly WriteOp[], deadline: Deadline): Promise<WriteResult[]> {
  // A batch whose submitters were already told it failed must not commit later: the driver
  // may only now have found a connection (the server came back), so check before each step.
  const stillWanted = () => {
    if (deadline.expired) throw new Error('abandoned: the deadline passed before the batch could run');
  };
  stillWanted();
  const results: WriteResult[] = new Array(ops.length);
  const deltas = new CountDeltas();
  if (ops.some((op) => op.kind === 'deleteAll')) {
    // Take TRUNCATE's lock before anything else: upgrading a lock this transaction already
    // holds could deadlock with another instance doing the same.
    await tx.unsafe('LOCK TABLE activity_log, activity_counts IN ACCESS EXCLUSIVE MODE');
  }
  let start = 0;
  while (start < ops.length) {
    stillWanted();
    const kind = (ops[start] as WriteOp).kind;
    let end = start + 1;
    if (kind !== 'deleteAll') while (end < ops.length && ops[end]?.kind === kind) end++;
    const run = ops.slice(start, end);
    switch (kind) {
      case 'add': {
        const records = run.map((op) => (op as Extract<WriteOp, { kind: 'add' }>).record);
        const rows = await tx.unsafe<{ id: number }[]>(
          INSERT_RUN,
          [
            records.length,
            textArray(records.map((r) => r.platform)),
            textArray(records.map((r) => r.serial)),
            textArray(records.map((r) => r.action_type)),
            textArray(records.map((r) => r.action_detail)),
            textArray(records.map((r) => r.username)),
            intArray(records.map((r) => r.timestamp)),
          ],
          { prepare: true },
        );
        if (rows.length !== records.length) throw new Error(`inserted ${rows.length} of ${records.length} records`);
        const ids = rows.map((row) => row.id).sort((a, b) => a - b);
        records.forEach((record, i) => {
          results[start + i] = ids[i];
          deltas.record(record, 1);
        });
        break;
      }
      case 'delete': {
        const ids = run.map((op) => (op as Extract<WriteOp, { kind: 'delete' }>).id);
        const rows = await tx.unsafe<({ id: number } & Combination)[]>(DELETE_RUN, [intArray(ids)], {
          prepare: true,
        });
        const deleted = new Set<number>();
        for (const row of rows) {
          deleted.add(row.id);
          deltas.record(row, -1);
        }
        // As if one after another: the first delete of an id gets true, a repeat false.
        ids.forEach((id, i) => {
          results[start + i] = deleted.delete(id);
        });
        break;
      }
      case 'deleteAll':
        // TRUNCATE, not DELETE: instant on any size; without RESTART IDENTITY the sequence keeps counting.
        await tx.unsafe('TRUNCATE activity_log, activity_counts');
        deltas.clear();
        results[start] = undefined;
        break;
    }
    start = end;
  }
  const changes = deltas.changes();
  stillWanted();
  if (changes.length > 0) {
    await tx.unsafe(
      UPSERT_COUNTS,
      [
        Math.floor(Math.random() * COUNT_SHARDS),
        textArray(changes.map((c) => c.key[0])),
        textArray(changes.map((c) => c.key[1])),
        textArray(changes.map((c) => c.key[2])),
        intArray(changes.map((c) => c.delta)),
      ],
      { prepare: true },
    );
  }
  stillWanted();
  return results;
}

/** Net count change per (platform, serial, action_type) within one batch. */
/** Set once an operation's time is up, so that work still queued in the driver can stand down. */
interface Deadline {
  expired: boolean;
}

/**
 * Rejects when `work` has not settled within `ms`, and marks `deadline` expired. Covers
 * what the driver's timeouts do not: a request queued behind connections that hang on a
 * silent network, or a server that never answers.
 */
function withDeadline<T>(work: PromiseLike<T>, ms: number, deadline: Deadline): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      deadline.expired = true;
      reject(deadlineError(ms));
    }, ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
