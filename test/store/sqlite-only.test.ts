import assert from 'node:assert/strict';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { ActivityRecord } from '../../src/domain/fields.js';
import type { Filter } from '../../src/domain/filter.js';
import { type GroupKey, groupObjects } from '../../src/domain/stats.js';
import { parseTimeZone } from '../../src/domain/time-zone.js';
import { Checkpointer } from '../../src/store/sqlite/checkpointer.js';
import { MergeTiers } from '../../src/store/sqlite/merge-heap.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { TrigramQuery } from '../../src/store/sqlite/trigram-query.js';
import { expectedStats, selectRecords } from '../helpers/oracle.js';
import { aRecord, mixedRecords } from '../helpers/records.js';
import { tempDir } from '../helpers/temp.js';
import { addAll } from './contract.js';

/** The one table a TrigramQuery samples, for an empty sample. */
const SCHEMA_FOR_SAMPLE = 'CREATE TABLE activity_log (id INTEGER PRIMARY KEY, action_detail TEXT, error TEXT)';

const watermarks = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(db.prepare('SELECT name, id FROM watermarks').raw().all() as [string, number][]);
  } finally {
    db.close();
  }
};

/** A store on a new file in a temporary folder, closed and removed after `work`. */
async function withStore(name: string, work: (store: SqliteStore, file: string) => Promise<void>): Promise<void> {
  const dir = tempDir();
  const file = join(dir.path, name);
  const store = SqliteStore.open(file);
  try {
    await work(store, file);
  } finally {
    await store.close();
    dir.remove();
  }
}

