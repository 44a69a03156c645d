import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type ActivityRecord, EQUALITY_FIELDS } from '../../src/domain/fields.js';
import type { Filter } from '../../src/domain/filter.js';
import { selectRecords } from '../helpers/oracle.js';
import { aRecord, DST_DAY, mixedRecords } from '../helpers/records.js';
import { addAll, type ContractContext } from './contract.js';

/** Every combination of the six equality filters, with the values of `probe`, plus misses. */
export function equalityCombinations(probe: ActivityRecord): Filter[] {
  const filters: Filter[] = [];
  for (let mask = 0; mask < 1 << EQUALITY_FIELDS.length; mask++) {
    const filter: Filter = {};
    EQUALITY_FIELDS.forEach((field, bit) => {
      const value = probe[field];
      if (mask & (1 << bit) && value !== undefined && value !== '') filter[field] = value as never;
    });
    filters.push(filter);
  }
  filters.push(
    { platform: 'no-such-platform' },
    { serial: 's2', action_type: 'comment', status: 'skipped', task_id: 'T1' },
  );
  return filters;
}

const probeOf = (records: ActivityRecord[]) =>
  records.find((r) => r.status === 'failed' && r.task_id !== undefined && r.username !== '') as ActivityRecord;

async function pagesByCursor(ctx: ContractContext, filter: Filter, limit: number): Promise<ActivityRecord[]> {
  const seen: ActivityRecord[] = [];
  let cursor: number | undefined;
  for (;;) {
    const page = await ctx.store.list(filter, { limit, offset: 0, ...(cursor ? { beforeId: cursor } : {}) });
    if (page.length === 0) return seen;
    seen.push(...page);
    cursor = page[page.length - 1]?.id;
  }
}

