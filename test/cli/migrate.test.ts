import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { SCHEMA_VERSION as POSTGRES_SCHEMA_VERSION } from '../../src/store/postgres/schema.js';
import { SCHEMA_VERSION } from '../../src/store/sqlite/schema.js';
import { runCli, startCli } from '../helpers/cli.js';
import { freshDatabase, postgresUnavailable } from '../helpers/postgres.js';
import { aRecord } from '../helpers/records.js';
import { call, postJson } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
after(() => dir.remove());

describe('actlog migrate on SQLite', () => {
  it('creates the database and its folders, says it migrated, then that it is up to date', async () => {
    const db = join(dir.path, 'new', 'actlog.db');
    const first = await runCli(['migrate', '--db', db]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, `sqlite ${db}: schema version ${SCHEMA_VERSION} (migrated from version 0)\n`);
    assert.ok(existsSync(db));
    const again = await runCli(['migrate'], { ACTLOG_DB: db });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, `sqlite ${db}: schema version ${SCHEMA_VERSION} (already up to date)\n`);
  });

  it('leaves the records alone and works beside a running server', async () => {
    const db = join(dir.path, 'live.db');
    const server = await startCli(['--port', '0', '--db', db, '--log-level', 'warn']);
    try {
      assert.equal((await postJson(server.api, aRecord())).body.code, 0);
      const result = await runCli(['migrate', '--db', db]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /already up to date/);
      assert.equal((await call(`${server.api}/count`)).body.data.count, 1);
    } finally {
      await server.stop();
    }
  });

  it('refuses a database made by a newer actlog: exit 1, the file unchanged', async () => {
    const db = join(dir.path, 'future.db');
    const file = new BetterSqlite3(db);
    file.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    file.close();
    const result = await runCli(['migrate', '--db', db]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^actlog: cannot open the SQLite database .*newer than this actlog understands.*upgrade actlog/,
    );
    const check = new BetterSqlite3(db, { readonly: true });
    assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION + 1);
    assert.equal(check.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get(), 0);
    check.close();
  });
});

const unavailable = await postgresUnavailable();

describe('actlog migrate on PostgreSQL', { skip: unavailable }, () => {
  it('creates the tables in a fresh database, then finds nothing to do', async () => {
    const database = await freshDatabase();
    try {
      const first = await runCli(['migrate', '--database-url', database.url]);
      assert.equal(first.code, 0, first.stderr);
      assert.match(
        first.stdout,
        new RegExp(`schema version ${POSTGRES_SCHEMA_VERSION} \\(migrated from version 0\\)\\n$`),
      );
      const again = await runCli(['migrate'], { ACTLOG_DATABASE_URL: database.url });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^postgres postgres:\/\/.*: schema version \d+ \(already up to date\)\n$/);
    } finally {
      await database.drop();
    }
  });
});
