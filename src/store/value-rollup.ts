import { LABEL_FIELDS, type LabelName } from '../domain/fields.js';
import type { Filter } from '../domain/filter.js';
import { CellList, HOUR, hourOf } from './cells.js';
import type { Rollup } from './rollup.js';
import { ABSENT, type Labels, labelKey, type SeriesRegistry, type SeriesSelection } from './series.js';
import type { StatsSource } from './stats.js';

/** Hours a value's cells may span to be merged in a dense scratch array (beyond: a map). */
const DENSE_SPAN_MAX = 2 ** 16;
/**
 * Two or more fields get a roll-up of their combined values only while the product of their
 * value counts stays within this: platform × action type × status on a farm (5 × 10 × 3), not
 * serial × anything. Memory is at most this many values' hour cells per combination of fields.
 */
export const COMBINED_VALUES_MAX = 256;

/**
 * Roll-ups per value of one label field (per serial, per username, per action type…), or per
 * combined value of a few fields with few values (platform and status: tiktok/failed…), beside
 * the per-label-set roll-up they are made from. A count or a statistic that filters or groups
 * by those fields alone then reads their few hundred values, not the ~20,000 label sets that
 * hold them (docs/decisions.md, "Roll-ups per label value"; "Counts over a cut range").
 * Values are numbered densely, in order of first sight; they play the part of label sets for
 * the statistics engine, whose code is the same for both.
 */
export class ValueRollup {
  private readonly ids = new Map<string, number>();
  /** Per value: its text in each of the fields, in `fields` order. */
  private readonly values: Labels[] = [];
  /** Where each of the fields sits in a label set's labels. */
  private readonly positions: readonly number[];
  /** Per label set: its value's number + 1 (0: not looked up yet). */
  private ofSeries = new Int32Array(1024);
  private readonly counts: number[] = [];
  private readonly latest: number[] = [];
  private readonly cells: CellList[] = [];
  /** Hours of a value whose latest timestamp a delete may have removed: `value * 2^32 + hour`. */
  private readonly stale = new Set<number>();

  constructor(
    /** The fields, in LABEL_FIELDS order. */
    readonly fields: readonly LabelName[],
    private readonly registry: SeriesRegistry,
    private readonly rollup: Rollup,
  ) {
    this.positions = fields.map((field) => LABEL_FIELDS.indexOf(field));
    this.build();
  }

  /** Number of values: value ids are 0 … size - 1. */
  get size(): number {
    return this.values.length;
  }

  /** The values whose text in each field the filter names is the filter's (ascending). */
  matching(filter: Filter): number[] {
    if (this.fields.length === 1) {
      const wanted = filter[this.fields[0] as LabelName];
      if (wanted === undefined) return Array.from(this.values.keys());
      const value = this.ids.get(labelKey([wanted]));
      return value === undefined ? [] : [value];
    }
    const out: number[] = [];
    this.values.forEach((texts, value) => {
      if (this.fields.every((field, i) => filter[field] === undefined || filter[field] === texts[i])) out.push(value);
    });
    return out;
  }

  /** The labels a value stands for: its text in its fields, nothing in the others. */
  labels(value: number): Labels | undefined {
    const texts = this.values[value];
    if (texts === undefined) return undefined;
    return LABEL_FIELDS.map((_, i) => {
      const at = this.positions.indexOf(i);
      return at < 0 ? ABSENT : (texts[at] as string);
    });
  }

  count(value: number): number {
    return this.counts[value] ?? 0;
  }

  latestOf(value: number): number {
    return this.latest[value] ?? -1;
  }

  cellsOf(value: number): CellList | undefined {
    this.settle();
    return this.cells[value];
  }

  /** The label sets holding one of the values (ascending), for the records behind them. */
  seriesOf(selection: SeriesSelection): SeriesSelection {
    if (selection.all) return selection;
    // The registry's selection is ascending already (a posting list, or an intersection it
    // keeps), and the common case is one value.
    const lists = selection.ids.map((value) => this.seriesOfValue(value));
    if (lists.length === 1) return { all: false, ids: lists[0] as readonly number[] };
    return { all: false, ids: Array.from(Int32Array.from(lists.flat()).sort()) };
  }

  private seriesOfValue(value: number): readonly number[] {
    const texts = this.values[value];
    if (texts === undefined) return [];
    const filter: Filter = {};
    this.fields.forEach((field, i) => {
      filter[field] = texts[i] as string;
    });
    const selection = this.registry.select(filter);
    return selection.all ? [] : selection.ids;
  }

