import type { ActivityRecord } from '../../src/domain/fields.js';
import { type Filter, matches } from '../../src/domain/filter.js';
import type { GroupKey } from '../../src/domain/stats.js';
import { bucketAt, type TimeZone } from '../../src/domain/time-zone.js';

/**
 * The answers a store must give, computed the slow, obvious way from the records themselves:
 * what every store is checked against. Its statistics ordering is written out independently of
 * src/domain/stats.ts, from the text of extensions §4.
 */
export const newestFirst = (records: readonly ActivityRecord[]) => [...records].sort((a, b) => b.id - a.id);

export const selectRecords = (records: readonly ActivityRecord[], filter: Filter) =>
  newestFirst(records.filter((r) => matches(r, filter)));

interface Group {
  values: (string | null)[];
  starts: number[];
  count: number;
  last: number;
}

export function expectedStats(
  records: readonly ActivityRecord[],
  filter: Filter,
  groupBy: readonly GroupKey[],
  zone: TimeZone,
  limit: number,
): { total: number; truncated: boolean; groups: Record<string, unknown>[] } {
  const selected = records.filter((r) => matches(r, filter));
  const groups = new Map<string, Group>();
  for (const record of selected) {
    const values: (string | null)[] = [];
    const starts: number[] = [];
    for (const key of groupBy) {
      if (key === 'day' || key === 'hour') {
        const bucket = bucketAt(zone, key, record.timestamp);
        values.push(bucket.key);
        starts.push(bucket.start);
      } else {
        const value = record[key];
        values.push(value === undefined ? null : String(value));
        starts.push(0);
      }
    }
    const id = JSON.stringify([values, starts]);
    const group = groups.get(id) ?? { values, starts, count: 0, last: -1 };
    group.count++;
    group.last = Math.max(group.last, record.timestamp);
    groups.set(id, group);
  }
  const isTime = (i: number) => groupBy[i] === 'day' || groupBy[i] === 'hour';
  const keyOrder = (a: string | null, b: string | null) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;
  // Within one position: time ascending, else count descending then value ascending (null last).
  const compareAt = (i: number, a: { value: string | null; start: number; count: number }, b: typeof a) =>
    isTime(i) ? a.start - b.start || keyOrder(a.value, b.value) : b.count - a.count || keyOrder(a.value, b.value);
  let ordered = [...groups.values()];
  if (groupBy.length === 1) {
    ordered.sort((a, b) =>
      compareAt(
        0,
        { value: a.values[0] ?? null, start: a.starts[0] ?? 0, count: a.count },
        { value: b.values[0] ?? null, start: b.starts[0] ?? 0, count: b.count },
      ),
    );
  } else if (groupBy.length === 2) {
    const blockCount = new Map<string, number>();
    const blockOf = (g: Group) => JSON.stringify([g.values[0], g.starts[0]]);
    for (const g of ordered) blockCount.set(blockOf(g), (blockCount.get(blockOf(g)) ?? 0) + g.count);
    ordered.sort(
      (a, b) =>
        compareAt(
          0,
          { value: a.values[0] ?? null, start: a.starts[0] ?? 0, count: blockCount.get(blockOf(a)) ?? 0 },
          { value: b.values[0] ?? null, start: b.starts[0] ?? 0, count: blockCount.get(blockOf(b)) ?? 0 },
        ) ||
        compareAt(
          1,
          { value: a.values[1] ?? null, start: a.starts[1] ?? 0, count: a.count },
          { value: b.values[1] ?? null, start: b.starts[1] ?? 0, count: b.count },
        ),
    );
  }
  const truncated = ordered.length > limit;
  ordered = ordered.slice(0, limit);
  return {
    total: selected.length,
    truncated,
    groups: ordered.map((g) => {
      const out: Record<string, unknown> = {};
      groupBy.forEach((key, i) => {
        out[key] = g.values[i] ?? null;
      });
      out.count = g.count;
      out.last_timestamp = g.last;
      return out;
    }),
  };
}
