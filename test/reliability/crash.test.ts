import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { crashRound, PRUNE_OLD, preparePruneFile, pruneCrashRound } from '../helpers/crash.js';
import { freshDatabase, postgresUnavailable } from '../helpers/postgres.js';
import { tempDir } from '../helpers/temp.js';

/** The long version (hundreds of rounds) is `node dist/bench/reliability/crash.js`; results in docs/reliability.md. */
const ROUNDS = Number(process.env.ACTLOG_CRASH_ROUNDS ?? 4);

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
    await preparePruneFile(file);
    let oldLeft = PRUNE_OLD;
    for (let round = 0; round < ROUNDS; round++) {
      const result = await pruneCrashRound(file);
      assert.equal(result.keptLost, 0, `round ${round}: a record that should stay is gone`);
      assert.ok(result.countsExact, `round ${round}: counts disagree with what is listed after the kill`);
      assert.ok(result.oldLeft <= oldLeft, `round ${round}: old records came back`);
      oldLeft = result.oldLeft;
    }
    assert.ok(oldLeft < PRUNE_OLD, 'the kills came while pruning, not before it began');
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
