import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ActivityRecord } from '../../src/domain/fields.js';
import { type Filter, matches } from '../../src/domain/filter.js';
import { groupObjects } from '../../src/domain/stats.js';
import { parseTimeZone } from '../../src/domain/time-zone.js';
import { DELETE_STEP } from '../../src/store/write/ops.js';
import { expectedStats, selectRecords } from '../helpers/oracle.js';
import { aRecord, DST_DAY, mixedRecords } from '../helpers/records.js';
import { addAll, type ContractContext } from './contract.js';

const AMSTERDAM = parseTimeZone('Europe/Amsterdam');

/** After a delete: every count, page and statistic agrees with the records that are left. */
async function assertAgrees(ctx: ContractContext, left: readonly ActivityRecord[], label: string): Promise<void> {
  assert.equal(await ctx.store.count({}), left.length, `count ${label}`);
  assert.deepEqual(await ctx.store.list({}, { limit: 1000, offset: 0 }), selectRecords(left, {}), `list ${label}`);
  for (const filter of [{ status: 'failed' }, { serial: 's1' }, { since: DST_DAY }, { q: 'captcha' }] as Filter[]) {
    assert.equal(
      await ctx.store.count(filter),
      left.filter((r) => matches(r, filter)).length,
      `${label} ${JSON.stringify(filter)}`,
    );
  }
  for (const groupBy of [['serial', 'status'], ['hour'], ['day', 'action_type']] as const) {
    const result = await ctx.store.stats({}, { groupBy, zone: AMSTERDAM, limit: 10_000 });
    assert.deepEqual(
      { total: result.total, truncated: result.truncated, groups: groupObjects(result, groupBy) },
      expectedStats(left, {}, groupBy, AMSTERDAM, 10_000),
      `stats ${groupBy.join(',')} ${label}`,
    );
  }
}

/** Delete-matching (extensions §5). */
export function deleteContract(ctx: ContractContext): void {
  it('deletes exactly what matches, for label, time, task and text filters; aggregates stay exact', async () => {
    let left = await addAll(ctx.store, mixedRecords(200));
    const filters: Filter[] = [
      { status: 'failed' },
      { serial: 's2', action_type: 'post' },
      { since: DST_DAY + 999, until: DST_DAY + 20_000 },
      { task_id: 't1', username: 'user0' },
      { q: 'ärger' },
      { platform: 'no-such-platform' },
    ];
    for (const filter of filters) {
      const gone = left.filter((r) => matches(r, filter));
      assert.equal(await ctx.store.deleteMatching(filter), gone.length, JSON.stringify(filter));
      left = left.filter((r) => !matches(r, filter));
      await assertAgrees(ctx, left, `after deleting ${JSON.stringify(filter)}`);
    }
    const restarted = await ctx.reopen();
    assert.equal(await restarted.count({}), left.length);
    await assertAgrees(ctx, left, 'after a restart');
  });

  it('deletes more than one step holds, in several steps, keeping records written meanwhile', async () => {
    const total = DELETE_STEP * 2 + 37;
    await addAll(
      ctx.store,
      Array.from({ length: total }, (_, i) => aRecord({ serial: 'bulk', timestamp: DST_DAY + i })),
    );
    const kept = await addAll(ctx.store, [aRecord({ serial: 'keep' })]);
    // Writes race the delete: those of matching records made after it began are not its to take.
    const deleting = ctx.store.deleteMatching({ serial: 'bulk' });
    const during = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        ctx.store.add(aRecord({ serial: i % 2 ? 'bulk' : 'other', timestamp: DST_DAY + 99_999 })),
      ),
    );
    const deleted = await deleting;
    const writtenDuring = during.length;
    assert.ok(deleted >= total && deleted <= total + writtenDuring / 2, `deleted ${deleted} of ${total}`);
    const bulkLeft = await ctx.store.count({ serial: 'bulk' });
    assert.equal(deleted + bulkLeft, total + writtenDuring / 2);
    assert.equal(await ctx.store.count({ serial: 'other' }), writtenDuring / 2);
    assert.equal(await ctx.store.count({ serial: 'keep' }), kept.length);
    assert.equal(await ctx.store.count({}), kept.length + writtenDuring / 2 + bulkLeft);
  });
}
