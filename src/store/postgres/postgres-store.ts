import { randomInt } from 'node:crypto';
import { type ActivityRecord, LABEL_FIELDS, type NewRecord } from '../../domain/fields.js';
import type { Filter, Page } from '../../domain/filter.js';
import { hasTimeRange } from '../../domain/filter.js';
import type { StatsQuery, StatsResult } from '../../domain/stats.js';
import { parseTimeZone } from '../../domain/time-zone.js';
import { FAR_HOUR, HOUR, hourOf } from '../cells.js';
import { type ChangeEvent, ChangeFeed } from '../changes.js';
import { choosePlan, MIN_TRIGRAM_CHARS } from '../plan.js';
import { ALL } from '../rollup.js';
import { type Labels, labelKey, labelsOf, SeriesRegistry, type SeriesSelection } from '../series.js';
import {
  INSERT_COLUMNS,
  insertValues,
  likeContaining,
  type RecordRow,
  ROW_SELECT,
  rowToJson,
  rowToRecord,
} from '../sql/records.js';
import { computeStats, type StatsSource } from '../stats.js';
import type { RowRenderer, Store } from '../store.js';
import { type AddOutcome, BatchedWrites, OpFailed, type WriteOp, type WriteResult } from '../write/ops.js';
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

const UTC = parseTimeZone('UTC');
/** Shards of the roll-up: each instance writes one, so instances rarely wait for each other's rows. */
const SHARDS = 16;
/** How long the per-label-set sizes the planner estimates with may be stale. */
const SIZES_MAX_AGE_MS = 2_000;
const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER + 1;

/**
 * PostgreSQL, for several actlog instances sharing one database or for operators who already
 * run it. The same model as the SQLite store (label sets, hour cells, the same page planner),
 * with the aggregates in tables kept in the writing transaction, since no single process sees
 * every write, and PostgreSQL's own indexes where it has better ones (BRIN for time, GIN
 * pg_trgm for text). See docs/decisions.md, "Store design, schema 2".
 */