describe('SQLite store specifics', () => {
  it('refuses a second store on the same file while the first is open, and allows it after', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'owned.db');
    const first = SqliteStore.open(file);
    try {
      assert.throws(() => SqliteStore.open(file), /in use by another actlog process/);
      await first.add(aRecord());
    } finally {
      await first.close();
    }
    const second = SqliteStore.open(file);
    try {
      assert.equal(await second.count({}), 1);
    } finally {
      await second.close();
      dir.remove();
    }
  });

  it('answers exactly before and after the background step folds records into the text index and cells', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'deferred.db');
    let store = SqliteStore.open(file);
    try {
      // Bulk load and close before any background step has run: everything is above the watermarks.
      const records = mixedRecords(300);
      store.importBatch(records);
      await store.close();
      assert.deepEqual(watermarks(file), { text: 0, rollup: 0 });
      store = SqliteStore.open(file);
      const all = await store.list({}, { limit: 1000, offset: 0 });
      const before = {
        q: await store.list({ q: 'captcha' }, { limit: 1000, offset: 0 }),
        count: await store.count({ status: 'failed' }),
      };
      assert.deepEqual(before.q, selectRecords(all, { q: 'captcha' }));
      assert.equal(before.count, all.filter((r) => r.status === 'failed').length);
      store.catchUp();
      const highest = Math.max(...all.map((r) => r.id));
      assert.deepEqual(watermarks(file), { text: highest, rollup: highest });
      assert.deepEqual(await store.list({ q: 'captcha' }, { limit: 1000, offset: 0 }), before.q);
      // Deleting below the watermarks takes the record out of the text index and the persisted cells.
      const victim = before.q[0];
      assert.ok(victim);
      assert.equal(await store.delete(victim.id), true);
      await store.close();
      store = SqliteStore.open(file);
      assert.deepEqual(await store.list({ q: 'captcha' }, { limit: 1000, offset: 0 }), before.q.slice(1));
      assert.equal(await store.count({}), all.length - 1);
    } finally {
      await store.close();
      dir.remove();
    }
  });

  it('folds writes into the deferred structures after a short pause, not after each write batch', async () => {
    await withStore('gathered.db', async (store, file) => {
      const { id } = await store.add(aRecord({ action_detail: 'gathered captcha' }));
      // A turn of the event loop after the acknowledgement: the step is still waiting for more.
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(watermarks(file), { text: 0, rollup: 0 });
      assert.deepEqual(
        (await store.list({ q: 'captcha' }, { limit: 10, offset: 0 })).map((r) => r.id),
        [id],
        'a record not yet in the text index is found by scanning',
      );
      const until = async (done: () => boolean) => {
        const deadline = Date.now() + 10_000;
        while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      };
      await until(() => (watermarks(file).text ?? 0) >= id);
      // The text index comes first; the persisted cells wait for more records or a quiet second.
      assert.deepEqual(watermarks(file), { text: id, rollup: 0 });
      await until(() => (watermarks(file).rollup ?? 0) >= id);
      assert.deepEqual(watermarks(file), { text: id, rollup: id });
    });
  });

  it('folds what start-up recounted once the reopened store is quiet, without a write', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'reopened.db');
    let store = SqliteStore.open(file);
    try {
      store.importBatch(mixedRecords(50));
      await store.close();
      assert.deepEqual(watermarks(file), { text: 0, rollup: 0 });
      store = SqliteStore.open(file);
      const deadline = Date.now() + 10_000;
      while ((watermarks(file).rollup ?? 0) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(
        watermarks(file).rollup,
        Math.max(...(await store.list({}, { limit: 100, offset: 0 })).map((r) => r.id)),
      );
    } finally {
      await store.close();
      dir.remove();
    }
  });

  it('persists the cells of exactly the stored records when it folds them from memory, deletes included', async () => {
    await withStore('fold.db', async (store, file) => {
      store.importBatch(mixedRecords(400, 11));
      store.catchUp();
      const first = await store.list({}, { limit: 1000, offset: 0 });
      // Deleted after their fold: taken out of the persisted cells by the delete itself.
      for (const record of first.filter((_, i) => i % 7 === 0)) assert.equal(await store.delete(record.id), true);
      store.importBatch(mixedRecords(200, 12));
      const second = await store.list({}, { limit: 200, offset: 0 });
      // Deleted before their fold: never in the persisted cells, and gone from memory when it folds.
      for (const record of second.filter((_, i) => i % 5 === 0)) assert.equal(await store.delete(record.id), true);
      assert.ok((watermarks(file).rollup ?? 0) < Math.max(...second.map((r) => r.id)));
      store.catchUp();

      const db = new Database(file, { readonly: true });
      try {
        // Per label set and hour (and for all records, label set 0): the count and the latest timestamp.
        const persisted = new Map<string, [number, number]>();
        for (const [series, blob] of db.prepare('SELECT series_id, cells FROM rollup_cells').raw().all() as [
          number,
          Buffer,
        ][]) {
          for (let at = 0; at < blob.length; at += 8) {
            const hour = blob.readUInt32LE(at);
            const packed = blob.readUInt32LE(at + 4);
            const key = `${series}:${hour}`;
            const [count, latest] = persisted.get(key) ?? [0, 0];
            persisted.set(key, [count + (packed >>> 12), Math.max(latest, hour * 3600 + (packed & 0xfff))]);
          }
        }
        const expected = new Map<string, [number, number]>();
        for (const [series, timestamp] of db.prepare('SELECT series_id, timestamp FROM activity_log').raw().all() as [
          number,
          number,
        ][]) {
          for (const target of [series, 0]) {
            const key = `${target}:${Math.floor(timestamp / 3600)}`;
            const [count, latest] = expected.get(key) ?? [0, 0];
            expected.set(key, [count + 1, Math.max(latest, timestamp)]);
          }
        }
        assert.ok(expected.size > 50);
        assert.deepEqual([...persisted].sort(), [...expected].sort());
      } finally {
        db.close();
      }
    });
  });

  it('pages from kept record text stay exact across deletes and a wipe, whose ids are never given again', async () => {
    await withStore('rendered.db', async (store) => {
      const page = async (filter = {}) =>
        (JSON.parse(await store.listJson(filter, { limit: 100, offset: 0 })) as { id: number }[]).map((r) => r.id);
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) ids.push((await store.add(aRecord({ serial: `rendered_${i % 2}` }))).id);
      const newestFirst = [...ids].reverse();
      assert.deepEqual(await page(), newestFirst);
      // The same records again, now from their kept text, and under a filter.
      assert.deepEqual(await page(), newestFirst);
      assert.deepEqual(
        await page({ serial: 'rendered_0' }),
        newestFirst.filter((_, i) => i % 2 === 0),
      );
      assert.equal(await store.delete(ids[2] as number), true);
      assert.deepEqual(
        await page(),
        newestFirst.filter((id) => id !== ids[2]),
      );
      assert.deepEqual(await page({ serial: 'rendered_0' }), [ids[4], ids[0]]);
      assert.equal(await store.deleteMatching({ serial: 'rendered_1' }), 2);
      assert.deepEqual(await page(), [ids[4], ids[0]]);
      await store.deleteAll();
      assert.deepEqual(await page(), []);
      const { id } = await store.add(aRecord({ action_detail: 'after the wipe' }));
      assert.deepEqual(
        JSON.parse(await store.listJson({}, { limit: 100, offset: 0 })),
        await store.list({}, { limit: 100, offset: 0 }),
      );
      assert.ok(id > (ids[4] as number));
    });
  });

  it('pages by task stay exact whether the task trial answers or reads its budget and hands over', async () => {
    await withStore('trial.db', async (store) => {
      // 1,500 records of one task (over the trial's budget of 1,024 rows): the three oldest on
      // a device of their own, every third of the rest failed, timestamps one a minute.
      const records = await addAll(
        store,
        Array.from({ length: 1_500 }, (_, i) =>
          aRecord({
            task_id: 'big-task',
            serial: i < 3 ? 'rare-device' : 'busy-device',
            status: i % 3 === 0 ? 'failed' : 'success',
            timestamp: 1_700_000_000 + i * 60,
          }),
        ),
      );
      await addAll(store, [aRecord({ task_id: 'other-task', serial: 'rare-device' })]);
      const cases = [
        { task_id: 'big-task' },
        { task_id: 'big-task', status: 'failed' },
        { task_id: 'big-task', serial: 'rare-device' },
        { task_id: 'big-task', serial: 'rare-device', status: 'failed' },
        { task_id: 'big-task', since: 1_700_000_000 + 700 * 60, until: 1_700_000_000 + 760 * 60 },
        { task_id: 'big-task', status: 'failed', until: 1_700_000_000 + 30 * 60 },
        { task_id: 'big-task', serial: 'nobody' },
      ];
      for (const filter of cases) {
        const expected = selectRecords(records, filter)
          .slice(0, 100)
          .map((r) => r.id);
        const page = JSON.parse(await store.listJson(filter, { limit: 100, offset: 0 })) as { id: number }[];
        assert.deepEqual(
          page.map((r) => r.id),
          expected,
          JSON.stringify(filter),
        );
      }
      // A trial that stopped at its budget leaves no selection behind for the next read.
      assert.equal((await store.list({ serial: 'rare-device' }, { limit: 100, offset: 0 })).length, 4);
    });
  });

  it("reads a task's candidates and counts from the task index alone", async () => {
    const dir = tempDir();
    const file = join(dir.path, 'plan.db');
    try {
      await SqliteStore.open(file).close();
      const db = new Database(file, { readonly: true });
      const plan = (sql: string) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join('; ');
      const candidates = plan(
        "SELECT id, series_id, timestamp, task_id FROM activity_log INDEXED BY activity_log_by_task WHERE task_id = 't' AND id < 9 AND id >= 1 ORDER BY id DESC LIMIT 5",
      );
      const totals = plan(
        "SELECT series_id, count(*), max(timestamp) FROM activity_log INDEXED BY activity_log_by_task WHERE task_id = 't' AND timestamp >= 0 AND timestamp < 9 GROUP BY series_id",
      );
      db.close();
      assert.match(candidates, /USING COVERING INDEX activity_log_by_task/);
      assert.match(totals, /USING COVERING INDEX activity_log_by_task/);
    } finally {
      dir.remove();
    }
  });

  it('asks the text index for the rare trigrams of a needle only, and still answers exactly', async () => {
    await withStore('trigrams.db', async (store, file) => {
      const details = (i: number) =>
        i % 211 === 0
          ? `Watched video, CAPTCHA shown ${i}`
          : i % 401 === 0
            ? // Every trigram of "captcha" but not the word: candidates the check must refuse.
              `Watched cap apt ptc tch cha ${i}`
            : `Watched video for ${i % 60} seconds, chat open`;
      store.importBatch(
        Array.from({ length: 2_000 }, (_, i) =>
          aRecord({
            action_detail: details(i),
            status: i % 3 === 0 ? 'failed' : 'success',
            timestamp: 1_707_725_000 + i,
          }),
        ),
      );
      store.catchUp();
      const all = await store.list({}, { limit: 5_000, offset: 0 });
      const highest = Math.max(...all.map((r) => r.id));
      const db = new Database(file, { readonly: true });
      try {
        const trigrams = new TrigramQuery(db);
        const rare = trigrams.plan('captcha', highest);
        // "tch" and "cha" are in every record: left out. The other three are in under 1 % of them.
        assert.equal(rare.match, '"cap" AND "apt" AND "ptc"');
        assert.ok(rare.share > 0 && rare.share < 0.05, String(rare.share));
        // A trigram the sample lacks: asked for alone.
        assert.equal(trigrams.plan('zqxcaptcha', highest).match, '"zqx"');
        // All trigrams common: the rarest one alone.
        assert.equal(trigrams.plan('watched', highest).match.split(' AND ').length, 1);
        const empty = new TrigramQuery(new Database(':memory:').exec(SCHEMA_FOR_SAMPLE));
        assert.deepEqual(empty.plan('captcha', 0), {
          match: '"cap" AND "apt" AND "ptc" AND "tch" AND "cha"',
          share: 1,
        });
      } finally {
        db.close();
      }
      for (const filter of [{ q: 'captcha' }, { q: 'CAPTCHA', status: 'failed' as const }, { q: 'watched video f' }]) {
        const want = selectRecords(all, filter);
        assert.ok(want.length > 0, JSON.stringify(filter));
        assert.deepEqual(await store.list(filter, { limit: 5_000, offset: 0 }), want, JSON.stringify(filter));
        assert.equal(await store.count(filter), want.length, JSON.stringify(filter));
      }
    });
  });

  it('hands a walk whose matches are all old over to the merge, and still answers exactly', async () => {
    await withStore('walk-trial.db', async (store) => {
      // Half the records fail, across 600 label sets, and all of them are older than the other
      // half: the planner expects a failure every other row and walks, but finds none among the
      // newest 5,000 rows, so past its budget the merge must answer from where the walk stopped.
      store.importBatch(
        Array.from({ length: 10_000 }, (_, i) =>
          i < 5_000
            ? aRecord({ serial: `dev${i % 600}`, status: 'failed', timestamp: 1_707_725_000 + i })
            : aRecord({ serial: 'steady', status: 'success', timestamp: 1_707_725_000 + i }),
        ),
      );
      store.catchUp();
      const all = await store.list({}, { limit: 20_000, offset: 0 });
      for (const [filter, page] of [
        [{ status: 'failed' }, { limit: 100, offset: 0 }],
        [{ status: 'failed' }, { limit: 100, offset: 250 }],
        [
          { status: 'failed', since: 1_707_725_000 + 1_000, until: 1_707_725_000 + 4_000 },
          { limit: 100, offset: 0 },
        ],
        [{ status: 'failed' }, { limit: 100, offset: 0, beforeId: (all[7_000] as { id: number }).id }],
      ] as const) {
        const want = selectRecords(all, filter);
        const from = 'beforeId' in page ? want.filter((r) => r.id < page.beforeId) : want;
        assert.deepEqual(
          await store.list(filter, page),
          from.slice(page.offset, page.offset + page.limit),
          JSON.stringify([filter, page]),
        );
      }
    });
  });

  it('merges over more label sets than a tier, with known, unknown and shortened rings, exactly', async () => {
    await withStore('merge-tiers.db', async (store) => {
      // One record in 20 fails: a third of the failures on 20 busy devices (more than a ring holds
      // each), the rest spread over 1,500 devices, interleaved in time. status=failed is a merge
      // over 1,520 label sets whose heads are mixed.
      const start = 1_707_725_000;
      const records = (from: number, n: number, late = false) =>
        Array.from({ length: n }, (_, k) => {
          const i = from + k;
          const failure = i / 20;
          const serial = late
            ? `late${i % 300}`
            : failure % 3 === 0
              ? `busy${failure % 20}`
              : `dev${(failure * 7_919) % 1_500}`;
          return i % 20 === 0 || late
            ? aRecord({ serial, status: 'failed', timestamp: start + i })
            : aRecord({ serial: 'steady', status: 'success', timestamp: start + i });
        });
      store.importBatch(records(0, 60_000));
      store.catchUp();
      // The rings are filled in the background after start.
      for (let i = 0; i < 30; i++) await new Promise((resolve) => setImmediate(resolve));
      const check = async (stage: string) => {
        const all = await store.list({}, { limit: 100_000, offset: 0 });
        const failed = selectRecords(all, { status: 'failed' });
        const middle = (failed[1_600] as { id: number }).id;
        for (const [filter, page] of [
          [{ status: 'failed' }, { limit: 100, offset: 0 }],
          [{ status: 'failed' }, { limit: 1_000, offset: 0 }],
          [{ status: 'failed' }, { limit: 600, offset: 1_450 }],
          [{ status: 'failed' }, { limit: 300, offset: 0, beforeId: middle }],
          [
            { status: 'failed', since: start + 20_000, until: start + 50_000 },
            { limit: 500, offset: 0 },
          ],
        ] as const) {
          const want = selectRecords(all, filter).filter((r) => !('beforeId' in page) || r.id < page.beforeId);
          assert.deepEqual(
            (await store.list(filter, page)).map((r) => r.id),
            want.slice(page.offset, page.offset + page.limit).map((r) => r.id),
            `${stage}: ${JSON.stringify([filter, page])}`,
          );
        }
        return failed;
      };
      const failed = await check('rings known');
      // Deletes shorten rings (the newest failures of some one-record devices and of busy ones);
      // label sets made after the rings were filled have none, so their heads are only bounds.
      const gone = failed.slice(0, 40).map((r) => r.id);
      assert.equal(await store.deleteIds(gone), gone.length);
      store.importBatch(records(60_000, 600, true));
      store.catchUp();
      await check('rings shortened, some unknown');
    });
  });

  it('lets label sets into a merge in tiers, each holding the largest heads left', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    // Ids, a few shared upper bounds (ties), and label sets with nothing to give (-1).
    const heads = Float64Array.from({ length: 3_000 }, () => {
      const r = random();
      return r < 0.1 ? -1 : r < 0.2 ? 50_000 : Math.floor(random() * 100_000);
    });
    const original = Float64Array.from(heads);
    const tiers = new MergeTiers(heads, 128);
    const seen = new Set<number>();
    let size = 128;
    let previousLowest = Number.POSITIVE_INFINITY;
    assert.equal(tiers.boundary, Math.max(...original));
    while (tiers.boundary >= 0) {
      const boundary = tiers.boundary;
      const before = original.filter((h, i) => h >= 0 && !seen.has(i)).length;
      const tier = tiers.next();
      const values = tier.map((i) => original[i] as number);
      for (const i of tier) {
        assert.ok(!seen.has(i) && (original[i] as number) >= 0);
        seen.add(i);
      }
      assert.equal(Math.max(...values), boundary);
      assert.ok(Math.max(...values) <= previousLowest);
      previousLowest = Math.min(...values);
      // Exactly the tier's size (or what was left), more only by ties at its lowest head.
      if (original.filter((h) => h === previousLowest).length === 1) assert.equal(tier.length, Math.min(size, before));
      else assert.ok(tier.length >= Math.min(size, before));
      // Everything left is below the tier, and the new boundary is the largest of it.
      const left = [...original].filter((h, i) => h >= 0 && !seen.has(i));
      assert.ok(left.every((h) => h < previousLowest));
      assert.equal(tiers.boundary, left.length === 0 ? -1 : Math.max(...left));
      size *= 2;
    }
    assert.equal(seen.size, original.filter((h) => h >= 0).length);
  });

  it('counts the cut hours of a time range exactly when the filter selects over a thousand label sets', async () => {
    await withStore('cut-hours.db', async (store) => {
      // 1,500 devices, two platforms and two outcomes over three hours: a platform selects more
      // label sets than SQLite is given as a list, so its cut hours are counted with actlog_member.
      const start = 1_707_724_800;
      store.importBatch(
        Array.from({ length: 6_000 }, (_, i) =>
          aRecord({
            serial: `dev${i % 1_500}`,
            platform: i % 7 < 4 ? 'tiktok' : 'instagram',
            status: i % 5 === 0 ? 'failed' : 'success',
            timestamp: start + Math.floor((i * 10_800) / 6_000),
          }),
        ),
      );
      store.catchUp();
      const all = await store.list({}, { limit: 10_000, offset: 0 });
      const range = { since: start + 1_234, until: start + 9_876 };
      const utc = parseTimeZone('UTC');
      for (const filter of [
        { platform: 'tiktok', ...range },
        { platform: 'tiktok', status: 'success' as const, ...range },
        { status: 'failed' as const, since: start + 100 },
      ]) {
        const want = selectRecords(all, filter).length;
        assert.ok(want > 0 && want < all.length, JSON.stringify(filter));
        assert.equal(await store.count(filter), want, JSON.stringify(filter));
        for (const groupBy of [['serial'], ['hour', 'status']] as GroupKey[][]) {
          const result = await store.stats(filter, { groupBy, zone: utc, limit: 10_000 });
          assert.deepEqual(
            { total: result.total, truncated: result.truncated, groups: groupObjects(result, groupBy) },
            expectedStats(all, filter, groupBy, utc, 10_000),
            JSON.stringify([filter, groupBy]),
          );
        }
      }
    });
  });

  it('counts the cut hours of a range from the hours it keeps exactly, across adds, deletes and a wipe', async () => {
    await withStore('kept-hours.db', async (store) => {
      const start = 1_707_724_800;
      const records = (n: number, offset: number) =>
        Array.from({ length: n }, (_, i) =>
          aRecord({
            serial: `dev${(i + offset) % 40}`,
            platform: i % 3 === 0 ? 'instagram' : 'tiktok',
            status: i % 5 === 0 ? 'failed' : 'success',
            timestamp: start + Math.floor((i * 10_800) / n) + offset,
          }),
        );
      store.importBatch(records(1_500, 0));
      store.catchUp();
      const range = { since: start + 1_234, until: start + 9_876 };
      const asks: Filter[] = [
        range,
        { platform: 'tiktok', ...range },
        { platform: 'tiktok', status: 'failed', ...range },
        { serial: 'dev3', ...range },
        { since: start + 3_600 + 17, until: start + 3_600 + 1_800 },
      ];
      const utc = parseTimeZone('UTC');
      // Each filter three times: counted by SQLite, then with its hours loaded, then kept.
      const check = async (when: string) => {
        const all = await store.list({}, { limit: 10_000, offset: 0 });
        for (let round = 0; round < 3; round++) {
          for (const filter of asks) {
            const label = `${when}, round ${round}: ${JSON.stringify(filter)}`;
            assert.equal(await store.count(filter), selectRecords(all, filter).length, label);
            for (const groupBy of [['serial'], ['hour', 'status']] as GroupKey[][]) {
              const result = await store.stats(filter, { groupBy, zone: utc, limit: 10_000 });
              assert.deepEqual(
                { total: result.total, truncated: result.truncated, groups: groupObjects(result, groupBy) },
                expectedStats(all, filter, groupBy, utc, 10_000),
                `${label} by ${groupBy.join(',')}`,
              );
            }
          }
        }
      };
      await check('first');
      // Into both cut hours and a whole one: a kept hour must not answer for what it lacks.
      const [early, late] = await addAll(store, [
        aRecord({ serial: 'dev3', platform: 'tiktok', status: 'failed', timestamp: start + 1_300 }),
        aRecord({ serial: 'dev3', platform: 'tiktok', status: 'failed', timestamp: start + 9_000 }),
        aRecord({ serial: 'dev5', platform: 'tiktok', timestamp: start + 3_600 + 20 }),
      ]);
      await check('after adds');
      assert.equal(await store.delete((early as ActivityRecord).id), true);
      const gone = { serial: 'dev7', since: start + 7_200 };
      const going = selectRecords(await store.list({}, { limit: 10_000, offset: 0 }), gone).length;
      assert.ok(going > 0);
      assert.equal(await store.deleteMatching(gone), going);
      await check('after deletes');
      assert.equal(await store.delete((late as ActivityRecord).id), true);
      await check('after deleting the latest of a label set in a cut hour');
      await store.deleteAll();
      await check('after a wipe');
      store.importBatch(records(300, 7));
      await check('after a wipe and a bulk load');
    });
  });

  it('counts a task over a time range from the id blocks that can hold it, records written late included', async () => {
    await withStore('task-range.db', async (store) => {
      const start = 1_707_724_800;
      // 5,000 records in time order over five days (five zone-map blocks of ids), then records
      // written late with early timestamps: their block spans the whole range.
      const records = Array.from({ length: 5_000 }, (_, i) =>
        aRecord({
          serial: `dev${i % 9}`,
          status: i % 6 === 0 ? 'failed' : 'success',
          task_id: i % 3 === 0 ? 'long' : 'other',
          timestamp: start + i * 86,
        }),
      );
      store.importBatch(records);
      await addAll(store, [
        aRecord({ serial: 'dev1', task_id: 'long', timestamp: start + 10 }),
        aRecord({ serial: 'dev2', task_id: 'long', timestamp: start + 200_000 }),
      ]);
      const all = await store.list({}, { limit: 10_000, offset: 0 });
      const utc = parseTimeZone('UTC');
      for (const range of [
        { since: start + 100_000, until: start + 200_001 },
        { since: start, until: start + 11 },
        { since: start + 300_000 },
        { until: start + 50_000 },
        { since: start + 500_000 },
      ]) {
        for (const filter of [
          { task_id: 'long', ...range },
          { task_id: 'long', status: 'failed' as const, ...range },
        ]) {
          const want = selectRecords(all, filter).length;
          assert.equal(await store.count(filter), want, JSON.stringify(filter));
          const result = await store.stats(filter, { groupBy: ['serial'], zone: utc, limit: 100 });
          assert.deepEqual(
            groupObjects(result, ['serial']),
            expectedStats(all, filter, ['serial'], utc, 100).groups,
            JSON.stringify(filter),
          );
        }
      }
      assert.ok((await store.count({ task_id: 'long', since: start + 100_000, until: start + 200_001 })) > 300);
    });
  });

  it('counts records loaded in bulk like records added one by one', async () => {
    const dir = tempDir();
    const bulk = SqliteStore.open(join(dir.path, 'bulk.db'));
    const single = SqliteStore.open(join(dir.path, 'single.db'));
    try {
      const records = mixedRecords(80);
      bulk.importBatch(records);
      await addAll(single, records);
      for (const filter of [
        {},
        { serial: 's1' },
        { status: 'failed' as const },
        { q: 'ärger' },
        { since: 1_792_886_400 },
      ]) {
        assert.equal(await bulk.count(filter), await single.count(filter), JSON.stringify(filter));
        assert.deepEqual(
          await bulk.list(filter, { limit: 1000, offset: 0 }),
          await single.list(filter, { limit: 1000, offset: 0 }),
        );
      }
    } finally {
      await bulk.close();
      await single.close();
      dir.remove();
    }
  });

  it('copies committed records into the database file from its own thread, and closes it before the writer', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'checkpointed.db');
    const copy = join(dir.path, 'main-file-only.db');
    const store = SqliteStore.open(file);
    const inMainFile = () => {
      // The database file alone, without its WAL: what checkpoints have copied into it.
      copyFileSync(file, copy);
      const db = new Database(copy);
      try {
        return db.prepare('SELECT count(*) FROM activity_log').pluck().get() as number;
      } catch {
        return -1;
      } finally {
        db.close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true });
      }
    };
    try {
      await addAll(store, mixedRecords(50));
      // Far below the writer's own threshold (Checkpointer.WRITER_CHECKPOINT_PAGES): only the
      // thread can have copied them.
      let found = inMainFile();
      for (let waited = 0; found !== 50 && waited < 5000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        found = inMainFile();
      }
      assert.equal(found, 50);
    } finally {
      await store.close();
    }
    assert.equal(existsSync(`${file}-wal`), false, "the writer's connection closed last and removed the WAL");
    dir.remove();
  });

  it('reports a checkpoint thread that cannot work, so that the writer can take checkpoints back', async () => {
    const dir = tempDir();
    const missing = join(dir.path, 'no-such-folder', 'x.db');
    let checkpointer: Checkpointer | undefined;
    try {
      // The thread never holds the process open, so the test does while it waits.
      const error = await new Promise<Error>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error('no error reported')), 10_000);
        checkpointer = new Checkpointer(missing, (reported) => {
          clearTimeout(timeout);
          resolve(reported);
        });
      });
      assert.match(error.message, /directory does not exist/);
      await checkpointer?.stop();
    } finally {
      dir.remove();
    }
  });
});
