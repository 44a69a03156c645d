import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { aRecord, mixedRecords } from '../helpers/records.js';
import { call } from '../helpers/server.js';
import { eachStore } from '../helpers/stores.js';

eachStore('list, count, delete', (ctx) => {
  async function seed(n: number) {
    // The original contract's fields only: these tests pin the bytes a TikMatrix client reads.
    const records = mixedRecords(n).map(({ platform, serial, action_type, action_detail, username, timestamp }) => ({
      platform,
      serial,
      action_type,
      action_detail,
      username,
      timestamp,
    }));
    const outcomes = await Promise.all(records.map((r) => ctx.store.add(r)));
    return records.map((r, i) => ({ id: (outcomes[i] as { id: number }).id, ...r })).sort((a, b) => b.id - a.id);
  }

  describe('GET /api/v1/activity_log', () => {
    beforeEach(async () => ctx.store.deleteAll());

    it('answers the envelope with a bare array, newest first, fields in contract order', async () => {
      const [newest] = await seed(3);
      const answer = await call(`${ctx.server.api}?limit=1`);
      assert.equal(answer.status, 200);
      const r = newest as ReturnType<typeof aRecord> & { id: number };
      assert.equal(
        answer.text,
        `{"code":0,"message":"success","data":[{"id":${r.id},"platform":${JSON.stringify(r.platform)},"serial":${JSON.stringify(r.serial)},"action_type":${JSON.stringify(r.action_type)},"action_detail":${JSON.stringify(r.action_detail)},"username":${JSON.stringify(r.username)},"timestamp":${r.timestamp}}]}`,
      );
    });

    it('answers an empty store with an empty array', async () => {
      assert.equal((await call(ctx.server.api)).text, '{"code":0,"message":"success","data":[]}');
    });

    it('returns 100 records by default and clamps limit at 1000', async () => {
      const all = await seed(1005);
      const byDefault = await call(ctx.server.api);
      assert.equal(byDefault.body.data.length, 100);
      assert.deepEqual(
        byDefault.body.data.map((r: { id: number }) => r.id),
        all.slice(0, 100).map((r) => r.id),
      );
      assert.equal((await call(`${ctx.server.api}?limit=5000`)).body.data.length, 1000);
      assert.equal((await call(`${ctx.server.api}?limit=99999999999999999999`)).body.data.length, 1000);
      assert.equal((await call(`${ctx.server.api}?limit=1000`)).body.data.length, 1000);
      assert.equal((await call(`${ctx.server.api}?limit=7`)).body.data.length, 7);
      assert.equal((await call(`${ctx.server.api}?limit=&offset=`)).body.data.length, 100, 'empty means absent');
    });

    it('pages with offset over every record exactly once, and past the end gives []', async () => {
      const all = await seed(45);
      const seen: number[] = [];
      for (let offset = 0; offset < 60; offset += 10) {
        const page = await call(`${ctx.server.api}?limit=10&offset=${offset}`);
        seen.push(...page.body.data.map((r: { id: number }) => r.id));
      }
      assert.deepEqual(
        seen,
        all.map((r) => r.id),
      );
      assert.deepEqual((await call(`${ctx.server.api}?offset=45`)).body.data, []);
      assert.deepEqual((await call(`${ctx.server.api}?offset=9007199254740991`)).body.data, []);
    });

    it('filters exactly by each combination; an empty value means no filter; unknown params are ignored', async () => {
      const all = await seed(60);
      const pick = all[0] as (typeof all)[number];
      const cases: [string, (r: typeof pick) => boolean][] = [
        [`platform=${pick.platform}`, (r) => r.platform === pick.platform],
        [`serial=${pick.serial}`, (r) => r.serial === pick.serial],
        [`action_type=${pick.action_type}`, (r) => r.action_type === pick.action_type],
        [
          `platform=${pick.platform}&serial=${pick.serial}`,
          (r) => r.platform === pick.platform && r.serial === pick.serial,
        ],
        [
          `platform=${pick.platform}&action_type=${pick.action_type}`,
          (r) => r.platform === pick.platform && r.action_type === pick.action_type,
        ],
        [
          `serial=${pick.serial}&action_type=${pick.action_type}`,
          (r) => r.serial === pick.serial && r.action_type === pick.action_type,
        ],
        [
          `platform=${pick.platform}&serial=${pick.serial}&action_type=${pick.action_type}`,
          (r) => r.platform === pick.platform && r.serial === pick.serial && r.action_type === pick.action_type,
        ],
        ['platform=&serial=&action_type=', () => true],
        ['colour=red&foo=bar', () => true],
        ['platform=tiktok', (r) => r.platform === 'tiktok'],
        ['platform=TIKTOK', () => false],
      ];
      for (const [query, keep] of cases) {
        const expected = all.filter(keep);
        const list = await call(`${ctx.server.api}?${query}&limit=1000`);
        assert.deepEqual(list.body.data, expected, query);
        const count = await call(`${ctx.server.api}/count?${query}`);
        assert.equal(count.text, `{"code":0,"message":"success","data":{"count":${expected.length}}}`, query);
      }
    });

    it('pages with the before_id extension, and without it answers as the contract says', async () => {
      const all = await seed(30);
      const pivot = (all[9] as { id: number }).id;
      const page = await call(`${ctx.server.api}?limit=5&before_id=${pivot}`);
      assert.deepEqual(
        page.body.data.map((r: { id: number }) => r.id),
        all.slice(10, 15).map((r) => r.id),
      );
    });

    it('encodes hostile text safely and returns it unchanged', async () => {
      const nasty = aRecord({ serial: '</script><script>alert(1)</script>', action_detail: '"\\\u2028\u2029\u0001' });
      await ctx.store.add(nasty);
      const answer = await call(`${ctx.server.api}?serial=${encodeURIComponent(nasty.serial)}`);
      assert.equal(answer.body.data[0].serial, nasty.serial);
      assert.equal(answer.body.data[0].action_detail, nasty.action_detail);
    });
  });

  describe('GET /api/v1/activity_log/count', () => {
    beforeEach(async () => ctx.store.deleteAll());

    it('counts all records, and zero on an empty store', async () => {
      assert.equal((await call(`${ctx.server.api}/count`)).text, '{"code":0,"message":"success","data":{"count":0}}');
      await seed(12);
      assert.equal((await call(`${ctx.server.api}/count`)).body.data.count, 12);
    });
  });

  describe('DELETE /api/v1/activity_log/{id} and /all', () => {
    beforeEach(async () => ctx.store.deleteAll());

    it('deletes one record and answers exactly {"deleted":true,"id":N}', async () => {
      const [first, second] = await seed(2);
      const id = (first as { id: number }).id;
      const answer = await call(`${ctx.server.api}/${id}`, { method: 'DELETE' });
      assert.equal(answer.status, 200);
      assert.equal(answer.text, `{"code":0,"message":"success","data":{"deleted":true,"id":${id}}}`);
      const left = await call(ctx.server.api);
      assert.deepEqual(left.body.data, [second]);
      assert.equal((await call(`${ctx.server.api}/count`)).body.data.count, 1);
      assert.equal((await call(`${ctx.server.api}/${id}`, { method: 'DELETE' })).status, 404);
    });

    it('deletes all records, answers exactly, and new ids stay above the old ones', async () => {
      const all = await seed(10);
      const answer = await call(`${ctx.server.api}/all`, { method: 'DELETE' });
      assert.equal(answer.status, 200);
      assert.equal(
        answer.text,
        '{"code":0,"message":"success","data":{"deleted":true,"message":"All activity logs deleted"}}',
      );
      assert.equal((await call(`${ctx.server.api}/count`)).body.data.count, 0);
      assert.deepEqual((await call(ctx.server.api)).body.data, []);
      const post = await call(ctx.server.api, { method: 'POST', body: JSON.stringify(aRecord()) });
      assert.ok(post.body.data.id > (all[0] as { id: number }).id);
      // Deleting all on an empty store succeeds too.
      await call(`${ctx.server.api}/all`, { method: 'DELETE' });
      assert.equal((await call(`${ctx.server.api}/all`, { method: 'DELETE' })).body.code, 0);
    });
  });
});
