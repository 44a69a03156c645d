import { CellList, hourOf } from './cells.js';

/** The index that stands for all records together (label set ids start at 1). */
export const ALL = 0;

/**
 * The exact, in-memory summary of a store's records that counts, statistics and page plans
 * read instead of records (docs/decisions.md, "Store design, schema 2"): per label set its
 * count, latest timestamp and hour cells, the same for all records together, and a zone map
 * of timestamps per block of ids. The SQLite store keeps it authoritative in memory (one
 * process owns the file); it is rebuilt at start from what the writer persisted.
 */
export class Rollup {
  private counts = new Float64Array(256);
  private latest = new Float64Array(256).fill(-1);
  /** Per label set; index ALL (0) holds the cells of all records together. */
  private cells: (CellList | undefined)[] = [new CellList()];
  readonly zones = new ZoneMap();

  /** The number of all records. */
  get total(): number {
    return this.counts[ALL] as number;
  }

  /** Cells of all records together: counts by time without looking at label sets. */
  get all(): CellList {
    return this.cells[ALL] as CellList;
  }

  count(series: number): number {
    return this.counts[series] ?? 0;
  }

  /** The latest timestamp of a label set (ALL: of any record), or -1 when it holds nothing. */
  latestOf(series: number): number {
    return this.latest[series] ?? -1;
  }

  cellsOf(series: number): CellList | undefined {
    return this.cells[series];
  }

  add(series: number, timestamp: number, id: number): void {
    this.ensure(series);
    for (const target of [series, ALL]) {
      this.counts[target] = (this.counts[target] as number) + 1;
      if (timestamp > (this.latest[target] as number)) this.latest[target] = timestamp;
      let cells = this.cells[target];
      if (!cells) {
        cells = new CellList();
        this.cells[target] = cells;
      }
      cells.add(timestamp);
    }
    this.zones.note(id, timestamp);
  }

  /**
   * Uncounts a deleted record. Returns, for the label set and for ALL, whether the hour's
   * latest timestamp must be looked up again (the deleted record may have been it).
   */
  remove(series: number, timestamp: number): { hour: number; targets: number[] } {
    const targets: number[] = [];
    for (const target of [series, ALL]) {
      if (!(this.count(target) > 0)) continue;
      this.counts[target] = (this.counts[target] as number) - 1;
      if (this.cells[target]?.remove(timestamp)) targets.push(target);
      this.refreshLatest(target);
    }
    return { hour: hourOf(timestamp), targets };
  }

  /** After a delete: the hour's latest timestamp as looked up in the records. */
  setLatest(target: number, hour: number, timestamp: number): void {
    this.cells[target]?.setLatest(hour, timestamp);
    this.refreshLatest(target);
  }

  /** Installs a label set's cells (or ALL's) as loaded from storage, at start. */
  load(series: number, cells: CellList): void {
    this.ensure(series);
    const { count, latest } = cells.total();
    this.cells[series] = cells;
    this.counts[series] = count;
    this.latest[series] = latest;
  }

  clear(): void {
    this.counts.fill(0);
    this.latest.fill(-1);
    this.cells = [new CellList()];
    this.zones.clear();
  }

  private refreshLatest(target: number): void {
    this.latest[target] = this.count(target) > 0 ? (this.cells[target]?.latest() ?? -1) : -1;
  }

  private ensure(series: number): void {
    this.counts = coverIndex(this.counts, series, 0);
    this.latest = coverIndex(this.latest, series, -1);
  }
}

/** Ids per zone-map block: a page reads at most about this many rows beyond its matches. */
export const ZONE_BLOCK = 1024;

/**
 * A BRIN-like summary: per block of ZONE_BLOCK ids, the smallest and largest timestamp of the
 * records ever written there. Deletes leave the bounds as they are (still bounds); a block
 * nobody wrote has none. A time range becomes the id range of the blocks that can hold it.
 */
export class ZoneMap {
  private min = new Float64Array(1024).fill(Number.POSITIVE_INFINITY);
  private max = new Float64Array(1024).fill(Number.NEGATIVE_INFINITY);
  private blocks = 0;

