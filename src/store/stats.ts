import { FIELDS, LABEL_FIELDS, type LabelName } from '../domain/fields.js';
import { type Filter, hasTimeRange, labelConditions } from '../domain/filter.js';
import {
  type GroupKey,
  isTimeKey,
  orderGroups,
  type StatsGroup,
  type StatsQuery,
  type StatsResult,
} from '../domain/stats.js';
import { type Bucket, bucketAt, bucketOfHour, type TimeUnit } from '../domain/time-zone.js';
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
  /**
   * Optional: what `cells` would visit over [fromHour, toHour), summed per label set (or all
   * together) into a count and the latest timestamp, without visiting each cell.
   */
  cellSums?(
    selection: SeriesSelection,
    perSeries: boolean,
    fromHour: number,
    toHour: number,
    visit: (series: number, count: number, latest: number) => void,
  ): Promise<void>;
  /** Records of the selection with from <= timestamp < to, one range after another. */
  records(selection: SeriesSelection, ranges: readonly [number, number][], visit: RecordVisitor): Promise<void>;
  /**
   * Per label set of the selection (or, with `perSeries` false, all of the selection together,
   * visited as one label set of it): how many records have from <= timestamp < to, and the
   * latest of them, counted by the database (for the parts of hours a range cuts, which the
   * cells cannot answer; each is within one hour, so the time index answers it quickly).
   */
  rangeTotals(
    selection: SeriesSelection,
    perSeries: boolean,
    from: number,
    to: number,
    visit: (series: number, count: number, latest: number) => void,
  ): Promise<void>;
  /** Every record matching the whole filter (for task_id and q, which no aggregate covers). */
  matching(filter: Filter, selection: SeriesSelection, visit: RecordVisitor): Promise<void>;
  /**
   * Optional: for a filter with task_id and without q, per label set of the selection the count
   * and latest timestamp of the matching records, added up by the database (instead of
   * `matching` visiting each record), for statistics not grouped by time or task.
   */
  taskTotals?(
    filter: Filter,
    selection: SeriesSelection,
    visit: (series: number, count: number, latest: number) => void,
  ): Promise<void>;
  /**
   * Optional: the same records seen by the values of some label fields (one field, or a few
   * fields' combined values), each value a label set of its own (roll-ups per value,
   * src/store/value-rollup.ts), with the selection the filter makes there; undefined where the
   * store keeps no such view. Asked when a request filters and groups by those fields alone.
   */
  byValue?(
    fields: readonly LabelName[],
    filter: Filter,
  ): { source: StatsSource; selection: SeriesSelection } | undefined;
}

/** Statistics of extensions §4 over any store: exact, from cells wherever whole hours allow. */
export async function computeStats(
  source: StatsSource,
  filter: Filter,
  selection: SeriesSelection,
  query: StatsQuery,
): Promise<StatsResult> {
  const needsRecords = filter.task_id !== undefined || filter.q !== undefined || query.groupBy.includes('task_id');
  const fields = new Set<LabelName>(labelConditions(filter).map(([name]) => name));
  for (const key of query.groupBy) if ((LABEL_FIELDS as readonly string[]).includes(key)) fields.add(key as LabelName);
  const byValue = !needsRecords && fields.size > 0 ? source.byValue?.([...fields], filter) : undefined;
  if (byValue) return computeStats(byValue.source, filter, byValue.selection, query);
  if (query.groupBy.length === 0 && !needsRecords && !hasTimeRange(filter)) return totalOf(source, selection, query);
  const groups = new Groups(source, query);
  const emptySelection = !selection.all && selection.ids.length === 0;
  if (emptySelection) {
    // Nothing can match.
  } else if (needsRecords) {
    // By task alone (no text, not grouped by time or task): one total per label set will do.
    const taskTotals =
      filter.task_id !== undefined && filter.q === undefined && !groups.timed && !query.groupBy.includes('task_id')
        ? source.taskTotals
        : undefined;
    if (taskTotals) {
      await taskTotals.call(source, filter, selection, (series, count, latest) =>
        groups.addTotal(series, count, latest),
      );
    } else {
      await source.matching(filter, selection, (series, timestamp, task) => groups.addRecord(series, timestamp, task));
    }
  } else if (!hasTimeRange(filter) && !groups.timed) {
    await source.totals(selection, groups.labelled, (series, count, latest) => groups.addTotal(series, count, latest));
  } else {
    await fromCells(source, filter, selection, groups);
  }
  return groups.result(query.limit);
}

