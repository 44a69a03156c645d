import { LABEL_FIELDS, type NewRecord } from '../../domain/fields.js';
import { type Labels, labelKey, labelsOf } from '../series.js';
import { INSERT_COLUMNS, insertValues } from '../sql/records.js';
import { type AddOutcome, OpFailed, type WriteOp, type WriteResult } from '../write/ops.js';
import { type Deadline, intArray, type TransactionSql, textArray, values } from './connection.js';
import { isLostConnection, isUnreachable, toStoreError } from './errors.js';
import { NOTIFY_ENTRIES } from './feed.js';
import type { KnownSeries } from './known-series.js';
import { RollupChanges } from './rollup-changes.js';

/**
 * Applies batches of write ops inside a transaction, for one instance: its shard of the
 * roll-up, the channel that both orders writers (an advisory lock keyed by its name) and
 * carries their commits to every instance.
 */
export class PostgresWriter {
  constructor(
    private readonly series: KnownSeries,
    /** The LISTEN/NOTIFY channel of this database schema; its name also keys the write-order lock. */
    private readonly channel: string,
    /** This instance's shard of the roll-up. */
    private readonly shard: number,
  ) {}

  /**
   * One batch in one transaction, with the SQLite store's semantics: results in op order,
   * ids increasing in op order, a delete-all removing what earlier ops added but not what later
   * ones add. Runs of consecutive adds (or deletes) become one statement each, and the roll-up
   * changes a few statements at the end.
   */
  async apply(
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
    for (const set of labels) if (this.series.registry.idOf(set) === undefined) missing.set(labelKey(set), set);
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
    return labels.map((set) => this.series.registry.idOf(set) ?? (found.get(labelKey(set)) as number));
  }
}

/** A failure of the statement itself (bad data), not of the connection or the server: one op's own. */
const isOpError = (error: unknown) =>
  !isUnreachable(error) && !isLostConnection(error) && !(error as { code?: string }).code?.startsWith('40');

/** SQL types of the insert columns that are not text. */
const COLUMN_TYPES: Record<string, string> = { series_id: 'int4', timestamp: 'int8', duration_ms: 'int4' };

const sameRun = (op: WriteOp, kind: WriteOp['kind']) =>
  kind === 'add' ? op.kind === 'add' : kind !== 'deleteAll' && (op.kind === 'delete' || op.kind === 'deleteIds');