/** Filters of extensions §2 on lists and counts. */
export function filtersContract(ctx: ContractContext): void {
  it('lists, pages and counts exactly under every combination of the six equality filters', async () => {
    const added = await addAll(ctx.store, mixedRecords(160));
    for (const filter of equalityCombinations(probeOf(added))) {
      const expected = selectRecords(added, filter);
      const label = JSON.stringify(filter);
      assert.equal(await ctx.store.count(filter), expected.length, `count ${label}`);
      assert.deepEqual(await ctx.store.list(filter, { limit: 1000, offset: 0 }), expected, label);
      assert.deepEqual(await ctx.store.list(filter, { limit: 5, offset: 5 }), expected.slice(5, 10), `offset ${label}`);
      assert.deepEqual(await pagesByCursor(ctx, filter, 7), expected, `cursor ${label}`);
    }
  });

  it('pages a large task whose few label matches are its oldest records, and a small task, exactly', async () => {
    // 1,500 records of one task, the three oldest on device "rare": more than a page reads of a
    // task before it asks the planner (SQLite), so the small and the large case both run.
    const big = [
      ...Array.from({ length: 3 }, (_, i) => aRecord({ serial: 'rare', task_id: 'big', timestamp: DST_DAY + i })),
      ...Array.from({ length: 1_497 }, (_, i) =>
        aRecord({ serial: 'common', task_id: 'big', timestamp: DST_DAY + 10 + i }),
      ),
      ...Array.from({ length: 5 }, (_, i) => aRecord({ serial: 'rare', task_id: 'small', timestamp: DST_DAY + i })),
    ];
    const added = await addAll(ctx.store, big);
    for (const filter of [
      { task_id: 'big', serial: 'rare' },
      { task_id: 'big', serial: 'common' },
      { task_id: 'big' },
      { task_id: 'small', serial: 'rare' },
      { task_id: 'small', serial: 'common' },
    ] satisfies Filter[]) {
      const expected = selectRecords(added, filter);
      const label = JSON.stringify(filter);
      assert.deepEqual(await ctx.store.list(filter, { limit: 100, offset: 0 }), expected.slice(0, 100), label);
      assert.deepEqual(await ctx.store.list(filter, { limit: 2, offset: 1 }), expected.slice(1, 3), `offset ${label}`);
      assert.equal(await ctx.store.count(filter), expected.length, `count ${label}`);
    }
  });

  it('matches equality filters exactly and case-sensitively; an extension filter never matches a record without the field', async () => {
    await addAll(ctx.store, [
      aRecord({ platform: 'tiktok' }),
      aRecord({ platform: 'TikTok', status: 'success', task_id: 'A' }),
      aRecord({ platform: 'tiktok ', task_id: 'a' }),
    ]);
    assert.equal(await ctx.store.count({ platform: 'tiktok' }), 1);
    assert.equal(await ctx.store.count({ platform: 'TikTok' }), 1);
    assert.equal(await ctx.store.count({ platform: 'tik' }), 0);
    assert.equal(await ctx.store.count({ status: 'success' }), 1);
    assert.equal(await ctx.store.count({ task_id: 'a' }), 1);
    assert.equal(await ctx.store.count({ task_id: 'A', platform: 'TikTok' }), 1);
    assert.equal((await ctx.store.list({ platform: 'TikTok' }, { limit: 10, offset: 0 }))[0]?.platform, 'TikTok');
  });

  it('selects since <= timestamp < until at any second, alone and with other filters', async () => {
    const added = await addAll(ctx.store, mixedRecords(200));
    const probe = probeOf(added);
    const windows: Filter[] = [
      { since: DST_DAY },
      { until: DST_DAY },
      { since: DST_DAY + 1234, until: DST_DAY + 1234 + 5000 },
      { since: DST_DAY + 3600, until: DST_DAY + 7200 },
      { since: probe.timestamp, until: probe.timestamp + 1 },
      { since: probe.timestamp, until: probe.timestamp },
      { since: 0, until: 1 },
      { since: DST_DAY + 10 * 86_400 },
    ];
    for (const window of windows) {
      for (const filter of [
        window,
        { ...window, serial: probe.serial },
        { ...window, status: 'failed' },
        { ...window, task_id: probe.task_id as string },
        { ...window, username: probe.username, action_type: probe.action_type },
      ]) {
        const expected = selectRecords(added, filter);
        const label = JSON.stringify(filter);
        assert.equal(await ctx.store.count(filter), expected.length, `count ${label}`);
        assert.deepEqual(await ctx.store.list(filter, { limit: 1000, offset: 0 }), expected, label);
        assert.deepEqual(await pagesByCursor(ctx, filter, 9), expected, `cursor ${label}`);
      }
    }
  });

  it('finds q in action_detail or error, ignoring the case of ASCII letters only', async () => {
    const added = await addAll(ctx.store, mixedRecords(120));
    const cases: [string, (r: ActivityRecord) => boolean][] = [
      ['captcha', (r) => /captcha/i.test(r.action_detail) || /captcha/i.test(r.error ?? '')],
      ['CAPTCHA', (r) => /captcha/i.test(r.action_detail) || /captcha/i.test(r.error ?? '')],
      ['timeout', (r) => /timeout/i.test(r.error ?? '')],
      // Non-ASCII letters match exactly: Ä is not ä.
      ['Ärger', (r) => r.action_detail.includes('Ärger')],
      ['ärger', (r) => r.action_detail.includes('ärger')],
      ['ÄRGER', (r) => r.action_detail.includes('Ärger')],
      ['äRGER', (r) => r.action_detail.includes('ärger')],
      // LIKE's wildcards and escape are ordinary characters.
      ['100%', (r) => r.action_detail.includes('100%')],
      ['%', (r) => r.action_detail.includes('%')],
      ['_', (r) => r.action_detail.includes('_')],
      ['\\', (r) => r.action_detail.includes('\\')],
      ['"quoted"', (r) => r.action_detail.includes('"quoted"')],
      // Shorter than a trigram.
      ['#1', (r) => r.action_detail.includes('#1')],
      ['zz-nothing', () => false],
    ];
    for (const [q, test] of cases) {
      const expected = added.filter(test).sort((a, b) => b.id - a.id);
      assert.deepEqual(selectRecords(added, { q }), expected, `oracle ${q}`);
      assert.equal(await ctx.store.count({ q }), expected.length, `count q=${q}`);
      assert.deepEqual(await ctx.store.list({ q }, { limit: 1000, offset: 0 }), expected, `list q=${q}`);
      assert.deepEqual(await pagesByCursor(ctx, { q }, 4), expected, `cursor q=${q}`);
      const narrowed: Filter = { q, serial: 's1', since: DST_DAY - 3600 };
      assert.deepEqual(
        await ctx.store.list(narrowed, { limit: 1000, offset: 0 }),
        selectRecords(added, narrowed),
        `q=${q} with filters`,
      );
    }
  });

  it('finds q in records written moments ago, before any background indexing', async () => {
    await addAll(ctx.store, mixedRecords(20));
    const { id } = await ctx.store.add(aRecord({ action_detail: 'a brand new Zebra sighting' }));
    const found = await ctx.store.list({ q: 'zebra' }, { limit: 10, offset: 0 });
    assert.deepEqual(
      found.map((r) => r.id),
      [id],
    );
    assert.equal(await ctx.store.count({ q: 'ZEBRA' }), 1);
  });
}
