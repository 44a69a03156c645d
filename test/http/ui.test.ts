import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { type AppOptions, buildApp } from '../../src/http/app.js';
import { UI_ROOT, uiRoutes } from '../../src/http/routes/ui.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { aRecord } from '../helpers/records.js';
import { call, type RunningServer } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

/**
 * The dashboard as the server serves it (src/http/routes/ui.ts): the app at / and at its own
 * deep links, hashed assets, and everything else unchanged — JSON 404s under /api, the
 * operations and API-description endpoints, and access control on the API only.
 */

const TOKEN = 'full-access-token-0123456789';
const READ_TOKEN = 'read-only-token-0123456789';

function useServer(options: Omit<AppOptions, 'store'> = {}) {
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

const isPage = (answer: { status: number; text: string }) =>
  answer.status === 200 && answer.text.includes('<div id="app"></div>');

describe('the dashboard at /', () => {
  const ctx = useServer();

  it('serves the app at / with a strict Content-Security-Policy', async () => {
    const response = await fetch(`${ctx.server.url}/`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'; .*frame-ancestors 'none'/);
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    const html = await response.text();
    assert.match(html, /<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
    assert.doesNotMatch(html, /<script>|<script type="module">[^<]/, 'no inline script');
  });

  it('serves the app at its own paths and unknown ones, so deep links work', async () => {
    for (const path of ['/devices', '/accounts', '/explorer?serial=R58M&range=today&record=12', '/no/such/page']) {
      assert.ok(isPage(await call(`${ctx.server.url}${path}`)), path);
    }
  });

  it('serves the hashed assets with a long cache, and a missing asset as a 404', async () => {
    const script = readdirSync(join(UI_ROOT, 'assets')).find((name) => name.endsWith('.js'));
    assert.ok(script, 'the build wrote a script');
    const response = await fetch(`${ctx.server.url}/assets/${script}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /javascript/);
    assert.match(response.headers.get('cache-control') ?? '', /max-age=31536000, immutable/);
    const missing = await call(`${ctx.server.url}/assets/index-missing.js`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 40401);
  });

  it('keeps JSON 404s under /api, and the app answers GET only', async () => {
    for (const path of ['/api', '/api/', '/api/v2/activity_log', '/api/v1/activity_log/123']) {
      const answer = await call(`${ctx.server.url}${path}`);
      assert.equal(answer.status, 404, path);
      assert.equal(answer.body.code, 40401, path);
      assert.equal(answer.body.message, `route GET ${path} not found`);
    }
    const post = await call(`${ctx.server.url}/devices`, { method: 'POST', body: '{}' });
    assert.equal(post.status, 404);
    assert.equal(post.body.code, 40401);
  });

  it('leaves the operations and API-description endpoints as they were', async () => {
    assert.equal((await call(`${ctx.server.url}/healthz`)).text, '{"status":"ok"}');
    assert.equal((await call(`${ctx.server.url}/readyz`)).text, '{"status":"ready"}');
    assert.equal((await call(`${ctx.server.url}/openapi.json`)).body.openapi, '3.0.3');
    assert.match((await call(`${ctx.server.url}/docs`)).text, /swagger/i);
    assert.match((await call(`${ctx.server.url}/metrics`)).text, /actlog_http_requests_total/);
  });
});

describe('the dashboard with access tokens', () => {
  const ctx = useServer({ access: { token: TOKEN, readToken: READ_TOKEN } });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('serves the app without a token (it holds no data) and still guards the API', async () => {
    assert.ok(isPage(await call(`${ctx.server.url}/`)));
    assert.ok(isPage(await call(`${ctx.server.url}/explorer`)));
    assert.equal((await call(`${ctx.server.api}/count`)).status, 401);
    assert.equal((await call(`${ctx.server.url}/api/v1/nope`)).status, 401);
  });

  it("answers the dashboard's read-only probe without deleting anything", async () => {
    // The dashboard tells the tokens apart with DELETE /api/v1/activity_log/0: 0 is never an id.
    await ctx.store.add(aRecord());
    const full = await call(`${ctx.server.api}/0`, { method: 'DELETE', headers: bearer(TOKEN) });
    assert.equal(full.status, 400);
    assert.equal(full.body.code, 40001);
    const readOnly = await call(`${ctx.server.api}/0`, { method: 'DELETE', headers: bearer(READ_TOKEN) });
    assert.equal(readOnly.status, 403);
    assert.equal(readOnly.body.code, 40301);
    assert.equal(await ctx.store.count({}), 1);
  });
});

describe('the dashboard before it is built', () => {
  it('answers 503 with what to run, and the assets path as a 404', async () => {
    const dir = tempDir();
    const app = Fastify();
    await app.register(uiRoutes, { root: dir.path });
    try {
      const page = await app.inject({ url: '/' });
      assert.equal(page.statusCode, 503);
      assert.match(page.body, /npm run build/);
      assert.equal((await app.inject({ url: '/assets/index.js' })).statusCode, 404);
    } finally {
      await app.close();
      dir.remove();
    }
  });
});
