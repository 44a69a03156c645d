import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { crashRound } from '../helpers/crash.js';
import { freshDatabase, postgresUnavailable } from '../helpers/postgres.js';
import { tempDir } from '../helpers/temp.js';

/** The long version (hundreds of rounds) is `node dist/bench/crash.js`; results in docs/reliability.md. */
const ROUNDS = Number(process.env.ACTLOG_CRASH_ROUNDS ?? 4);

describe('crash durability (SIGKILL) on SQLite', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it(`keeps every acknowledged write through ${ROUNDS} kills, with an intact file`, async () => {
    const file = join(dir.path, 'crash.db');
    let total = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const result = await crashRound(['--port', '0', '--db', file], { sqliteFile: file, round });
      assert.equal(result.lost, 0, `round ${round}: acknowledged writes lost`);
      assert.equal(result.duplicated, 0, `round ${round}: duplicated writes`);
      assert.equal(result.integrity, 'ok', `round ${round}: integrity_check`);
      total += result.acknowledged;
    }
    assert.ok(total > 0, 'some writes were acknowledged before the kills');
  });
});

describe('crash durability (SIGKILL of actlog) on PostgreSQL', { skip: await postgresUnavailable() }, () => {
  it(`keeps every acknowledged write through ${ROUNDS} kills`, async () => {
    const database = await freshDatabase();
    try {
      let total = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const result = await crashRound(['--port', '0', '--database-url', database.url], { round });
        assert.equal(result.lost, 0, `round ${round}: acknowledged writes lost`);
        assert.equal(result.duplicated, 0, `round ${round}: duplicated writes`);
        total += result.acknowledged;
      }
      assert.ok(total > 0, 'some writes were acknowledged before the kills');
    } finally {
      await database.drop();
    }
  });
});
