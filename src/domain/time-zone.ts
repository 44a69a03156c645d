import { invalid } from './errors.js';

/**
 * Local time buckets for statistics: parse the `tz` parameter, then cut time into local `day` or
 * `hour` buckets, daylight-saving changes included (docs/decisions.md, "Time zones in statistics").
 *
 * Intl is the only source of zone data, and a call to it costs about 1.5 µs, so it is never called
 * per bucket: a zone's offsets are sampled once a day, each change is found to the second by
 * bisection, and the result is cached per 63-day chunk. Buckets are then plain arithmetic within
 * each stretch of constant offset.
 */

export type TimeUnit = 'day' | 'hour';

/** A parsed zone. `name` is what the client sent, normalised (e.g. 'UTC', 'Europe/Amsterdam', '+05:30'). */
export interface TimeZone {
  readonly name: string;
  /** seconds east of UTC at this instant */
  offsetAt(utcSeconds: number): number;
}

/** A local bucket: [start, end) in UTC seconds, and its key. */
export interface Bucket {
  readonly key: string;
  readonly start: number;
  readonly end: number;
}

const MINUTE = 60;
const HOUR = 3_600;
const DAY = 86_400;

/** 9999-12-31T23:59:59Z: the last instant that may be bucketed (and then only if its local year is still 9999). */
const MAX_INSTANT = 253_402_300_799;
/** Date's own limit, in seconds: offsetAt answers anywhere Intl can. */
const MAX_DATE_SECONDS = 8_640_000_000_000;
const MAX_FIXED_OFFSET = 18 * HOUR;

/**
 * Offsets are sampled once per SAMPLE_STEP. A stretch of one offset shorter than this could hide
 * between two samples; the shortest in the time zone database since 1900 lasts 4 days (Africa/Freetown,
 * 1939), since 1970 7 days (Brazil's 2000 DST, Gaza's predicted Ramadan breaks).
 */
const SAMPLE_STEP = DAY;
/** Transitions are cached per chunk of this many days; 63 divides the 146,097 days of the Gregorian 400-year cycle. */
const CHUNK_DAYS = 63;
const CHUNK = CHUNK_DAYS * DAY;
const CYCLE_DAYS = 146_097;
const CYCLE = CYCLE_DAYS * DAY;
const CYCLE_CHUNKS = CYCLE_DAYS / CHUNK_DAYS;
/**
 * From about 2200 on, every zone follows its final recurring rule (the database's explicit
 * transitions end in 2087), which repeats exactly every 400 Gregorian years, weekdays included.
 * Chunks from here on are folded onto the first cycle, so 8,000 years of future cost 400 years of sampling.
 */
const FOLD_FROM_CHUNK = Math.ceil(Date.UTC(2200, 0, 1) / 1000 / CHUNK);
/** Chunks kept across all zones (about 200 bytes each), at most. */
const MAX_CACHED_CHUNKS = 20_000;

/** Bucket lengths stay below these margins: days up to 27 h (Antarctica/Casey 2010), hours up to 1 h. */
const DAY_MARGIN = 3 * DAY;
const HOUR_MARGIN = 2 * HOUR;

const TZ_MESSAGE = 'tz must be an IANA time zone name (e.g. Europe/Amsterdam) or an offset such as +05:30';

interface Segment {
  readonly start: number;
  readonly end: number;
  readonly offset: number;
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian, as Intl uses; H. Hinnant's days_from_civil)

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * CYCLE_DAYS + doe - 719_468;
}

