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

/**
 * One distinct value of the grouped label fields, shared by every label set that has it, with
 * its groups by time part (and task). Label sets resolve to their part once; hours resolve to a
 * small time-part number once; so a cell costs two small-integer map lookups, no string
 * building. (Statistics at 10M records visit hundreds of thousands of cells a request.)
 */
interface LabelPart {
  values: (string | null)[];
  /** By time part, or by `time part + task` when grouping by task_id. */
  groups: Map<number | string, Accumulated>;
}

/** The buckets an hour (or a record in a split hour) falls in, numbered in order of appearance. */
interface TimePart {
  index: number;
  buckets: Bucket[];
}

const NO_TIME: TimePart = { index: 0, buckets: [] };

/** Accumulates records and cells into groups keyed by the query's group_by. */
class Groups {
  readonly timed: boolean;
  readonly labelled: boolean;
  private readonly labelPositions: { position: number; field: number }[] = [];
  private readonly taskPosition: number;
  private readonly timePositions: { position: number; unit: TimeUnit }[] = [];
  /** Per label set, its label part (memo); parts are interned by their values. */
  private readonly partOfSeries = new Map<number, LabelPart>();
  private readonly parts = new Map<string, LabelPart>();
  /** The one part of every label set when nothing is grouped by a label field. */
  private readonly unlabelled: LabelPart | undefined;
  /** Per hour: its time part, or null when a bucket edge cuts it (memo). */
  private readonly hourParts = new Map<number, TimePart | null>();
  /** Time parts by their bucket starts, for records of split hours. */
  private readonly timeParts = new Map<string, TimePart>();
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
    if (!this.labelled) this.unlabelled = { values: new Array(query.groupBy.length).fill(null), groups: new Map() };
  }

  /** True when a bucket edge falls inside the hour, so its cells cannot be attributed whole. */
  splits(hour: number): boolean {
    return this.timePartOfHour(hour) === null;
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
    if (count > 0) this.add(series, NO_TIME, null, count, latest);
  }

  addCell(series: number, hour: number, count: number, latest: number): void {
    this.add(series, this.timePartOfHour(hour) as TimePart, null, count, latest);
  }

  addRecord(series: number, timestamp: number, task: string | null): void {
    let time = NO_TIME;
    if (this.timed) {
      time =
        this.timePartOfHour(Math.floor(timestamp / HOUR)) ??
        this.internTime(this.timePositions.map(({ unit }) => bucketAt(this.query.zone, unit, timestamp)));
    }
    this.add(series, time, task, 1, timestamp);
  }

  private timePartOfHour(hour: number): TimePart | null {
    if (!this.timed) return NO_TIME;
    let part = this.hourParts.get(hour);
    if (part === undefined) {
      const start = hour * HOUR;
      const found = this.timePositions.map(({ unit }) => bucketAt(this.query.zone, unit, start));
      part =
        hour < FAR_HOUR && found.every((b) => b.start <= start && b.end >= start + HOUR)
          ? this.internTime(found)
          : null;
      this.hourParts.set(hour, part);
    }
    return part;
  }

  private internTime(buckets: Bucket[]): TimePart {
    const key = buckets.map((b) => b.start).join(',');
    let part = this.timeParts.get(key);
    if (!part) {
      part = { index: this.timeParts.size + 1, buckets };
      this.timeParts.set(key, part);
    }
    return part;
  }

  private add(series: number, time: TimePart, task: string | null, count: number, latest: number): void {
    this.total += count;
    const part = this.unlabelled ?? this.labelPartOf(series);
    const key = this.taskPosition >= 0 ? `${time.index}\u0001${task ?? '\u0002'}` : time.index;
    let group = part.groups.get(key);
    if (!group) {
      const keys = part.values.slice();
      const starts: number[] = new Array(this.query.groupBy.length).fill(0);
      this.timePositions.forEach(({ position }, i) => {
        const bucket = time.buckets[i] as Bucket;
        keys[position] = bucket.key;
        starts[position] = bucket.start;
      });
      if (this.taskPosition >= 0) keys[this.taskPosition] = task;
      group = { keys, starts, count: 0, last: -1 };
      part.groups.set(key, group);
    }
    group.count += count;
    if (latest > group.last) group.last = latest;
  }

  private labelPartOf(series: number): LabelPart {
    let part = this.partOfSeries.get(series);
    if (!part) {
      const labels = this.source.labels(series);
      const values: (string | null)[] = new Array(this.query.groupBy.length).fill(null);
      for (const { position, field } of this.labelPositions) {
        const value = labels?.[field];
        // '' is an absent extension label (status); a contract field's '' is a value of its own.
        const absent = value === ABSENT && FIELDS[LABEL_FIELDS[field] as LabelName].origin === 'extension';
        values[position] = value === undefined || absent ? null : value;
      }
      const id = JSON.stringify(values);
      part = this.parts.get(id);
      if (!part) {
        part = { values, groups: new Map() };
        this.parts.set(id, part);
      }
      this.partOfSeries.set(series, part);
    }
    return part;
  }

  result(limit: number): StatsResult {
    const all: StatsGroup[] = [];
    for (const part of this.unlabelled ? [this.unlabelled] : this.parts.values()) {
      for (const g of part.groups.values()) {
        all.push({ keys: g.keys, starts: g.starts, count: g.count, lastTimestamp: g.last });
      }
    }
    const ordered = orderGroups(all, this.query.groupBy);
    return { total: this.total, truncated: ordered.length > limit, groups: ordered.slice(0, limit) };
  }
}
