import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import postgres from 'postgres';
import { type CliProcess, runCli, startCli } from '../helpers/cli.js';
import { freshDatabase, POSTGRES_URL, postgresUnavailable } from '../helpers/postgres.js';
import { aRecord } from '../helpers/records.js';
import { call, postJson } from '../helpers/server.js';
import { SseClient } from '../helpers/sse.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const unavailable = await postgresUnavailable();

describe('PostgreSQL faults', { skip: unavailable }, () => {
  it('exits non-zero at start with one clear line when the database cannot be reached', async () => {
    const started = Date.now();
    const result = await runCli([
      'serve',
      '--port',
      '0',
      '--database-url',
      'postgres://actlog:s3cret@127.0.0.1:1/nowhere',
    ]);
    assert.notEqual(result.code, 0);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(
      lines[0] as string,
      /cannot reach PostgreSQL at postgres:\/\/actlog(:\*+)?@127\.0\.0\.1:1\/nowhere: .+/,
    );
    assert.ok(!result.stderr.includes('s3cret'), 'the password is never printed');
    assert.ok(Date.now() - started < 15_000, 'fails fast');
  });

  describe('when the database goes away while running', () => {
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    let proxy: TcpProxy;
    let server: CliProcess;

    before(async () => {
      database = await freshDatabase();
      const target = new URL(POSTGRES_URL);
      proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
      await proxy.up();
      const viaProxy = new URL(database.url);
      viaProxy.host = `127.0.0.1:${proxy.port}`;
      server = await startCli(['--port', '0', '--database-url', viaProxy.toString(), '--log-level', 'fatal']);
    });
    after(async () => {
      await server?.stop();
      await proxy?.down();
      await database?.drop();
    });

    it('answers 503 / 50001 within seconds, never hangs or crashes, and recovers by itself', async () => {
      assert.equal((await postJson(server.api, aRecord())).body.code, 0);
      await proxy.down();

      for (const [method, path] of [
        ['POST', ''],
        ['GET', ''],
        ['GET', '/count'],
        ['DELETE', '/1'],
      ] as const) {
        const started = Date.now();
        const answer = await call(`${server.api}${path}`, {
          method,
          body: method === 'POST' ? JSON.stringify(aRecord()) : undefined,
          signal: AbortSignal.timeout(20_000),
        });
        const elapsed = Date.now() - started;
        assert.equal(answer.status, 503, `${method} ${path}: ${answer.text}`);
        assert.equal(answer.body.code, 50001);
        assert.match(answer.body.message, /unreachable|unavailable|did not answer in time/);
        assert.ok(elapsed < 12_000, `${method} ${path} answered in ${elapsed} ms`);
      }
      assert.equal((await call(`${server.url}/readyz`)).status, 503);
      assert.equal((await call(`${server.url}/healthz`)).status, 200, 'the process itself is alive');

      await proxy.up();
      let recovered = false;
      for (let i = 0; i < 60 && !recovered; i++) {
        const answer = await postJson(server.api, aRecord()).catch(() => undefined);
        recovered = answer?.body?.code === 0;
        if (!recovered) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.ok(recovered, 'writes succeed again once the database is back');
      assert.equal((await call(`${server.url}/readyz`)).status, 200);
      assert.equal(server.child.exitCode, null, 'never crashed');
    });
  });

  it('a live tail that loses its LISTEN connection before it sent anything catches up from the store: every new record once, nothing older', async () => {
    const database = await freshDatabase();
    const server = await startCli(['--port', '0', '--database-url', database.url, '--log-level', 'fatal']);
    const admin = postgres(database.url, { max: 1, onnotice: () => undefined });
    try {
      for (let i = 0; i < 3; i++) await postJson(server.api, aRecord({ action_detail: `before ${i}` }));
      const tail = await SseClient.open(`${server.api}/stream`);
      try {
        const ids: number[] = [];
        const write = async (detail: string) => {
          ids.push((await postJson(server.api, aRecord({ action_detail: detail }))).body.data.id);
        };
        // Cut the server's listening connection: notifications sent until it reconnects are lost.
        const cut = await admin`SELECT pg_terminate_backend(pid) AS gone FROM pg_stat_activity
          WHERE datname = current_database() AND query ILIKE 'listen%' AND pid <> pg_backend_pid()`;
        assert.equal(cut.length, 1, 'the one listening connection');
        for (let i = 1; i <= 4; i++) await write(`live ${i}`);
        await tail.until(() => tail.records().length >= 4, 15_000);
        await write('live 5');
        await tail.until(() => tail.records().length >= 5, 15_000);
        assert.deepEqual(
          tail.records().map((r) => r.id),
          ids,
        );
      } finally {
        tail.close();
      }
    } finally {
      await admin.end({ timeout: 1 });
      await server.stop();
      await database.drop();
    }
  });
});
