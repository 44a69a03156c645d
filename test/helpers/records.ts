import type { NewRecord } from '../../src/domain/fields.js';

/** A valid record with the original seven fields only; any field can be overridden. */
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

/** 2026-10-25 00:00 UTC: Europe/Amsterdam falls back at 01:00 UTC that day. */
export const DST_DAY = 1_792_886_400;

const DETAILS = [
  'Published video successfully',
  'Captcha challenge shown',
  'solved the CAPTCHA at last',
  'Ärger mit dem Login',
  'ärger, lower case',
  '100% done_with \\ backslash',
  'Followed @creator "quoted"',
  '',
];

/**
 * A small skewed data set over every filter value: records with only the original fields and
 * records with every extension field, absent usernames and statuses, text for `q` (ASCII and
 * non-ASCII case, LIKE wildcards), and timestamps over three days around a DST change, at any
 * second, so that hours are cut by every kind of edge.
 */
export function mixedRecords(n: number, seed = 7): NewRecord[] {
  const random = seeded(seed);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() ** 2 * values.length)] as T;
  const platforms = ['tiktok', 'instagram', 'TikTok'];
  const serials = ['s1', 's2', 's3', 'emulator-5554'];
  const actions = ['post', 'follow', 'comment'];
  const users = ['user0', 'user1', 'user2', ''];
  const statuses = [undefined, 'success', 'failed', 'skipped'] as const;
  const tasks = [undefined, 't1', 't2', 'T1'];
  return Array.from({ length: n }, (_, i) => {
    const record: NewRecord = {
      platform: pick(platforms),
      serial: pick(serials),
      action_type: pick(actions),
      action_detail: `${pick(DETAILS)} #${i}`,
      username: pick(users),
      timestamp: DST_DAY - 86_400 + Math.floor(random() * 3 * 86_400),
    };
    const status = pick(statuses);
    if (status) record.status = status;
    if (status === 'failed') record.error = random() < 0.5 ? 'Network TIMEOUT' : 'captcha not solved';
    const task = pick(tasks);
    if (task) record.task_id = task;
    if (random() < 0.3) record.duration_ms = Math.floor(random() * 10_000);
    if (random() < 0.2) record.metadata = { video: `v${i}`, nested: { n: i, list: [1, 'two', null] } };
    if (random() < 0.3) record.event_id = `event-${seed}-${i}`;
    return record;
  });
}
