import type { NewRecord } from '../../src/domain/record.js';

/** A valid record; any field can be overridden. */
export const aRecord = (overrides: Partial<NewRecord> = {}): NewRecord => ({
  platform: 'tiktok',
  serial: 'device_serial_123',
  action_type: 'post',
  action_detail: 'Published video successfully',
  username: 'user123',
  timestamp: 1707725000,
  ...overrides,
});

/** Deterministic pseudo-random numbers, so a failing data set can be reproduced. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A small skewed data set over every filter value combination. */
export function mixedRecords(n: number, seed = 7): NewRecord[] {
  const random = seeded(seed);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() ** 2 * values.length)] as T;
  const platforms = ['tiktok', 'instagram', 'TikTok'];
  const serials = ['s1', 's2', 's3', 'emulator-5554'];
  const actions = ['post', 'follow', 'comment'];
  return Array.from({ length: n }, (_, i) =>
    aRecord({
      platform: pick(platforms),
      serial: pick(serials),
      action_type: pick(actions),
      action_detail: `detail ${i}`,
      username: `user${i % 5}`,
      timestamp: 1_700_000_000 + i,
    }),
  );
}