/**
 * Nothing to group by and nothing but label conditions (a count, the original contract's): the
 * matching label sets' totals summed, as the one group the engine would make of them.
 */
async function totalOf(source: StatsSource, selection: SeriesSelection, query: StatsQuery): Promise<StatsResult> {
  let total = 0;
  let last = -1;
  if (selection.all || selection.ids.length > 0) {
    await source.totals(selection, false, (_series, count, latest) => {
      total += count;
      if (latest > last) last = latest;
    });
  }
  const groups = total > 0 ? [{ keys: [], starts: [], count: total, lastTimestamp: last }] : [];
  return { total, truncated: groups.length > query.limit, groups: groups.slice(0, query.limit) };
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
    groups.expectHours(firstWhole, endWhole);
    const spans = source.cellSums ? groups.wholeSpans(firstWhole, endWhole) : undefined;
    if (spans && source.cellSums) {
      // Runs of hours in the same buckets (a whole day, or the whole range): one sum each.
      for (const { from: a, to: b, time } of spans) {
        await source.cellSums(selection, groups.labelled, a, b, (series, count, latest) =>
          groups.addCell(series, time, count, latest),
        );
      }
    } else {
      await source.cells(selection, groups.labelled, firstWhole, endWhole, (series, hour, count, latest) => {
        const time = groups.timePartOfHour(hour);
        if (time === null) groups.noteSplit(hour);
        else groups.addCell(series, time, count, latest);
      });
    }
    for (const hour of groups.takeSplitHours()) partial.push([hour * HOUR, (hour + 1) * HOUR]);
    if (endWhole * HOUR < to) partial.push([endWhole * HOUR, to]);
  }
  // A part within one hour that no bucket edge cuts is counted by the database per label set;
  // the others (an edge inside the hour: zones such as +05:30) record by record.
  const byRecord: [number, number][] = [];
  for (const [a, b] of mergeRanges(partial)) {
    for (let start = a; start < b; ) {
      const hour = Math.floor(start / HOUR);
      const end = hour >= FAR_HOUR ? b : Math.min(b, (hour + 1) * HOUR);
      const time = hour >= FAR_HOUR ? null : groups.timePartOfHour(hour);
      if (time === null) byRecord.push([start, end]);
      else
        await source.rangeTotals(selection, groups.labelled, start, end, (series, n, latest) =>
          groups.addCell(series, time, n, latest),
        );
      start = end;
    }
  }
  if (byRecord.length > 0) {
    await source.records(selection, byRecord, (series, timestamp) => groups.addRecord(series, timestamp, null));
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
  /** By time part's index (an array: this is the inner loop of every statistics request)… */
  byTime: (Accumulated | undefined)[];
  /** …or by `time part + task` when grouping by task_id. */
  byTask: Map<string, Accumulated>;
}

/** The buckets an hour (or a record in a split hour) falls in, numbered in order of appearance. */
interface TimePart {
  index: number;
  buckets: Bucket[];
}

const NO_TIME: TimePart = { index: 0, buckets: [] };
/** Ranges of up to this many hours (about 12 years) memoise their hours' buckets in an array. */
const HOUR_ARRAY_MAX = 2 ** 17;
/** Summing runs of hours pays (over visiting each hour's cells) when runs average this many hours. */
const SPAN_HOURS_MIN = 4;
/**
 * Runs are found by walking every hour of the range, with or without records; beyond a year of
 * hours that walk could cost more than visiting the cells that exist, so longer ranges visit.
 */
const SPAN_WALK_MAX = 366 * 24;

/**
 * Which label part (the grouped label values) each label set falls in, for one grouping, kept
 * across requests: a label set's labels never change (ids are never reused), so each is looked
 * up and interned once, not on every request. Parts are numbered densely; `of` holds part + 1.
 */
class PartIndex {
  private of = new Int32Array(1024);
  readonly values: (string | null)[][] = [];
  private readonly byKey = new Map<string, number>();

