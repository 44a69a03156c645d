import { FIELDS, LABEL_FIELDS, type LabelName } from '../domain/fields.js';
import { type Filter, hasTimeRange } from '../domain/filter.js';
import {
  type GroupKey,
  isTimeKey,
  orderGroups,
  type StatsGroup,
  type StatsQuery,
  type StatsResult,
} from '../domain/stats.js';
import { type Bucket, bucketAt, type TimeUnit } from '../domain/time-zone.js';
import { FAR_HOUR, HOUR } from './cells.js';
import { ABSENT, type Labels, type SeriesSelection } from './series.js';

/** Visits one record (count 1) or one hour cell (its count and latest timestamp). */
export type RecordVisitor = (series: number, timestamp: number, task: string | null) => void;
export type CellVisitor = (series: number, hour: number, count: number, latest: number) => void;

/**
 * What the statistics engine reads, implemented by each store: label sets, their totals and
 * hour cells (the aggregates), and records only where aggregates cannot answer: the parts of
 * hours cut by a range or bucket edge, and filters or groupings by task_id or text.
 */
export interface StatsSource {
  labels(series: number): Labels | undefined;
  /**
   * Totals per label set of the selection. With `perSeries` false and a selection of all label
   * sets, one visit for all records together (series ALL = 0) is enough.
   */
  totals(
    selection: SeriesSelection,
    perSeries: boolean,
    visit: (series: number, count: number, latest: number) => void,
  ): Promise<void>;
  /** Cells of [fromHour, toHour) of the selection, per label set or (see totals) of all records. */
  cells(
    selection: SeriesSelection,
    perSeries: boolean,
    fromHour: number,
    toHour: number,
    visit: CellVisitor,
  ): Promise<void>;
  /** Records of the selection with from <= timestamp < to, one range after another. */
  records(selection: SeriesSelection, ranges: readonly [number, number][], visit: RecordVisitor): Promise<void>;
  /** Every record matching the whole filter (for task_id and q, which no aggregate covers). */
  matching(filter: Filter, selection: SeriesSelection, visit: RecordVisitor): Promise<void>;
}

/** Statistics of extensions §4 over any store: exact, from cells wherever whole hours allow. */
export async function computeStats(
  source: StatsSource,
  filter: Filter,
  selection: SeriesSelection,
  query: StatsQuery,
): Promise<StatsResult> {
  const groups = new Groups(source, query);
  const needsRecords = filter.task_id !== undefined || filter.q !== undefined || query.groupBy.includes('task_id');
  const emptySelection = !selection.all && selection.ids.length === 0;
  if (emptySelection) {
    // Nothing can match.
  } else if (needsRecords) {
    await source.matching(filter, selection, (series, timestamp, task) => groups.addRecord(series, timestamp, task));
  } else if (!hasTimeRange(filter) && !groups.timed) {
    await source.totals(selection, groups.labelled, (series, count, latest) => groups.addTotal(series, count, latest));
  } else {
    await fromCells(source, filter, selection, groups);
  }
  return groups.result(query.limit);
}

async function fromCells(
  source: StatsSource,
  filter: Filter,
  selection: SeriesSelection,
  groups: Groups,
): Promise<void> {
  const from = filter.since ?? 0;
  const to = Math.min(filter.until ?? Number.MAX_SAFE_INTEGER + 1, Number.MAX_SAFE_INTEGER + 1);
  if (from >= to) return;
  const firstWhole = Math.ceil(from / HOUR);
  const endWhole = Math.min(Math.floor(to / HOUR), FAR_HOUR);
  // Parts of hours the range cuts, and hours a bucket edge cuts, are counted from records.
  const partial: [number, number][] = [];
  if (firstWhole >= endWhole) partial.push([from, to]);
  else {
    if (from < firstWhole * HOUR) partial.push([from, firstWhole * HOUR]);
    await source.cells(selection, groups.labelled, firstWhole, endWhole, (series, hour, count, latest) => {
      if (groups.splits(hour)) groups.noteSplit(hour);
      else groups.addCell(series, hour, count, latest);
    });
    for (const hour of groups.takeSplitHours()) partial.push([hour * HOUR, (hour + 1) * HOUR]);
    if (endWhole * HOUR < to) partial.push([endWhole * HOUR, to]);
  }
  if (partial.length > 0) {
    await source.records(selection, mergeRanges(partial), (series, timestamp) =>
      groups.addRecord(series, timestamp, null),
    );
  }
}

function mergeRanges(ranges: [number, number][]): [number, number][] {
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}

interface Accumulated {
  keys: (string | null)[];
  starts: number[];
  count: number;
  last: number;
}