  /** The value a label set holds. */
  valueOf(series: number): number {
    const known = series < this.ofSeries.length ? (this.ofSeries[series] as number) : 0;
    if (known > 0) return known - 1;
    const labels = this.registry.labels(series);
    const value = this.intern(this.positions.map((at) => labels?.[at] ?? ABSENT));
    if (labels) this.remember(series, value);
    return value;
  }

  add(series: number, timestamp: number): void {
    const value = this.valueOf(series);
    this.counts[value] = (this.counts[value] as number) + 1;
    if (timestamp > (this.latest[value] as number)) this.latest[value] = timestamp;
    (this.cells[value] as CellList).add(timestamp);
  }

  remove(series: number, timestamp: number): void {
    const value = this.valueOf(series);
    if (!((this.counts[value] as number) > 0)) return;
    this.counts[value] = (this.counts[value] as number) - 1;
    const cells = this.cells[value] as CellList;
    // The hour's latest is fixed when next read: by then the label sets' cells have theirs.
    if (cells.remove(timestamp)) this.stale.add(value * 2 ** 32 + hourOf(timestamp));
    this.latest[value] = (this.counts[value] as number) > 0 ? cells.latest() : -1;
  }

  /** Recomputes the latest timestamp of hours a delete touched, from the label sets' cells. */
  private settle(): void {
    if (this.stale.size === 0) return;
    for (const key of this.stale) {
      const value = Math.floor(key / 2 ** 32);
      const hour = key - value * 2 ** 32;
      let latest = -1;
      for (const series of this.seriesOfValue(value)) {
        latest = Math.max(latest, this.rollup.cellsOf(series)?.latestIn(hour) ?? -1);
      }
      const cells = this.cells[value] as CellList;
      if (latest >= 0) cells.setLatest(hour, latest);
      this.latest[value] = (this.counts[value] as number) > 0 ? cells.latest() : -1;
    }
    this.stale.clear();
  }

  private intern(texts: Labels): number {
    const key = labelKey(texts);
    let value = this.ids.get(key);
    if (value === undefined) {
      value = this.values.length;
      this.ids.set(key, value);
      this.values.push(texts);
      this.counts.push(0);
      this.latest.push(-1);
      this.cells.push(new CellList());
    }
    return value;
  }

  private remember(series: number, value: number): void {
    if (series >= 2 ** 31 - 1) return; // looked up every time: correct, only slower
    if (series >= this.ofSeries.length) {
      const grown = new Int32Array(Math.max(series + 1, this.ofSeries.length * 2));
      grown.set(this.ofSeries);
      this.ofSeries = grown;
    }
    this.ofSeries[series] = value + 1;
  }

  /** Sums the label sets' roll-ups per value: each value's cells merged hour by hour. */
  private build(): void {
    const seriesOf: number[][] = [];
    for (let series = 1; series < this.registry.bound; series++) {
      if (this.registry.labels(series) === undefined) continue;
      const value = this.valueOf(series);
      const list = seriesOf[value];
      if (list) list.push(series);
      else seriesOf[value] = [series];
    }
    for (const [value, seriesIds] of seriesOf.entries()) {
      let count = 0;
      let latest = -1;
      let first = Number.POSITIVE_INFINITY;
      let last = Number.NEGATIVE_INFINITY;
      const lists: CellList[] = [];
      for (const series of seriesIds ?? []) {
        count += this.rollup.count(series);
        latest = Math.max(latest, this.rollup.latestOf(series));
        const cells = this.rollup.cellsOf(series);
        if (!cells || cells.length === 0) continue;
        lists.push(cells);
        first = Math.min(first, cells.firstHour() as number);
        last = Math.max(last, cells.lastHour() as number);
      }
      this.counts[value] = count;
      this.latest[value] = latest;
      this.cells[value] = lists.length === 0 ? new CellList() : mergeCells(lists, first, last);
    }
  }
}

/** One list holding the sums of several lists' cells (hour by hour, latest of each hour). */
function mergeCells(lists: readonly CellList[], first: number, last: number): CellList {
  const merged = new CellList();
  if (last - first < DENSE_SPAN_MAX) {
    const span = last - first + 1;
    const counts = new Float64Array(span);
    const latest = new Float64Array(span).fill(-1);
    for (const list of lists) {
      list.forEach(first, last + 1, (hour, n, ts) => {
        const at = hour - first;
        counts[at] = (counts[at] as number) + n;
        if (ts > (latest[at] as number)) latest[at] = ts;
      });
    }
    for (let at = 0; at < span; at++) {
      if ((counts[at] as number) > 0) merged.add(latest[at] as number, counts[at] as number);
    }
    merged.trim();
    return merged;
  }
  const byHour = new Map<number, [number, number]>();
  for (const list of lists) {
    list.forEach(first, last + 1, (hour, n, ts) => {
      const cell = byHour.get(hour);
      if (!cell) byHour.set(hour, [n, ts]);
      else {
        cell[0] += n;
        cell[1] = Math.max(cell[1], ts);
      }
    });
  }
  for (const hour of [...byHour.keys()].sort((a, b) => a - b)) {
    const [n, ts] = byHour.get(hour) as [number, number];
    merged.add(Math.max(ts, hour * HOUR), n);
  }
  merged.trim();
  return merged;
}

