import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { FILTER_FIELDS, type Filter } from '../../src/domain/filter.js';
import type { ActivityRecord, NewRecord } from '../../src/domain/record.js';
import type { Store } from '../../src/store/store.js';
import { aRecord, mixedRecords } from '../helpers/records.js';
import { commands, emptyModel } from './model.js';

const MODEL_RUNS = Number(process.env.ACTLOG_MODEL_RUNS ?? 40);

/** One database for one test: the store on it, a way to restart on the same data, and cleanup. */
export interface StoreFixture {
  store: Store;
  /** Closes the current store and opens a new one on the same database (a restart). */
  reopen(): Promise<Store>;
  /** Closes the store and removes the database; safe to call twice. */
  destroy(): Promise<void>;
}

export interface StoreBackend {
  name: string;
  /** Why the backend cannot run here; the suite is then skipped with this message. */
  unavailable?: string;
  fresh(): Promise<StoreFixture>;
}

const COLUMNS = ['id', 'platform', 'serial', 'action_type', 'action_detail', 'username', 'timestamp'];

/** Every filter combination over the values present in `records`, including the empty filter. */
function filtersOver(records: readonly NewRecord[]): Filter[] {
  const first = records[0] as NewRecord;
  const filters: Filter[] = [];
  for (let mask = 0; mask < 8; mask++) {
    const filter: Filter = {};
    FILTER_FIELDS.forEach((field, bit) => {
      if (mask & (1 << bit)) filter[field] = first[field];
    });
    filters.push(filter);
  }
  filters.push({ platform: 'no-such-platform' }, { serial: 's2', action_type: 'comment' });
  return filters;
}

const matches = (record: NewRecord, filter: Filter) =>
  FILTER_FIELDS.every((field) => filter[field] === undefined || record[field] === filter[field]);

async function addAll(store: Store, records: readonly NewRecord[]): Promise<ActivityRecord[]> {
  const ids = await Promise.all(records.map((record) => store.add(record)));
  return records.map((record, i) => ({ id: ids[i] as number, ...record }));
}

const newestFirst = (records: ActivityRecord[]) => [...records].sort((a, b) => b.id - a.id);