  note(id: number, timestamp: number): void {
    const block = Math.floor(id / ZONE_BLOCK);
    this.min = coverIndex(this.min, block, Number.POSITIVE_INFINITY);
    this.max = coverIndex(this.max, block, Number.NEGATIVE_INFINITY);
    if (timestamp < (this.min[block] as number)) this.min[block] = timestamp;
    if (timestamp > (this.max[block] as number)) this.max[block] = timestamp;
    if (block >= this.blocks) this.blocks = block + 1;
  }

  /**
   * The smallest id range [from, to) whose blocks can hold records with since <= timestamp <
   * until, or undefined when no block can.
   */
  idRange(since: number, until: number): { from: number; to: number } | undefined {
    let low = -1;
    let high = -1;
    for (let block = 0; block < this.blocks; block++) {
      if ((this.max[block] as number) >= since && (this.min[block] as number) < until) {
        if (low < 0) low = block;
        high = block;
      }
    }
    return low < 0 ? undefined : { from: low * ZONE_BLOCK, to: (high + 1) * ZONE_BLOCK };
  }

  /** The bounds of every block, for persisting: [block, min, max]. */
  *entries(fromBlock = 0): Generator<[number, number, number]> {
    for (let block = fromBlock; block < this.blocks; block++) {
      if ((this.min[block] as number) <= (this.max[block] as number)) {
        yield [block, this.min[block] as number, this.max[block] as number];
      }
    }
  }

  /** Restores a persisted block (at start). */
  loadBlock(block: number, min: number, max: number): void {
    this.note(block * ZONE_BLOCK, min);
    this.note(block * ZONE_BLOCK, max);
  }

  clear(): void {
    this.min.fill(Number.POSITIVE_INFINITY);
    this.max.fill(Number.NEGATIVE_INFINITY);
    this.blocks = 0;
  }
}

/** How many of each label set's newest ids are kept in memory. */
export const RING_SIZE = 8;

/**
 * The newest ids of each label set, loaded lazily: a ring holds exactly the newest `length`
 * ids of its label set (descending), so a merge of label sets can emit them without reading
 * the index. Adds put ids in front; deletes take them out (the ring then knows fewer).
 */
export class RecentIds {
  private readonly rings: (number[] | undefined)[] = [];
  /**
   * Each ring's first (newest) id, -1 where the ring is unknown or empty, in one flat array: a
   * merge over thousands of label sets reads their heads here, in one block of memory, rather
   * than from each ring, scattered over the heap (docs/decisions.md, "Merge: label sets join by head").
   */
  private newestIds = new Float64Array(256).fill(-1);

  get(series: number): readonly number[] | undefined {
    return this.rings[series];
  }

  /** The newest id of a label set where its ring knows it, else -1. */
  newest(series: number): number {
    return series < this.newestIds.length ? (this.newestIds[series] as number) : -1;
  }

  set(series: number, ids: number[]): void {
    const ring = ids.slice(0, RING_SIZE);
    this.rings[series] = ring;
    this.keepNewest(series, ring);
  }

  add(series: number, id: number): void {
    const ring = this.rings[series];
    // Unknown rings stay unknown; an id already read from the index (a lazy load that saw the
    // commit before it was applied here) is not added twice.
    if (!ring || (ring.length > 0 && id <= (ring[0] as number))) return;
    ring.unshift(id);
    if (ring.length > RING_SIZE) ring.pop();
    this.keepNewest(series, ring);
  }

  remove(series: number, id: number): void {
    const ring = this.rings[series];
    const at = ring?.indexOf(id) ?? -1;
    if (ring && at >= 0) {
      ring.splice(at, 1);
      this.keepNewest(series, ring);
    }
  }

  clear(): void {
    this.rings.length = 0;
    this.newestIds.fill(-1);
  }

  private keepNewest(series: number, ring: readonly number[]): void {
    this.newestIds = coverIndex(this.newestIds, series, -1);
    this.newestIds[series] = ring.length > 0 ? (ring[0] as number) : -1;
  }
}

/** `array` when it has a slot at `index`, else a copy at least twice as long, new slots set to `fill`. */
function coverIndex(array: Float64Array<ArrayBuffer>, index: number, fill: number): Float64Array<ArrayBuffer> {
  if (index < array.length) return array;
  const grown = new Float64Array(Math.max(index + 1, array.length * 2));
  if (fill !== 0) grown.fill(fill, array.length);
  grown.set(array);
  return grown;
}
