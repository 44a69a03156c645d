import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, startCli } from '../helpers/cli.js';
import { aRecord } from '../helpers/records.js';
import { call, postJson } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
after(() => dir.remove());

describe('actlog CLI', () => {
  it('explains every command and flag in --help', async () => {
    const main = await runCli(['--help']);
    assert.equal(main.code, 0);
    assert.match(main.stdout, /^ {2}serve +run the Activity Log API server$/m);
    const serve = await runCli(['serve', '--help']);
    assert.equal(serve.code, 0);
    for (const text of [
      '--host',
      '--port',
      '--db',
      '--log-level',
      '--body-limit',
      'ACTLOG_HOST',
      'ACTLOG_PORT',
      'ACTLOG_DB',
      '127.0.0.1',
      '50809',
      './data/actlog.db',
    ]) {
      assert.ok(serve.stdout.includes(text), `serve --help mentions ${text}`);
    }
  });

  it('refuses unknown commands, unknown flags and bad values with exit code 2 and a clear line', async () => {
    const unknown = await runCli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const flag = await runCli(['serve', '--colour', 'red']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /--colour/);
    const port = await runCli(['serve', '--port', '70000']);
    assert.equal(port.code, 2);
    assert.match(port.stderr, /--port must be a whole number from 0 to 65535/);
    const level = await runCli(['serve', '--log-level', 'loud']);
    assert.equal(level.code, 2);
    assert.match(level.stderr, /--log-level must be one of/);
  });

  it('refuses a non-loopback bind without a token, saying how to set one', async () => {
    const refused = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--db', join(dir.path, 'open.db')]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /refusing to listen on 0\.0\.0\.0 without an access token/);
    assert.match(refused.stderr, /--token/);
    assert.match(refused.stderr, /ACTLOG_TOKEN/);
    const short = await runCli(['serve', '--token', 'short']);
    assert.equal(short.code, 2);
    assert.match(short.stderr, /--token must be at least 16 characters/);
  });

  it('binds all interfaces when a token is set, and then requires it', async () => {
    const token = 'a-long-enough-token-123';
    const server = await startCli(
      ['--host', '0.0.0.0', '--port', '0', '--db', join(dir.path, 'open.db'), '--log-level', 'warn'],
      {
        ACTLOG_TOKEN: token,
      },
    );
    const api = server.api.replace('0.0.0.0', '127.0.0.1');
    assert.equal((await call(api)).status, 401);
    assert.equal((await call(api, { headers: { authorization: `Bearer ${token}` } })).status, 200);
    assert.equal(await server.stop(), 0);
  });

  it('serves on the flags given, creates the database folders, logs JSON requests, and stops with exit 0 on SIGTERM', async () => {
    const db = join(dir.path, 'a', 'b', 'actlog.db');
    const server = await startCli(['--port', '0', '--db', db, '--log-level', 'info']);
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(existsSync(db));
    assert.equal((await postJson(server.api, aRecord())).body.code, 0);
    assert.equal(await server.stop('SIGTERM'), 0);
    const lines = server
      .stderr()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.ok(
      lines.some((l) => l.msg === 'request' && l.method === 'POST' && l.status === 200),
      server.stderr(),
    );
    assert.equal(server.stdout().trim().split('\n').length, 1, 'stdout holds only the ready line');
  });

  it('reads its settings from ACTLOG_* environment variables, and flags win over them', async () => {
    const db = join(dir.path, 'env', 'actlog.db');
    const server = await startCli(['--log-level', 'warn'], {
      ACTLOG_PORT: '0',
      ACTLOG_DB: db,
      ACTLOG_HOST: '127.0.0.1',
    });
    assert.ok(server.stdout().includes(db));
    assert.equal(await server.stop('SIGINT'), 0);
    assert.equal(server.stderr(), '', 'warn level logs no requests');
  });

  it('keeps records and the id sequence across a restart, after delete and delete-all', async () => {
    const db = join(dir.path, 'restart.db');
    const first = await startCli(['--port', '0', '--db', db, '--log-level', 'warn']);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await postJson(first.api, aRecord({ timestamp: i }))).body.data.id);
    await call(`${first.api}/${ids[4]}`, { method: 'DELETE' });
    assert.equal(await first.stop(), 0);

    const second = await startCli(['--port', '0', '--db', db, '--log-level', 'warn']);
    const listed = await call(second.api);
    assert.deepEqual(
      listed.body.data.map((r: { id: number }) => r.id),
      ids.slice(0, 4).reverse(),
    );
    const afterRestart = (await postJson(second.api, aRecord())).body.data.id;
    assert.ok(afterRestart > (ids[4] as number));
    await call(`${second.api}/all`, { method: 'DELETE' });
    assert.equal(await second.stop(), 0);

    const third = await startCli(['--port', '0', '--db', db, '--log-level', 'warn']);
    assert.equal((await call(`${third.api}/count`)).body.data.count, 0);
    assert.ok((await postJson(third.api, aRecord())).body.data.id > afterRestart);
    assert.equal(await third.stop(), 0);
  });

  it('finishes requests in flight on SIGTERM: every acknowledged write is kept', async () => {
    const db = join(dir.path, 'drain.db');
    const server = await startCli(['--port', '0', '--db', db, '--log-level', 'warn']);
    const writes = Array.from({ length: 200 }, (_, i) =>
      postJson(server.api, aRecord({ timestamp: i })).then(
        (a) => (a.body?.code === 0 ? (a.body.data.id as number) : null),
        () => null,
      ),
    );
    setTimeout(() => server.child.kill('SIGTERM'), 5);
    const acknowledged = (await Promise.all(writes)).filter((id): id is number => id !== null);
    assert.equal(await server.stop(), 0);
    assert.ok(acknowledged.length > 0, 'some writes were acknowledged before the stop');

    const again = await startCli(['--port', '0', '--db', db, '--log-level', 'warn']);
    const stored = await call(`${again.api}?limit=1000`);
    const storedIds = new Set(stored.body.data.map((r: { id: number }) => r.id));
    for (const id of acknowledged) assert.ok(storedIds.has(id), `acknowledged id ${id} is stored`);
    assert.equal(await again.stop(), 0);
  });
});

