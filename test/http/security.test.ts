import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AppOptions } from '../../src/http/app.js';
import { buildApp } from '../../src/http/app.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { rawRequest } from '../helpers/raw.js';
import { aRecord } from '../helpers/records.js';
import { call, postJson, type RunningServer } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

const TOKEN = 'full-access-token-0123456789';
const READ_TOKEN = 'read-only-token-0123456789';

/** A real server with the given security options over a fresh SQLite file. */
function useServer(options: Omit<AppOptions, 'store'>) {
  const ctx = {} as { server: RunningServer; store: SqliteStore };
  const dir = tempDir();
  before(async () => {
    ctx.store = SqliteStore.open(join(dir.path, 'actlog.db'));
    const app = await buildApp({ store: ctx.store, ...options });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    ctx.server = { app, url, api: `${url}/api/v1/activity_log`, close: () => app.close() };
  });
  after(async () => {
    await ctx.server.close();
    dir.remove();
  });
  return ctx;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('access tokens', () => {
  const ctx = useServer({ access: { token: TOKEN, readToken: READ_TOKEN } });

  it('refuses API calls without a token with 401 / 40101, changing nothing', async () => {
    await ctx.store.add(aRecord());
    for (const [method, path] of [
      ['GET', ''],
      ['GET', '/count'],
      ['POST', ''],
      ['DELETE', '/1'],
      ['DELETE', '/all'],
      ['GET', '/unknown'],
    ] as const) {
      const answer = await call(`${ctx.server.api}${path}`, {
        method,
        body: method === 'POST' ? JSON.stringify(aRecord()) : undefined,
      });
      assert.equal(answer.status, 401, `${method} ${path}`);
      assert.equal(answer.body.code, 40101);
      assert.match(answer.body.message, /Authorization: Bearer/);
      assert.equal(answer.body.data, null);
    }
    assert.equal(await ctx.store.count({}), 1);
  });

  it('refuses the API and metrics without a token also when their path is percent-escaped', async () => {
    // The router decodes escapes: these reach the API's routes and /metrics.
    for (const path of [
      '/%61pi/v1/activity_log/count',
      '/%61pi/v1/activity_log',
      '/api%2Fv1/activity_log',
      '/%6detrics',
    ]) {
      const answer = await call(`${ctx.server.url}${path}`);
      assert.ok(
        answer.status === 401 || answer.status === 404,
        `${path}: ${answer.status} ${answer.text.slice(0, 80)}`,
      );
      assert.ok(answer.body?.code === 40101 || answer.body?.code === 40401, path);
      assert.doesNotMatch(answer.text, /"count"|actlog_http/, `${path} leaked data`);
    }
    assert.equal((await call(`${ctx.server.url}/%61pi/v1/activity_log/count`)).status, 401);
    assert.equal((await call(`${ctx.server.url}/%6detrics`)).status, 401);
  });

  it('refuses a wrong token, and one given without the Bearer scheme', async () => {
    for (const authorization of [
      'Bearer wrong-token-0123456789',
      `Basic ${TOKEN}`,
      TOKEN,
      'Bearer ',
      `Bearer ${TOKEN}x`,
    ]) {
      const answer = await call(ctx.server.api, { headers: { authorization } });
      assert.equal(answer.status, 401, authorization);
      assert.equal(answer.body.code, 40101);
    }
  });

  it('lets the full token add, list, count and delete', async () => {
    const added = await postJson(ctx.server.api, aRecord(), bearer(TOKEN));
    assert.equal(added.body.code, 0);
    assert.equal((await call(ctx.server.api, { headers: bearer(TOKEN) })).body.code, 0);
    assert.equal((await call(`${ctx.server.api}/count`, { headers: bearer(TOKEN) })).body.code, 0);
    const deleted = await call(`${ctx.server.api}/${added.body.data.id}`, { method: 'DELETE', headers: bearer(TOKEN) });
    assert.equal(deleted.body.code, 0);
  });

  it('lets the read token list and count, and refuses its writes with 403 / 40301', async () => {
    const before = await ctx.store.count({});
    assert.equal((await call(ctx.server.api, { headers: bearer(READ_TOKEN) })).status, 200);
    assert.equal((await call(`${ctx.server.api}/count`, { headers: bearer(READ_TOKEN) })).status, 200);
    const post = await postJson(ctx.server.api, aRecord(), bearer(READ_TOKEN));
    assert.equal(post.status, 403);
    assert.equal(post.body.code, 40301);
    const wipe = await call(`${ctx.server.api}/all`, { method: 'DELETE', headers: bearer(READ_TOKEN) });
    assert.equal(wipe.status, 403);
    assert.equal(await ctx.store.count({}), before);
  });

  it('keeps health, readiness and the API description public, and metrics private', async () => {
    assert.equal((await call(`${ctx.server.url}/healthz`)).status, 200);
    assert.equal((await call(`${ctx.server.url}/readyz`)).status, 200);
    assert.equal((await call(`${ctx.server.url}/openapi.json`)).status, 200);
    assert.equal((await call(`${ctx.server.url}/metrics`)).status, 401);
    assert.equal((await call(`${ctx.server.url}/metrics`, { headers: bearer(READ_TOKEN) })).status, 200);
  });
});

describe('DNS-rebinding protection on a loopback bind', () => {
  const ctx = useServer({ access: { loopbackHostsOnly: true } });

  it('answers loopback host names and addresses', async () => {
    const port = new URL(ctx.server.url).port;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'localhost',
      `[::1]:${port}`,
      '127.1.2.3',
      'app.localhost',
    ]) {
      const answer = await rawRequest(`${ctx.server.api}/count`, { headers: { host } });
      assert.equal(answer.status, 200, host);
    }
  });

  it('refuses any other Host with 403 / 40301, changing nothing', async () => {
    for (const host of [
      'evil.example',
      'evil.example:50809',
      '192.168.1.5',
      'localhost.evil.example',
      '127.0.0.1.evil.example',
    ]) {
      const answer = await rawRequest(ctx.server.api, {
        method: 'POST',
        headers: { host },
        body: JSON.stringify(aRecord()),
      });
      assert.equal(answer.status, 403, host);
      const body = JSON.parse(answer.text);
      assert.equal(body.code, 40301);
      assert.match(body.message, /not allowed/);
    }
    assert.equal(await ctx.store.count({}), 0);
  });
});

