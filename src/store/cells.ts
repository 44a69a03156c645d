/**
 * Hour cells: per label set and UTC hour, how many records there are and the largest timestamp
 * among them. Counts and statistics over time are sums of cells (plus exact edges for the parts
 * of a range that do not cover whole hours), never scans of records.
 *
 * One label set's cells are a sorted, packed Uint32Array of pairs: the hour number, then
 * `count << 12 | offset`, where offset is the largest timestamp's seconds into the hour
 * (0..3599). A count that outgrows its 20 bits continues in a second cell of the same hour,
 * which every reader handles by summing. 8 bytes a cell: ~40 MB for the 4.6M cells of 10M
 * records. The same bytes, cut into periods of PERIOD_HOURS, are what the SQLite store
 * persists, so loading is a copy.
 */

export const HOUR = 3600;
const OFFSET_BITS = 12;
const OFFSET_MASK = (1 << OFFSET_BITS) - 1;
const MAX_COUNT = 2 ** (32 - OFFSET_BITS) - 1;
/**
 * Cells cover hours below this (until the year ~490,000). Later timestamps (a client that sent
 * microseconds) share the last cell, whose offset is meaningless; the time-range code treats
 * that region as an edge and counts it from records.
 */
export const FAR_HOUR = 2 ** 32 - 1;
export const CELLS_END = FAR_HOUR * HOUR;
/** Hours per persisted chunk of one label set's cells (about ten and a half days). */
export const PERIOD_HOURS = 256;

export const hourOf = (timestamp: number) => Math.min(Math.floor(timestamp / HOUR), FAR_HOUR);
/** The timestamps an hour's cell counts: [from, to); the FAR_HOUR cell has no upper end. */
export const hourRange = (hour: number): [number, number] => [
  hour * HOUR,
  hour >= FAR_HOUR ? Number.MAX_SAFE_INTEGER + 1 : (hour + 1) * HOUR,
];
export const periodOf = (hour: number) => Math.floor(hour / PERIOD_HOURS);

const offsetOf = (timestamp: number, hour: number) => Math.min(timestamp - hour * HOUR, OFFSET_MASK);

export type CellVisitor = (hour: number, count: number, lastTimestamp: number) => void;

/** Cells per block of a list's block sums (see CellList.sum). */
const BLOCK = 16;

export class CellList {
  private data: Uint32Array;
  /** Number of cells (pairs). */
  private size: number;
  /**
   * Block sums, made on the first `sum` and then kept: blocks[k] counts the records of cells
   * [0, k·BLOCK). A sum over any number of hours then reads two bounds and at most 2·BLOCK
   * cells. Dropped (made again when next needed) when a cell is inserted or removed anywhere
   * but at the end; appends, the common case, keep them. 0.5 bytes a cell.
   */
  private blocks: number[] | undefined;

  constructor(data?: Uint32Array) {
    this.data = data ?? new Uint32Array(4);
    this.size = data ? data.length / 2 : 0;
  }

  get length(): number {
    return this.size;
  }

  /** Counts one record. */
  add(timestamp: number, count = 1): void {
    const hour = hourOf(timestamp);
    const offset = offsetOf(timestamp, hour);
    let at = this.lowerBound(hour);
    // Fill the existing cells of this hour (normally one) before opening another.
    while (count > 0 && at < this.size && this.data[2 * at] === hour) {
      const packed = this.data[2 * at + 1] as number;
      const n = packed >>> OFFSET_BITS;
      const take = Math.min(count, MAX_COUNT - n);
      if (take > 0) {
        this.data[2 * at + 1] = ((n + take) << OFFSET_BITS) | Math.max(packed & OFFSET_MASK, offset);
        this.counted(at, take);
        count -= take;
      }
      at++;
    }
    while (count > 0) {
      const take = Math.min(count, MAX_COUNT);
      this.insertAt(at, hour, (take << OFFSET_BITS) | offset);
      count -= take;
      at++;
    }
  }

