import assert from 'node:assert/strict';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Checkpointer } from '../../src/store/sqlite/checkpointer.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { selectRecords } from '../helpers/oracle.js';
import { aRecord, mixedRecords } from '../helpers/records.js';
import { tempDir } from '../helpers/temp.js';
import { addAll } from './contract.js';

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
      const deadline = Date.now() + 10_000;
      while ((watermarks(file).text ?? 0) < id && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(watermarks(file), { text: id, rollup: id });
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
