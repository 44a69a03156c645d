import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sortedIndex } from '../../src/store/series.js';
import { HOUR_RECORDS_MAX, HourRecords, RECORDS_MAX, SERIES_SPAN } from '../../src/store/sqlite/hour-records.js';

const HOUR = 3_600;

/** A loader over fixed records ([timestamp, series]) that counts its loads. */
function loader(records: [number, number][]) {
  const calls: [number, number][] = [];
  const load = (from: number, to: number) => {
    calls.push([from, to]);
    return records
      .filter(([ts]) => ts >= from && ts < to)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map(([ts, series]) => (ts - from) * SERIES_SPAN + series)
      .join(',');
  };
  return { load, calls };
}

describe('the records of hours counted lately', () => {
  it('loads an hour on its second ask, keeps it until a record of it changes, and reads it back exactly', () => {
    const hour = 500_000;
    const start = hour * HOUR;
    const { load, calls } = loader([
      [start + 5, 7],
      [start + 5, 3],
      [start + 3_599, SERIES_SPAN - 1],
      [start + 100, 1],
      [start - 1, 9],
      [start + HOUR, 9],
    ]);
    const hours = new HourRecords(load);
    assert.equal(hours.get(hour, 4), undefined, 'the first ask is counted by the database');
    assert.equal(calls.length, 0);
    const entries = hours.get(hour, 4);
    assert.ok(entries);
    assert.deepEqual([...entries.seconds], [5, 5, 100, 3_599]);
    assert.deepEqual([...entries.series], [3, 7, 1, SERIES_SPAN - 1]);
    assert.deepEqual(calls, [[start, start + HOUR]]);
    assert.equal(hours.get(hour, 4), entries, 'kept: no second load');
    assert.equal(sortedIndex(entries.seconds, 5), 0);
    assert.equal(sortedIndex(entries.seconds, 6), 2);
    assert.equal(sortedIndex(entries.seconds, HOUR), 4);
    // Another hour's change leaves it; its own change drops it, and it is asked twice again.
    hours.changed(start + HOUR);
    assert.equal(hours.get(hour, 4), entries);
    hours.changed(start + 3_000);
    assert.equal(hours.get(hour, 4), undefined);
    assert.ok(hours.get(hour, 4));
    assert.equal(calls.length, 2);
    // A change between the two asks: still counted by the database (the live hour).
    hours.changed(start + 1);
    assert.equal(hours.get(hour, 4), undefined);
    hours.changed(start + 1);
    assert.equal(hours.get(hour, 4), undefined);
    hours.clear();
    assert.equal(hours.get(hour, 4), undefined);
    assert.equal(calls.length, 2);
  });

  it('never keeps an hour of too many records, and drops the least recently used hours past its budget', () => {
    const perHour = Math.floor(RECORDS_MAX / 4.5);
    assert.ok(perHour <= HOUR_RECORDS_MAX);
    const records: [number, number][] = [];
    for (let hour = 0; hour < 5; hour++) {
      for (let i = 0; i < perHour; i++) records.push([hour * HOUR + (i % HOUR), i + 1]);
    }
    const { load, calls } = loader(records);
    const hours = new HourRecords(load);
    for (let i = 0; i < 3; i++) assert.equal(hours.get(9, HOUR_RECORDS_MAX + 1), undefined);
    assert.equal(calls.length, 0, 'an hour of too many records is never loaded');
    for (let hour = 0; hour < 4; hour++) {
      hours.get(hour, perHour);
      assert.equal(hours.get(hour, perHour)?.seconds.length, perHour);
    }
    assert.ok(hours.get(0, perHour), 'hour 0 used again: hour 1 is now the least recently used');
    hours.get(4, perHour);
    assert.ok(hours.get(4, perHour));
    assert.equal(calls.length, 5);
    assert.equal(hours.get(1, perHour), undefined, 'dropped past the budget: asked as if new');
    for (const hour of [0, 2, 3, 4]) assert.ok(hours.get(hour, perHour), `hour ${hour} kept`);
    assert.equal(calls.length, 5);
  });
});
