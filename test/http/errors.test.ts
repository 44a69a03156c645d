import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rawRequest } from '../helpers/raw.js';
import { aRecord } from '../helpers/records.js';
import { type Answer, call, postJson } from '../helpers/server.js';
import { eachStore } from '../helpers/stores.js';

const BODY_LIMIT = 100_000;

eachStore(
  'errors',
  (ctx) => {
    /** Asserts the error envelope: status, code, a message naming the problem, data null. */
    function assertError(answer: Answer, status: number, code: number, message: RegExp) {
      assert.equal(answer.status, status, answer.text);
      assert.deepEqual(Object.keys(answer.body), ['code', 'message', 'data']);
      assert.equal(answer.body.code, code, answer.text);
      assert.match(answer.body.message, message);
      assert.equal(answer.body.data, null);
    }

    /** Everything the store holds, to prove a refused request changed nothing. */
    async function snapshot() {
      return (await call(`${ctx.server.api}?limit=1000`)).text;
    }

    const record = aRecord();
    const badBodies: [string, string, RegExp][] = [
      ['invalid JSON', '{"platform": "tiktok",', /not valid JSON/],
      ['a JSON array', '[1,2]', /body must be a JSON object/],
      ['a JSON string', '"hello"', /body must be a JSON object/],
      ['a JSON number', '42', /body must be a JSON object/],
      ['JSON null', 'null', /body must be a JSON object/],
      ['an empty body', '', /body must be a JSON object/],
      ['missing platform', JSON.stringify({ ...record, platform: undefined }), /platform is required/],
      ['missing serial', JSON.stringify({ ...record, serial: undefined }), /serial is required/],
      ['missing action_type', JSON.stringify({ ...record, action_type: undefined }), /action_type is required/],
      ['empty platform', JSON.stringify({ ...record, platform: '' }), /platform must not be empty/],
      ['null serial', JSON.stringify({ ...record, serial: null }), /serial must be a string/],
      ['numeric platform', JSON.stringify({ ...record, platform: 5 }), /platform must be a string/],
      ['array action_type', JSON.stringify({ ...record, action_type: ['post'] }), /action_type must be a string/],
      ['object username', JSON.stringify({ ...record, username: {} }), /username must be a string/],
      ['boolean action_detail', JSON.stringify({ ...record, action_detail: true }), /action_detail must be a string/],
      ['string timestamp', JSON.stringify({ ...record, timestamp: '1707725000' }), /timestamp must be an integer/],
      ['fractional timestamp', JSON.stringify({ ...record, timestamp: 1.5 }), /timestamp must be an integer/],
      ['negative timestamp', JSON.stringify({ ...record, timestamp: -1 }), /timestamp must be >= 0/],
      ['unsafe timestamp', JSON.stringify({ ...record, timestamp: 2 ** 53 }), /timestamp must be <= 9007199254740991/],
      ['huge timestamp', '{"platform":"a","serial":"b","action_type":"c","timestamp":1e400}', /timestamp must be/],
      [
        'platform of 256 characters',
        JSON.stringify({ ...record, platform: 'p'.repeat(256) }),
        /platform must be at most 255 characters/,
      ],
      [
        'username of 256 characters',
        JSON.stringify({ ...record, username: 'u'.repeat(256) }),
        /username must be at most 255/,
      ],
      [
        'action_detail over 64 KiB',
        JSON.stringify({ ...record, action_detail: 'd'.repeat(65537) }),
        /action_detail must be at most 65536/,
      ],
      ['a NUL character', JSON.stringify({ ...record, serial: 'a\u0000b' }), /serial must not contain NUL/],
      [
        'an unpaired surrogate',
        '{"platform":"a","serial":"b","action_type":"\\ud800"}',
        /action_type must not contain unpaired surrogates/,
      ],
    ];

    describe('errors: bad input gets the envelope and changes nothing', () => {
      for (const [name, body, message] of badBodies) {
        it(`POST with ${name} → 400 / 40001`, async () => {
          await ctx.store.add(aRecord());
          const before = await snapshot();
          assertError(await postJson(ctx.server.api, body), 400, 40001, message);
          assert.equal(await snapshot(), before);
        });
      }

      it('POST with invalid UTF-8 bytes → 400 / 40001', async () => {
        const before = await snapshot();
        const bytes = Buffer.concat([
          Buffer.from('{"platform":"'),
          Buffer.from([0xff, 0xfe]),
          Buffer.from('","serial":"s","action_type":"a"}'),
        ]);
        assertError(await call(ctx.server.api, { method: 'POST', body: bytes }), 400, 40001, /not valid UTF-8/);
        assert.equal(await snapshot(), before);
      });

      it('POST with a body over the limit → 413 / 41301', async () => {
        const before = await snapshot();
        const body = JSON.stringify({ ...record, action_detail: 'x'.repeat(BODY_LIMIT) });
        assertError(await postJson(ctx.server.api, body), 413, 41301, new RegExp(`limit of ${BODY_LIMIT} bytes`));
        assert.equal(await snapshot(), before);
      });

      const badQueries: [string, RegExp][] = [
        ['limit=0', /limit must be >= 1/],
        ['limit=-5', /limit must be >= 1/],
        ['limit=abc', /limit must be an integer/],
        ['limit=1.5', /limit must be an integer/],
        ['offset=-1', /offset must be >= 0/],
        ['offset=x', /offset must be an integer/],
        ['offset=2.5', /offset must be an integer/],
        ['before_id=0', /before_id must be >= 1/],
        ['platform=a&platform=b', /platform must be given once/],
        ['limit=2&limit=3', /limit must be given once/],
        [`serial=${'s'.repeat(256)}`, /serial must be at most 255/],
        ['serial=%00', /serial must not contain NUL/],
      ];
      for (const [query, message] of badQueries) {
        it(`GET ?${query} → 400 / 40001`, async () => {
          assertError(await call(`${ctx.server.api}?${query}`), 400, 40001, message);
        });
      }

      it('GET /count with a bad filter → 400 / 40001', async () => {
        assertError(
          await call(`${ctx.server.api}/count?platform=a&platform=b`),
          400,
          40001,
          /platform must be given once/,
        );
      });

      const badIds: [string, RegExp][] = [
        ['abc', /id must be a positive whole number/],
        ['0', /id must be a positive whole number/],
        ['-1', /id must be a positive whole number/],
        ['1.5', /id must be a positive whole number/],
        ['1e3', /id must be a positive whole number/],
        ['9007199254740992', /id must be at most 9007199254740991/],
        ['99999999999999999999999999', /id must be at most/],
      ];
      for (const [id, message] of badIds) {
        it(`DELETE /${id} → 400 / 40001, nothing deleted`, async () => {
          await ctx.store.add(aRecord());
          const before = await snapshot();
          assertError(await call(`${ctx.server.api}/${id}`, { method: 'DELETE' }), 400, 40001, message);
          assert.equal(await snapshot(), before);
        });
      }

      it('DELETE /api/v1/activity_log without a filter → 400 / 40001 pointing to /all, nothing deleted', async () => {
        await ctx.store.add(aRecord());
        const before = await snapshot();
        for (const query of ['', '?', '?platform=', '?colour=red']) {
          assertError(
            await call(`${ctx.server.api}${query}`, { method: 'DELETE' }),
            400,
            40001,
            /at least one filter is required; to delete every record use DELETE \/api\/v1\/activity_log\/all/,
          );
        }
        assert.equal(await snapshot(), before);
      });

      it('DELETE of an unknown id → 404 / 40401, nothing deleted', async () => {
        await ctx.store.add(aRecord());
        const before = await snapshot();
        assertError(
          await call(`${ctx.server.api}/987654321`, { method: 'DELETE' }),
          404,
          40401,
          /no activity log with id 987654321/,
        );
        assert.equal(await snapshot(), before);
      });

      const unknownRoutes: [string, string][] = [
        ['GET', '/api'],
        ['GET', '/api/v1/nope'],
        ['GET', '/api/v1/activity_log/all'],
        ['GET', '/api/v1/activity_log/123'],
        ['PUT', '/api/v1/activity_log'],
        ['PATCH', '/api/v1/activity_log/1'],
        ['DELETE', '/api/v1/activity_log/count'],
        ['POST', '/api/v1/activity_log/count'],
        ['DELETE', '/api/v1/activity_log/stats'],
      ];
      for (const [method, path] of unknownRoutes) {
        it(`${method} ${path} → 404 / 40401 naming the route`, async () => {
          const before = await snapshot();
          const answer = await call(`${ctx.server.url}${path}`, { method, body: method === 'GET' ? undefined : '{}' });
          assertError(answer, 404, 40401, new RegExp(`route ${method} ${path.replace(/[/]/g, '\\/')} not found`));
          assert.equal(await snapshot(), before);
        });
      }

      // Fastify alone answers a QUERY without Content-Type with 400 (RFC 10008) even where no route takes QUERY.
      for (const body of [undefined, '{}']) {
        it(`QUERY without Content-Type${body ? ', with a body,' : ''} → 404 / 40401 like any unknown route`, async () => {
          for (const path of ['/api/v1/activity_log', '/nowhere']) {
            const raw = await rawRequest(`${ctx.server.url}${path}`, { method: 'QUERY', body });
            const answer: Answer = {
              status: raw.status,
              text: raw.text,
              body: JSON.parse(raw.text),
              headers: new Headers(),
            };
            assertError(answer, 404, 40401, new RegExp(`route QUERY ${path.replace(/[/]/g, '\\/')} not found`));
          }
        });
      }

      it('a URL with broken percent-encoding → 400 / 40001', async () => {
        assertError(await call(`${ctx.server.api}/%zz`, { method: 'DELETE' }), 400, 40001, /URL is not valid/);
      });
    });
  },
  { bodyLimit: BODY_LIMIT },
);
