import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ActivityRecord } from '../../src/domain/fields.js';
import type { Filter } from '../../src/domain/filter.js';
import { type GroupKey, groupObjects } from '../../src/domain/stats.js';
import { parseTimeZone } from '../../src/domain/time-zone.js';
import { expectedStats, selectRecords } from '../helpers/oracle.js';
import { aRecord, DST_DAY, mixedRecords } from '../helpers/records.js';
import { addAll, type ContractContext } from './contract.js';

const UTC = parseTimeZone('UTC');

async function statsOf(ctx: ContractContext, filter: Filter, groupBy: GroupKey[], tz = 'UTC', limit = 10_000) {
  const result = await ctx.store.stats(filter, { groupBy, zone: parseTimeZone(tz), limit });
  return { total: result.total, truncated: result.truncated, groups: groupObjects(result, groupBy) };
}

const GROUPINGS: GroupKey[][] = [
  [],
  ['platform'],
  ['serial'],
  ['action_type'],
  ['username'],
  ['status'],
  ['task_id'],
  ['day'],
  ['hour'],
  ['day', 'action_type'],
  ['action_type', 'day'],
  ['serial', 'status'],
  ['status', 'hour'],
  ['hour', 'status'],
  ['task_id', 'day'],
  ['username', 'task_id'],
  ['day', 'hour'],
  ['platform', 'status'],
  ['action_type', 'platform'],
];