/** Accumulates records and cells into groups keyed by the query's group_by. */
class Groups {
  readonly timed: boolean;
  readonly labelled: boolean;
  private readonly labelPositions: { position: number; field: number }[] = [];
  private readonly taskPosition: number;
  private readonly timePositions: { position: number; unit: TimeUnit }[] = [];
  private readonly byKey = new Map<string, Accumulated>();
  /** Per label set, its part of a group key (memo). */
  private readonly labelPart = new Map<number, { id: string; values: (string | null)[] }>();
  /** Per hour: the buckets it falls in, or null when an edge cuts it (memo). */
  private readonly hourBuckets = new Map<number, Bucket[] | null>();
  private readonly splitHours = new Set<number>();
  total = 0;

  constructor(
    private readonly source: StatsSource,
    private readonly query: StatsQuery,
  ) {
    query.groupBy.forEach((key: GroupKey, position) => {
      if (isTimeKey(key)) this.timePositions.push({ position, unit: key });
      else if (key !== 'task_id') this.labelPositions.push({ position, field: LABEL_FIELDS.indexOf(key as LabelName) });
    });
    this.taskPosition = query.groupBy.indexOf('task_id');
    this.timed = this.timePositions.length > 0;
    this.labelled = this.labelPositions.length > 0;
  }

  /** True when a bucket edge falls inside the hour, so its cells cannot be attributed whole. */
  splits(hour: number): boolean {
    return this.bucketsOfHour(hour) === null;
  }

  noteSplit(hour: number): void {
    this.splitHours.add(hour);
  }

  takeSplitHours(): number[] {
    const hours = [...this.splitHours];
    this.splitHours.clear();
    return hours;
  }

  addTotal(series: number, count: number, latest: number): void {
    if (count > 0) this.add(series, null, null, count, latest);
  }

  addCell(series: number, hour: number, count: number, latest: number): void {
    this.add(series, this.bucketsOfHour(hour), null, count, latest);
  }

  addRecord(series: number, timestamp: number, task: string | null): void {
    const hour = Math.floor(timestamp / HOUR);
    const buckets = this.timed
      ? (this.bucketsOfHour(hour) ?? this.timePositions.map(({ unit }) => bucketAt(this.query.zone, unit, timestamp)))
      : null;
    this.add(series, buckets, task, 1, timestamp);
  }

  private bucketsOfHour(hour: number): Bucket[] | null {
    if (!this.timed) return [];
    let buckets = this.hourBuckets.get(hour);
    if (buckets === undefined) {
      const start = hour * HOUR;
      const found = this.timePositions.map(({ unit }) => bucketAt(this.query.zone, unit, start));
      buckets = hour < FAR_HOUR && found.every((b) => b.start <= start && b.end >= start + HOUR) ? found : null;
      this.hourBuckets.set(hour, buckets);
    }
    return buckets;
  }

  private add(series: number, buckets: Bucket[] | null, task: string | null, count: number, latest: number): void {
    this.total += count;
    const label = this.labelPartOf(series);
    let id = label.id;
    if (buckets) for (const bucket of buckets) id += `\u0001${bucket.start}`;
    if (this.taskPosition >= 0) id += `\u0001${task ?? '\u0002'}`;
    let group = this.byKey.get(id);
    if (!group) {
      const keys: (string | null)[] = new Array(this.query.groupBy.length).fill(null);
      const starts: number[] = new Array(this.query.groupBy.length).fill(0);
      for (const { position } of this.labelPositions) keys[position] = label.values[position] ?? null;
      this.timePositions.forEach(({ position }, i) => {
        const bucket = buckets?.[i] as Bucket;
        keys[position] = bucket.key;
        starts[position] = bucket.start;
      });
      if (this.taskPosition >= 0) keys[this.taskPosition] = task;
      group = { keys, starts, count: 0, last: -1 };
      this.byKey.set(id, group);
    }
    group.count += count;
    if (latest > group.last) group.last = latest;
  }

  private labelPartOf(series: number): { id: string; values: (string | null)[] } {
    let part = this.labelPart.get(series);
    if (!part) {
      const labels = this.source.labels(series);
      const values: (string | null)[] = new Array(this.query.groupBy.length).fill(null);
      for (const { position, field } of this.labelPositions) {
        const value = labels?.[field];
        // '' is an absent extension label (status); a contract field's '' is a value of its own.
        const absent = value === ABSENT && FIELDS[LABEL_FIELDS[field] as LabelName].origin === 'extension';
        values[position] = value === undefined || absent ? null : value;
      }
      part = { id: this.labelled ? JSON.stringify(values) : '', values };
      this.labelPart.set(series, part);
    }
    return part;
  }

  result(limit: number): StatsResult {
    const all: StatsGroup[] = [...this.byKey.values()].map((g) => ({
      keys: g.keys,
      starts: g.starts,
      count: g.count,
      lastTimestamp: g.last,
    }));
    const ordered = orderGroups(all, this.query.groupBy);
    return { total: this.total, truncated: ordered.length > limit, groups: ordered.slice(0, limit) };
  }
}