  /**
   * Uncounts one record. Returns true when the hour still holds records and the removed one
   * may have been its latest, i.e. the caller must look up the new latest and call setLatest.
   */
  remove(timestamp: number): boolean {
    const hour = hourOf(timestamp);
    const at = this.lowerBound(hour);
    if (at >= this.size || this.data[2 * at] !== hour) return false; // not counted: nothing to do
    const packed = this.data[2 * at + 1] as number;
    const n = (packed >>> OFFSET_BITS) - 1;
    if (n === 0) this.removeAt(at);
    else {
      this.data[2 * at + 1] = (n << OFFSET_BITS) | (packed & OFFSET_MASK);
      this.counted(at, -1);
    }
    return this.countIn(hour) > 0 && offsetOf(timestamp, hour) >= this.latestOffset(hour);
  }

  /** Sets the latest timestamp of an hour after a delete (see remove). */
  setLatest(hour: number, timestamp: number): void {
    const offset = offsetOf(timestamp, hour);
    for (let at = this.lowerBound(hour); at < this.size && this.data[2 * at] === hour; at++) {
      const packed = this.data[2 * at + 1] as number;
      this.data[2 * at + 1] = (packed & ~OFFSET_MASK) | offset;
    }
  }

  /** Visits the cells of hours in [fromHour, toHour), ascending; an hour may come in several cells. */
  forEach(fromHour: number, toHour: number, visit: CellVisitor): void {
    for (let at = this.lowerBound(fromHour); at < this.size; at++) {
      const hour = this.data[2 * at] as number;
      if (hour >= toHour) break;
      const packed = this.data[2 * at + 1] as number;
      visit(hour, packed >>> OFFSET_BITS, hour * HOUR + (packed & OFFSET_MASK));
    }
  }

  /**
   * The records of hours in [fromHour, toHour) and the latest timestamp among them (-1: none),
   * from the block sums: what forEach over the range would add up, without visiting every cell.
   */
  sum(fromHour: number, toHour: number): { count: number; latest: number } {
    const lo = this.lowerBound(fromHour);
    const hi = this.lowerBound(toHour);
    if (hi <= lo) return { count: 0, latest: -1 };
    const last = this.data[2 * (hi - 1)] as number;
    return { count: this.countBefore(hi) - this.countBefore(lo), latest: last * HOUR + this.latestOffset(last) };
  }

  countIn(hour: number): number {
    let n = 0;
    for (let at = this.lowerBound(hour); at < this.size && this.data[2 * at] === hour; at++) {
      n += this.data[2 * at + 1]! >>> OFFSET_BITS;
    }
    return n;
  }

  /** The latest timestamp (that of the last cell; approximate only in the FAR_HOUR cell), or -1. */
  latest(): number {
    if (this.size === 0) return -1;
    const hour = this.data[2 * (this.size - 1)] as number;
    return hour * HOUR + this.latestOffset(hour);
  }

  /** The first hour holding records, or undefined. */
  firstHour(): number | undefined {
    return this.size === 0 ? undefined : (this.data[0] as number);
  }

  /** Gives back the room grown for future cells (after a bulk build that will rarely grow). */
  trim(): void {
    if (this.data.length > 2 * this.size + 8) this.data = this.data.slice(0, Math.max(4, 2 * this.size));
  }

  /** The last hour holding records, or undefined. */
  lastHour(): number | undefined {
    return this.size === 0 ? undefined : (this.data[2 * (this.size - 1)] as number);
  }

  /** The latest timestamp counted in an hour, or undefined when the hour holds none. */
  latestIn(hour: number): number | undefined {
    return this.countIn(hour) > 0 ? hour * HOUR + this.latestOffset(hour) : undefined;
  }

  clear(): void {
    this.size = 0;
    this.blocks = undefined;
  }

  /** Sum of all counts and the latest timestamp, for building totals. */
  total(): { count: number; latest: number } {
    let count = 0;
    let latest = -1;
    this.forEach(0, FAR_HOUR + 1, (hour, n, last) => {
      count += n;
      if (hour < FAR_HOUR && last > latest) latest = last;
    });
    return { count, latest };
  }

  /** The cells of one persisted period, as bytes (little-endian pairs), or undefined when it has none. */
  periodBytes(period: number): Uint8Array | undefined {
    const from = this.lowerBound(period * PERIOD_HOURS);
    const to = this.lowerBound((period + 1) * PERIOD_HOURS);
    if (to === from) return undefined;
    return new Uint8Array(this.data.buffer, this.data.byteOffset + from * 8, (to - from) * 8).slice();
  }