  /** `valuesOf` answers undefined for a label set not known (yet): its part is not remembered. */
  partOf(series: number, valuesOf: (series: number) => { values: (string | null)[]; known: boolean }): number {
    const remembered = series < this.of.length ? (this.of[series] as number) : 0;
    if (remembered > 0) return remembered - 1;
    const { values, known } = valuesOf(series);
    const key = JSON.stringify(values);
    let part = this.byKey.get(key);
    if (part === undefined) {
      part = this.values.length;
      this.values.push(values);
      this.byKey.set(key, part);
    }
    // Ids beyond an Int32Array's reach are looked up every time (correct, only slower).
    if (known && series < 2 ** 31 - 1) {
      if (series >= this.of.length) {
        const grown = new Int32Array(Math.max(series + 1, this.of.length * 2));
        grown.set(this.of);
        this.of = grown;
      }
      this.of[series] = part + 1;
    }
    return part;
  }
}

/** Part indexes per stats source (one per store) and grouping. */
const partIndexes = new WeakMap<StatsSource, Map<string, PartIndex>>();

function partIndexFor(source: StatsSource, grouping: string): PartIndex {
  let bySource = partIndexes.get(source);
  if (!bySource) {
    bySource = new Map();
    partIndexes.set(source, bySource);
  }
  let index = bySource.get(grouping);
  if (!index) {
    index = new PartIndex();
    bySource.set(grouping, index);
  }
  return index;
}

/** Accumulates records and cells into groups keyed by the query's group_by. */
class Groups {
  readonly timed: boolean;
  readonly labelled: boolean;
  private readonly labelPositions: { position: number; field: number }[] = [];
  private readonly taskPosition: number;
  private readonly timePositions: { position: number; unit: TimeUnit }[] = [];
  /** Label parts of this request, by their number in the source's part index. */
  private readonly parts: LabelPart[] = [];
  private readonly partIndex: PartIndex | undefined;
  private lastSeries = -1;
  private lastPart: LabelPart | undefined;
  /** The one part of every label set when nothing is grouped by a label field. */
  private readonly unlabelled: LabelPart | undefined;
  /** Per hour: its time part, or null when a bucket edge cuts it (memo). */
  private readonly hourParts = new Map<number, TimePart | null>();
  private hourBase = 0;
  private hourArray: (TimePart | null | undefined)[] | undefined;
  /** Time parts by their bucket starts, for records of split hours. */
  private readonly timeParts = new Map<string, TimePart>();
  private lastTime: TimePart | undefined;
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
    if (!this.labelled) {
      this.unlabelled = { values: new Array(query.groupBy.length).fill(null), byTime: [], byTask: new Map() };
    } else {
      const grouping = this.labelPositions.map(({ position, field }) => `${position}:${field}`).join(',');
      this.partIndex = partIndexFor(source, `${query.groupBy.length}/${grouping}`);
    }
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