/**
 * The per-value roll-ups of a store's label fields, and of combinations of fields with few
 * values, each built on first use from the label sets' roll-up and then kept in step with it:
 * `add` and `remove` follow every change the roll-up sees, `clear` follows a wipe.
 */
export class ValueRollups {
  /** By the fields' names in LABEL_FIELDS order, joined with ','. */
  private readonly built = new Map<string, { values: ValueRollup; source: StatsSource }>();

  constructor(
    private readonly registry: SeriesRegistry,
    private readonly rollup: Rollup,
    /** The label sets' statistics source the per-value ones read records through. */
    private readonly base: StatsSource,
  ) {}

  /**
   * The statistics source of the values of some fields, and the selection a filter makes there
   * (StatsSource.byValue); undefined for two or more fields whose values would be too many.
   */
  view(fields: readonly LabelName[], filter: Filter): { source: StatsSource; selection: SeriesSelection } | undefined {
    const ordered = LABEL_FIELDS.filter((field) => fields.includes(field));
    const key = ordered.join(',');
    let built = this.built.get(key);
    if (!built) {
      if (ordered.length > 1) {
        let product = 1;
        for (const field of ordered) product *= Math.max(1, this.registry.values(field).size);
        if (product > COMBINED_VALUES_MAX) return undefined;
      }
      const values = new ValueRollup(ordered, this.registry, this.rollup);
      built = { values, source: valueSource(values, this.base) };
      this.built.set(key, built);
    }
    const named = ordered.some((field) => filter[field] !== undefined);
    const selection: SeriesSelection = named ? { all: false, ids: built.values.matching(filter) } : { all: true };
    return { source: built.source, selection };
  }

  add(series: number, timestamp: number): void {
    for (const { values } of this.built.values()) values.add(series, timestamp);
  }

  remove(series: number, timestamp: number): void {
    for (const { values } of this.built.values()) values.remove(series, timestamp);
  }

  clear(): void {
    this.built.clear();
  }
}

/**
 * A statistics source over the values of one field: totals and cells from the per-value
 * roll-up, records and the counts of cut hours from the label sets' source, each label set
 * mapped to its value.
 */
export function valueSource(values: ValueRollup, base: StatsSource): StatsSource {
  const targets = (selection: SeriesSelection, visit: (value: number) => void) => {
    if (!selection.all) for (const value of selection.ids) visit(value);
    else for (let value = 0; value < values.size; value++) visit(value);
  };
  const mapped =
    <T extends unknown[]>(visit: (value: number, ...rest: T) => void) =>
    (series: number, ...rest: T) =>
      visit(values.valueOf(series), ...rest);
  return {
    labels: (value) => values.labels(value),
    totals: async (selection, perSeries, visit) => {
      if (selection.all && !perSeries) return base.totals(selection, false, visit);
      targets(selection, (value) => {
        if (values.count(value) > 0) visit(value, values.count(value), values.latestOf(value));
      });
    },
    cells: async (selection, perSeries, fromHour, toHour, visit) => {
      if (selection.all && !perSeries) return base.cells(selection, false, fromHour, toHour, visit);
      targets(selection, (value) => {
        values.cellsOf(value)?.forEach(fromHour, toHour, (hour, n, last) => visit(value, hour, n, last));
      });
    },
    ...(base.cellSums && {
      cellSums: async (selection, perSeries, fromHour, toHour, visit) => {
        if (selection.all && !perSeries) return base.cellSums?.(selection, false, fromHour, toHour, visit);
        targets(selection, (value) => {
          const sum = values.cellsOf(value)?.sum(fromHour, toHour);
          if (sum && sum.count > 0) visit(value, sum.count, sum.latest);
        });
      },
    }),
    records: (selection, ranges, visit) => base.records(values.seriesOf(selection), ranges, mapped(visit)),
    // Without a breakdown the one total is not a label set's: passed on as it is.
    rangeTotals: (selection, perSeries, from, to, visit) =>
      base.rangeTotals(values.seriesOf(selection), perSeries, from, to, perSeries ? mapped(visit) : visit),
    matching: (filter, selection, visit) => base.matching(filter, values.seriesOf(selection), mapped(visit)),
  };
}