/** Statistics of extensions §4, checked against the records themselves. */
export function statsContract(ctx: ContractContext): void {
  it('groups by every key and pair of keys exactly as the records say, with total equal to count', async () => {
    const added = await addAll(ctx.store, mixedRecords(220));
    const filters: Filter[] = [
      {},
      { status: 'failed' },
      { serial: 's1', username: 'user0' },
      { since: DST_DAY + 1234, until: DST_DAY + 86_400 + 777 },
      { since: DST_DAY + 1800 },
      // Label filters with ranges cut off the hour: the cut hours are counted per label set, or
      // (nothing grouped by label) in one count over the selection.
      { serial: 's1', since: DST_DAY + 1234, until: DST_DAY + 86_400 + 777 },
      { status: 'failed', since: DST_DAY + 999 },
      { q: 'captcha' },
      { task_id: 't1', until: DST_DAY + 5000 },
      { platform: 'no-such-platform' },
    ];
    for (const filter of filters) {
      const count = await ctx.store.count(filter);
      for (const groupBy of GROUPINGS) {
        const label = `${JSON.stringify(filter)} by ${groupBy.join(',') || 'nothing'}`;
        const actual = await statsOf(ctx, filter, groupBy);
        assert.deepEqual(actual, expectedStats(added, filter, groupBy, UTC, 10_000), label);
        assert.equal(actual.total, count, `total = count: ${label}`);
      }
    }
  });

  it('puts day and hour buckets where each zone has them: offsets of 30 and 45 minutes, DST in both directions', async () => {
    const added = await addAll(ctx.store, mixedRecords(220, 11));
    const zones = [
      '+05:30',
      '-03:30',
      '+05:45',
      'Europe/Amsterdam',
      'America/New_York',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
    ];
    for (const tz of zones) {
      for (const groupBy of [['day'], ['hour'], ['day', 'status'], ['hour', 'serial']] as GroupKey[][]) {
        for (const filter of [{}, { since: DST_DAY + 999, until: DST_DAY + 50_000 }, { serial: 's2' }] as Filter[]) {
          const label = `${tz} ${groupBy.join(',')} ${JSON.stringify(filter)}`;
          assert.deepEqual(
            await statsOf(ctx, filter, groupBy, tz),
            expectedStats(added, filter, groupBy, parseTimeZone(tz), 10_000),
            label,
          );
        }
      }
    }
  });

  it('keeps the repeated hour of a fall-back change as two buckets and gives the day its 25 hours', async () => {
    // Europe/Amsterdam on 2026-10-25: 02:00-03:00 happens twice, at +02:00 then at +01:00.
    const first = DST_DAY + 1800; // 00:30 UTC = 02:30+02:00
    const second = DST_DAY + 5400; // 01:30 UTC = 02:30+01:00
    const late = DST_DAY + 23 * 3600 + 1800; // 23:30 UTC = 00:30 on 2026-10-26 in Amsterdam
    await addAll(ctx.store, [
      aRecord({ timestamp: first }),
      aRecord({ timestamp: second }),
      aRecord({ timestamp: second + 1 }),
      aRecord({ timestamp: late }),
    ]);
    const hours = await statsOf(ctx, {}, ['hour'], 'Europe/Amsterdam');
    assert.deepEqual(hours.groups, [
      { hour: '2026-10-25T02:00+02:00', count: 1, last_timestamp: first },
      { hour: '2026-10-25T02:00+01:00', count: 2, last_timestamp: second + 1 },
      { hour: '2026-10-26T00:00+01:00', count: 1, last_timestamp: late },
    ]);
    const days = await statsOf(ctx, {}, ['day'], 'Europe/Amsterdam');
    assert.deepEqual(days.groups, [
      { day: '2026-10-25', count: 3, last_timestamp: second + 1 },
      { day: '2026-10-26', count: 1, last_timestamp: late },
    ]);
    const utcHours = await statsOf(ctx, {}, ['hour'], 'UTC');
    assert.equal(utcHours.groups[0]?.hour, '2026-10-25T00:00+00:00');
  });

  it('orders groups as the spec says, puts records without the field in a null group, and truncates at limit', async () => {
    await addAll(ctx.store, [
      ...Array.from({ length: 3 }, () => aRecord({ serial: 'b', status: 'failed' })),
      ...Array.from({ length: 3 }, () => aRecord({ serial: 'a' })),
      ...Array.from({ length: 5 }, () => aRecord({ serial: 'c', status: 'success' })),
      aRecord({ serial: 'c', status: 'failed' }),
      aRecord({ serial: 'd' }),
    ]);
    const bySerial = await statsOf(ctx, {}, ['serial']);
    assert.deepEqual(
      bySerial.groups.map((g) => [g.serial, g.count]),
      [
        ['c', 6],
        ['a', 3],
        ['b', 3],
        ['d', 1],
      ],
    );
    const byStatus = await statsOf(ctx, {}, ['status']);
    assert.deepEqual(
      byStatus.groups.map((g) => [g.status, g.count]),
      [
        ['success', 5],
        ['failed', 4],
        [null, 4],
      ],
    );
    // Blocks of the first key stay together, ordered by their summed count; within, the second key's rule.
    const pairs = await statsOf(ctx, {}, ['serial', 'status']);
    assert.deepEqual(
      pairs.groups.map((g) => [g.serial, g.status, g.count]),
      [
        ['c', 'success', 5],
        ['c', 'failed', 1],
        ['a', null, 3],
        ['b', 'failed', 3],
        ['d', null, 1],
      ],
    );
    const limited = await statsOf(ctx, {}, ['serial'], 'UTC', 2);
    assert.equal(limited.truncated, true);
    assert.equal(limited.total, 13);
    assert.deepEqual(
      limited.groups.map((g) => g.serial),
      ['c', 'a'],
    );
    assert.equal((await statsOf(ctx, {}, ['serial'], 'UTC', 4)).truncated, false);
    assert.deepEqual(await statsOf(ctx, { serial: 'none' }, ['serial']), { total: 0, truncated: false, groups: [] });
    assert.deepEqual((await statsOf(ctx, {}, [])).groups, [{ count: 13, last_timestamp: 1707725000 }]);
  });

  it('keeps last_timestamp exact when the latest record of a group is deleted', async () => {
    const added = await addAll(ctx.store, [
      aRecord({ serial: 'x', timestamp: DST_DAY + 100 }),
      aRecord({ serial: 'x', timestamp: DST_DAY + 200 }),
      aRecord({ serial: 'x', timestamp: DST_DAY + 7200 }),
      aRecord({ serial: 'y', timestamp: DST_DAY + 150 }),
    ]);
    // Asked once before the deletes, so that roll-ups kept per value (if a store has them) exist and must follow.
    assert.equal((await statsOf(ctx, { serial: 'x' }, ['hour'])).total, 3);
    const latest = added[2] as ActivityRecord;
    assert.equal(await ctx.store.delete(latest.id), true);
    assert.deepEqual((await statsOf(ctx, {}, ['serial'])).groups, [
      { serial: 'x', count: 2, last_timestamp: DST_DAY + 200 },
      { serial: 'y', count: 1, last_timestamp: DST_DAY + 150 },
    ]);
    assert.equal(await ctx.store.delete((added[1] as ActivityRecord).id), true);
    assert.deepEqual((await statsOf(ctx, { serial: 'x' }, ['hour'])).groups, [
      { hour: '2026-10-25T00:00+00:00', count: 1, last_timestamp: DST_DAY + 100 },
    ]);
    assert.deepEqual((await statsOf(ctx, {}, ['serial'])).groups, [
      { serial: 'x', count: 1, last_timestamp: DST_DAY + 100 },
      { serial: 'y', count: 1, last_timestamp: DST_DAY + 150 },
    ]);
    const hours = await statsOf(ctx, {}, ['hour']);
    assert.deepEqual(hours.groups, [{ hour: '2026-10-25T00:00+00:00', count: 2, last_timestamp: DST_DAY + 150 }]);
    const restarted = await ctx.reopen();
    const again = await restarted.stats({}, { groupBy: ['hour'], zone: UTC, limit: 10 });
    assert.deepEqual(groupObjects(again, ['hour']), hours.groups);
  });

  it('counts a task exactly while it grows, in new label sets too, and after its records are deleted', async () => {
    const task = (serial: string, timestamp: number, status: 'success' | 'failed' = 'success') =>
      aRecord({ serial, timestamp, status, task_id: 'grows', username: 'u1' });
    const added = await addAll(ctx.store, [task('a', DST_DAY + 10), task('a', DST_DAY + 20), task('b', DST_DAY + 30)]);
    await addAll(ctx.store, [aRecord({ serial: 'a', task_id: 'other', timestamp: DST_DAY + 40 })]);
    const expect = async (serials: Record<string, [number, number]>) => {
      const total = Object.values(serials).reduce((sum, [count]) => sum + count, 0);
      assert.equal(await ctx.store.count({ task_id: 'grows' }), total);
      assert.deepEqual(
        (await statsOf(ctx, { task_id: 'grows' }, ['serial'])).groups,
        Object.entries(serials)
          .map(([serial, [count, last]]) => ({ serial, count, last_timestamp: last }))
          .sort((x, y) => y.count - x.count || x.serial.localeCompare(y.serial)),
      );
      assert.equal(await ctx.store.count({ task_id: 'grows', serial: 'a' }), serials.a?.[0] ?? 0);
    };
    // Asked first, so that a store that keeps a task's totals between requests must keep them in step.
    await expect({ a: [2, DST_DAY + 20], b: [1, DST_DAY + 30] });
    const more = await addAll(ctx.store, [task('a', DST_DAY + 15), task('c', DST_DAY + 50, 'failed')]);
    await expect({ a: [3, DST_DAY + 20], b: [1, DST_DAY + 30], c: [1, DST_DAY + 50] });
    assert.equal(await ctx.store.count({ task_id: 'grows', status: 'failed' }), 1);
    assert.equal(await ctx.store.delete((added[1] as ActivityRecord).id), true);
    await expect({ a: [2, DST_DAY + 15], b: [1, DST_DAY + 30], c: [1, DST_DAY + 50] });
    assert.equal(await ctx.store.deleteMatching({ task_id: 'grows', serial: 'c' }), 1);
    await addAll(ctx.store, [task('b', DST_DAY + 60)]);
    await expect({ a: [2, DST_DAY + 15], b: [2, DST_DAY + 60] });
    assert.equal((more[0] as ActivityRecord).task_id, 'grows');
    await ctx.store.deleteAll();
    assert.equal(await ctx.store.count({ task_id: 'grows' }), 0);
    await addAll(ctx.store, [task('d', DST_DAY + 70)]);
    await expect({ d: [1, DST_DAY + 70] });
  });

  it('counts and groups by fields of few values exactly as new values, label sets and deletes arrive after the first ask', async () => {
    const HOUR = 3_600;
    const at = (hour: number, second: number) => DST_DAY + hour * HOUR + second;
    const farm = (n: number, hours: number, platforms: string[], offset = 0) =>
      Array.from({ length: n }, (_, i) =>
        aRecord({
          platform: platforms[i % platforms.length] as string,
          serial: `dev${(i + offset) % 7}`,
          action_type: ['follow', 'like', 'post'][i % 3] as string,
          status: i % 4 === 0 ? 'failed' : 'success',
          timestamp: at(0, Math.floor((i * hours * HOUR) / n) + offset),
        }),
      );
    await addAll(ctx.store, farm(240, 3, ['p1', 'p2']));
    // A range cut off the hour at both ends, so that the cut hours are counted from records too.
    const range = { since: at(0, 1_234), until: at(2, 777) };
    const asks: [Filter, GroupKey[]][] = [
      [{ platform: 'p1', status: 'failed', ...range }, []],
      [{ platform: 'p1', action_type: 'like', status: 'success' }, ['hour']],
      [{ platform: 'p2', ...range }, ['status']],
      [{ status: 'failed' }, ['platform', 'action_type']],
      [range, ['platform', 'status']],
      [{ action_type: 'post', since: at(1, 100) }, ['day', 'status']],
    ];
    const check = async (when: string) => {
      const all = await ctx.store.list({}, { offset: 0, limit: 10_000 });
      for (const [filter, groupBy] of asks) {
        const label = `${when}: ${JSON.stringify(filter)} by ${groupBy.join(',') || 'nothing'}`;
        assert.deepEqual(await statsOf(ctx, filter, groupBy), expectedStats(all, filter, groupBy, UTC, 10_000), label);
        assert.equal(await ctx.store.count(filter), selectRecords(all, filter).length, label);
      }
    };
    // Asked first, so that roll-ups a store keeps per combined value (if any) exist and must follow.
    await check('first');
    // A new platform (a new value), and new devices for known values (new label sets).
    const more = await addAll(ctx.store, farm(60, 3, ['p1', 'p3'], 11));
    await check('after new values and label sets');
    const latestFailed = more
      .filter((r) => r.platform === 'p1' && r.status === 'failed')
      .sort((a, b) => b.timestamp - a.timestamp)[0] as ActivityRecord;
    assert.equal(await ctx.store.delete(latestFailed.id), true);
    await check('after deleting the latest record of a group');
    assert.ok((await ctx.store.deleteMatching({ platform: 'p3' })) > 0);
    await check('after deleting a value');
    await ctx.store.deleteAll();
    await check('after a wipe');
    await addAll(ctx.store, farm(30, 3, ['p2', 'p4'], 3));
    await check('after a wipe and new records');
  });

  it('counts and lists two label conditions exactly after a label set that matches both first appears', async () => {
    const filter = { platform: 'pf', status: 'failed' } as const;
    await addAll(ctx.store, [aRecord({ platform: 'pf', serial: 'first', status: 'failed' })]);
    await addAll(ctx.store, [aRecord({ platform: 'pf', serial: 'first', status: 'success' })]);
    // Asked before the new label set exists, so that a store that keeps the selection must renew it.
    assert.equal(await ctx.store.count(filter), 1);
    assert.equal((await ctx.store.list(filter, { offset: 0, limit: 10 })).length, 1);
    const [added] = await addAll(ctx.store, [aRecord({ platform: 'pf', serial: 'second', status: 'failed' })]);
    assert.equal(await ctx.store.count(filter), 2);
    assert.equal(await ctx.store.count({ ...filter, serial: 'second' }), 1);
    assert.deepEqual(
      (await ctx.store.list(filter, { offset: 0, limit: 10 })).map((r) => r.serial),
      ['second', 'first'],
    );
    assert.equal(await ctx.store.delete((added as ActivityRecord).id), true);
    assert.equal(await ctx.store.count(filter), 1);
  });
}
