import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { aRecord } from '../helpers/records.js';
import { call } from '../helpers/server.js';
import { eachStore } from '../helpers/stores.js';

const NDJSON = { 'content-type': 'application/x-ndjson' };

eachStore('batch ingest', (ctx) => {
  const batch = (body: string, headers: Record<string, string> = {}) =>
    call(`${ctx.server.api}/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const count = async () => (await call(`${ctx.server.api}/count`)).body.data.count as number;

  describe('POST /api/v1/activity_log/batch', () => {
    beforeEach(async () => ctx.store.deleteAll());

    it('answers one result per item in input order: stored, duplicate or failed', async () => {
      const items = [
        aRecord({ serial: 'a' }),
        aRecord({ serial: 'b', event_id: 'k' }),
        { platform: 'tiktok' },
        aRecord({ serial: 'c', event_id: 'k' }),
        aRecord({ serial: 'd', status: 'failed', metadata: { n: 1 } }),
        'not an object',
      ];
      const answer = await batch(JSON.stringify(items));
      assert.equal(answer.status, 200, answer.text);
      const { data } = answer.body;
      assert.deepEqual(
        { added: data.added, duplicates: data.duplicates, failed: data.failed },
        { added: 3, duplicates: 1, failed: 2 },
      );
      const [a, b, missing, repeat, d, text] = data.results;
      assert.deepEqual(missing, { code: 40001, message: 'item 2: serial is required' });
      assert.deepEqual(repeat, { id: b.id, duplicate: true });
      assert.deepEqual(text, { code: 40001, message: 'item 5: must be a JSON object' });
      assert.ok(a.id < b.id && b.id < d.id, 'ids increase in input order');
      const listed = (await call(ctx.server.api)).body.data.map((r: { serial: string }) => r.serial);
      assert.deepEqual(listed, ['d', 'b', 'a']);
    });

    it('reads NDJSON line by line, ignoring blank lines; a line that is not JSON fails alone', async () => {
      const body = [
        JSON.stringify(aRecord({ serial: 'x' })),
        '',
        '  ',
        '{"broken',
        JSON.stringify(aRecord({ serial: 'y' })),
        '',
      ].join('\r\n');
      const answer = await batch(body, NDJSON);
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.body.data.added, 2);
      assert.deepEqual(answer.body.data.results[1], { code: 40001, message: 'item 1: not valid JSON' });
      assert.equal(await count(), 2);
    });

    it('answers an empty batch with zeros', async () => {
      for (const [body, headers] of [
        ['[]', {}],
        ['', NDJSON],
        ['\n\n', NDJSON],
      ] as const) {
        assert.equal(
          (await batch(body, headers)).text,
          '{"code":0,"message":"success","data":{"added":0,"duplicates":0,"failed":0,"results":[]}}',
        );
      }
    });

    it('refuses a body that is not a JSON array, or not valid JSON, storing nothing', async () => {
      for (const body of [
        '{"platform":"a"}',
        '"text"',
        '',
        '[',
        `[${JSON.stringify(aRecord())}, {bad}]`,
        '[1,]',
        '[1] 2',
      ]) {
        const answer = await batch(body);
        assert.equal(answer.status, 400, `${body}: ${answer.text}`);
        assert.equal(answer.body.code, 40001);
      }
      assert.equal(await count(), 0);
    });

    it('refuses more than 10,000 items or more than 16 MiB with 413 / 41301, storing nothing', async () => {
      const many = await batch(JSON.stringify(Array.from({ length: 10_001 }, () => aRecord())));
      assert.equal(many.status, 413, many.text);
      assert.deepEqual(many.body, {
        code: 41301,
        message: 'a batch holds at most 10000 records (got 10001)',
        data: null,
      });
      const big = await batch(
        JSON.stringify(
          [aRecord({ action_detail: 'x'.repeat(65_536) })].concat(
            Array(260).fill(aRecord({ action_detail: 'y'.repeat(65_000) })),
          ),
        ),
      );
      assert.equal(big.status, 413, big.text.slice(0, 200));
      assert.equal(big.body.code, 41301);
      assert.match(big.body.message, /16777216 bytes/);
      assert.equal(await count(), 0);
      // 10,000 is allowed.
      const full = await batch(JSON.stringify(Array.from({ length: 10_000 }, (_, i) => aRecord({ timestamp: i }))));
      assert.equal(full.body.data.added, 10_000, full.text.slice(0, 200));
      assert.equal(await count(), 10_000);
    });
  });
});
