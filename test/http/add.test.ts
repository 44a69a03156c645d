import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { aRecord } from '../helpers/records.js';
import { call, postJson } from '../helpers/server.js';
import { eachStore } from '../helpers/stores.js';

eachStore(
  'POST /api/v1/activity_log',
  (ctx) => {
    async function newest() {
      const { body } = await call(`${ctx.server.api}?limit=1`);
      return body.data[0];
    }

    describe('POST /api/v1/activity_log', () => {
      beforeEach(async () => ctx.store.deleteAll());

      it('stores a full record and answers exactly {"code":0,"message":"success","data":{"id":N}}', async () => {
        const answer = await postJson(ctx.server.api, aRecord());
        assert.equal(answer.status, 200);
        assert.match(answer.text, /^\{"code":0,"message":"success","data":\{"id":[1-9][0-9]*\}\}$/);
        const record = await newest();
        assert.deepEqual(record, { id: answer.body.data.id, ...aRecord() });
      });

      it('stores absent optional fields as "" and the current time', async () => {
        const before = Math.floor(Date.now() / 1000);
        const answer = await postJson(ctx.server.api, { platform: 'tiktok', serial: 's', action_type: 'follow' });
        const after = Math.floor(Date.now() / 1000);
        assert.equal(answer.body.code, 0);
        const record = await newest();
        assert.equal(record.action_detail, '');
        assert.equal(record.username, '');
        assert.ok(record.timestamp >= before && record.timestamp <= after, `timestamp ${record.timestamp}`);
      });

      it('reads null optional fields as absent', async () => {
        const answer = await postJson(ctx.server.api, {
          ...aRecord(),
          action_detail: null,
          username: null,
          timestamp: null,
        });
        assert.equal(answer.body.code, 0);
        const record = await newest();
        assert.equal(record.action_detail, '');
        assert.equal(record.username, '');
        assert.ok(Math.abs(record.timestamp - Date.now() / 1000) < 5);
      });

      it('ignores unknown fields, never storing or returning them', async () => {
        const raw = JSON.stringify({ ...aRecord(), id: 5, extra: 'x' }).replace('{', '{"__proto__":{"polluted":1},');
        const answer = await postJson(ctx.server.api, raw);
        assert.equal(answer.body.code, 0);
        const record = await newest();
        assert.deepEqual(Object.keys(record), [
          'id',
          'platform',
          'serial',
          'action_type',
          'action_detail',
          'username',
          'timestamp',
        ]);
        assert.notEqual(record.id, 5);
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
      });

      it('accepts timestamp 0 and the largest safe integer', async () => {
        for (const timestamp of [0, Number.MAX_SAFE_INTEGER]) {
          assert.equal((await postJson(ctx.server.api, aRecord({ timestamp }))).body.code, 0);
          assert.equal((await newest()).timestamp, timestamp);
        }
      });

      it('accepts fields exactly at their length limits', async () => {
        const record = aRecord({
          platform: 'p'.repeat(255),
          serial: '🎉'.repeat(255),
          username: 'u'.repeat(255),
          action_detail: 'd'.repeat(65536),
        });
        assert.equal((await postJson(ctx.server.api, record)).body.code, 0);
        const stored = await newest();
        assert.equal(stored.serial, record.serial);
        assert.equal(stored.action_detail.length, 65536);
      });

      for (const [name, headers] of [
        ['no Content-Type', {}],
        ['text/plain', { 'content-type': 'text/plain' }],
        ['curl -d form type', { 'content-type': 'application/x-www-form-urlencoded' }],
        ['application/json; charset=utf-8', { 'content-type': 'application/json; charset=utf-8' }],
        ['an odd type', { 'content-type': 'application/octet-stream' }],
      ] as const) {
        it(`reads a JSON body sent with ${name}`, async () => {
          // A Blob body lets fetch send no Content-Type at all when none is given.
          const body = new Blob([JSON.stringify(aRecord({ serial: name }))]);
          const answer = await call(ctx.server.api, { method: 'POST', headers, body });
          assert.equal(answer.status, 200, answer.text);
          assert.equal((await newest()).serial, name);
        });
      }

      it('gives 100 parallel writers 100 distinct ids', async () => {
        const answers = await Promise.all(
          Array.from({ length: 100 }, (_, i) => postJson(ctx.server.api, aRecord({ timestamp: i }))),
        );
        const ids = answers.map((a) => a.body.data.id);
        assert.equal(new Set(ids).size, 100);
        const count = await call(`${ctx.server.api}/count`);
        assert.equal(count.body.data.count, 100);
      });
    });
  },
  { bodyLimit: 200_000 },
);
