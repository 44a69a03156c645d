import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { decimalAtMostPattern, RECORD_ID_PATTERN, TEXT_PATTERN } from '../../src/api/schemas.js';
import { parseRecordId } from '../../src/domain/record.js';
import { call, postJson } from '../helpers/server.js';
import { eachStore } from '../helpers/stores.js';

// biome-ignore lint/suspicious/noExplicitAny: the parsed OpenAPI document
type Doc = any;
const METHODS = ['get', 'post', 'delete'] as const;

/** Every operation of the document with its path and method. */
function operations(doc: Doc): { path: string; method: string; op: Doc }[] {
  return Object.entries(doc.paths as Record<string, Doc>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] })),
  );
}

/** Every `pattern` anywhere in the document. */
function patterns(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) patterns(v, found);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'pattern' && typeof v === 'string') found.push(v);
      else patterns(v, found);
    }
  }
  return found;
}

const accepts = (id: string) => {
  try {
    parseRecordId(id);
    return true;
  } catch {
    return false;
  }
};

describe('OpenAPI patterns', () => {
  it('{id}: the pattern accepts exactly what the server accepts (1 … 2^53−1, digits, leading zeros)', () => {
    const re = new RegExp(RECORD_ID_PATTERN, 'u');
    const edges = ['0', '00', '1', '01', '9', '10', '9007199254740991', '9007199254740992', '9007199254740990'];
    const more = ['09007199254740991', '9999999999999999', '10000000000000000', '1e3', '0x10', ' 5', '+5', '-1', ''];
    for (const id of [...edges, ...more]) assert.equal(re.test(id), accepts(id), id);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.bigInt({ min: 0n, max: 2n ** 60n }).map(String),
          fc.bigInt({ min: 2n ** 53n - 1000n, max: 2n ** 53n + 1000n }).map(String),
          fc.stringMatching(/^[0-9]{1,20}$/),
          fc.string(),
        ),
        (id) => re.test(id) === accepts(id),
      ),
      { numRuns: 5000 },
    );
    for (const max of [1, 9, 10, 99, 100, 101, 1000, 4095, 123456]) {
      const small = new RegExp(decimalAtMostPattern(max));
      for (let n = 0; n <= max + 20; n++) assert.equal(small.test(String(n)), n >= 1 && n <= max, `${n} ≤ ${max}`);
    }
  });

  it('text: no NUL, emoji and every other character accepted, with or without the u flag', () => {
    for (const flags of ['', 'u']) {
      const re = new RegExp(TEXT_PATTERN, flags);
      for (const text of ['', 'tiktok', '🎉🎉 emoji', 'Ärger 中文', '\u{1F600}'.repeat(100), '\uFFFF']) {
        assert.ok(re.test(text), `${JSON.stringify(text)} /${flags}`);
      }
      assert.ok(!re.test('a\u0000b'), `NUL /${flags}`);
    }
  });
});