/** Holds a port the way another program would; resolves with undefined when it is already taken. */
async function occupy(port: number): Promise<net.Server | undefined> {
  const server = net.createServer();
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(undefined) : reject(error),
    );
    server.listen({ host: '127.0.0.1', port }, () => resolve(server));
  });
}

describe('actlog serve: first-hour mistakes get one line that names the fix', () => {
  it('a busy port: exit 1 naming --port, before the database file is created', async () => {
    const holder = (await occupy(0)) as net.Server;
    const port = (holder.address() as net.AddressInfo).port;
    const db = join(dir.path, 'busy', 'actlog.db');
    try {
      const result = await runCli(['serve', '--port', String(port), '--db', db]);
      assert.equal(result.code, 1);
      assert.equal(
        result.stderr,
        `actlog: port ${port} on 127.0.0.1 is already in use: choose another port with --port\n`,
      );
      assert.ok(!existsSync(join(dir.path, 'busy')), 'no database folder or file was created');
    } finally {
      holder.close();
    }
  });

  it('the default port busy: says TikMatrix listens there too, and names --port', async () => {
    // Taken by someone else already (TikMatrix itself?) serves the test as well.
    const holder = await occupy(50809);
    try {
      const result = await runCli(['serve', '--db', join(dir.path, 'default-port.db')], { ACTLOG_PORT: '' });
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /^actlog: port 50809 on 127\.0\.0\.1 is already in use, probably by TikMatrix.*--port/,
      );
      assert.equal(result.stderr.trim().split('\n').length, 1);
    } finally {
      holder?.close();
    }
  });

  it('a --db where no folder can be made (/proc/x/y.db): exit 1 at once naming --db, no hang', async () => {
    const result = await runCli(['serve', '--port', '0', '--db', '/proc/x/y.db'], {}, 10_000);
    assert.equal(result.code, 1, `exit code ${result.code} (null: still running after 10 s); ${result.stderr}`);
    assert.match(result.stderr, /^actlog: cannot open the SQLite database \/proc\/x\/y\.db: .*ENOENT.*--db/);
  });

  it('a read token alone does not allow listening off loopback: exit 2 naming --token', async () => {
    const result = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--db', join(dir.path, 'read.db')], {
      ACTLOG_READ_TOKEN: 'a-long-enough-read-token',
      ACTLOG_TOKEN: '',
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^actlog: refusing to listen on 0\.0\.0\.0 with only a read token: .*--token/);
    assert.ok(!existsSync(join(dir.path, 'read.db')));
  });

  for (const [url, missing] of [
    ['postgres://', 'host and the database'],
    ['postgresql://', 'host and the database'],
    ['postgres://actlog:s3cret@db.example:5432', 'database'],
    ['postgres://actlog:s3cret@db.example:5432/', 'database'],
    ['postgres://actlog:s3cret@/actlog', 'host'],
    ['postgres://actlog:s3cret@:5432/actlog', 'host'],
  ] as const) {
    it(`--database-url ${url.replace('s3cret', '***')}: refused (exit 2) before connecting, without echoing it`, async () => {
      const result = await runCli(['serve', '--port', '0', '--database-url', url]);
      assert.equal(result.code, 2);
      assert.match(
        result.stderr,
        new RegExp(`^actlog: --database-url must name the ${missing} \\(e\\.g\\. postgres://`),
      );
      assert.ok(!result.stderr.includes('s3cret'), 'the password is never printed');
    });
  }
});
