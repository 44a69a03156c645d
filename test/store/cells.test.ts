import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CellList, HOUR } from '../../src/store/cells.js';

const T0 = 1_792_886_400;

/** What forEach adds up over [from, to): the reference for sum. */
function visited(list: CellList, from: number, to: number): { count: number; latest: number } {
  let count = 0;
  let latest = -1;
  list.forEach(from, to, (_hour, n, last) => {
    count += n;
    latest = Math.max(latest, last);
  });
  return { count, latest };
}

type Step = { kind: 'add'; timestamp: number; count: number } | { kind: 'remove'; timestamp: number };

/** A time in one of 60 hours: hours repeat, so cells are inserted, filled and emptied in the middle too. */
const timeArb = fc
  .tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: HOUR - 1 }))
  .map(([hour, second]) => T0 + hour * HOUR + second);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('add' as const),
    timestamp: timeArb,
    count: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 3_000_000 })),
  }),
  fc.record({ kind: fc.constant('remove' as const), timestamp: timeArb }),
);

describe('hour cells', () => {
  it('sum over any hours equals the cells visited, through adds, appends, removes and counts that split a cell', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 20, maxLength: 300 }),
        fc.array(fc.tuple(fc.integer({ min: -2, max: 62 }), fc.integer({ min: 0, max: 64 })), { maxLength: 20 }),
        (steps, ranges) => {
          const list = new CellList();
          const base = Math.floor(T0 / HOUR);
          steps.forEach((step, i) => {
            if (step.kind === 'add') list.add(step.timestamp, step.count);
            else list.remove(step.timestamp);
            // Ask between changes too, so block sums exist while the list changes.
            if (i % 7 === 0) list.sum(base, base + 100);
          });
          for (const [a, b] of ranges) {
            assert.deepEqual(list.sum(base + a, base + b), visited(list, base + a, base + b), `hours ${a}..${b}`);
          }
          assert.deepEqual(list.sum(0, 2 ** 32 - 1), visited(list, 0, 2 ** 32 - 1));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps block sums when a cell is inserted before the end (a late record)', () => {
    const list = new CellList();
    const base = Math.floor(T0 / HOUR);
    for (let hour = 0; hour < 40; hour += 2) list.add((base + hour) * HOUR + 1, 10);
    assert.equal(list.sum(base, base + 40).count, 200);
    list.add((base + 1) * HOUR, 5);
    assert.deepEqual(list.sum(base, base + 40), { count: 205, latest: (base + 38) * HOUR + 1 });
    assert.deepEqual(list.sum(base + 33, base + 40), visited(list, base + 33, base + 40));
  });

  it('keeps block sums when the last cell is emptied and another appended', () => {
    const list = new CellList();
    const base = Math.floor(T0 / HOUR);
    for (let hour = 0; hour < 32; hour++) list.add((base + hour) * HOUR);
    assert.equal(list.sum(base, base + 100).count, 32);
    list.remove((base + 31) * HOUR);
    list.add((base + 50) * HOUR, 3);
    assert.deepEqual(list.sum(base, base + 100), { count: 34, latest: (base + 50) * HOUR });
  });

  it('keeps block sums through a long run of appends and removes from the front, as live writes and pruning do', () => {
    const list = new CellList();
    const base = Math.floor(T0 / HOUR);
    for (let hour = 0; hour < 1_000; hour++) {
      for (let i = 0; i < 1 + (hour % 5); i++) list.add((base + hour) * HOUR + i);
      assert.equal(list.sum(base, base + hour + 1).count, visited(list, base, base + hour + 1).count);
    }
    for (let hour = 0; hour < 500; hour++) {
      for (let i = 0; i < 1 + (hour % 5); i++) list.remove((base + hour) * HOUR + i);
      assert.deepEqual(list.sum(base + 100, base + 900), visited(list, base + 100, base + 900));
    }
    assert.deepEqual(list.sum(base, base + 1_000), { count: 1_500, latest: (base + 999) * HOUR + 4 });
  });

  it('rebuilds a list from persisted bytes, using a blob that owns its memory in place and copying bytes that share theirs', () => {
    const base = Math.floor(T0 / HOUR);
    const source = new CellList();
    for (let hour = 0; hour < 600; hour++) {
      for (let i = 0; i <= hour % 3; i++) source.add((base + hour) * HOUR + i);
    }
    const periods: Uint8Array[] = [];
    for (let period = Math.floor(base / 256); period <= Math.floor((base + 600) / 256); period++) {
      const bytes = source.periodBytes(period);
      if (bytes) periods.push(bytes);
    }
    const joined = new Uint8Array(Buffer.concat(periods));
    const whole = (list: CellList) => list.sum(base, base + 700);

    // Its own memory, as a blob from better-sqlite3: the list works on it and grows past it.
    const owned = CellList.fromPeriods([joined]);
    assert.deepEqual(whole(owned), whole(source));
    for (const list of [owned, source]) list.add((base + 650) * HOUR + 7);
    assert.deepEqual(whole(owned), whole(source));

    // Bytes at the start of a larger buffer (as in Node's Buffer pool): copied, so a later
    // write to that buffer cannot reach the list.
    const shared = new Uint8Array(new ArrayBuffer(joined.length + 64), 0, joined.length);
    shared.set(joined);
    const copied = CellList.fromPeriods([shared]);
    shared.fill(0);
    assert.deepEqual(whole(copied), { count: whole(source).count - 1, latest: (base + 599) * HOUR + 2 });
  });
});
