import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { type ActivityRecord, FIELD_NAMES, type NewRecord } from '../../src/domain/fields.js';
import { newestFirst } from '../helpers/oracle.js';
import { aRecord, mixedRecords } from '../helpers/records.js';
import { addAll, type ContractContext } from './contract.js';
import { commands, emptyModel } from './model.js';

const MODEL_RUNS = Number(process.env.ACTLOG_MODEL_RUNS ?? 40);
const ORIGINAL = ['id', 'platform', 'serial', 'action_type', 'action_detail', 'username', 'timestamp'];

const everyField: NewRecord = {
  ...aRecord(),
  status: 'failed',
  error: 'Network timeout after 30 s',
  task_id: 'campaign-42',
  duration_ms: 2_147_483_647,
  metadata: { video_id: '7300000000000000123', n: 1.5, deep: { a: [1, 'b', null, { c: true }] }, '1': 'integer key' },
  event_id: '0190c6d2-5a3b-7c1e-9f00-2b1d4e6f8a90',
};

/** Records, fields, ids, restarts and idempotency keys. */
export function recordsContract(ctx: ContractContext): void {
  it('adds a record of the original contract and lists it back with exactly its seven fields, in order', async () => {
    const { id } = await ctx.store.add(aRecord());
    assert.ok(Number.isSafeInteger(id) && id >= 1);
    const [listed] = await ctx.store.list({}, { limit: 10, offset: 0 });
    assert.deepEqual(listed, { id, ...aRecord() });
    assert.deepEqual(Object.keys(listed as object), ORIGINAL);
    assert.equal(
      await ctx.store.listJson({}, { limit: 10, offset: 0 }),
      `[{"id":${id},"platform":"tiktok","serial":"device_serial_123","action_type":"post","action_detail":"Published video successfully","username":"user123","timestamp":1707725000}]`,
    );
  });

  it('keeps every extension field, shown after the original seven in registry order', async () => {
    const { id } = await ctx.store.add(everyField);
    const [listed] = await ctx.store.list({}, { limit: 1, offset: 0 });
    assert.deepEqual(listed, { id, ...everyField });
    assert.deepEqual(Object.keys(listed as object), FIELD_NAMES);
    // Only given fields appear, in registry order whatever order they were given in.
    const { id: partial } = await ctx.store.add({ event_id: 'e', ...aRecord(), duration_ms: 0 });
    const [second] = await ctx.store.list({}, { limit: 1, offset: 0 });
    assert.deepEqual(Object.keys(second as object), [...ORIGINAL, 'duration_ms', 'event_id']);
    assert.equal(second?.id, partial);
    assert.equal(second?.duration_ms, 0);
  });

  it('keeps text exactly: unicode, quotes, SQL and long values', async () => {
    const texts = [
      'emoji 🎉 and 𝄞 and 中文 and עברית',
      "Robert'); DROP TABLE activity_log;--",
      '"quoted" \\ backslash \n newline \t tab % _',
      'x'.repeat(65536),
    ];
    for (const text of texts) {
      const record = aRecord({
        action_detail: text,
        username: text.slice(0, 255),
        serial: text.slice(0, 255),
        error: text.slice(0, 4096),
        task_id: text.slice(0, 255),
        event_id: text.slice(0, 128),
      });
      const { id } = await ctx.store.add(record);
      const [listed] = await ctx.store.list({ serial: record.serial }, { limit: 1, offset: 0 });
      assert.deepEqual(listed, { id, ...record });
    }
  });

  it('gives concurrent writers distinct, increasing ids', async () => {
    const outcomes = await Promise.all(Array.from({ length: 300 }, (_, i) => ctx.store.add(aRecord({ timestamp: i }))));
    const ids = outcomes.map((o) => o.id);
    assert.equal(new Set(ids).size, 300);
    // Submitted in order within one turn: acknowledged in order, so ids follow submission.
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    );
    assert.equal(await ctx.store.count({}), 300);
  });

  it('lists newest first and pages with limit and offset, covering every record once', async () => {
    const added = await addAll(ctx.store, mixedRecords(57));
    const seen: ActivityRecord[] = [];
    for (let offset = 0; offset < 70; offset += 10) seen.push(...(await ctx.store.list({}, { limit: 10, offset })));
    assert.deepEqual(seen, newestFirst(added));
    assert.deepEqual(await ctx.store.list({}, { limit: 10, offset: 57 }), []);
    assert.deepEqual(await ctx.store.list({}, { limit: 10, offset: 1_000_000 }), []);
  });

  it('deletes one record: true once, then false; counts follow', async () => {
    const added = await addAll(ctx.store, mixedRecords(30));
    const victim = added[4] as ActivityRecord;
    const before = await ctx.store.count({ platform: victim.platform, serial: victim.serial });
    assert.equal(await ctx.store.delete(victim.id), true);
    assert.equal(await ctx.store.delete(victim.id), false);
    assert.equal(await ctx.store.delete(999_999), false);
    assert.equal(await ctx.store.count({}), 29);
    assert.equal(await ctx.store.count({ platform: victim.platform, serial: victim.serial }), before - 1);
    assert.ok(!(await ctx.store.list({}, { limit: 100, offset: 0 })).some((r) => r.id === victim.id));
  });

  it('counts stay exact when every record of a label set is deleted and re-added', async () => {
    const outcomes = await Promise.all([ctx.store.add(aRecord()), ctx.store.add(aRecord())]);
    for (const { id } of outcomes) assert.equal(await ctx.store.delete(id), true);
    assert.equal(await ctx.store.count({ platform: 'tiktok' }), 0);
    await ctx.store.add(aRecord());
    assert.equal(await ctx.store.count({ platform: 'tiktok', serial: 'device_serial_123', action_type: 'post' }), 1);
  });

  it('deletes all records, and new ids keep counting up', async () => {
    const added = await addAll(ctx.store, mixedRecords(25));
    const highest = Math.max(...added.map((r) => r.id));
    await ctx.store.deleteAll();
    assert.equal(await ctx.store.count({}), 0);
    assert.equal(await ctx.store.count({ platform: 'tiktok' }), 0);
    assert.deepEqual(await ctx.store.list({}, { limit: 100, offset: 0 }), []);
    const { id: next } = await ctx.store.add(aRecord());
    assert.ok(next > highest, `id ${next} must exceed ${highest}`);
    assert.equal(await ctx.store.count({}), 1);
    await ctx.store.deleteAll();
    await ctx.store.deleteAll();
    assert.equal(await ctx.store.count({}), 0);
  });

  it('keeps records, counts, statistics, text search and the id sequence across a restart', async () => {
    const added = await addAll(ctx.store, mixedRecords(60));
    const newest = Math.max(...added.map((r) => r.id));
    assert.equal(await ctx.store.delete(newest), true);
    const kept = added.filter((r) => r.id !== newest);
    const stats = async () =>
      ctx.store.stats({}, { groupBy: ['serial'], zone: { name: 'UTC', offsetAt: () => 0 }, limit: 100 });
    const statsBefore = await stats();
    const store = await ctx.reopen();
    assert.equal(await store.count({}), 59);
    assert.deepEqual(await store.list({}, { limit: 100, offset: 0 }), newestFirst(kept));
    assert.deepEqual(await stats(), statsBefore);
    assert.deepEqual(
      await store.list({ q: 'CAPTCHA' }, { limit: 100, offset: 0 }),
      newestFirst(kept.filter((r) => /captcha/i.test(`${r.action_detail}|${r.error ?? ''}`))),
    );
    const { id: next } = await store.add(aRecord());
    assert.ok(next > newest, `id ${next} must exceed the deleted ${newest}`);
    await store.deleteAll();
    const wiped = await ctx.reopen();
    const { id: afterWipe } = await wiped.add(aRecord());
    assert.ok(afterWipe > next, `id ${afterWipe} must exceed ${next} after delete-all and restart`);
  });

  it('orders mixed concurrent writes: adds, deletes and delete-all in one burst', async () => {
    const first = await addAll(ctx.store, mixedRecords(10));
    const results = await Promise.all([
      ctx.store.add(aRecord({ serial: 'a' })),
      ctx.store.delete((first[0] as ActivityRecord).id),
      ctx.store.deleteAll(),
      ctx.store.add(aRecord({ serial: 'b' })),
    ]);
    assert.equal(results[1], true);
    const left = await ctx.store.list({}, { limit: 100, offset: 0 });
    assert.deepEqual(
      left.map((r) => r.serial),
      ['b'],
    );
    assert.equal(await ctx.store.count({}), 1);
  });

  it('stores one record per event_id: a repeat answers the first id as a duplicate, also concurrently', async () => {
    const first = await ctx.store.add(aRecord({ event_id: 'k1' }));
    assert.deepEqual(first, { id: first.id, duplicate: false });
    // A repeat with other content is still a duplicate: the first write wins.
    assert.deepEqual(await ctx.store.add(aRecord({ event_id: 'k1', serial: 'other' })), {
      id: first.id,
      duplicate: true,
    });
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) => ctx.store.add(aRecord({ event_id: 'k2', action_detail: `try ${i}` }))),
    );
    const stored = burst.filter((o) => !o.duplicate);
    assert.equal(stored.length, 1);
    assert.ok(burst.every((o) => o.id === stored[0]?.id));
    assert.equal(await ctx.store.count({}), 2);
    assert.equal(await ctx.store.count({ serial: 'other' }), 0);
    // The key is taken as long as its record exists.
    assert.equal(await ctx.store.delete(first.id), true);
    const again = await ctx.store.add(aRecord({ event_id: 'k1' }));
    assert.equal(again.duplicate, false);
    assert.ok(again.id > first.id);
  });

  it('fails only the write the database refuses; the rest of its group commit commits', async () => {
    await ctx.fixture.refuseDetail('poison');
    const burst = await Promise.allSettled([
      ctx.store.add(aRecord({ serial: 'a' })),
      ctx.store.add(aRecord({ serial: 'b', action_detail: 'poison' })),
      ctx.store.add(aRecord({ serial: 'c', event_id: 'k' })),
      ctx.store.delete(999_999),
      ctx.store.add(aRecord({ serial: 'd' })),
    ]);
    assert.deepEqual(
      burst.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled'],
    );
    assert.equal((burst[1] as PromiseRejectedResult).reason.code, 50001);
    const listed = await ctx.store.list({}, { limit: 10, offset: 0 });
    assert.deepEqual(
      listed.map((r) => r.serial),
      ['d', 'c', 'a'],
    );
    assert.equal(await ctx.store.count({}), 3);
    assert.equal(await ctx.store.count({ serial: 'b' }), 0);
    const ids = listed.map((r) => r.id);
    assert.deepEqual(
      ids,
      [...ids].sort((x, y) => y - x),
    );
  });

  it('agrees with an in-memory model over random sequences of operations (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), async (sequence) => {
        await ctx.store.deleteAll();
        const model = emptyModel();
        // Ids only grow, so the model starts above everything earlier runs issued.
        model.highestId = (await ctx.store.add(aRecord())).id;
        await ctx.store.deleteAll();
        await fc.asyncModelRun(() => ({ model, real: ctx.store }), sequence);
      }),
      { numRuns: MODEL_RUNS },
    );
  });

  it('builds page JSON byte-identical to JSON.stringify of the same page, for any text and fields (fast-check)', async () => {
    // Text as the domain admits it: any code points but NUL and lone surrogates.
    const text = (maxLength: number) =>
      fc
        .string({
          unit: fc.oneof(
            fc.constantFrom('"', '\\', '\n', '\t', '\u0001', '\u001f', '\u007f', '\u2028', '/', '<', 'é', '🎉'),
            fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
          ),
          maxLength,
        })
        .filter((s) => !s.includes('\u0000') && !/\p{Cs}/u.test(s));
    const nonEmpty = (maxLength: number) => text(maxLength).filter((s) => s.length > 0);
    const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => !JSON.stringify(v).includes('\\u0000'));
    const recordArb = fc.record(
      {
        platform: nonEmpty(20),
        serial: nonEmpty(20),
        action_type: nonEmpty(10),
        action_detail: text(60),
        username: text(20),
        timestamp: fc.oneof(fc.constant(0), fc.constant(Number.MAX_SAFE_INTEGER), fc.nat()),
        status: fc.constantFrom('success' as const, 'failed' as const, 'skipped' as const),
        error: nonEmpty(40),
        task_id: nonEmpty(20),
        duration_ms: fc.nat({ max: 2_147_483_647 }),
        metadata: fc.dictionary(text(8), json, { maxKeys: 4 }),
      },
      { requiredKeys: ['platform', 'serial', 'action_type', 'action_detail', 'username', 'timestamp'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { minLength: 1, maxLength: 6 }), async (records) => {
        await ctx.store.deleteAll();
        await addAll(ctx.store, records as NewRecord[]);
        for (const filter of [{}, { platform: records[0]?.platform as string }, { status: 'failed' }]) {
          for (const page of [
            { limit: 100, offset: 0 },
            { limit: 2, offset: 1 },
          ]) {
            assert.equal(await ctx.store.listJson(filter, page), JSON.stringify(await ctx.store.list(filter, page)));
          }
        }
      }),
      { numRuns: 25 },
    );
    assert.equal(await ctx.store.listJson({ platform: 'none' }, { limit: 10, offset: 0 }), '[]');
  });

  it('answers ping and closes idempotently', async () => {
    await ctx.store.ping();
    await ctx.store.close();
    await ctx.store.close();
  });
}
