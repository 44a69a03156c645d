import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { startCli } from '../helpers/cli.js';
import { countsAgree, crashRound } from '../helpers/crash.js';
import { freshDatabase, postgresUnavailable } from '../helpers/postgres.js';
import { tempDir } from '../helpers/temp.js';

/** The long version (hundreds of rounds) is `node dist/bench/reliability/crash.js`; results in docs/reliability.md. */
const ROUNDS = Number(process.env.ACTLOG_CRASH_ROUNDS ?? 4);
const DAY = 86_400;

describe('crash durability (SIGKILL) on SQLite', () => {
  const dir = tempDir();
  after(() => dir.remove());

  for (const mode of ['single', 'batch'] as const) {
    it(`keeps every acknowledged write (${mode}) through ${ROUNDS} kills, with an intact file and exact counts`, async () => {
      const file = join(dir.path, `crash-${mode}.db`);
      let total = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const result = await crashRound(['--port', '0', '--db', file], { sqliteFile: file, round, mode });
        assert.equal(result.lost, 0, `round ${round}: acknowledged writes lost`);
        assert.equal(result.duplicated, 0, `round ${round}: duplicated writes`);
        assert.equal(result.integrity, 'ok', `round ${round}: integrity_check`);
        assert.ok(result.countsExact, `round ${round}: counts or statistics disagree with the records after restart`);
        total += result.acknowledged;
      }
      assert.ok(total > 0, 'some writes were acknowledged before the kills');
    });
  }

  it('loses nothing that should stay when killed while pruning, and counts stay exact', async () => {
    const file = join(dir.path, 'prune.db');
    const now = Math.floor(Date.now() / 1000);
    // 20,000 records a year old and 2,000 of today: --retain-days 30 prunes the old ones at start.
    const store = SqliteStore.open(file);
    const record = (i: number, old: boolean) => ({
      platform: 'crash',
      serial: `s${i % 7}`,
      action_type: old ? 'old' : 'keep',
      action_detail: `record ${i}`,
      username: '',
      timestamp: old ? now - 365 * DAY + i : now - 60 + (i % 60),
    });
    store.importBatch(Array.from({ length: 20_000 }, (_, i) => record(i, true)));
    store.importBatch(Array.from({ length: 2_000 }, (_, i) => record(i, false)));
    store.catchUp();
    await store.close();
    for (let round = 0; round < ROUNDS; round++) {
      const server = await startCli(['--port', '0', '--db', file, '--log-level', 'warn', '--retain-days', '30']);
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 400));
      server.child.kill('SIGKILL');
      await server.stop();
      const again = await startCli(['--port', '0', '--db', file, '--log-level', 'warn']);
      try {
        const json = async (path: string) => (await (await fetch(`${again.api}${path}`)).json()) as { data: never };
        const count = async (query: string) => ((await json(`/count${query}`)).data as { count: number }).count;
        assert.equal(await count('?action_type=keep'), 2_000, `round ${round}: a record that should stay is gone`);
        const old = await count('?action_type=old');
        assert.ok(await countsAgree(again.api, 2_000 + old), `round ${round}: counts disagree after the kill`);
        const listed = ((await json('?action_type=old&limit=1000')).data as unknown[]).length;
        assert.equal(
          listed,
          Math.min(old, 1000),
          `round ${round}: the count of old records (${old}) is not what is listed`,
        );
      } finally {
        await again.stop();
      }
    }
  });
});

describe('crash durability (SIGKILL of actlog) on PostgreSQL', { skip: await postgresUnavailable() }, () => {
  it(`keeps every acknowledged write, single and batch, through ${ROUNDS} kills, with exact counts`, async () => {
    const database = await freshDatabase();
    try {
      let total = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const mode = round % 2 ? 'batch' : 'single';
        const result = await crashRound(['--port', '0', '--database-url', database.url], { round, mode });
        assert.equal(result.lost, 0, `round ${round} (${mode}): acknowledged writes lost`);
        assert.equal(result.duplicated, 0, `round ${round} (${mode}): duplicated writes`);
        assert.ok(result.countsExact, `round ${round} (${mode}): counts disagree with the records after restart`);
        total += result.acknowledged;
      }
      assert.ok(total > 0, 'some writes were acknowledged before the kills');
    } finally {
      await database.drop();
    }
  });
});
