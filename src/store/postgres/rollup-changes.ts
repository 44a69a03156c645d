import { FAR_HOUR, HOUR, hourOf } from '../cells.js';
import { ALL } from '../rollup.js';
import { intArray, type TransactionSql } from './connection.js';

const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER + 1;

/**
 * The roll-up changes of one batch, folded per cell and per label set, written in a few
 * statements at the end of the transaction in one fixed order (so concurrent writers lock rows
 * in the same order and cannot deadlock).
 */
export class RollupChanges {
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