describe('CORS', () => {
  const off = useServer({});
  const on = useServer({ corsOrigins: ['http://dashboard.example'] });

  it('sends no CORS headers by default', async () => {
    const answer = await rawRequest(off.server.api, { headers: { origin: 'http://dashboard.example' } });
    assert.equal(answer.headers['access-control-allow-origin'], undefined);
  });

  it('allows exactly the configured origins, preflight included', async () => {
    const allowed = await rawRequest(on.server.api, { headers: { origin: 'http://dashboard.example' } });
    assert.equal(allowed.headers['access-control-allow-origin'], 'http://dashboard.example');
    const other = await rawRequest(on.server.api, { headers: { origin: 'http://evil.example' } });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const preflight = await rawRequest(on.server.api, {
      method: 'OPTIONS',
      headers: { origin: 'http://dashboard.example', 'access-control-request-method': 'POST' },
    });
    assert.ok(preflight.status < 300, `preflight status ${preflight.status}`);
    assert.match(String(preflight.headers['access-control-allow-methods']), /POST/);
  });
});

describe('rate limiting', () => {
  const ctx = useServer({ rateLimit: 5 });

  it('answers 429 / 42901 past the limit per minute', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 7; i++) {
      last = await call(`${ctx.server.api}/count`);
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
    assert.equal(last?.body.code, 42901);
    assert.match(last?.body.message, /at most 5 a minute/);
  });
});

describe('operations endpoints', () => {
  const ctx = useServer({});

  it('answers /healthz and /readyz outside the envelope', async () => {
    assert.equal((await call(`${ctx.server.url}/healthz`)).text, '{"status":"ok"}');
    assert.equal((await call(`${ctx.server.url}/readyz`)).text, '{"status":"ready"}');
  });

  it('reports requests, latency and records written in Prometheus text format', async () => {
    await postJson(ctx.server.api, aRecord());
    await postJson(ctx.server.api, aRecord());
    await call(`${ctx.server.api}/nope`);
    const metrics = await call(`${ctx.server.url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /actlog_records_written_total 2\b/);
    assert.match(
      metrics.text,
      /actlog_http_requests_total\{route="\/api\/v1\/activity_log",method="POST",status="200"\} 2\b/,
    );
    assert.match(metrics.text, /actlog_http_requests_total\{route="unknown",method="GET",status="404"\} 1\b/);
    assert.match(metrics.text, /actlog_http_request_duration_seconds_bucket/);
    assert.match(metrics.text, /actlog_store_errors_total 0\b/);
  });
});
