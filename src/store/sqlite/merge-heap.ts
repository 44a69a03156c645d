/**
 * The heap of a merge over label sets (src/store/sqlite/reads.ts, `merge`): cursors ordered by
 * head, and the tiers label sets are let in by (docs/decisions.md, "Merge: label sets join by
 * head").
 */

/** One label set in a merge, and its place in the heap. */
export interface MergeCursor {
  series: number;
  /** The label set's next ids, descending, contiguous from `at` on: nothing between them is unknown. */
  buffer: readonly number[];
  at: number;
  /** Older ids than the buffer's may exist. */
  more: boolean;
  fetches: number;
  /** Its next id, or with `exact` false an upper bound of it. */
  head: number;
  exact: boolean;
}
export const EMPTY: readonly number[] = [];

/** A binary max-heap of cursors on `head`; an inexact head (an upper bound) sorts before an exact one of the same value. */
export class MaxHeap {
  private readonly items: MergeCursor[] = [];
  peek(): MergeCursor | undefined {
    return this.items[0];
  }
  push(cursor: MergeCursor): void {
    const items = this.items;
    let i = items.push(cursor) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!greater(cursor, items[parent] as MergeCursor)) break;
      items[i] = items[parent] as MergeCursor;
      i = parent;
    }
    items[i] = cursor;
  }
  /** The top cursor moves on to a new head. */
  replaceTop(head: number, exact: boolean): void {
    const top = this.items[0] as MergeCursor;
    top.head = head;
    top.exact = exact;
    this.down(0);
  }
  /** The top cursor is done. */
  pop(): void {
    const last = this.items.pop() as MergeCursor;
    if (this.items.length > 0) {
      this.items[0] = last;
      this.down(0);
    }
  }
  private down(from: number): void {
    const items = this.items;
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < items.length && greater(items[left] as MergeCursor, items[best] as MergeCursor)) best = left;
      if (right < items.length && greater(items[right] as MergeCursor, items[best] as MergeCursor)) best = right;
      if (best === i) return;
      [items[i], items[best]] = [items[best] as MergeCursor, items[i] as MergeCursor];
      i = best;
    }
  }
}
const greater = (a: MergeCursor, b: MergeCursor) => a.head > b.head || (a.head === b.head && !a.exact && b.exact);

/**
 * The label sets of a merge, let into its heap in tiers by head, largest first. Every label set
 * not let in yet has a head of at most `boundary`, so the merge may take any heap top above it.
 * Heads are ids or upper bounds of them (>= 0); -1 marks a label set with nothing to give.
 */
export class MergeTiers {
  /** The largest head not let in yet; -1 when every label set is in. */
  boundary = -1;

  constructor(
    private readonly heads: Float64Array,
    private size: number,
  ) {
    for (let i = 0; i < heads.length; i++) if ((heads[i] as number) > this.boundary) this.boundary = heads[i] as number;
  }

  /** The indexes of the next tier: the `size` largest heads left (all that tie with the last), then twice as many next time. */
  next(): number[] {
    const heads = this.heads;
    const threshold = largestAt(heads, this.size);
    const tier: number[] = [];
    let boundary = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i] as number;
      if (head < 0) continue;
      if (head >= threshold) {
        tier.push(i);
        heads[i] = -1;
      } else if (head > boundary) boundary = head;
    }
    this.boundary = boundary;
    this.size *= 2;
    return tier;
  }
}

/** The k-th largest of the values >= 0 (the smallest of them if fewer; Infinity if none): a min-heap of k. */
function largestAt(values: Float64Array, k: number): number {
  const heap = new Float64Array(k);
  let size = 0;
  for (let at = 0; at < values.length; at++) {
    const value = values[at] as number;
    if (value < 0) continue;
    if (size < k) {
      let i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if ((heap[parent] as number) <= value) break;
        heap[i] = heap[parent] as number;
        i = parent;
      }
      heap[i] = value;
    } else if (value > (heap[0] as number)) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= k) break;
        const right = left + 1;
        const child = right < k && (heap[right] as number) < (heap[left] as number) ? right : left;
        if ((heap[child] as number) >= value) break;
        heap[i] = heap[child] as number;
        i = child;
      }
      heap[i] = value;
    }
  }
  return size === 0 ? Number.POSITIVE_INFINITY : (heap[0] as number);
}
