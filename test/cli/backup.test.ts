import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { SCHEMA_VERSION } from '../../src/store/sqlite/schema.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runCli, startCli } from '../helpers/cli.js';
import { aRecord, mixedRecords } from '../helpers/records.js';
import { call, postJson } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
after(() => dir.remove());

describe('actlog backup', () => {
  it('copies a database that a server keeps writing to: a consistent, complete snapshot', async () => {
    const db = join(dir.path, 'live.db');
    // Big enough (~20 MB) that the copy takes a while and writes land during it.
    const seed = SqliteStore.open(db);
    for (let i = 0; i < 20; i++) seed.importBatch(mixedRecords(5_000, i));
    await seed.close();
    const server = await startCli(['--port', '0', '--db', db, '--log-level', 'warn']);
    const acknowledged: number[] = [];
    const write = async () => {
      const answer = await postJson(server.api, aRecord());
      assert.equal(answer.body.code, 0, answer.text);
      acknowledged.push(answer.body.data.id);
    };
    // These commits are still in the WAL file, not yet in the database file: a plain file
    // copy would miss them. (A commit here is ~10 pages, a checkpoint comes every 1,000, so
    // writes during the backup are kept slow enough not to trigger one.)
    for (let i = 0; i < 20; i++) await write();
    const before = Math.max(...acknowledged);
    const atStart = acknowledged.length;
    let writing = true;
    const writers = (async () => {
      while (writing) {
        await write();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    try {
      const target = join(dir.path, 'copy.db');
      const result = await runCli(['backup', '--db', db, target]);
      const during = acknowledged.length;
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        new RegExp(`^backed up sqlite ${db} to ${target} \\(\\d+ bytes, schema version ${SCHEMA_VERSION}\\)\\n$`),
      );
      writing = false;
      await writers;
      assert.ok(during > atStart, 'writes were acknowledged while the backup ran');

      assert.deepEqual(
        readdirSync(dir.path).filter((f) => f.startsWith('copy') || f.startsWith('.copy')),
        ['copy.db'],
      );
      const copy = new BetterSqlite3(target, { readonly: true });
      let records = 0;
      try {
        assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
        assert.equal(copy.pragma('journal_mode', { simple: true }), 'delete', 'one self-contained file');
        const { n, lo, hi } = copy
          .prepare('SELECT count(*) AS n, min(id) AS lo, max(id) AS hi FROM activity_log')
          .get() as {
          n: number;
          lo: number;
          hi: number;
        };
        records = n;
        assert.equal(lo, 1);
        assert.equal(hi - lo + 1, n, 'no gaps: every commit before the snapshot, none after');
        assert.ok(hi >= before, 'every write acknowledged before the backup started is in it');
        assert.ok(hi <= Math.max(...acknowledged));
        // The aggregates kept beside the records (up to the watermarks) are of the same snapshot.
        const folded = copy.prepare("SELECT id FROM watermarks WHERE name = 'rollup'").pluck().get() as number;
        assert.ok(folded <= hi, `the cells fold in records up to ${folded}, none beyond the snapshot's ${hi}`);
      } finally {
        copy.close();
      }
      // And it is a database actlog serves as it is.
      const restored = await startCli(['--port', '0', '--db', target, '--log-level', 'warn']);
      const count = (await call(`${restored.api}/count`)).body.data.count;
      assert.equal(await restored.stop(), 0);
      assert.equal(count, records);
    } finally {
      writing = false;
      await writers.catch(() => {});
      await server.stop();
    }
  });

  it('works without a server, leaving the source unchanged', async () => {
    const db = join(dir.path, 'idle.db');
    const store = SqliteStore.open(db);
    await store.add(aRecord());
    await store.close();
    const bytes = readFileSync(db);
    const result = await runCli(['backup', join(dir.path, 'idle-copy.db')], { ACTLOG_DB: db });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(readFileSync(db), bytes);
    assert.ok(!existsSync(`${db}-wal`) || readFileSync(`${db}-wal`).length === 0);
  });

  it('never overwrites a file: exit 1, the file unchanged', async () => {
    const db = join(dir.path, 'src.db');
    await SqliteStore.open(db).close();
    const target = join(dir.path, 'precious.txt');
    writeFileSync(target, 'keep me');
    const result = await runCli(['backup', '--db', db, target]);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `actlog: cannot back up ${db} to ${target}: ${target} already exists: remove it or choose another file\n`,
    );
    assert.equal(readFileSync(target, 'utf8'), 'keep me');
  });

  it('a missing database or target folder: exit 1, nothing created', async () => {
    const missing = await runCli(['backup', '--db', join(dir.path, 'nope.db'), join(dir.path, 'nope-copy.db')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /there is no SQLite database at .*nope\.db\n$/);
    assert.ok(!existsSync(join(dir.path, 'nope.db')) && !existsSync(join(dir.path, 'nope-copy.db')));
    const folder = await runCli(['backup', '--db', join(dir.path, 'src.db'), join(dir.path, 'no', 'such', 'copy.db')]);
    assert.equal(folder.code, 1);
    assert.match(folder.stderr, /the folder .*no\/such does not exist\n$/);
  });

  it('refuses PostgreSQL (exit 2), pointing to pg_dump, without connecting or echoing the URL', async () => {
    const result = await runCli([
      'backup',
      '--database-url',
      'postgres://actlog:s3cret@127.0.0.1:1/actlog',
      join(dir.path, 'pg.db'),
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^actlog: actlog backup copies a SQLite file; back up PostgreSQL with pg_dump/);
    assert.ok(!result.stderr.includes('s3cret'));
  });
});