function civilFromDays(days: number): [year: number, month: number, day: number] {
  const z = days + 719_468;
  const era = Math.floor(z / CYCLE_DAYS);
  const doe = z - era * CYCLE_DAYS;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** `YYYY-MM-DD` of a local day number (days since 1970-01-01). */
function dayKey(days: number): string {
  const [year, month, day] = civilFromDays(days);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

/** `YYYY-MM-DDTHH:00±HH:MM` of a local hour number (hours since 1970-01-01T00:00 local) at an offset. */
function hourKey(hours: number, offset: number): string {
  const day = Math.floor(hours / 24);
  return `${dayKey(day)}T${pad2(hours - day * 24)}:00${offsetKey(offset)}`;
}

/** `+05:30`, `-03:00`, `+00:00`; `-00:44:30` when the offset has seconds (local mean time before ~1970). */
function offsetKey(offset: number): string {
  const abs = Math.abs(offset);
  const hours = Math.floor(abs / HOUR);
  const minutes = Math.floor((abs % HOUR) / MINUTE);
  const seconds = abs % MINUTE;
  return `${offset < 0 ? '-' : '+'}${pad2(hours)}:${pad2(minutes)}${seconds === 0 ? '' : `:${pad2(seconds)}`}`;
}

// ---------------------------------------------------------------------------------------------
// Offsets from Intl

/** en-US with h23 formats `12/31/1969 AD, 23:15:30`; formatToParts (4x slower) is the fallback. */
const FORMATTED = /^(\d+)\/(\d+)\/(\d+) (AD|BC), (\d+):(\d+):(\d+)$/;

function newFormatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    era: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
}

/** Seconds east of UTC at integer instant t: the local wall clock read as if it were UTC, minus t. */
function intlOffset(format: Intl.DateTimeFormat, t: number): number {
  const match = FORMATTED.exec(format.format(t * 1000));
  let fields: number[];
  let bc: boolean;
  if (match) {
    fields = [
      Number(match[3]),
      Number(match[1]),
      Number(match[2]),
      Number(match[5]),
      Number(match[6]),
      Number(match[7]),
    ];
    bc = match[4] === 'BC';
  } else {
    const parts = Object.fromEntries(format.formatToParts(t * 1000).map((part) => [part.type, part.value]));
    fields = [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second].map(Number);
    bc = parts.era === 'BC';
  }
  const [year, month, day, hour, minute, second] = fields as [number, number, number, number, number, number];
  const wall = daysFromCivil(bc ? 1 - year : year, month, day) * DAY + hour * HOUR + minute * MINUTE + second;
  const offset = wall - t;
  if (!Number.isSafeInteger(offset) || Math.abs(offset) > DAY) {
    throw new Error(`time-zone: cannot read the offset of ${format.resolvedOptions().timeZone} at ${t}`);
  }
  return offset;
}

/** Integer seconds within Date's range; fractions are floored. */
function instant(utcSeconds: number): number {
  if (typeof utcSeconds !== 'number' || !(Math.abs(utcSeconds) <= MAX_DATE_SECONDS)) {
    throw invalid(`timestamp ${utcSeconds} is not a representable instant`);
  }
  return Math.floor(utcSeconds);
}

// ---------------------------------------------------------------------------------------------
// Offset tables: a zone's segments of constant offset, cached per chunk

let nextTableId = 0;
/**
 * Chunks by key tableId · 2^17 + chunk index + 1 (indices run from -1 to about 46,600), in two
 * generations: a hit in the old one moves to the new one; when the new one is full, the old one is
 * dropped. Nearly an LRU, without the delete-and-set per hit that makes a large Map slow.
 */
const CHUNK_KEYS = 2 ** 17;
let recentChunks = new Map<number, readonly Segment[]>();
let olderChunks = new Map<number, readonly Segment[]>();

function cachedChunk(key: number, compute: () => readonly Segment[]): readonly Segment[] {
  let segments = recentChunks.get(key);
  if (segments) return segments;
  segments = olderChunks.get(key) ?? compute();
  if (recentChunks.size >= MAX_CACHED_CHUNKS / 2) {
    olderChunks = recentChunks;
    recentChunks = new Map();
  }
  recentChunks.set(key, segments);
  return segments;
}

class OffsetTable {
  readonly id = nextTableId++;

  constructor(
    private readonly offsetOf: (t: number) => number,
    /** Whether the 400-year fold applies (true for Intl zones, not for foreign TimeZone objects). */
    private readonly periodic: boolean,
  ) {}

  /** Segments covering chunk `index` ([index·CHUNK, (index+1)·CHUNK)), ascending. Do not mutate. */
  chunk(index: number): readonly Segment[] {
    let folded = index;
    let shift = 0;
    if (this.periodic && index >= FOLD_FROM_CHUNK + CYCLE_CHUNKS) {
      const cycles = Math.floor((index - FOLD_FROM_CHUNK) / CYCLE_CHUNKS);
      folded = index - cycles * CYCLE_CHUNKS;
      shift = cycles * CYCLE;
    }
    const segments = cachedChunk(this.id * CHUNK_KEYS + folded + 1, () => this.compute(folded));
    if (shift === 0) return segments;
    return segments.map((s) => ({ start: s.start + shift, end: s.end + shift, offset: s.offset }));
  }

  private compute(index: number): Segment[] {
    const start = index * CHUNK;
    const end = start + CHUNK;
    const changes: { start: number; offset: number }[] = [];
    let previousT = start;
    let previous = this.offsetOf(start);
    changes.push({ start, offset: previous });
    for (let t = start + SAMPLE_STEP; t <= end; t += SAMPLE_STEP) {
      const offset = this.offsetOf(t);
      if (offset !== previous) this.bisect(previousT, previous, t, offset, changes);
      previousT = t;
      previous = offset;
    }
    const segments: Segment[] = [];
    for (let i = 0; i < changes.length; i++) {
      const change = changes[i]!;
      if (change.start >= end) break;
      segments.push({ start: change.start, end: Math.min(changes[i + 1]?.start ?? end, end), offset: change.offset });
    }
    return segments;
  }

  /** Offset is `fromOffset` at lo and `toOffset` at hi: finds each change in (lo, hi], to the second. */
  private bisect(
    lo: number,
    fromOffset: number,
    hi: number,
    toOffset: number,
    out: { start: number; offset: number }[],
  ) {
    for (;;) {
      let a = lo;
      let b = hi;
      let atB = toOffset;
      while (b - a > 1) {
        const mid = a + Math.floor((b - a) / 2);
        const offset = this.offsetOf(mid);
        if (offset === fromOffset) {
          a = mid;
        } else {
          b = mid;
          atB = offset;
        }
      }
      out.push({ start: b, offset: atB });
      if (atB === toOffset) return;
      // Two changes within one sample step (e.g. a new standard time and DST on the same day).
      lo = b;
      fromOffset = atB;
    }
  }
}

/** One formatter and one table per zone as Intl resolves it, shared by all its aliases and spellings. */
const intlTables = new Map<string, { format: Intl.DateTimeFormat; table: OffsetTable }>();
/** Tables for TimeZone objects made outside this module (test doubles): sampled through offsetAt. */
const foreignTables = new WeakMap<TimeZone, OffsetTable>();

class FixedZone implements TimeZone {
  constructor(
    readonly name: string,
    readonly offset: number,
  ) {}

  offsetAt(utcSeconds: number): number {
    instant(utcSeconds);
    return this.offset;
  }
}

class IntlZone implements TimeZone {
  constructor(
    readonly name: string,
    private readonly format: Intl.DateTimeFormat,
    readonly table: OffsetTable,
  ) {}

  offsetAt(utcSeconds: number): number {
    return intlOffset(this.format, instant(utcSeconds));
  }
}

type Source = { fixed: number } | { table: OffsetTable };

function sourceOf(zone: TimeZone): Source {
  if (zone instanceof FixedZone) return { fixed: zone.offset };
  if (zone instanceof IntlZone) return { table: zone.table };
  let table = foreignTables.get(zone);
  if (!table) {
    table = new OffsetTable((t) => zone.offsetAt(t), false);
    foreignTables.set(zone, table);
  }
  return { table };
}

/** The offset if it is the same throughout [from, to), else undefined. */
function uniformOffset(source: Source, from: number, to: number): number | undefined {
  if ('fixed' in source) return source.fixed;
  let offset: number | undefined;
  const last = Math.floor((to - 1) / CHUNK);
  for (let index = Math.floor(from / CHUNK); index <= last; index++) {
    for (const segment of source.table.chunk(index)) {
      if (segment.end <= from || segment.start >= to) continue;
      if (offset === undefined) offset = segment.offset;
      else if (segment.offset !== offset) return undefined;
    }
  }
  return offset;
}

/** The segments of [from, to), clipped, one per chunk at least (neighbours may share an offset). */
function* pieces(source: Source, from: number, to: number): Generator<Segment> {
  if ('fixed' in source) {
    yield { start: from, end: to, offset: source.fixed };
    return;
  }
  const last = Math.floor((to - 1) / CHUNK);
  for (let index = Math.floor(from / CHUNK); index <= last; index++) {
    for (const segment of source.table.chunk(index)) {
      const start = Math.max(segment.start, from);
      const end = Math.min(segment.end, to);
      if (start < end)
        yield start === segment.start && end === segment.end ? segment : { start, end, offset: segment.offset };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing

const OFFSET = /^([+-])(\d{2})(?::?(\d{2}))?$/;

/**
 * IANA names Intl accepts but does not list in supportedValuesOf (which lists CLDR's canonical
 * names: Asia/Calcutta, not Asia/Kolkata), so that any case of them is normalised to IANA's spelling.
 * Other aliases (US/Eastern) are accepted too, spelled as sent.
 */
const UNLISTED_NAMES = [
  // Names without a slash: the complete IANA list except Factory. Every other such name Intl
  // accepts is an ICU/Java legacy id (IST, PST, SST, …), ambiguous and refused.
  'CET',
  'CST6CDT',
  'Cuba',
  'EET',
  'EST',
  'EST5EDT',
  'Egypt',
  'Eire',
  'GB',
  'GB-Eire',
  'GMT',
  'GMT+0',
  'GMT-0',
  'GMT0',
  'Greenwich',
  'HST',
  'Hongkong',
  'Iceland',
  'Iran',
  'Israel',
  'Jamaica',
  'Japan',
  'Kwajalein',
  'Libya',
  'MET',
  'MST',
  'MST7MDT',
  'NZ',
  'NZ-CHAT',
  'Navajo',
  'PRC',
  'PST8PDT',
  'Poland',
  'Portugal',
  'ROC',
  'ROK',
  'Singapore',
  'Turkey',
  'UCT',
  'UTC',
  'Universal',
  'W-SU',
  'WET',
  'Zulu',
  // IANA's current names where CLDR keeps an older one.
  'Africa/Asmara',
  'America/Argentina/Buenos_Aires',
  'America/Argentina/Catamarca',
  'America/Argentina/Cordoba',
  'America/Argentina/Jujuy',
  'America/Argentina/Mendoza',
  'America/Atikokan',
  'America/Indiana/Indianapolis',
  'America/Kentucky/Louisville',
  'America/Nuuk',
  'Asia/Ho_Chi_Minh',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Asia/Yangon',
  'Atlantic/Faroe',
  'Europe/Kyiv',
  'Pacific/Chuuk',
  'Pacific/Kanton',
  'Pacific/Pohnpei',
  ...['GMT', 'GMT0', 'GMT+0', 'GMT-0', 'UTC', 'UCT', 'Universal', 'Zulu', 'Greenwich'].map((n) => `Etc/${n}`),
  ...Array.from({ length: 12 }, (_, i) => `Etc/GMT+${i + 1}`),
  ...Array.from({ length: 14 }, (_, i) => `Etc/GMT-${i + 1}`),
];

let spellings: Map<string, string> | undefined;
/** Lower case → IANA's spelling, for every listed name. */
function spellingOf(name: string): string | undefined {
  spellings ??= new Map([...Intl.supportedValuesOf('timeZone'), ...UNLISTED_NAMES].map((n) => [n.toLowerCase(), n]));
  return spellings.get(name.toLowerCase());
}

const UTC = new FixedZone('UTC', 0);
/** Parsed zones by the exact text sent (a DateTimeFormat costs ~140 µs to make); LRU, valid texts only. */
const parsed = new Map<string, TimeZone>();
const MAX_PARSED = 1_000;

/**
 * Parses `tz` (IANA name, case as IANA spells it or any case Intl accepts; 'UTC'; fixed offsets
 * '+05:30', '-03:00', '+0530', '+05'; 'Z' as a synonym of UTC). Throws invalid('tz must be an IANA
 * time zone name (e.g. Europe/Amsterdam) or an offset such as +05:30') for anything else, including
 * offsets beyond ±18:00 or minutes ≥ 60, ICU-only ids (IST, PST, SystemV/…) and surrounding spaces.
 *
 * `name` is normalised: offsets as `+05:30` (`-00:00` as `+00:00`), 'Z' as 'UTC', IANA names in
 * IANA's spelling (`asia/kolkata` → `Asia/Kolkata`; aliases Intl accepts but does not list keep
 * the client's spelling). An alias is not replaced by its canonical name.
 */
export function parseTimeZone(tz: string | undefined): TimeZone {
  if (tz === undefined) return UTC;
  if (typeof tz !== 'string') throw invalid(TZ_MESSAGE);
  let zone = parsed.get(tz);
  if (zone) {
    parsed.delete(tz);
  } else {
    zone = parseUncached(tz);
    if (parsed.size >= MAX_PARSED) parsed.delete(parsed.keys().next().value as string);
  }
  parsed.set(tz, zone);
  return zone;
}

function parseUncached(tz: string): TimeZone {
  if (tz === 'Z' || tz === 'z') return UTC;
  const offset = OFFSET.exec(tz);
  if (offset) {
    const hours = Number(offset[2]);
    const minutes = Number(offset[3] ?? 0);
    const seconds = hours * HOUR + minutes * MINUTE;
    if (minutes >= 60 || seconds > MAX_FIXED_OFFSET) throw invalid(TZ_MESSAGE);
    const sign = offset[1] === '-' && seconds !== 0 ? -1 : 1;
    return new FixedZone(offsetKey(sign * seconds), sign * seconds);
  }
  // IANA names are ASCII letters, digits, '/', '_', '-', '+', and at most 32 characters today.
  if (tz.length > 64 || !/^[A-Za-z][A-Za-z0-9/_+-]*$/.test(tz)) throw invalid(TZ_MESSAGE);
  const spelling = spellingOf(tz);
  if (spelling === undefined && (!tz.includes('/') || /^systemv\//i.test(tz))) throw invalid(TZ_MESSAGE);
  const name = spelling ?? tz;
  let format: Intl.DateTimeFormat;
  try {
    format = newFormatter(name);
  } catch {
    throw invalid(TZ_MESSAGE);
  }
  const canonical = format.resolvedOptions().timeZone;
  if (canonical === 'UTC') return new FixedZone(name, 0);
  let entry = intlTables.get(canonical);
  if (!entry) {
    const shared = format;
    entry = { format: shared, table: new OffsetTable((t) => intlOffset(shared, t), true) };
    intlTables.set(canonical, entry);
  }
  return new IntlZone(name, entry.format, entry.table);
}

// ---------------------------------------------------------------------------------------------
// Buckets

function checkUnit(unit: TimeUnit) {
  if (unit !== 'day' && unit !== 'hour') throw invalid(`unit must be day or hour, not ${String(unit)}`);
}

/**
 * t must be an integer from 0 to 9999-12-31T23:59:59Z whose local date is no later than 9999-12-31
 * either. `shown` is the value named in the message (`to` when checking its last second, to - 1).
 */
function checkInstant(zone: TimeZone, t: number, what: string, shown = t) {
  const ok =
    Number.isSafeInteger(t) &&
    t >= 0 &&
    t <= MAX_INSTANT &&
    // Offsets stay below a day, so only the last day needs the zone.
    (t <= MAX_INSTANT - DAY || t + zone.offsetAt(t) <= MAX_INSTANT);
  if (!ok) {
    throw invalid(
      `${what} ${shown} is out of range for time buckets: it must be an integer Unix timestamp from 0 to the end of year 9999 in ${zone.name}`,
    );
  }
}

function checkRange(from: number, to: number) {
  if (!(to > from)) throw invalid(`to (${to}) must be greater than from (${from})`);
}

/** The bucket containing instant t. */
export function bucketAt(zone: TimeZone, unit: TimeUnit, t: number): Bucket {
  checkUnit(unit);
  checkInstant(zone, t, 'timestamp');
  const source = sourceOf(zone);
  // Fast path: the offset is the same from well before t through the latest possible end of its
  // bucket (t + size, inclusive: the end is where the next bucket starts), so the bucket is plain
  // arithmetic; for days the look-back also covers the history that decides where a day starts.
  const size = unit === 'day' ? DAY : HOUR;
  const offset = uniformOffset(source, t - (unit === 'day' ? DAY_MARGIN : HOUR), t + size + 1);
  if (offset !== undefined) {
    const index = Math.floor((t + offset) / size);
    const start = index * size - offset;
    return { key: unit === 'day' ? dayKey(index) : hourKey(index, offset), start, end: start + size };
  }
  return generate(source, unit, t, t + 1).next().value as Bucket;
}

/** Hours remembered per zone and unit by bucketOfHour, at most (~2.3 years of hours). */
const HOUR_MEMO_MAX = 20_000;
const hourMemos = new WeakMap<TimeZone, Record<TimeUnit, Map<number, Bucket>>>();

/**
 * The bucket the whole UTC hour `hour` starts in: bucketAt(zone, unit, hour × 3600), remembered
 * per zone (parsed zones are shared, so the memo lives as long as its zone is in use). Statistics
 * resolve every hour of their range on every request: ~0.4 ms of a 30-day request by day in
 * Europe/Amsterdam went there. The hours of one bucket share one Bucket object.
 */
export function bucketOfHour(zone: TimeZone, unit: TimeUnit, hour: number): Bucket {
  let memos = hourMemos.get(zone);
  if (!memos) {
    memos = { day: new Map(), hour: new Map() };
    hourMemos.set(zone, memos);
  }
  const memo = memos[unit];
  let bucket = memo.get(hour);
  if (!bucket) {
    bucket = bucketAt(zone, unit, hour * HOUR);
    const before = memo.get(hour - 1);
    if (before && before.start === bucket.start && before.end === bucket.end) bucket = before;
    if (memo.size >= HOUR_MEMO_MAX) memo.clear();
    memo.set(hour, bucket);
  }
  return bucket;
}

/** Every bucket that intersects [from, to), in ascending order (to > from; both integers). */
export function bucketsBetween(zone: TimeZone, unit: TimeUnit, from: number, to: number): Generator<Bucket> {
  checkUnit(unit);
  checkInstant(zone, from, 'from');
  if (!Number.isSafeInteger(to)) checkInstant(zone, to, 'to');
  checkRange(from, to);
  checkInstant(zone, to - 1, 'to', to);
  return generate(sourceOf(zone), unit, from, to);
}

/**
 * Offset segments: maximal intervals of constant offset covering [from, to), ascending, clipped
 * to [from, to) (the first starts at `from`, the last ends at `to`). 0 ≤ from < to ≤ 253402300800
 * (10000-01-01T00:00Z). The arrays are new; offsets are seconds east of UTC.
 */
export function offsetSegments(
  zone: TimeZone,
  from: number,
  to: number,
): { start: number; end: number; offset: number }[] {
  for (const [value, what] of [
    [from, 'from'],
    [to, 'to'],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0 || value > MAX_INSTANT + 1) {
      throw invalid(
        `${what} ${value} is out of range: it must be an integer Unix timestamp from 0 to the end of year 9999`,
      );
    }
  }
  checkRange(from, to);
  const out: { start: number; end: number; offset: number }[] = [];
  for (const piece of pieces(sourceOf(zone), from, to)) {
    const last = out[out.length - 1];
    if (last && last.offset === piece.offset) last.end = piece.end;
    else out.push({ start: piece.start, end: piece.end, offset: piece.offset });
  }
  return out;
}

/**
 * The buckets intersecting [from, to). Candidate boundaries are each local midnight (or hour) within
 * each segment of constant offset, and each segment's start; walking them in order from a margin
 * before `from`, a new bucket starts where
 * - hour: the local hour or the offset differs from the current bucket's;
 * - day: the local date is later than the current bucket's. A date that comes back after a
 *   transition crossed midnight backwards (America/St_Johns 1987–2010: 00:01 → 23:01) stays in the
 *   bucket of the later date, so that day keys are unique and ascending.
 */
function* generate(source: Source, unit: TimeUnit, from: number, to: number): Generator<Bucket> {
  const size = unit === 'day' ? DAY : HOUR;
  const margin = unit === 'day' ? DAY_MARGIN : HOUR_MARGIN;
  const windowStart = from - margin;

  // The bucket in progress; the first one is cut by the window, so never yielded.
  let truncated = true;
  let start = windowStart;
  let index = Number.NEGATIVE_INFINITY; // local day number, or local hour number
  let offset = Number.NaN;
  if (unit === 'day') {
    // The current day bucket is the latest date shown so far; dates never go back more than a day.
    for (const piece of pieces(source, windowStart - 2 * DAY, windowStart + 1)) {
      index = Math.max(index, Math.floor((piece.end - 1 + piece.offset) / DAY));
    }
  }

  const keyOf = (bucketIndex: number, bucketOffset: number) =>
    unit === 'day' ? dayKey(bucketIndex) : hourKey(bucketIndex, bucketOffset);

  for (const piece of pieces(source, windowStart, to + margin)) {
    const o = piece.offset;
    let b = piece.start;
    let i = Math.floor((b + o) / size);
    for (;;) {
      const isNew = unit === 'day' ? i > index : i !== index || o !== offset;
      if (isNew) {
        if (b > from) {
          if (truncated) throw new Error('time-zone: a bucket is longer than the margin');
          yield { key: keyOf(index, offset), start, end: b };
        }
        if (b >= to) return;
        truncated = b === windowStart;
        start = b;
        index = i;
        offset = o;
      }
      b = (i + 1) * size - o;
      if (b >= piece.end) break;
      i++;
    }
  }
  throw new Error('time-zone: a bucket is longer than the margin');
}
