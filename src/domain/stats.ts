import { invalid } from './errors.js';
import { EQUALITY_FIELDS, type EqualityName } from './fields.js';
import { DEFAULT_STATS_LIMIT, MAX_GROUP_KEYS, MAX_STATS_LIMIT } from './limits.js';
import type { TimeUnit, TimeZone } from './time-zone.js';

/** What statistics can be grouped by (extensions §4): the equality fields and local days or hours. */
export const TIME_KEYS = ['day', 'hour'] as const satisfies readonly TimeUnit[];
export type GroupKey = EqualityName | TimeUnit;
export const GROUP_KEYS: readonly GroupKey[] = [...EQUALITY_FIELDS, ...TIME_KEYS];

export const isTimeKey = (key: GroupKey): key is TimeUnit => (TIME_KEYS as readonly string[]).includes(key);

export interface StatsQuery {
  groupBy: readonly GroupKey[];
  zone: TimeZone;
  limit: number;
}

/** One group: its keys in group_by order (null where a record lacks the field), count, latest timestamp. */
export interface StatsGroup {
  keys: (string | null)[];
  count: number;
  lastTimestamp: number;
  /** For time keys, the start of the bucket (orders buckets whose local keys repeat, as at a DST change). */
  starts: number[];
}

export interface StatsResult {
  total: number;
  truncated: boolean;
  groups: StatsGroup[];
}

/** `group_by=day,action_type` → ['day', 'action_type']; anything but up to two distinct known keys is 40001. */
export function parseGroupBy(raw: string | undefined): GroupKey[] {
  if (raw === undefined || raw === '') return [];
  const keys = raw.split(',').map((key) => key.trim());
  for (const key of keys) {
    if (!(GROUP_KEYS as readonly string[]).includes(key)) {
      throw invalid(`group_by: "${key.slice(0, 50)}" is not one of ${GROUP_KEYS.join(', ')}`);
    }
  }
  if (keys.length > MAX_GROUP_KEYS) throw invalid(`group_by takes at most ${MAX_GROUP_KEYS} keys`);
  if (new Set(keys).size !== keys.length) throw invalid('group_by names a key twice');
  return keys as GroupKey[];
}

export const statsLimit = (limit: number | undefined) => Math.min(limit ?? DEFAULT_STATS_LIMIT, MAX_STATS_LIMIT);

/** null (a record without the field) sorts after every value. */
const compareKeys = (a: string | null, b: string | null) =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;

/**
 * The order of extensions §4: time keys ascending; otherwise count descending, then key
 * ascending. With two keys, the groups of one first-key value stay together, those blocks
 * ordered as the first key alone would order them (a block's count being the sum of its
 * groups), and within a block the second key's rule applies.
 */
export function orderGroups(groups: StatsGroup[], groupBy: readonly GroupKey[]): StatsGroup[] {
  if (groupBy.length === 0) return groups;
  if (groupBy.length === 1) return groups.sort(orderAt(groupBy, 0));
  // Blocks of one first-key value, shaped as groups so that the same order applies to them.
  const blocks = new Map<string, StatsGroup & { members: StatsGroup[] }>();
  for (const group of groups) {
    const id = `${group.starts[0] ?? ''}\u0000${group.keys[0] ?? '\u0001null'}`;
    let block = blocks.get(id);
    if (!block) {
      block = {
        keys: [group.keys[0] ?? null],
        starts: [group.starts[0] ?? 0],
        count: 0,
        lastTimestamp: -1,
        members: [],
      };
      blocks.set(id, block);
    }
    block.count += group.count;
    block.members.push(group);
  }
  const second = orderAt(groupBy, 1);
  return [...blocks.values()].sort(orderAt(groupBy, 0)).flatMap((block) => block.members.sort(second));
}

/**
 * The rule of one group_by position as a comparator: a time key by bucket start (then key),
 * another by count descending, then key. It reads the groups as they are: statistics sort
 * tens of thousands of groups, and a comparator that builds objects makes that mostly garbage.
 */
function orderAt(groupBy: readonly GroupKey[], position: number): (a: StatsGroup, b: StatsGroup) => number {
  const byKey = (a: StatsGroup, b: StatsGroup) => compareKeys(a.keys[position] ?? null, b.keys[position] ?? null);
  return isTimeKey(groupBy[position] as GroupKey)
    ? (a, b) => (a.starts[position] ?? 0) - (b.starts[position] ?? 0) || byKey(a, b)
    : (a, b) => b.count - a.count || byKey(a, b);
}

/** The groups as the answer's objects: keys named by group_by, then count and last_timestamp. */
export function groupObjects(result: StatsResult, groupBy: readonly GroupKey[]): Record<string, unknown>[] {
  return result.groups.map((group) => {
    const out: Record<string, unknown> = {};
    groupBy.forEach((key, i) => {
      out[key] = group.keys[i] ?? null;
    });
    out.count = group.count;
    out.last_timestamp = group.lastTimestamp;
    return out;
  });
}
