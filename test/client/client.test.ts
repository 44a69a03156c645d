import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  ActlogClient,
  ActlogConnectionError,
  type ActlogError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  ServerError,
  UnauthorizedError,
} from '../../clients/typescript/src/index.js';
import { parseCsv } from '../../src/api/csv.js';
import { freePort } from '../helpers/ports.js';
import { aRecord } from '../helpers/records.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { eachStore } from '../helpers/stores.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { sqliteBackend } from '../store/sqlite-backend.js';

const FAST = { retries: 5, baseMs: 5, maxMs: 50 };

eachStore('client', (ctx) => {
  let client: ActlogClient;
  before(() => {
    client = new ActlogClient({ url: ctx.server.url, retry: FAST });
  });
  beforeEach(async () => ctx.store.deleteAll());

  describe('ActlogClient', () => {
    it('adds a record with a UUIDv7 event_id, so the same record sent again is a duplicate', async () => {
      const { id } = await client.add(aRecord());
      const [stored] = await client.page({ limit: 1 });
      assert.equal(stored?.id, id);
      assert.match(stored?.event_id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual(await client.add({ ...aRecord(), event_id: stored?.event_id }), { id, duplicate: true });
      assert.equal(await client.count(), 1);
    });

    it('adds many at once, one result per record; a bad record fails alone', async () => {
      const result = await client.addMany([aRecord(), { ...aRecord(), platform: '' }, aRecord({ serial: 's2' })]);
      assert.equal(result.added, 2);
      assert.equal(result.failed, 1);
      assert.deepEqual(result.results[1], { code: 40001, message: 'item 1: platform must not be empty' });
    });

    it('lists every matching record newest first over before_id pages, with a total limit', async () => {
      await client.addMany(
        Array.from({ length: 25 }, (_, i) => aRecord({ serial: i % 2 ? 'odd' : 'even', timestamp: i })),
      );
      const all: { id: number; serial: string }[] = [];
      for await (const record of client.list({ serial: 'odd', pageSize: 4 })) all.push(record);
      assert.equal(all.length, 12);
      assert.ok(all.every((r, i) => r.serial === 'odd' && (i === 0 || (all[i - 1]?.id ?? 0) > r.id)));
      const some: number[] = [];
      for await (const record of client.list({ limit: 7, pageSize: 3 })) some.push(record.id);
      assert.equal(some.length, 7);
      assert.equal(await client.count({ serial: 'even' }), 13);
    });

    it('reads statistics with group_by as a list', async () => {
      await client.addMany([aRecord(), aRecord({ action_type: 'like' }), aRecord({ action_type: 'like' })]);
      const stats = await client.stats({ group_by: ['action_type'] });
      assert.equal(stats.total, 3);
      assert.deepEqual(
        stats.groups.map((g) => [g.action_type, g.count]),
        [
          ['like', 2],
          ['post', 1],
        ],
      );
    });

    it('deletes one, the matching ones and all; typed errors carry the code', async () => {
      const { results } = await client.addMany([aRecord(), aRecord({ serial: 'x' }), aRecord({ serial: 'x' })]);
      const first = results[0] as { id: number };
      await client.delete(first.id);
      const missing = await client.delete(first.id).catch((e: unknown) => e);
      assert.ok(missing instanceof NotFoundError);
      assert.equal((missing as ActlogError).code, 40401);
      assert.equal((missing as ActlogError).status, 404);
      assert.equal(await client.deleteMatching({ serial: 'x' }), 2);
      const noFilter = await client.deleteMatching({}).catch((e: unknown) => e);
      assert.ok(noFilter instanceof InvalidRequestError && noFilter.code === 40001, String(noFilter));
      await client.add(aRecord());
      await client.deleteAll();
      assert.equal(await client.count(), 0);
      const bad = await client.add({ platform: 'p', serial: 's' } as never).catch((e: unknown) => e);
      assert.ok(bad instanceof InvalidRequestError);
      assert.equal((bad as Error).message, 'action_type is required');
    });

    it('exports as a byte stream (NDJSON or CSV) and as records, oldest first', async () => {
      await client.addMany([aRecord({ timestamp: 1 }), aRecord({ timestamp: 2, action_detail: '=1+1' })]);
      const ndjson = await text(Readable.fromWeb((await client.export()) as never));
      assert.deepEqual(
        ndjson
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).timestamp),
        [1, 2],
      );
      const csv = parseCsv(await text(Readable.fromWeb((await client.export({ format: 'csv' })) as never)));
      assert.equal(csv.length, 3);
      const records: { action_detail: string }[] = [];
      for await (const record of client.exportRecords({ since: 2 })) records.push(record);
      assert.deepEqual(
        records.map((r) => r.action_detail),
        ['=1+1'],
      );
    });

    it('tails new records, each once, in id order, and stops when the loop breaks', async () => {
      await client.add(aRecord({ action_detail: 'before the tail' }));
      const seen: string[] = [];
      const tail = (async () => {
        for await (const record of client.tail({ platform: 'tiktok' })) {
          seen.push(record.action_detail);
          if (seen.length === 3) break;
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await client.add(aRecord({ action_detail: 'one' }));
      await client.add(aRecord({ platform: 'other', action_detail: 'filtered out' }));
      await client.addMany([aRecord({ action_detail: 'two' }), aRecord({ action_detail: 'three' })]);
      await tail;
      assert.deepEqual(seen, ['one', 'two', 'three']);
    });
  });
});

describe('client: tail resumes after the connection breaks, without loss or repeats', () => {
  let server: RunningServer;
  let proxy: TcpProxy;
  let fixture: Awaited<ReturnType<typeof sqliteBackend.fresh>>;
  before(async () => {
    fixture = await sqliteBackend.fresh();
    server = await startServer(fixture.store);
    proxy = new TcpProxy('127.0.0.1', Number(new URL(server.url).port));
    await proxy.up();
  });
  after(async () => {
    await proxy.down();
    await server.close();
    await fixture.destroy();
  });

  it('cuts the stream three times while records arrive; every record is yielded exactly once', async () => {
    const writer = new ActlogClient({ url: server.url });
    const reader = new ActlogClient({ url: `http://127.0.0.1:${proxy.port}`, retry: { baseMs: 20, maxMs: 200 } });
    const controller = new AbortController();
    const ids: number[] = [];
    const tail = (async () => {
      for await (const record of reader.tail({}, { signal: controller.signal })) ids.push(record.id);
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const written: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 30; i++) written.push((await writer.add(aRecord({ timestamp: i }))).id);
      await proxy.down(); // the stream breaks; records written now must come on resume
      for (let i = 0; i < 20; i++) written.push((await writer.add(aRecord({ timestamp: i }))).id);
      await proxy.up();
    }
    const deadline = Date.now() + 10_000;
    while (ids.length < written.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await tail;
    assert.deepEqual(ids, written);
  });
});

describe('client: retries and access', () => {
  let fake: Server;
  let url: string;
  const answers: { status: number; body: string; headers?: Record<string, string> }[] = [];
  let requests = 0;
  before(async () => {
    fake = createServer((request, response) => {
      requests++;
      request.resume();
      const next = answers.shift() ?? { status: 200, body: '{"code":0,"message":"success","data":{"count":7}}' };
      response.writeHead(next.status, { 'content-type': 'application/json', ...next.headers }).end(next.body);
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => fake.close(resolve)));
  beforeEach(() => {
    requests = 0;
    answers.length = 0;
  });
  const error = (code: number, message: string) => JSON.stringify({ code, message, data: null });

  it('retries 5xx and 429 with backoff, then succeeds', async () => {
    answers.push(
      { status: 503, body: error(50001, 'internal error: the database is unreachable') },
      { status: 429, body: error(42901, 'too many requests'), headers: { 'retry-after': '0' } },
      { status: 500, body: error(50001, 'internal error') },
    );
    assert.equal(await new ActlogClient({ url, retry: FAST }).count(), 7);
    assert.equal(requests, 4);
  });

  it('never retries a 4xx other than 429, and gives up after its retries with the typed error', async () => {
    answers.push({ status: 400, body: error(40001, 'limit must be >= 1') });
    await assert.rejects(new ActlogClient({ url, retry: FAST }).count(), InvalidRequestError);
    assert.equal(requests, 1);
    requests = 0;
    for (let i = 0; i < 3; i++) answers.push({ status: 503, body: error(50001, 'internal error: busy') });
    await assert.rejects(new ActlogClient({ url, retry: { ...FAST, retries: 2 } }).count(), ServerError);
    assert.equal(requests, 3);
  });

  it('retries a delete only on answers that say nothing was done (429, 503)', async () => {
    answers.push({ status: 500, body: error(50001, 'internal error') });
    await assert.rejects(new ActlogClient({ url, retry: FAST }).delete(1), ServerError);
    assert.equal(requests, 1);
  });

  it('says ActlogConnectionError (code UNREACHABLE) when nothing answers', async () => {
    const port = await freePort();
    const closed = new ActlogClient({ url: `http://127.0.0.1:${port}`, retry: { retries: 1, baseMs: 1, maxMs: 1 } });
    const failure = await closed.count().catch((e: unknown) => e);
    assert.ok(failure instanceof ActlogConnectionError);
    assert.equal(failure.code, 'UNREACHABLE');
    assert.match(failure.message, new RegExp(`cannot reach actlog at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  });

  it('sends the token; a missing or read-only token is a typed error', async () => {
    const fixture = await sqliteBackend.fresh();
    const token = 'full-token-0123456789';
    const readToken = 'read-token-0123456789';
    const server = await startServer(fixture.store, { access: { token, readToken } });
    try {
      assert.equal(await new ActlogClient({ url: server.url, token }).count(), 0);
      await assert.rejects(new ActlogClient({ url: server.url }).count(), UnauthorizedError);
      const reader = new ActlogClient({ url: server.url, token: readToken });
      assert.equal(await reader.count(), 0);
      await assert.rejects(reader.add(aRecord()), (e: unknown) => e instanceof ForbiddenError && e.code === 40301);
    } finally {
      await server.close();
      await fixture.destroy();
    }
  });

  it('is importable as actlog/client', async () => {
    const module = await import('actlog/client');
    assert.equal(typeof module.ActlogClient, 'function');
    assert.equal(module.NotFoundError.name, 'NotFoundError');
  });
});
