import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import postgres from 'postgres';
import { runCli } from '../helpers/cli.js';
import { freshDatabase, POSTGRES_URL, postgresUnavailable } from '../helpers/postgres.js';
import { refusingPostgres } from '../helpers/refusing-postgres.js';

describe('actlog serve: a PostgreSQL login that is refused says so, not "cannot reach"', () => {
  it('a wrong password (28P01): exit 1, one line, no password', async () => {
    const server = await refusingPostgres('28P01', 'password authentication failed for user "actlog"');
    try {
      const url = `postgres://actlog:s3cret@127.0.0.1:${server.port}/actlog`;
      const result = await runCli(['serve', '--port', '0', '--database-url', url]);
      assert.equal(result.code, 1);
      assert.equal(
        result.stderr,
        `actlog: PostgreSQL at postgres://actlog:***@127.0.0.1:${server.port}/actlog refused the login: ` +
          'password authentication failed for user "actlog" (28P01); check the user name and password in the URL\n',
      );
    } finally {
      server.close();
    }
  });
});

const unavailable = await postgresUnavailable();

describe('actlog serve and PostgreSQL', { skip: unavailable }, () => {
  it('an unknown role (28000) on the real server: "refused the login", exit 1', async () => {
    const url = new URL(POSTGRES_URL);
    url.username = 'no_such_actlog_role';
    url.password = 's3cret';
    const result = await runCli(['serve', '--port', '0', '--database-url', url.toString()]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^actlog: PostgreSQL at postgres:\/\/no_such_actlog_role:\*\*\*@.* refused the login: .*\(28000\); check the user name and password/,
    );
    assert.doesNotMatch(result.stderr, /cannot reach|s3cret/);
  });

  it('a database that does not exist (3D000): says so and how to fix it, exit 1', async () => {
    const url = new URL(POSTGRES_URL);
    url.pathname = '/no_such_actlog_database';
    const result = await runCli(['serve', '--port', '0', '--database-url', url.toString()]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /has no such database: .*\(3D000\); create it first/);
  });

  it('a busy port: exit 1 naming --port, and no tables were created', async () => {
    const database = await freshDatabase();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const result = await runCli(['serve', '--port', String(port), '--database-url', database.url]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /already in use: choose another port with --port/);
      const sql = postgres(database.url, { max: 1, onnotice: () => {} });
      try {
        const tables = await sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`;
        assert.deepEqual([...tables], []);
      } finally {
        await sql.end({ timeout: 1 });
      }
    } finally {
      holder.close();
      await database.drop();
    }
  });
});