eachStore('OpenAPI', (ctx) => {
  let doc: Doc;
  beforeEach(async () => {
    doc ??= (await call(`${ctx.server.url}/openapi.json`)).body;
  });

  describe('OpenAPI', () => {
    it('serves an OpenAPI 3 document generated from the route schemas', async () => {
      assert.match(doc.openapi, /^3\./);
      assert.deepEqual(Object.keys(doc.paths).sort(), [
        '/api/v1/activity_log',
        '/api/v1/activity_log/all',
        '/api/v1/activity_log/batch',
        '/api/v1/activity_log/count',
        '/api/v1/activity_log/export',
        '/api/v1/activity_log/stats',
        '/api/v1/activity_log/stream',
        '/api/v1/activity_log/{id}',
      ]);
      assert.deepEqual(Object.keys(doc.paths['/api/v1/activity_log']).sort(), ['delete', 'get', 'post']);
      assert.deepEqual(doc.components.schemas.RecordInput.required, ['platform', 'serial', 'action_type']);
      const params = doc.paths['/api/v1/activity_log'].get.parameters.map((p: { name: string }) => p.name);
      for (const name of ['platform', 'serial', 'action_type', 'limit', 'offset', 'before_id'])
        assert.ok(params.includes(name), name);
      assert.ok(!('delete' in doc.paths['/api/v1/activity_log/count']), 'the hidden DELETE /count is not documented');
      assert.deepEqual(Object.keys(doc.components.schemas).sort(), [
        'ActivityRecord',
        'ErrorEnvelope',
        'RecordInput',
        'Stats',
      ]);
    });

    it('has a bearer security scheme applied to every operation, describing both tokens', () => {
      const bearer = doc.components.securitySchemes.bearer;
      assert.deepEqual({ type: bearer.type, scheme: bearer.scheme }, { type: 'http', scheme: 'bearer' });
      assert.match(bearer.description, /full token/);
      assert.match(bearer.description, /read-only token/);
      assert.deepEqual(doc.security, [{ bearer: [] }, {}]);
      for (const { path, method, op } of operations(doc)) {
        const write = method !== 'get';
        assert.match(
          op.description,
          write ? /\*\*Token:\*\* the full token/ : /\*\*Token:\*\* the read-only token or the full token/,
          `${method} ${path}`,
        );
      }
    });

    it('names every operation with a unique operationId and gives each a summary and described answers', () => {
      const ids = operations(doc).map(({ op }) => op.operationId);
      assert.deepEqual([...ids].sort(), [
        'addRecord',
        'addRecords',
        'countRecords',
        'deleteAllRecords',
        'deleteMatching',
        'deleteRecord',
        'exportRecords',
        'getStats',
        'listRecords',
        'streamRecords',
      ]);
      for (const { path, method, op } of operations(doc)) {
        assert.ok(op.summary, `${method} ${path} summary`);
        assert.notEqual(op.responses['200'].description, 'Default Response', `${method} ${path}`);
        const content = Object.values(op.responses['200'].content) as Doc[];
        assert.ok(
          content.every((media) => media.example !== undefined || media.schema.example !== undefined),
          `${method} ${path} has an example answer`,
        );
        assert.ok(op.responses['4XX'] && op.responses['5XX'], `${method} ${path} errors`);
      }
    });

    it('lists the request content types the server accepts, each with an example', () => {
      const add = doc.paths['/api/v1/activity_log'].post.requestBody.content;
      assert.deepEqual(Object.keys(add), ['application/json', 'text/plain', 'application/x-www-form-urlencoded']);
      const batch = doc.paths['/api/v1/activity_log/batch'].post.requestBody.content;
      assert.deepEqual(Object.keys(batch), [
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/x-ndjson',
        'application/ndjson',
        'application/jsonl',
        'application/x-jsonlines',
      ]);
      for (const media of [...Object.values(add), ...Object.values(batch)] as Doc[]) assert.ok(media.example);
    });

    it('"Try it out": the documented example of each content type is accepted and stored as given', async () => {
      await ctx.store.deleteAll();
      const add = doc.paths['/api/v1/activity_log'].post.requestBody.content;
      for (const [type, media] of Object.entries(add) as [string, Doc][]) {
        const answer = await postJson(ctx.server.api, media.example, { 'content-type': type });
        assert.equal(answer.status, 200, type);
        const [stored] = (await call(`${ctx.server.api}?limit=1`)).body.data;
        const { id: _id, timestamp: _t, ...rest } = stored;
        assert.deepEqual(rest, media.example, type);
      }
      const batch = doc.paths['/api/v1/activity_log/batch'].post.requestBody.content;
      for (const [type, media] of Object.entries(batch) as [string, Doc][]) {
        const body = typeof media.example === 'string' ? media.example : JSON.stringify(media.example);
        const answer = await postJson(`${ctx.server.api}/batch`, body, { 'content-type': type });
        assert.equal(answer.status, 200, type);
        assert.equal(answer.body.data.failed, 0, type);
      }
    });

    it('links the POST answer to DELETE /{id}, the list before it and the stream after it; following them works', async () => {
      const links = doc.paths['/api/v1/activity_log'].post.responses['200'].links;
      assert.deepEqual(
        Object.values(links).map((l: Doc) => l.operationId),
        ['deleteRecord', 'listRecords', 'streamRecords'],
      );
      const ids = new Set(operations(doc).map(({ op }) => op.operationId));
      for (const link of Object.values(links) as Doc[]) assert.ok(ids.has(link.operationId), link.operationId);
      // Follow deleteRecord as a tool would: evaluate $response.body#/data/id on a real answer.
      const added = await postJson(ctx.server.api, { platform: 'p', serial: 's', action_type: 'a' });
      const pointer = (links.deleteRecord.parameters.id as string).replace('$response.body#', '');
      const id = pointer
        .split('/')
        .slice(1)
        .reduce((value: Doc, key) => value[key], added.body);
      const deleted = await call(`${ctx.server.api}/${id}`, { method: 'DELETE' });
      assert.deepEqual(deleted.body.data, { deleted: true, id });
    });

    it('says exactly what {id} and the query accept: the id range, and empty meaning absent', async () => {
      const [id] = doc.paths['/api/v1/activity_log/{id}'].delete.parameters;
      assert.equal(id.schema.pattern, RECORD_ID_PATTERN);
      for (const { op } of operations(doc)) {
        for (const parameter of (op.parameters ?? []).filter((p: Doc) => p.in === 'query')) {
          assert.equal(parameter.allowEmptyValue, true, parameter.name);
          assert.match(parameter.description, /empty/i, parameter.name);
        }
      }
      // What the document says, the server does: empty is absent, the edges of the id range.
      assert.equal((await call(`${ctx.server.api}?limit=&platform=&before_id=`)).status, 200);
      assert.equal((await call(`${ctx.server.api}/0`, { method: 'DELETE' })).status, 400);
      assert.equal((await call(`${ctx.server.api}/9007199254740992`, { method: 'DELETE' })).status, 400);
      assert.equal((await call(`${ctx.server.api}/9007199254740991`, { method: 'DELETE' })).status, 404);
    });

    it('writes every pattern so that every engine compiles it: no \\u, \\p, lookaround or backreference', () => {
      const all = patterns(doc);
      assert.ok(all.includes(TEXT_PATTERN));
      for (const pattern of all) {
        assert.doesNotMatch(pattern, /\\[upPkb]|\(\?[=!<]|\\[1-9]/, pattern);
        new RegExp(pattern);
        new RegExp(pattern, 'u');
      }
    });

    it('serves an interactive page at /docs, with Authorize (the document it loads has the scheme)', async () => {
      const answer = await call(`${ctx.server.url}/docs`, { redirect: 'follow' });
      assert.equal(answer.status, 200);
      assert.match(answer.text, /swagger-ui/i);
      const loaded = await call(`${ctx.server.url}/docs/json`);
      assert.deepEqual(loaded.body.components.securitySchemes, doc.components.securitySchemes);
    });
  });
});