  /**
   * Builds a list from persisted periods given in ascending order. A single chunk that owns its
   * whole buffer (a blob as better-sqlite3 returns it) becomes the list's storage as it is: at
   * start-up a copy of every label set's cells left ~15 MB of freed blobs scattered through the
   * allocator's heap, resident for the process's life (docs/decisions.md, "Memory at rest").
   * Anything else, such as a slice of Node's shared Buffer pool, is copied.
   */
  static fromPeriods(chunks: readonly Uint8Array[]): CellList {
    const [only] = chunks;
    if (
      chunks.length === 1 &&
      only &&
      only.length >= 8 &&
      only.byteOffset === 0 &&
      only.buffer.byteLength === only.length
    ) {
      const list = new CellList(new Uint32Array(only.buffer, 0, only.length / 4));
      list.size = only.length / 8;
      return list;
    }
    const bytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const data = new Uint32Array(Math.max(4, bytes / 4));
    const view = new Uint8Array(data.buffer);
    let at = 0;
    for (const chunk of chunks) {
      view.set(chunk, at);
      at += chunk.length;
    }
    const list = new CellList(data);
    list.size = bytes / 8;
    return list;
  }

  private latestOffset(hour: number): number {
    let latest = 0;
    for (let at = this.lowerBound(hour); at < this.size && this.data[2 * at] === hour; at++) {
      latest = Math.max(latest, this.data[2 * at + 1]! & OFFSET_MASK);
    }
    return latest;
  }

  /** Index of the first cell whose hour is >= hour. */
  private lowerBound(hour: number): number {
    // Appends are to the current hour: check the end first.
    if (this.size === 0 || (this.data[2 * (this.size - 1)] as number) < hour) return this.size;
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.data[2 * mid] as number) < hour) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Records in cells [0, at). */
  private countBefore(at: number): number {
    const blocks = this.blocks ?? this.makeBlocks();
    const block = Math.floor(at / BLOCK);
    let n = blocks[block] as number;
    for (let i = block * BLOCK; i < at; i++) n += this.data[2 * i + 1]! >>> OFFSET_BITS;
    return n;
  }

  private makeBlocks(): number[] {
    const blocks = [0];
    let n = 0;
    for (let at = 0; at < this.size; at++) {
      n += this.data[2 * at + 1]! >>> OFFSET_BITS;
      if ((at + 1) % BLOCK === 0) blocks.push(n);
    }
    this.blocks = blocks;
    return blocks;
  }

  /** Keeps the block sums after the count of cell `at` changed by `delta`. */
  private counted(at: number, delta: number): void {
    const blocks = this.blocks;
    if (!blocks) return;
    for (let block = Math.floor(at / BLOCK) + 1; block < blocks.length; block++) {
      blocks[block] = (blocks[block] as number) + delta;
    }
  }

  private insertAt(at: number, hour: number, packed: number): void {
    if (2 * (this.size + 1) > this.data.length) {
      const grown = new Uint32Array(Math.max(8, Math.ceil(this.data.length * 1.5) + 2) & ~1);
      grown.set(this.data.subarray(0, 2 * this.size));
      this.data = grown;
    }
    this.data.copyWithin(2 * at + 2, 2 * at, 2 * this.size);
    this.data[2 * at] = hour;
    this.data[2 * at + 1] = packed;
    this.size++;
    if (!this.blocks) return;
    if (at < this.size - 1) this.blocks = undefined;
    else if (this.size % BLOCK === 0) {
      const last = this.blocks[this.blocks.length - 1] as number;
      let n = 0;
      for (let i = this.size - BLOCK; i < this.size; i++) n += this.data[2 * i + 1]! >>> OFFSET_BITS;
      this.blocks.push(last + n);
    }
  }

  private removeAt(at: number): void {
    this.data.copyWithin(2 * at, 2 * at + 2, 2 * this.size);
    this.size--;
    if (!this.blocks) return;
    if (at < this.size) this.blocks = undefined;
    else if (this.blocks.length - 1 > Math.floor(this.size / BLOCK)) this.blocks.pop();
  }
}
