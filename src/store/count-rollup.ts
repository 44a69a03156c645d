import type { Filter } from '../domain/filter.js';
import type { NewRecord } from '../domain/record.js';

/**
 * Exact counts for every filter combination, read with one key lookup. Each record adds
 * one to eight rows, one per subset of its (platform, serial, action_type), with the
 * unfiltered columns set to ANY. ANY is the empty string, which a stored record can
 * never hold in these required, non-empty fields, so the two cannot collide.
 */
export const ANY = '';

export type CountKey = readonly [platform: string, serial: string, actionType: string];

type Counted = Pick<NewRecord, 'platform' | 'serial' | 'action_type'>;

/** The key a count query reads: the filter's values, ANY where it has none. */
export const countKeyOf = (filter: Filter): CountKey => [
  filter.platform ?? ANY,
  filter.serial ?? ANY,
  filter.action_type ?? ANY,
];

/** A key as one string, for maps; NUL is never in stored text, so it cannot be ambiguous. */
export const keyId = (key: CountKey) => key.join('\u0000');

/** The eight keys one record counts under. */
export function rollupKeys(record: Counted): CountKey[] {
  const keys: CountKey[] = [];
  for (let mask = 0; mask < 8; mask++) {
    keys.push([mask & 1 ? record.platform : ANY, mask & 2 ? record.serial : ANY, mask & 4 ? record.action_type : ANY]);
  }
  return keys;
}

/**
 * The count changes of one write batch, folded per key, so a batch of a thousand
 * inserts on a few devices touches a few dozen count rows, not eight thousand.
 */
export class CountDeltas {
  private readonly deltas = new Map<string, { key: CountKey; delta: number }>();

  record(record: Counted, delta: 1 | -1): void {
    for (const key of rollupKeys(record)) {
      const id = keyId(key);
      const entry = this.deltas.get(id);
      if (entry) entry.delta += delta;
      else this.deltas.set(id, { key, delta });
    }
  }

  clear(): void {
    this.deltas.clear();
  }

  /**
   * The non-zero changes, in one fixed order (by key), so that concurrent writers on a
   * shared database take their row locks in the same order and cannot deadlock.
   */
  changes(): { key: CountKey; delta: number }[] {
    return [...this.deltas.entries()]
      .filter(([, entry]) => entry.delta !== 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, entry]) => entry);
  }
}