export class PostgresStore extends BatchedWrites implements Store {
  readonly description: string;
  readonly changes = new ChangeFeed();
  private closing: Promise<void> | null = null;
  /** Commit notifications are handled one after another, so the feed keeps commit order. */
  private delivering: Promise<void> = Promise.resolve();
  private listened = false;
  private readonly registry = new SeriesRegistry();
  private known = 0;
  /** Records per label set, for planning only (may be a little stale). */
  private sizes: { at: number; bySeries: Map<number, number>; total: number } = {
    at: -Infinity,
    bySeries: new Map(),
    total: 0,
  };
  /** This instance's shard of the roll-up. */
  private readonly shard = randomInt(SHARDS);

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
      await store.guard('read', () => store.refresh());
      await store.guard('read', async () => {
        await sql.listen(
          store.channel,
          (payload) => store.notified(payload),
          () => store.relistened(),
        );
      });
    } catch (error) {
      await sql.end({ timeout: 0 }).catch(() => {});
      throw new Error(`cannot reach PostgreSQL at ${target}: ${(error as Error).message}`);
    }
    return store;
  }

  // ---------------------------------------------------------------------------------------
  // Label sets: created by any instance, learned by every instance before it reads.

  /** Registers label sets other instances (or this one) created since the last look. */
  private async refresh(): Promise<void> {
    const rows = await values<[number, ...string[]]>(
      this.sql,
      `SELECT id, ${LABEL_FIELDS.join(', ')} FROM series WHERE id > $1 ORDER BY id`,
      [this.known],
    );
    for (const [id, ...labels] of rows) {
      this.registry.add(id, labels);
      if (id > this.known) this.known = id;
    }
  }

  /** Per-label-set sizes for the planner, read again when older than SIZES_MAX_AGE_MS. */
  private async planningSizes(): Promise<PostgresStore['sizes']> {
    if (performance.now() - this.sizes.at < SIZES_MAX_AGE_MS) return this.sizes;
    const rows = await values<[number, number]>(
      this.sql,
      'SELECT series_id, sum(n)::int8 FROM rollup_totals GROUP BY series_id',
      [],
    );
    const bySeries = new Map(rows);
    this.sizes = { at: performance.now(), bySeries, total: bySeries.get(ALL) ?? 0 };
    return this.sizes;
  }

  // ---------------------------------------------------------------------------------------
  // The change feed: every instance, the writer included, learns of commits by LISTEN.

  /** A commit's notification: ids added (positive), deleted (negative), 0 for delete-all. */
  private notified(payload: string): void {
    this.delivering = this.delivering.then(() =>
      this.deliver(payload).catch(() => {
        // The records could not be read: tell listeners to catch up from the store.
        this.changes.publish([{ kind: 'reset' }]);
      }),
    );
  }

  private async deliver(payload: string): Promise<void> {
    if (this.changes.listening === 0) return;
    const entries = JSON.parse(payload) as number[];
    const added = entries.filter((entry) => entry > 0);
    const rows = new Map<number, RecordRow>();
    if (added.length > 0) {
      for (const row of await values<RecordRow>(
        this.sql,
        `SELECT ${ROW_SELECT} FROM activity_log WHERE id = ANY($1::int8[])`,
        [intArray(added)],
      )) {
        rows.set(row[0] as number, row);
      }
      await this.refresh();
    }
    const events: ChangeEvent[] = [];
    for (const entry of entries) {
      if (entry === 0) events.push({ kind: 'delete_all' });
      else if (entry < 0) events.push({ kind: 'delete', id: -entry });
      else {
        const row = rows.get(entry);
        // Gone already (deleted by a later commit, whose notification follows): nothing to show.
        if (row)
          events.push({
            kind: 'record',
            id: entry,
            record: rowToRecord(row, this.registry.labels(row[1] as number) ?? []),
          });
      }
    }
    this.changes.publish(events);
  }

  /** LISTEN (re)established: after a reconnect, notifications sent meanwhile are lost. */
  private relistened(): void {
    if (this.listened) this.changes.publish([{ kind: 'reset' }]);
    this.listened = true;
  }

  // ---------------------------------------------------------------------------------------
  // Writes.

  protected applyBatch(ops: readonly WriteOp[]): Promise<WriteResult[]> {
    return this.guard('write', async (deadline) => {
      const created: [number, Labels][] = [];
      const results = await this.sql.begin((tx) => this.applyBatchIn(tx, ops, deadline, created));
      for (const [id, labels] of created) this.registry.add(id, labels);
      return results;
    });
  }

  /**
   * One batch in one transaction, with the SQLite store's semantics: results in op order,
   * ids increasing in op order, a delete-all removing what earlier ops added but not what later
   * ones add. Runs of consecutive adds (or deletes) become one statement each, and the roll-up
   * changes a few statements at the end.
   */
  private async applyBatchIn(
    tx: TransactionSql,
    ops: readonly WriteOp[],
    deadline: Deadline,
    created: [number, Labels][],
  ): Promise<WriteResult[]> {
    // A batch whose submitters were already told it failed must not commit later: the driver
    // may only now have found a connection (the server came back), so check before each step.
    const stillWanted = () => {
      if (deadline.expired) throw new Error('abandoned: the deadline passed before the batch could run');
    };
    stillWanted();
    // Writers take turns from drawing ids to commit, across instances: ids then increase in
    // commit order, so the change feed (notified in commit order) is in id order, and a reader
    // paging by id never misses a record that commits late.
    await tx.unsafe('SELECT pg_advisory_xact_lock(hashtext($1))', [this.channel]);
    const results: WriteResult[] = new Array(ops.length);
    const rollup = new RollupChanges();
    const feed: number[] = [];
    if (ops.some((op) => op.kind === 'deleteAll')) {
      // Take TRUNCATE's lock before anything else: upgrading a lock this transaction already
      // holds could deadlock with another instance doing the same.
      await tx.unsafe('LOCK TABLE activity_log, rollup_cells, rollup_totals IN ACCESS EXCLUSIVE MODE');
    }
    let start = 0;
    while (start < ops.length) {
      stillWanted();
      const kind = (ops[start] as WriteOp).kind;
      let end = start + 1;
      if (kind !== 'deleteAll') while (end < ops.length && sameRun(ops[end] as WriteOp, kind)) end++;
      const run = ops.slice(start, end);
      const at = start;
      try {
        const runResults = await this.isolatedRun(tx, run, rollup, created, feed);
        runResults.forEach((result, i) => {
          results[at + i] = result;
        });
      } catch (error) {
        if (!isOpError(error)) throw error;
        // A run is one statement: when it fails, find the op that failed by applying them one by one.
        for (const [i, op] of run.length === 1 ? [] : run.entries()) {
          try {
            results[at + i] = (await this.isolatedRun(tx, [op], rollup, created, feed))[0];
          } catch (opError) {
            if (!isOpError(opError)) throw opError;
            results[at + i] = new OpFailed(toStoreError(opError, 'write'));
          }
        }
        if (run.length === 1) results[at] = new OpFailed(toStoreError(error, 'write'));
      }
      start = end;
    }
    stillWanted();
    await rollup.write(tx, this.shard);
    // Sent with the commit, in commit order, to every instance (payloads stay under 8000 bytes).
    for (let i = 0; i < feed.length; i += NOTIFY_ENTRIES) {
      await tx.unsafe('SELECT pg_notify($1, $2)', [this.channel, JSON.stringify(feed.slice(i, i + NOTIFY_ENTRIES))]);
    }
    stillWanted();
    return results;
  }

  /**
   * A run of ops of one kind in a savepoint: if it fails, it is rolled back alone and its
   * roll-up changes and new label sets are dropped; the caller decides what failed.
   */
  private async isolatedRun(
    tx: TransactionSql,
    run: readonly WriteOp[],
    rollup: RollupChanges,
    created: [number, Labels][],
    feed: number[],
  ): Promise<WriteResult[]> {
    const changes = new RollupChanges();
    const labelSets: [number, Labels][] = [];
    const events: number[] = [];
    const results = await tx.savepoint((sp) =>
      this.applyRun(sp as unknown as TransactionSql, run, changes, labelSets, events),
    );
    rollup.absorb(changes);
    created.push(...labelSets);
    feed.push(...events);
    return results;
  }

  private async applyRun(
    tx: TransactionSql,
    run: readonly WriteOp[],
    rollup: RollupChanges,
    created: [number, Labels][],
    feed: number[],
  ): Promise<WriteResult[]> {
    const kind = (run[0] as WriteOp).kind;
    if (kind === 'add') {
      const outcomes = await this.insertRun(
        tx,
        run.map((op) => (op as Extract<WriteOp, { kind: 'add' }>).record),
        rollup,
        created,
      );
      for (const outcome of outcomes) if (!outcome.duplicate) feed.push(outcome.id);
      return outcomes;
    }
    if (kind === 'deleteAll') {
      // TRUNCATE, not DELETE: instant on any size; without RESTART IDENTITY the sequence keeps counting.
      await tx.unsafe('TRUNCATE activity_log, rollup_cells, rollup_totals');
      rollup.wipe();
      feed.push(0);
      return [undefined];
    }
    const idsPerOp = run.map((op) => (op.kind === 'delete' ? [op.id] : op.kind === 'deleteIds' ? [...op.ids] : []));
    const rows = await values<[number, number, number]>(
      tx,
      'DELETE FROM activity_log WHERE id = ANY($1::int8[]) RETURNING id, series_id, timestamp',
      [intArray(idsPerOp.flat())],
    );
    const deleted = new Set<number>();
    for (const [id, series, timestamp] of rows.sort((a, b) => a[0] - b[0])) {
      deleted.add(id);
      rollup.remove(series, timestamp);
      feed.push(-id);
    }
    // As if one after another: the first delete of an id gets it, a repeat does not.
    return idsPerOp.map((ids, i) => {
      const taken = ids.filter((id) => deleted.delete(id)).length;
      return (run[i] as WriteOp).kind === 'delete' ? taken > 0 : taken;
    });
  }

  /** Inserts a run of records in two statements; a repeated event_id adds nothing. */
  private async insertRun(
    tx: TransactionSql,
    records: readonly NewRecord[],
    rollup: RollupChanges,
    created: [number, Labels][],
  ): Promise<AddOutcome[]> {
    const series = await this.seriesIds(
      tx,
      records.map((r) => labelsOf(r)),
      created,
    );
    // Ids are drawn first and sorted, and the k-th record gets the k-th smallest: ids follow the
    // order of the ops whatever order the server evaluates rows in.
    const ids = (
      await values<[number]>(tx, "SELECT nextval('activity_log_id_seq') FROM generate_series(1, $1::int)", [
        records.length,
      ])
    )
      .map(([id]) => id)
      .sort((a, b) => a - b);
    const columns = records.map((record, i) => insertValues(record, series[i] as number));
    const param = (position: number, type: string) =>
      type === 'int8' || type === 'int4'
        ? intArray(columns.map((c) => (c[position] ?? 'NULL') as number))
        : textArray(columns.map((c) => c[position] as string | null));
    const types = INSERT_COLUMNS.map((name) => COLUMN_TYPES[name] ?? 'text');
    const inserted = await values<[number]>(
      tx,
      `INSERT INTO activity_log (id, ${INSERT_COLUMNS.join(', ')})
         SELECT * FROM unnest($1::int8[], ${types.map((type, i) => `$${i + 2}::${type}[]`).join(', ')})
         ON CONFLICT (event_id) WHERE event_id IS NOT NULL DO NOTHING
         RETURNING id`,
      [intArray(ids), ...types.map((type, i) => param(i, type))],
    );
    const stored = new Set(inserted.map(([id]) => id));
    const taken = records.filter((r, i) => !stored.has(ids[i] as number) && r.event_id !== undefined);
    const firstIds = new Map<string, number>();
    if (taken.length > 0) {
      const rows = await values<[string, number]>(
        tx,
        'SELECT event_id, id FROM activity_log WHERE event_id = ANY($1::text[])',
        [textArray(taken.map((r) => r.event_id as string))],
      );
      for (const [event, id] of rows) firstIds.set(event, id);
    }
    return records.map((record, i) => {
      const id = ids[i] as number;
      if (stored.has(id)) {
        rollup.add(series[i] as number, record.timestamp);
        return { id, duplicate: false };
      }
      const first = firstIds.get(record.event_id as string);
      if (first === undefined) throw new Error(`record ${i} of the batch was neither stored nor a duplicate`);
      return { id: first, duplicate: true };
    });
  }

  /** The label set id of each record, creating label sets that do not exist yet (in this transaction). */
  private async seriesIds(
    tx: TransactionSql,
    labels: readonly Labels[],
    created: [number, Labels][],
  ): Promise<number[]> {
    const missing = new Map<string, Labels>();
    for (const set of labels) if (this.registry.idOf(set) === undefined) missing.set(labelKey(set), set);
    const found = new Map<string, number>();
    if (missing.size > 0) {
      const sets = [...missing.values()].sort((a, b) => (labelKey(a) < labelKey(b) ? -1 : 1));
      const columns = LABEL_FIELDS.map((_, field) => textArray(sets.map((set) => set[field] as string)));
      // An upsert that changes nothing still returns the row, whoever created it.
      const rows = await values<[number, ...string[]]>(
        tx,
        `INSERT INTO series (${LABEL_FIELDS.join(', ')})
           SELECT * FROM unnest(${LABEL_FIELDS.map((_, i) => `$${i + 1}::text[]`).join(', ')})
           ON CONFLICT (${LABEL_FIELDS.join(', ')}) DO UPDATE SET platform = excluded.platform
           RETURNING id, ${LABEL_FIELDS.join(', ')}`,
        columns,
      );
      for (const [id, ...set] of rows) {
        found.set(labelKey(set), id);
        created.push([id, set]);
      }
    }
    return labels.map((set) => this.registry.idOf(set) ?? (found.get(labelKey(set)) as number));
  }

  // ---------------------------------------------------------------------------------------
  // Reads.

  async list(filter: Filter, page: Page): Promise<ActivityRecord[]> {
    const rows = await this.pageRows(filter, page);
    return rows.map((row) => rowToRecord(row, this.registry.labels(row[1] as number) ?? []));
  }

  async listJson(filter: Filter, page: Page): Promise<string> {
    const rows = await this.pageRows(filter, page);
    return `[${rows.map((row) => rowToJson(row, this.registry.labels(row[1] as number) ?? [])).join(',')}]`;
  }

  private pageRows(filter: Filter, page: Page): Promise<RecordRow[]> {
    return this.guard('read', async () => {
      await this.refresh();
      const rows = await this.select(ROW_SELECT, filter, page.offset + page.limit, page.beforeId);
      await this.refresh(); // a label set created between the two reads
      return rows.slice(page.offset);
    });
  }

  /**
   * The newest `need` matching rows below `before`, read by the driver the planner picks from
   * the same estimates as the SQLite store's; the conditions themselves are all in SQL.
   */
  private async select(columns: string, filter: Filter, need: number, before = NO_UPPER_BOUND): Promise<RecordRow[]> {
    const selection = this.registry.select(filter);
    if (!selection.all && selection.ids.length === 0) return [];
    const sizes = await this.planningSizes();
    const labelMatches = selection.all
      ? sizes.total
      : selection.ids.reduce((sum, id) => sum + (sizes.bySeries.get(id) ?? 1), 0);
    const driver = choosePlan({
      filter,
      need,
      window: Math.max(sizes.total, 1),
      labelMatches: Math.max(labelMatches, 1),
      labelSets: selection.all ? 0 : selection.ids.length,
      labelled: !selection.all,
      total: Math.max(sizes.total, 1),
    });
    const where = conditions(filter, driver === 'merge' ? { all: true } : selection);
    const params = [...where.params, before, need];
    const limits = `AND id < $${params.length - 1} ORDER BY id DESC LIMIT $${params.length}`;
    const rowsOf = async (query: string, sortAllowed: boolean) => {
      if (!sortAllowed) return await values<RecordRow>(this.sql, query, params);
      // A text or time range is best read from the GIN or BRIN index and sorted: allow the sort.
      return (await this.sql.begin(async (tx) => {
        await tx.unsafe('SET LOCAL enable_sort = on');
        return values<RecordRow>(tx, query, params);
      })) as RecordRow[];
    };
    const byIndexes = hasTimeRange(filter) || (filter.q !== undefined && [...filter.q].length >= MIN_TRIGRAM_CHARS);
    if (driver === 'merge' && !selection.all) {
      const merged = [...params, intArray(selection.ids)];
      return await values<RecordRow>(
        this.sql,
        `SELECT x.* FROM unnest($${merged.length}::int4[]) AS s (sid) CROSS JOIN LATERAL (
             SELECT ${columns} FROM activity_log WHERE series_id = s.sid AND ${where.sql} ${limits}
           ) x ORDER BY x.id DESC LIMIT $${params.length}`,
        merged,
      );
    }
    return rowsOf(`SELECT ${columns} FROM activity_log WHERE ${where.sql} ${limits}`, byIndexes && driver !== 'task');
  }

  async ascending<T>(filter: Filter, afterId: number, limit: number, render: RowRenderer<T>): Promise<T[]> {
    return this.guard('read', async () => {
      await this.refresh();
      const selection = this.registry.select(filter);
      if (!selection.all && selection.ids.length === 0) return [];
      const where = conditions(filter, selection);
      const params = [...where.params, afterId, limit];
      const rows = await values<RecordRow>(
        this.sql,
        `SELECT ${ROW_SELECT} FROM activity_log WHERE ${where.sql} AND id > $${params.length - 1} ORDER BY id LIMIT $${params.length}`,
        params,
      );
      await this.refresh();
      return rows.map((row) => render(row, this.registry.labels(row[1] as number) ?? []));
    });
  }

  async count(filter: Filter): Promise<number> {
    return (await this.stats(filter, { groupBy: [], zone: UTC, limit: 1 })).total;
  }

  async stats(filter: Filter, query: StatsQuery): Promise<StatsResult> {
    return this.guard('read', async () => {
      await this.refresh();
      return computeStats(this.statsSource, filter, this.registry.select(filter), query);
    });
  }

  private readonly statsSource: StatsSource = {
    labels: (series) => this.registry.labels(series),
    totals: async (selection, perSeries, visit) => {
      const { sql, params } = seriesCondition(selection, perSeries);
      const rows = await values<[number, number, number]>(
        this.sql,
        `SELECT series_id, sum(n)::int8, max(latest) FROM rollup_totals WHERE ${sql} GROUP BY series_id`,
        params,
      );
      await this.refresh();
      for (const [series, n, latest] of rows) if (n > 0) visit(series, n, latest);
    },
    cells: async (selection, perSeries, fromHour, toHour, visit) => {
      const { sql, params } = seriesCondition(selection, perSeries);
      const at = params.length;
      const rows = await values<[number, number, number, number]>(
        this.sql,
        `SELECT series_id, hour, sum(n)::int8, max(latest) FROM rollup_cells
           WHERE ${sql} AND hour >= $${at + 1} AND hour < $${at + 2} GROUP BY series_id, hour ORDER BY hour`,
        [...params, fromHour, Math.min(toHour, FAR_HOUR + 1)],
      );
      await this.refresh();
      for (const [series, hour, n, latest] of rows) if (n > 0) visit(series, hour, n, latest);
    },
    records: async (selection, ranges, visit) => {
      const { sql, params } = selection.all ? { sql: 'TRUE', params: [] } : seriesCondition(selection, true);
      for (const [from, to] of ranges) {
        const rows = await values<[number, number]>(
          this.sql,
          `SELECT series_id, timestamp FROM activity_log
             WHERE timestamp >= $${params.length + 1} AND timestamp < $${params.length + 2} AND ${sql}`,
          [...params, from, Math.min(to, NO_UPPER_BOUND)],
        );
        for (const [series, timestamp] of rows) visit(series, timestamp, null);
      }
    },
    matching: async (filter, selection, visit) => {
      const where = conditions(filter, selection);
      const rows = await values<[number, number, string | null]>(
        this.sql,
        `SELECT series_id, timestamp, task_id FROM activity_log WHERE ${where.sql}`,
        where.params,
      );
      await this.refresh();
      for (const [series, timestamp, task] of rows) visit(series, timestamp, task);
    },
  };

  protected matchingIds(filter: Filter, limit: number, before: number): Promise<number[]> {
    return this.guard('read', async () => {
      await this.refresh();
      return (await this.select('id', filter, limit, before)).map((row) => row[0] as number);
    });
  }

  protected nextId(): Promise<number> {
    return this.guard('read', async () => {
      const [row] = await values<[number]>(this.sql, 'SELECT last_value + 1 FROM activity_log_id_seq', []);
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

/** Runs a statement (prepared) and returns its rows as arrays. */
async function values<Row extends readonly unknown[]>(
  db: Sql | TransactionSql,
  query: string,
  params: readonly unknown[] = [],
): Promise<Row[]> {
  return (await db.unsafe(query, params as never[], { prepare: true }).values()) as unknown as Row[];
}

/** A failure of the statement itself (bad data), not of the connection or the server: one op's own. */
const isOpError = (error: unknown) =>
  !isUnreachable(error) && !isLostConnection(error) && !(error as { code?: string }).code?.startsWith('40');

/** Feed entries per notification: a payload must stay under PostgreSQL's 8000 bytes. */
const NOTIFY_ENTRIES = 500;

/** SQL types of the insert columns that are not text. */
const COLUMN_TYPES: Record<string, string> = { series_id: 'int4', timestamp: 'int8', duration_ms: 'int4' };

const sameRun = (op: WriteOp, kind: WriteOp['kind']) =>
  kind === 'add' ? op.kind === 'add' : kind !== 'deleteAll' && (op.kind === 'delete' || op.kind === 'deleteIds');

/** A filter's conditions as SQL with numbered parameters (the label part as a list of label set ids). */
function conditions(filter: Filter, selection: SeriesSelection): { sql: string; params: unknown[] } {
  const parts: string[] = ['TRUE'];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (!selection.all) parts.push(`series_id = ANY(${param(intArray(selection.ids))}::int4[])`);
  if (filter.since !== undefined) parts.push(`timestamp >= ${param(filter.since)}`);
  if (filter.until !== undefined) parts.push(`timestamp < ${param(filter.until)}`);
  if (filter.task_id !== undefined) parts.push(`task_id = ${param(filter.task_id)}`);
  if (filter.q !== undefined) {
    // The columns' "C" collation makes ILIKE fold ASCII letters only: exactly the rule of q.
    const pattern = param(likeContaining(filter.q));
    parts.push(`(action_detail ILIKE ${pattern} OR error ILIKE ${pattern})`);
  }
  return { sql: parts.join(' AND '), params };
}

/** Which label sets' aggregates to read: ALL's, every label set's, or the selection's. */
function seriesCondition(selection: SeriesSelection, perSeries: boolean): { sql: string; params: unknown[] } {
  if (selection.all) return { sql: perSeries ? `series_id <> ${ALL}` : `series_id = ${ALL}`, params: [] };
  return { sql: 'series_id = ANY($1::int4[])', params: [intArray(selection.ids)] };
}

/**
 * The roll-up changes of one batch, folded per cell and per label set, written in a few
 * statements at the end of the transaction in one fixed order (so concurrent writers lock rows
 * in the same order and cannot deadlock).
 */
class RollupChanges {
  private readonly cells = new Map<
    string,
    { series: number; hour: number; n: number; latest: number; removed: number }
  >();
  private readonly totals = new Map<number, { n: number; latest: number; removed: number }>();
  private wiped = false;

  add(series: number, timestamp: number): void {
    this.change(series, timestamp, 1);
  }

  remove(series: number, timestamp: number): void {
    this.change(series, timestamp, -1);
  }

  /** A delete-all in this batch: what came before it is gone with the tables. */
  wipe(): void {
    this.cells.clear();
    this.totals.clear();
    this.wiped = true;
  }

  /** Takes over the changes of a run that committed (its savepoint released). */
  absorb(run: RollupChanges): void {
    if (run.wiped) this.wipe();
    for (const cell of run.cells.values()) {
      const key = `${cell.series}:${cell.hour}`;
      const mine = this.cells.get(key) ?? { series: cell.series, hour: cell.hour, n: 0, latest: -1, removed: -1 };
      mine.n += cell.n;
      mine.latest = Math.max(mine.latest, cell.latest);
      mine.removed = Math.max(mine.removed, cell.removed);
      this.cells.set(key, mine);
    }
    for (const [series, total] of run.totals) {
      const mine = this.totals.get(series) ?? { n: 0, latest: -1, removed: -1 };
      mine.n += total.n;
      mine.latest = Math.max(mine.latest, total.latest);
      mine.removed = Math.max(mine.removed, total.removed);
      this.totals.set(series, mine);
    }
  }

  private change(series: number, timestamp: number, delta: 1 | -1): void {
    const hour = hourOf(timestamp);
    for (const target of [series, ALL]) {
      const key = `${target}:${hour}`;
      const cell = this.cells.get(key) ?? { series: target, hour, n: 0, latest: -1, removed: -1 };
      cell.n += delta;
      if (delta > 0) cell.latest = Math.max(cell.latest, timestamp);
      else cell.removed = Math.max(cell.removed, timestamp);
      this.cells.set(key, cell);
      const total = this.totals.get(target) ?? { n: 0, latest: -1, removed: -1 };
      total.n += delta;
      if (delta > 0) total.latest = Math.max(total.latest, timestamp);
      else total.removed = Math.max(total.removed, timestamp);
      this.totals.set(target, total);
    }
  }

  /**
   * Lock order, the same in every transaction of every instance: cells before totals, each by
   * key then shard. Deletes must read and rewrite every shard's row of the cells they touch, so
   * they lock those first, before their own shard's upserts; adds only touch their own shard,
   * in the same key order.
   */
  async write(tx: TransactionSql, shard: number): Promise<void> {
    const cells = [...this.cells.values()].sort((a, b) => a.series - b.series || a.hour - b.hour);
    const totals = [...this.totals.entries()].sort((a, b) => a[0] - b[0]);
    const removed = cells.filter((c) => c.removed >= 0);
    const removedSeries = totals.filter(([, t]) => t.removed >= 0).map(([s]) => s);
    if (removed.length > 0) {
      await tx.unsafe(
        `SELECT 1 FROM rollup_cells c JOIN unnest($1::int4[], $2::int8[]) AS a (s, h) ON c.series_id = a.s AND c.hour = a.h
         ORDER BY c.series_id, c.hour, c.shard FOR UPDATE OF c`,
        [intArray(removed.map((c) => c.series)), intArray(removed.map((c) => c.hour))],
      );
      await tx.unsafe(
        'SELECT 1 FROM rollup_totals WHERE series_id = ANY($1::int4[]) ORDER BY series_id, shard FOR UPDATE',
        [intArray(removedSeries)],
      );
    }
    if (cells.length > 0) {
      await tx.unsafe(
        `INSERT INTO rollup_cells AS c (series_id, hour, shard, n, latest)
         SELECT s, h, $1::int2, n, l FROM unnest($2::int4[], $3::int8[], $4::int8[], $5::int8[]) AS d (s, h, n, l)
         ON CONFLICT (series_id, hour, shard) DO UPDATE SET n = c.n + excluded.n, latest = greatest(c.latest, excluded.latest)`,
        [
          shard,
          intArray(cells.map((c) => c.series)),
          intArray(cells.map((c) => c.hour)),
          intArray(cells.map((c) => c.n)),
          intArray(cells.map((c) => c.latest)),
        ],
        { prepare: true },
      );
    }
    if (totals.length > 0) {
      await tx.unsafe(
        `INSERT INTO rollup_totals AS t (series_id, shard, n, latest)
         SELECT s, $1::int2, n, l FROM unnest($2::int4[], $3::int8[], $4::int8[]) AS d (s, n, l)
         ON CONFLICT (series_id, shard) DO UPDATE SET n = t.n + excluded.n, latest = greatest(t.latest, excluded.latest)`,
        [
          shard,
          intArray(totals.map(([s]) => s)),
          intArray(totals.map(([, t]) => t.n)),
          intArray(totals.map(([, t]) => t.latest)),
        ],
        { prepare: true },
      );
    }
    if (removed.length === 0) return;
    // Deletes may have taken a cell's latest record: with the cells locked, look the latest up
    // again (this statement sees other instances' deletes committed meanwhile) where the removed
    // timestamp reached it, and drop cells left empty.
    await tx.unsafe(
      `WITH affected AS (SELECT * FROM unnest($1::int4[], $2::int8[], $3::int8[]) AS a (s, h, removed)),
       state AS (
         SELECT a.s, a.h, a.removed, sum(c.n) AS n, max(c.latest) AS latest
         FROM affected a JOIN rollup_cells c ON c.series_id = a.s AND c.hour = a.h GROUP BY a.s, a.h, a.removed
       ),
       emptied AS (
         DELETE FROM rollup_cells c USING state WHERE state.n <= 0 AND c.series_id = state.s AND c.hour = state.h
       )
       UPDATE rollup_cells c SET latest = coalesce((
           SELECT max(timestamp) FROM activity_log a
           WHERE a.timestamp >= state.h * ${HOUR} AND a.timestamp < CASE WHEN state.h >= ${FAR_HOUR} THEN ${NO_UPPER_BOUND} ELSE (state.h + 1) * ${HOUR} END
             AND (state.s = ${ALL} OR a.series_id = state.s)), -1)
       FROM state WHERE state.n > 0 AND state.removed >= state.latest AND c.series_id = state.s AND c.hour = state.h`,
      [
        intArray(removed.map((c) => c.series)),
        intArray(removed.map((c) => c.hour)),
        intArray(removed.map((c) => c.removed)),
      ],
    );
    await tx.unsafe(
      `UPDATE rollup_totals t SET latest = coalesce((SELECT max(latest) FROM rollup_cells c WHERE c.series_id = t.series_id), -1)
       WHERE t.series_id = ANY($1::int4[])`,
      [intArray(removedSeries)],
    );
  }
}

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
