import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { groupObjects } from '../../src/domain/stats.js';
import { parseTimeZone } from '../../src/domain/time-zone.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgresUnavailable } from '../helpers/postgres.js';
import { aRecord } from '../helpers/records.js';
import { tempDir } from '../helpers/temp.js';

/**
 * Schema 1 upgrades in place: a file and a schema made by the previous release itself
 * (test/fixtures/schema-1.*.sql, dumps of what release 13d00fd's stores wrote: 40 records
 * added, the 4th and the newest deleted) open with every record, id and count, and ids continue.
 */
const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8');

/** The 38 records release 13d00fd kept, as its fixture script wrote them. */
function expectedRecords() {
  const platforms = ['tiktok', 'instagram', 'TikTok'];
  const all = Array.from({ length: 40 }, (_, i) => ({
    id: i + 1,
    platform: platforms[i % 3] as string,
    serial: `s${i % 4}`,
    action_type: i % 2 ? 'post' : 'follow',
    action_detail: i === 7 ? 'Captcha "quoted" \\ é 🎉' : `detail ${i}`,
    username: i % 5 ? `u${i % 3}` : '',
    timestamp: 1792886400 + i * 997,
  }));
  return all.filter((r) => r.id !== 4 && r.id !== 40).reverse();
}

async function assertUpgraded(store: Store): Promise<void> {
  const expected = expectedRecords();
  assert.deepEqual(await store.list({}, { limit: 100, offset: 0 }), expected);
  assert.equal(await store.count({}), 38);
  assert.equal(
    await store.count({ platform: 'tiktok', serial: 's0' }),
    expected.filter((r) => r.platform === 'tiktok' && r.serial === 's0').length,
  );
  assert.equal(await store.count({ username: 'u1' }), expected.filter((r) => r.username === 'u1').length);
  assert.deepEqual(
    (await store.list({ q: 'CAPTCHA' }, { limit: 10, offset: 0 })).map((r) => r.id),
    [8],
  );
  const stats = await store.stats({}, { groupBy: ['day'], zone: parseTimeZone('UTC'), limit: 10 });
  assert.equal(stats.total, 38);
  assert.deepEqual(
    groupObjects(stats, ['day']).map((g) => g.count),
    [38],
  );
  // Ids continue above the highest ever issued (40, deleted), never reusing it.
  const { id } = await store.add(aRecord({ status: 'success' }));
  assert.equal(id, 41);
  assert.equal(await store.count({ status: 'success' }), 1);
}

describe('schema 1 upgrades in place', () => {
  it('SQLite: a file made by the previous release', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'v1.db');
    const db = new Database(file);
    db.exec(fixture('schema-1.sqlite.sql'));
    db.close();
    try {
      let store = SqliteStore.open(file);
      await assertUpgraded(store);
      await store.close();
      // And again after a restart, now on the current schema.
      store = SqliteStore.open(file);
      assert.equal(await store.count({}), 39);
      await store.close();
      // Schema 3: the task index covers label set and timestamp.
      const check = new Database(file, { readonly: true });
      const taskIndex = check
        .prepare("SELECT sql FROM sqlite_master WHERE name = 'activity_log_by_task'")
        .pluck()
        .get();
      check.close();
      assert.match(String(taskIndex), /\(task_id, id, series_id, timestamp\) WHERE task_id IS NOT NULL/);
    } finally {
      dir.remove();
    }
  });

  it('PostgreSQL: a schema made by the previous release', async (t) => {
    const unavailable = await postgresUnavailable();
    if (unavailable) {
      t.skip(unavailable);
      return;
    }
    const schema = freshSchemaName();
    const admin = postgres(POSTGRES_URL, { max: 1, onnotice: () => undefined });
    try {
      await admin.unsafe(fixture('schema-1.postgres.sql').replaceAll('actlog_v1_fixture', schema));
    } finally {
      await admin.end();
    }
    try {
      let store = await PostgresStore.open({ url: POSTGRES_URL, schema, poolSize: 2 });
      await assertUpgraded(store);
      await store.close();
      store = await PostgresStore.open({ url: POSTGRES_URL, schema, poolSize: 2 });
      assert.equal(await store.count({}), 39);
      await store.close();
      const check = postgres(POSTGRES_URL, { max: 1, onnotice: () => undefined });
      try {
        const [row] =
          await check`SELECT indexdef FROM pg_indexes WHERE schemaname = ${schema} AND indexname = 'activity_log_by_task'`;
        assert.match(
          String(row?.indexdef),
          /\(task_id, id\) INCLUDE \(series_id, "?timestamp"?\) WHERE \(task_id IS NOT NULL\)/,
        );
      } finally {
        await check.end();
      }
    } finally {
      await dropSchema(schema);
    }
  });
});