  /** A cell of an hour that lies whole in `time` (see timePartOfHour). */
  addCell(series: number, time: TimePart, count: number, latest: number): void {
    this.add(series, time, null, count, latest);
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

  /** Hours cells will come from: memoised in an array rather than the map, when not too many. */
  expectHours(from: number, to: number): void {
    if (this.timed && to - from <= HOUR_ARRAY_MAX) {
      this.hourBase = from;
      this.hourArray = new Array(to - from);
    }
  }

  /**
   * [from, to) as runs of whole hours that fall in the same buckets, noting the hours a bucket
   * edge cuts; undefined when runs would be short (hour buckets: visiting cells is as cheap) or
   * the range longer than SPAN_WALK_MAX hours.
   */
  wholeSpans(from: number, to: number): { from: number; to: number; time: TimePart }[] | undefined {
    if (!this.timed) return [{ from, to, time: NO_TIME }];
    if (to - from > SPAN_WALK_MAX) return undefined;
    const spans: { from: number; to: number; time: TimePart }[] = [];
    const split: number[] = [];
    for (let hour = from; hour < to; ) {
      const time = this.timePartOfHour(hour);
      if (time === null) {
        split.push(hour);
        hour++;
        continue;
      }
      // Every hour before the first bucket end lies whole in the same buckets: one step to there.
      let end = to;
      for (const bucket of time.buckets) end = Math.min(end, Math.floor(bucket.end / HOUR));
      end = Math.max(end, hour + 1);
      const last = spans[spans.length - 1];
      if (last && last.to === hour && last.time === time) last.to = end;
      else spans.push({ from: hour, to: end, time });
      hour = end;
    }
    if (spans.length * SPAN_HOURS_MIN > to - from) return undefined;
    for (const hour of split) this.noteSplit(hour);
    return spans;
  }

  /** The buckets an hour falls in, or null when a bucket edge cuts it (its records are counted instead). */
  timePartOfHour(hour: number): TimePart | null {
    if (!this.timed) return NO_TIME;
    const at = hour - this.hourBase;
    const memo = this.hourArray !== undefined && at >= 0 && at < this.hourArray.length;
    if (memo) {
      const known = (this.hourArray as (TimePart | null | undefined)[])[at];
      if (known !== undefined) return known;
    }
    let part = this.hourParts.get(hour);
    if (part === undefined) {
      const start = hour * HOUR;
      const found = this.timePositions.map(({ unit }) => bucketOfHour(this.query.zone, unit, hour));
      part =
        hour < FAR_HOUR && found.every((b) => b.start <= start && b.end >= start + HOUR)
          ? this.internTime(found)
          : null;
      this.hourParts.set(hour, part);
    }
    if (memo) (this.hourArray as (TimePart | null | undefined)[])[at] = part;
    return part;
  }

  private internTime(buckets: Bucket[]): TimePart {
    // Consecutive hours of one bucket bring the same Bucket objects (bucketOfHour): no key to build.
    const last = this.lastTime;
    if (last && buckets.every((bucket, i) => bucket === last.buckets[i])) return last;
    const key = buckets.map((b) => b.start).join(',');
    let part = this.timeParts.get(key);
    if (!part) {
      part = { index: this.timeParts.size + 1, buckets };
      this.timeParts.set(key, part);
    }
    this.lastTime = part;
    return part;
  }

  private add(series: number, time: TimePart, task: string | null, count: number, latest: number): void {
    this.total += count;
    const part = this.unlabelled ?? this.labelPartOf(series);
    const taskKey = this.taskPosition >= 0 ? `${time.index}\u0001${task ?? '\u0002'}` : undefined;
    let group = taskKey === undefined ? part.byTime[time.index] : part.byTask.get(taskKey);
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
      if (taskKey === undefined) part.byTime[time.index] = group;
      else part.byTask.set(taskKey, group);
    }
    group.count += count;
    if (latest > group.last) group.last = latest;
  }

  private labelPartOf(series: number): LabelPart {
    // Cells arrive label set by label set: the previous one's part is the likeliest.
    if (series === this.lastSeries) return this.lastPart as LabelPart;
    const index = this.partIndex as PartIndex;
    const number = index.partOf(series, (id) => this.labelValues(id));
    let part = this.parts[number];
    if (!part) {
      part = { values: index.values[number] as (string | null)[], byTime: [], byTask: new Map() };
      this.parts[number] = part;
    }
    this.lastSeries = series;
    this.lastPart = part;
    return part;
  }

  /** The grouped label values of a label set, in group_by positions (null for the others). */
  private labelValues(series: number): { values: (string | null)[]; known: boolean } {
    const labels = this.source.labels(series);
    const values: (string | null)[] = new Array(this.query.groupBy.length).fill(null);
    for (const { position, field } of this.labelPositions) {
      const value = labels?.[field];
      // '' is an absent extension label (status); a contract field's '' is a value of its own.
      const absent = value === ABSENT && FIELDS[LABEL_FIELDS[field] as LabelName].origin === 'extension';
      values[position] = value === undefined || absent ? null : value;
    }
    return { values, known: labels !== undefined };
  }

  result(limit: number): StatsResult {
    const all: StatsGroup[] = [];
    const take = (g: Accumulated | undefined) => {
      if (g) all.push({ keys: g.keys, starts: g.starts, count: g.count, lastTimestamp: g.last });
    };
    for (const part of this.unlabelled ? [this.unlabelled] : this.parts) {
      if (!part) continue;
      for (const g of part.byTime) take(g);
      for (const g of part.byTask.values()) take(g);
    }
    const ordered = orderGroups(all, this.query.groupBy);
    return { total: this.total, truncated: ordered.length > limit, groups: ordered.slice(0, limit) };
  }
}
