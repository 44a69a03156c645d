import { HOUR } from '../cells.js';
import { ALL } from '../rollup.js';

/** Records kept at most over all kept hours (6 bytes each: ~1.5 MB). */
export const RECORDS_MAX = 262_144;
/** An hour holding more records than this is never kept (its parts are counted by the database). */
export const HOUR_RECORDS_MAX = 65_536;
/** Hours remembered as asked once (a bound on the bookkeeping of hours never asked again). */
const ASKED_MAX = 4_096;

/** The records of one hour in timestamp order: seconds into the hour, and label set. */
export interface HourEntries {
  readonly seconds: Uint16Array;
  readonly series: Int32Array;
}

/**
 * The time index of a few hours, kept in memory for the parts of hours a time range cuts
 * (docs/decisions.md, "Cut hours from the records of the hour"). Counts and statistics take
 * whole hours from the cells; an hour a range starts or ends inside is counted record by
 * record, which through SQLite costs ~50–100 ns a record (~4,600 records an hour at 10M:
 * 0.2–0.4 ms a count). A kept hour is counted with two binary searches, and checked for the
 * selection's label sets at a few nanoseconds a record.
 *
 * - An hour is loaded on its second ask with no change to it in between; an hour asked once,
 *   or changed between asks (the live hour), is counted by SQLite as before and costs nothing
 *   more.
 * - Exact: every committed add, remove and wipe goes through `changed` or `clear` (the store's
 *   `applyChanges`), which drops the hour. Reads and writes run on one thread, so a load sees
 *   either none or all of a commit whose changes are then applied.
 * - Bounded: at most RECORDS_MAX records over all hours, the least recently used dropped first.
 */
export class HourRecords {
  /** Kept hours, least recently used first (a Map keeps insertion order). */
  private readonly kept = new Map<number, HourEntries>();
  private readonly askedOnce = new Set<number>();
  private records = 0;

  constructor(
    /** The hour's records from the time index: `(timestamp - hour start) * 2^22 + series`, comma-joined. */
    private readonly load: (from: number, to: number) => string | null,
  ) {}

  /**
   * The records of `hour` when kept, or loaded now (asked before, unchanged since, at most
   * HOUR_RECORDS_MAX by the cells' count `expected`); undefined: count through SQLite.
   */
  get(hour: number, expected: number): HourEntries | undefined {
    const entries = this.kept.get(hour);
    if (entries) {
      this.kept.delete(hour);
      this.kept.set(hour, entries);
      return entries;
    }
    if (expected > HOUR_RECORDS_MAX || !Number.isSafeInteger(hour * HOUR)) return undefined;
    if (!this.askedOnce.has(hour)) {
      if (this.askedOnce.size >= ASKED_MAX) this.askedOnce.clear();
      this.askedOnce.add(hour);
      return undefined;
    }
    this.askedOnce.delete(hour);
    const loaded = parse(this.load(hour * HOUR, (hour + 1) * HOUR));
    this.kept.set(hour, loaded);
    this.records += loaded.seconds.length;
    for (const [old, held] of this.kept) {
      if (this.records <= RECORDS_MAX || old === hour) break;
      this.kept.delete(old);
      this.records -= held.seconds.length;
    }
    return loaded;
  }

  /** A record of the hour holding `timestamp` was added or removed. */
  changed(timestamp: number): void {
    const hour = Math.floor(timestamp / HOUR);
    this.askedOnce.delete(hour);
    const entries = this.kept.get(hour);
    if (!entries) return;
    this.kept.delete(hour);
    this.records -= entries.seconds.length;
  }

  /** Every record was removed. */
  clear(): void {
    this.kept.clear();
    this.askedOnce.clear();
    this.records = 0;
  }
}

/** Label set ids below this fit beside the seconds in one number of the loaded text. */
export const SERIES_SPAN = 2 ** 22;

function parse(text: string | null): HourEntries {
  const parts = text === null || text === '' ? [] : text.split(',');
  const seconds = new Uint16Array(parts.length);
  const series = new Int32Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const packed = Number(parts[i]);
    seconds[i] = Math.floor(packed / SERIES_SPAN);
    series[i] = packed % SERIES_SPAN;
  }
  return { seconds, series };
}

/** Records [lo, hi) of a kept hour starting at `start` (seconds). */
export interface KeptRange {
  entries: HourEntries;
  start: number;
  lo: number;
  hi: number;
}

/**
 * Count and latest timestamp of a kept range's records in the selection (`member`, null: all),
 * per label set or (perSeries false) together, visited with series ALL.
 */
export function totalsOfKept(
  { entries, start, lo, hi }: KeptRange,
  member: Uint8Array | null,
  perSeries: boolean,
  visit: (series: number, count: number, latest: number) => void,
): void {
  const { seconds, series } = entries;
  if (!perSeries) {
    let count = 0;
    let last = -1;
    if (member === null) {
      count = hi - lo;
      if (count > 0) last = seconds[hi - 1] as number;
    } else {
      for (let i = lo; i < hi; i++) {
        if (member[series[i] as number] === 1) {
          count++;
          last = seconds[i] as number;
        }
      }
    }
    if (count > 0) visit(ALL, count, start + last);
    return;
  }
  // Entries are in timestamp order: a label set's latest is its last one seen.
  const totals = new Map<number, [number, number]>();
  for (let i = lo; i < hi; i++) {
    const id = series[i] as number;
    if (member !== null && member[id] !== 1) continue;
    const total = totals.get(id);
    if (total) {
      total[0]++;
      total[1] = seconds[i] as number;
    } else totals.set(id, [1, seconds[i] as number]);
  }
  for (const [id, [count, last]] of totals) visit(id, count, start + last);
}