/** The store contract: every backend must pass it unchanged. */
export function storeContract(backend: StoreBackend): void {
  describe(`store contract: ${backend.name}`, { skip: backend.unavailable }, () => {
    let fixture: StoreFixture;
    let store: Store;

    beforeEach(async () => {
      fixture = await backend.fresh();
      store = fixture.store;
    });

    afterEach(async () => fixture.destroy());

    it('adds a record and lists it back with every field, in contract order', async () => {
      const id = await store.add(aRecord());
      assert.ok(Number.isSafeInteger(id) && id >= 1);
      const [listed] = await store.list({}, { limit: 10, offset: 0 });
      assert.deepEqual(listed, { id, ...aRecord() });
      assert.deepEqual(Object.keys(listed as object), COLUMNS);
    });

    it('keeps text exactly: unicode, quotes, SQL and long values', async () => {
      const texts = [
        'emoji 🎉 and 𝄞 and 中文 and עברית',
        "Robert'); DROP TABLE activity_log;--",
        '"quoted" \\ backslash \n newline \t tab',
        'x'.repeat(65536),
      ];
      for (const text of texts) {
        const record = aRecord({ action_detail: text, username: text.slice(0, 255), serial: text.slice(0, 255) });
        const id = await store.add(record);
        const [listed] = await store.list({ serial: record.serial }, { limit: 1, offset: 0 });
        assert.deepEqual(listed, { id, ...record });
      }
    });

    it('gives concurrent writers distinct, increasing ids', async () => {
      const ids = await Promise.all(Array.from({ length: 300 }, (_, i) => store.add(aRecord({ timestamp: i }))));
      assert.equal(new Set(ids).size, 300);
      // Submitted in order within one turn: acknowledged in order, so ids follow submission.
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
      );
      assert.equal(await store.count({}), 300);
    });

    it('lists newest first and pages with limit and offset, covering every record once', async () => {
      const added = await addAll(store, mixedRecords(57));
      const expected = newestFirst(added);
      const seen: ActivityRecord[] = [];
      for (let offset = 0; offset < 70; offset += 10) {
        seen.push(...(await store.list({}, { limit: 10, offset })));
      }
      assert.deepEqual(seen, expected);
      assert.deepEqual(await store.list({}, { limit: 10, offset: 57 }), []);
      assert.deepEqual(await store.list({}, { limit: 10, offset: 1_000_000 }), []);
    });

    it('lists and counts exactly under every filter combination', async () => {
      const added = await addAll(store, mixedRecords(120));
      for (const filter of filtersOver(added)) {
        const expected = newestFirst(added.filter((r) => matches(r, filter)));
        assert.equal(await store.count(filter), expected.length, `count ${JSON.stringify(filter)}`);
        assert.deepEqual(await store.list(filter, { limit: 1000, offset: 0 }), expected, JSON.stringify(filter));
        const secondPage = await store.list(filter, { limit: 5, offset: 5 });
        assert.deepEqual(secondPage, expected.slice(5, 10), `offset page ${JSON.stringify(filter)}`);
      }
    });

    it('matches filters exactly and case-sensitively', async () => {
      await addAll(store, [
        aRecord({ platform: 'tiktok' }),
        aRecord({ platform: 'TikTok' }),
        aRecord({ platform: 'tiktok ' }),
      ]);
      assert.equal(await store.count({ platform: 'tiktok' }), 1);
      assert.equal(await store.count({ platform: 'TikTok' }), 1);
      assert.equal(await store.count({ platform: 'tik' }), 0);
      assert.equal((await store.list({ platform: 'TikTok' }, { limit: 10, offset: 0 }))[0]?.platform, 'TikTok');
    });

    it('pages with the before_id cursor, alone and with offset and filters', async () => {
      const added = await addAll(store, mixedRecords(80));
      for (const filter of filtersOver(added)) {
        const expected = newestFirst(added.filter((r) => matches(r, filter)));
        const seen: ActivityRecord[] = [];
        let cursor: number | undefined;
        for (;;) {
          const page = await store.list(filter, { limit: 7, offset: 0, ...(cursor ? { beforeId: cursor } : {}) });
          if (page.length === 0) break;
          seen.push(...page);
          cursor = page[page.length - 1]?.id;
        }
        assert.deepEqual(seen, expected, `cursor pages ${JSON.stringify(filter)}`);
      }
      const pivot = newestFirst(added)[10]?.id as number;
      const page = await store.list({}, { limit: 3, offset: 2, beforeId: pivot });
      assert.deepEqual(page, newestFirst(added.filter((r) => r.id < pivot)).slice(2, 5));
    });

    it('deletes one record: true once, then false; counts follow', async () => {
      const added = await addAll(store, mixedRecords(30));
      const victim = added[4] as ActivityRecord;
      const before = await store.count({ platform: victim.platform, serial: victim.serial });
      assert.equal(await store.delete(victim.id), true);
      assert.equal(await store.delete(victim.id), false);
      assert.equal(await store.delete(999_999), false);
      assert.equal(await store.count({}), 29);
      assert.equal(await store.count({ platform: victim.platform, serial: victim.serial }), before - 1);
      const remaining = added.filter((r) => r.id !== victim.id);
      for (const filter of filtersOver(remaining)) {
        const expected = remaining.filter((r) => matches(r, filter));
        assert.equal(await store.count(filter), expected.length, `count after delete ${JSON.stringify(filter)}`);
      }
      assert.ok(!(await store.list({}, { limit: 100, offset: 0 })).some((r) => r.id === victim.id));
    });

    it('counts stay exact when every record of a combination is deleted and re-added', async () => {
      const ids = await Promise.all([store.add(aRecord()), store.add(aRecord())]);
      for (const id of ids) assert.equal(await store.delete(id), true);
      assert.equal(await store.count({ platform: 'tiktok' }), 0);
      await store.add(aRecord());
      assert.equal(await store.count({ platform: 'tiktok', serial: 'device_serial_123', action_type: 'post' }), 1);
    });

    it('deletes all records, and new ids keep counting up', async () => {
      const added = await addAll(store, mixedRecords(25));
      const highest = Math.max(...added.map((r) => r.id));
      await store.deleteAll();
      assert.equal(await store.count({}), 0);
      for (const filter of filtersOver(added)) assert.equal(await store.count(filter), 0);
      assert.deepEqual(await store.list({}, { limit: 100, offset: 0 }), []);
      const next = await store.add(aRecord());
      assert.ok(next > highest, `id ${next} must exceed ${highest}`);
      assert.equal(await store.count({}), 1);
      await store.deleteAll();
      await store.deleteAll();
      assert.equal(await store.count({}), 0);
    });

    it('keeps records, counts and the id sequence across a restart, even after deleting the newest', async () => {
      const added = await addAll(store, mixedRecords(20));
      const newest = Math.max(...added.map((r) => r.id));
      assert.equal(await store.delete(newest), true);
      store = await fixture.reopen();
      assert.equal(await store.count({}), 19);
      assert.deepEqual(
        await store.list({}, { limit: 100, offset: 0 }),
        newestFirst(added.filter((r) => r.id !== newest)),
      );
      const next = await store.add(aRecord());
      assert.ok(next > newest, `id ${next} must exceed the deleted ${newest}`);
      await store.deleteAll();
      store = await fixture.reopen();
      const afterWipe = await store.add(aRecord());
      assert.ok(afterWipe > next, `id ${afterWipe} must exceed ${next} after delete-all and restart`);
    });

    it('orders mixed concurrent writes: adds, deletes and delete-all in one burst', async () => {
      const first = await addAll(store, mixedRecords(10));
      const results = await Promise.all([
        store.add(aRecord({ serial: 'a' })),
        store.delete((first[0] as ActivityRecord).id),
        store.deleteAll(),
        store.add(aRecord({ serial: 'b' })),
      ]);
      assert.equal(results[1], true);
      const left = await store.list({}, { limit: 100, offset: 0 });
      assert.deepEqual(
        left.map((r) => r.serial),
        ['b'],
      );
      assert.equal(await store.count({}), 1);
    });

    it('agrees with an in-memory model over random sequences of operations (fast-check)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), async (sequence) => {
          await store.deleteAll();
          const model = emptyModel();
          // Ids only grow, so the model starts above everything earlier runs issued.
          model.highestId = (await store.add(aRecord())) as number;
          await store.deleteAll();
          await fc.asyncModelRun(() => ({ model, real: store }), sequence);
        }),
        { numRuns: MODEL_RUNS },
      );
    });

    it('builds page JSON byte-identical to JSON.stringify of the same page, for any text (fast-check)', async () => {
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
          .filter((s) => !s.includes('\u0000') && !/[\uD800-\uDFFF]/u.test(s));
      const recordArb = fc.record({
        platform: text(20).filter((s) => s.length > 0),
        serial: text(20).filter((s) => s.length > 0),
        action_type: text(10).filter((s) => s.length > 0),
        action_detail: text(60),
        username: text(20),
        timestamp: fc.oneof(fc.constant(0), fc.constant(Number.MAX_SAFE_INTEGER), fc.nat()),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(recordArb, { minLength: 1, maxLength: 6 }), async (records) => {
          await store.deleteAll();
          await addAll(store, records);
          for (const filter of filtersOver(records)) {
            for (const page of [
              { limit: 100, offset: 0 },
              { limit: 2, offset: 1 },
            ]) {
              assert.equal(await store.listJson(filter, page), JSON.stringify(await store.list(filter, page)));
            }
          }
        }),
        { numRuns: 25 },
      );
      assert.equal(await store.listJson({ platform: 'none' }, { limit: 10, offset: 0 }), '[]');
    });

    it('answers ping and closes idempotently', async () => {
      await store.ping();
      await store.close();
      await store.close();
    });
  });
}
