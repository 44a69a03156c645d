import type { Filter } from '../../domain/filter.js';
import { hasTimeRange } from '../../domain/filter.js';
import { FAR_HOUR } from '../cells.js';
import { choosePlan, type DriverCosts, MIN_TRIGRAM_CHARS } from '../plan.js';
import { ALL } from '../rollup.js';
import type { SeriesSelection } from '../series.js';
import { likeContaining, type RecordRow, ROW_SELECT } from '../sql/records.js';
import type { StatsSource } from '../stats.js';
import type { RowRenderer } from '../store.js';
import { intArray, type Sql, values } from './connection.js';
import type { KnownSeries } from './known-series.js';

/** A merge seeks each label set's index range (a LATERAL join): as measured for SQLite's first merge, kept. */
const POSTGRES_COSTS: DriverCosts = { mergeSet: 0.15, labelWalkStart: 0 };
/** How long the per-label-set sizes the planner estimates with may be stale. */
const SIZES_MAX_AGE_MS = 2_000;
const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER + 1;

/**
 * The reads of the PostgreSQL store: pages by the planner's driver, ascending walks, and the
 * aggregates and records statistics are computed from. Callers refresh the known label sets
 * first; these refresh again after reading rows a newer label set may carry.
 */
export class PostgresReads {
  /** Records per label set, for planning only (may be a little stale). */
  private sizes: { at: number; bySeries: Map<number, number>; total: number } = {
    at: -Infinity,
    bySeries: new Map(),
    total: 0,
  };

  constructor(
    private readonly sql: Sql,
    private readonly series: KnownSeries,
  ) {}

  /**
   * The newest `need` matching rows below `before`, read by the driver the planner picks from
   * the same estimates as the SQLite store's; the conditions themselves are all in SQL.
   */
  async select(columns: string, filter: Filter, need: number, before = NO_UPPER_BOUND): Promise<RecordRow[]> {
    const selection = this.series.registry.select(filter);
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
      costs: POSTGRES_COSTS,
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

  /** Up to `limit` matching rows with ids above `afterId`, oldest first. */
  async ascending<T>(filter: Filter, afterId: number, limit: number, render: RowRenderer<T>): Promise<T[]> {
    const selection = this.series.registry.select(filter);
    if (!selection.all && selection.ids.length === 0) return [];
    const where = conditions(filter, selection);
    const params = [...where.params, afterId, limit];
    const rows = await values<RecordRow>(
      this.sql,
      `SELECT ${ROW_SELECT} FROM activity_log WHERE ${where.sql} AND id > $${params.length - 1} ORDER BY id LIMIT $${params.length}`,
      params,
    );
    await this.series.refresh();
    return rows.map((row) => render(row, this.series.labelsOf(row[1] as number)));
  }

  readonly statsSource: StatsSource = {
    labels: (series) => this.series.registry.labels(series),
    totals: async (selection, perSeries, visit) => {
      const { sql, params } = seriesCondition(selection, perSeries);
      const rows = await values<[number, number, number]>(
        this.sql,
        `SELECT series_id, sum(n)::int8, max(latest) FROM rollup_totals WHERE ${sql} GROUP BY series_id`,
        params,
      );
      await this.series.refresh();
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
      await this.series.refresh();
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
    rangeTotals: async (selection, perSeries, from, to, visit) => {
      const { sql, params } = selection.all ? { sql: 'TRUE', params: [] } : seriesCondition(selection, true);
      // Without a per-label-set breakdown one row for the whole selection is enough.
      const series = perSeries ? 'series_id' : selection.all ? `${ALL}` : `${selection.ids[0] ?? ALL}`;
      const rows = await values<[number, number, number]>(
        this.sql,
        `SELECT ${series}, count(*)::int8, max(timestamp) FROM activity_log
           WHERE timestamp >= $${params.length + 1} AND timestamp < $${params.length + 2} AND ${sql}
           ${perSeries ? 'GROUP BY series_id' : 'HAVING count(*) > 0'}`,
        [...params, from, Math.min(to, NO_UPPER_BOUND)],
      );
      await this.series.refresh();
      for (const [series, count, latest] of rows) visit(series, Number(count), Number(latest));
    },
    matching: async (filter, selection, visit) => {
      const where = conditions(filter, selection);
      const rows = await values<[number, number, string | null]>(
        this.sql,
        `SELECT series_id, timestamp, task_id FROM activity_log WHERE ${where.sql}`,
        where.params,
      );
      await this.series.refresh();
      for (const [series, timestamp, task] of rows) visit(series, timestamp, task);
    },
  };

  /** Per-label-set sizes for the planner, read again when older than SIZES_MAX_AGE_MS. */
  private async planningSizes(): Promise<PostgresReads['sizes']> {
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
}

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
