import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { rawRequest } from '../helpers/raw.js';
import { aRecord } from '../helpers/records.js';
import { eachStore } from '../helpers/stores.js';

eachStore(
  'hostile input',
  (ctx) => {
    /** `npm test` runs a quick count; ACTLOG_FUZZ_RUNS=20000 for the long run in docs/reliability.md. */
    const RUNS = Number(process.env.ACTLOG_FUZZ_RUNS ?? 400);

    /** Percent-encodes any text (encodeURIComponent throws on lone surrogates). */
    const pct = (text: string) =>
      [...Buffer.from(text, 'utf8')]
        .map((b) =>
          /[A-Za-z0-9._~-]/.test(String.fromCharCode(b))
            ? String.fromCharCode(b)
            : `%${b.toString(16).padStart(2, '0')}`,
        )
        .join('');

    const hugeNumbers = fc.constantFrom(
      '1e400',
      '-1e400',
      '9'.repeat(400),
      '9007199254740992',
      '9007199254740991',
      '-0',
      '0x10',
      'NaN',
      'Infinity',
      '1.0000000000000002',
      '18446744073709551616',
      '-9223372036854775809',
      '',
    );
    const junkText = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      hugeNumbers,
      fc.constantFrom('%00', '%zz', '%', '%ff%fe', '..%2f..%2f', "' OR 1=1 --", '<script>', '\u0000', '\ud800'),
    );
    const pathSegment = fc.oneof(
      fc.constantFrom('all', 'count', '1', '0', '-1', '1.5', '1e3', 'abc', '%20', '%zz', '%00', '..', '9'.repeat(40)),
      junkText.map(pct),
    );
    const path = fc.oneof(
      fc.constant('/api/v1/activity_log'),
      pathSegment.map((s) => `/api/v1/activity_log/${s}`),
      fc.array(pathSegment, { maxLength: 4 }).map((segments) => `/${segments.join('/')}`),
    );
    const queryValue = fc.oneof(junkText, fc.integer().map(String), hugeNumbers);
    const query = fc
      .array(
        fc.tuple(
          fc.constantFrom('limit', 'offset', 'before_id', 'platform', 'serial', 'action_type', 'x', '__proto__'),
          queryValue,
        ),
        {
          maxLength: 5,
        },
      )
      .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${pct(v)}`).join('&')}` : ''));

    const deepNesting = fc.integer({ min: 1, max: 20000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));
    const body = fc.oneof(
      fc.json({ maxDepth: 4 }),
      fc.anything({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''),
      fc
        .record({
          platform: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant('')),
          serial: fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.string())),
          action_type: fc.oneof(fc.constant(''), fc.double(), fc.boolean()),
          timestamp: fc.oneof(fc.double(), fc.bigInt().map(String), hugeNumbers),
        })
        .map((r) => JSON.stringify(r)),
      hugeNumbers.map((n) => `{"platform":"a","serial":"b","action_type":"c","timestamp":${n || 0}}`),
      deepNesting,
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
      fc.constantFrom('{', '{"platform":', 'null', '"x"', '[]', '{}', '\uFEFF{}', 'x'.repeat(70_000)),
    );
    const contentType = fc.constantFrom(
      undefined,
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      '*/*',
      'application/xml',
      '',
    );
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS'),
      path,
      query,
      contentType,
      body,
    });

    describe('hostile input, generated (fast-check)', () => {
      it(`never answers 5xx, always the 4xx envelope, and changes nothing (${RUNS} requests)`, async () => {
        await ctx.store.add(aRecord());
        const snapshot = async () =>
          `${await ctx.store.count({})}:${JSON.stringify(await ctx.store.list({}, { limit: 1000, offset: 0 }))}`;
        let before = await snapshot();
        await fc.assert(
          fc.asyncProperty(request, async (r) => {
            const headers: Record<string, string> = {};
            if (r.contentType !== undefined) headers['content-type'] = r.contentType;
            const sendsBody = r.method !== 'GET' && r.method !== 'HEAD';
            const answer = await rawRequest(`${ctx.server.url}${r.path}${r.query}`, {
              method: r.method,
              headers,
              ...(sendsBody ? { body: r.body } : {}),
            });
            assert.ok(answer.status < 500, `${r.method} ${r.path}${r.query} → ${answer.status} ${answer.text}`);
            if (r.method === 'HEAD' || (r.method === 'OPTIONS' && answer.status < 400)) return;
            // GET of a path outside /api is the dashboard's page (docs/dashboard.md).
            if (r.method === 'GET' && answer.status === 200 && answer.text.startsWith('<!doctype html>')) {
              assert.doesNotMatch(decodeURIComponentSafe(r.path), /^\/api(\/|$)/, `${r.path} answered with the page`);
              return;
            }
            const envelope = JSON.parse(answer.text);
            if (answer.status >= 400) {
              assert.deepEqual(Object.keys(envelope), ['code', 'message', 'data']);
              assert.ok(envelope.code >= 40000 && envelope.code < 50000, answer.text);
              assert.equal(Math.floor(envelope.code / 100), answer.status, answer.text);
              assert.equal(await snapshot(), before, 'a refused request changed the data');
            } else {
              assert.equal(envelope.code, 0);
              before = await snapshot(); // a request that happened to be valid may change data
            }
          }),
          { numRuns: RUNS },
        );
      });
    });
  },
  { bodyLimit: 64 * 1024 },
);

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
