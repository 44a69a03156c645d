import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { aRecord, DST_DAY } from '../helpers/records.js';
import { type Answer, call, postJson } from '../helpers/server.js';
import { eachStore } from '../helpers/stores.js';

const every = {
  ...aRecord(),
  status: 'failed',
  error: 'Network timeout after 30 s',
  task_id: 'campaign-42',
  duration_ms: 5300,
  metadata: { video_id: '7300000000000000123', app: { version: '34.1.2' } },
  event_id: '0190c6d2-5a3b-7c1e-9f00-2b1d4e6f8a90',
};

function assertInvalid(answer: Answer, message: RegExp) {
  assert.equal(answer.status, 400, answer.text);
  assert.equal(answer.body.code, 40001, answer.text);
  assert.match(answer.body.message, message);
  assert.equal(answer.body.data, null);
}

eachStore('extensions', (ctx) => {
  const count = async (query = '') => (await call(`${ctx.server.api}/count${query}`)).body.data.count as number;

  describe('record fields (extensions §1) and idempotent writes (§3)', () => {
    beforeEach(async () => ctx.store.deleteAll());

    it('stores every extension field and shows each after the original seven, in order', async () => {
      const added = await postJson(ctx.server.api, { ...every, unknown: 'ignored' });
      assert.equal(added.text, `{"code":0,"message":"success","data":{"id":${added.body.data.id}}}`);
      const listed = await call(ctx.server.api);
      assert.equal(
        listed.text,
        `{"code":0,"message":"success","data":[{"id":${added.body.data.id},"platform":"tiktok","serial":"device_serial_123","action_type":"post","action_detail":"Published video successfully","username":"user123","timestamp":1707725000,"status":"failed","error":"Network timeout after 30 s","task_id":"campaign-42","duration_ms":5300,"metadata":{"video_id":"7300000000000000123","app":{"version":"34.1.2"}},"event_id":"0190c6d2-5a3b-7c1e-9f00-2b1d4e6f8a90"}]}`,
      );
    });

    it('reads null as not given', async () => {
      const nulls = Object.fromEntries(Object.keys(every).map((key) => [key, null]));
      await postJson(ctx.server.api, { ...nulls, platform: 'p', serial: 's', action_type: 'a' });
      const [record] = (await call(ctx.server.api)).body.data;
      assert.deepEqual(Object.keys(record), [
        'id',
        'platform',
        'serial',
        'action_type',
        'action_detail',
        'username',
        'timestamp',
      ]);
    });

    it('answers a repeated event_id with the first id and "duplicate": true, storing nothing', async () => {
      const first = await postJson(ctx.server.api, aRecord({ event_id: 'k' }));
      const again = await postJson(ctx.server.api, aRecord({ event_id: 'k', serial: 'other' }));
      assert.equal(again.text, `{"code":0,"message":"success","data":{"id":${first.body.data.id},"duplicate":true}}`);
      const concurrent = await Promise.all(
        Array.from({ length: 10 }, () => postJson(ctx.server.api, aRecord({ event_id: 'burst' }))),
      );
      assert.equal(new Set(concurrent.map((a) => a.body.data.id)).size, 1);
      assert.equal(concurrent.filter((a) => a.body.data.duplicate === true).length, 9);
      assert.equal(await count(), 2);
    });

    it('refuses each wrong extension value with 40001 naming the field, storing nothing', async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ status: 'done' }, /status must be one of success, failed, skipped/],
        [{ status: 1 }, /status must be a string/],
        [{ error: '' }, /error must not be empty/],
        [{ error: 'x'.repeat(4097) }, /error must be at most 4096 characters/],
        [{ task_id: '' }, /task_id must not be empty/],
        [{ task_id: 't'.repeat(256) }, /task_id must be at most 255 characters/],
        [{ duration_ms: -1 }, /duration_ms must be >= 0/],
        [{ duration_ms: 2_147_483_648 }, /duration_ms must be <= 2147483647/],
        [{ duration_ms: 1.5 }, /duration_ms must be an integer/],
        [{ metadata: [1, 2] }, /metadata must be a JSON object/],
        [{ metadata: 'text' }, /metadata must be a JSON object/],
        [{ metadata: { big: 'x'.repeat(8200) } }, /metadata must be at most 8192 bytes as compact JSON/],
        [
          { metadata: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } },
          /metadata must be nested at most 8 levels deep/,
        ],
        [{ metadata: { id: 2 ** 64 } }, /metadata\.id is an integer beyond 2\^53-1/],
        [{ metadata: { text: 'a\ud800b' } }, /metadata\.text must not contain unpaired surrogates/],
        [{ event_id: '' }, /event_id must not be empty/],
        [{ event_id: 'e'.repeat(129) }, /event_id must be at most 128 characters/],
        [{ error: 'nul\u0000' }, /error must not contain NUL characters/],
      ];
      for (const [extra, message] of cases) {
        assertInvalid(await postJson(ctx.server.api, { ...aRecord(), ...extra }), message);
      }
      // Eight levels are allowed.
      const deep = await postJson(ctx.server.api, {
        ...aRecord(),
        metadata: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } },
      });
      assert.equal(deep.body.code, 0, deep.text);
      assert.equal(await count(), 1);
    });
  });

  describe('filters (extensions §2), statistics (§4) and delete-matching (§5)', () => {
    beforeEach(async () => {
      await ctx.store.deleteAll();
      const records = [
        { ...aRecord({ serial: 'a', username: 'x', timestamp: DST_DAY + 10 }), status: 'success', task_id: 't1' },
        { ...aRecord({ serial: 'a', username: 'x', timestamp: DST_DAY + 4000 }), status: 'failed', error: 'Captcha' },
        {
          ...aRecord({
            serial: 'b',
            username: 'y',
            timestamp: DST_DAY + 90_000,
            action_detail: 'Liked a CAPTCHA video',
          }),
        },
      ];
      for (const record of records) await postJson(ctx.server.api, record);
    });

    it('filters lists and counts by username, status, task_id, time and text', async () => {
      const cases: [string, number][] = [
        ['?username=x', 2],
        ['?status=failed', 1],
        ['?status=success&username=x', 1],
        ['?task_id=t1', 1],
        ['?task_id=T1', 0],
        [`?since=${DST_DAY + 10}&until=${DST_DAY + 4000}`, 1],
        [`?since=${DST_DAY + 4000}`, 2],
        ['?q=captcha', 2],
        ['?q=CAPTCHA&serial=b', 1],
        ['?q=&status=&task_id=', 3],
      ];
      for (const [query, expected] of cases) {
        assert.equal(await count(query), expected, query);
        assert.equal((await call(`${ctx.server.api}${query}`)).body.data.length, expected, query);
      }
    });

    it('refuses bad filters with 40001', async () => {
      const cases: [string, RegExp][] = [
        ['?status=bogus', /status must be one of success, failed, skipped/],
        [`?since=${DST_DAY + 10}&until=${DST_DAY}`, /since must not be after until/],
        ['?since=-1', /since must be >= 0/],
        ['?until=soon', /until must be an integer/],
        [`?q=${'q'.repeat(201)}`, /q must be at most 200 characters/],
        ['?q=%00', /q must not contain NUL characters/],
        ['?username=a&username=b', /username must be given once/],
      ];
      for (const [query, message] of cases) {
        assertInvalid(await call(`${ctx.server.api}${query}`), message);
        assertInvalid(await call(`${ctx.server.api}/count${query}`), message);
      }
    });

    it('answers statistics with keys in group_by order, then count and last_timestamp', async () => {
      const answer = await call(`${ctx.server.api}/stats?group_by=day,serial&tz=Europe/Amsterdam`);
      assert.equal(
        answer.text,
        `{"code":0,"message":"success","data":{"total":3,"truncated":false,"groups":[{"day":"2026-10-25","serial":"a","count":2,"last_timestamp":${DST_DAY + 4000}},{"day":"2026-10-26","serial":"b","count":1,"last_timestamp":${DST_DAY + 90_000}}]}}`,
      );
      const byStatus = await call(`${ctx.server.api}/stats?group_by=status&limit=2`);
      assert.deepEqual(byStatus.body.data, {
        total: 3,
        truncated: true,
        groups: [
          { status: 'failed', count: 1, last_timestamp: DST_DAY + 4000 },
          { status: 'success', count: 1, last_timestamp: DST_DAY + 10 },
        ],
      });
      const hours = await call(`${ctx.server.api}/stats?group_by=hour&tz=%2B05:30&serial=a`);
      assert.deepEqual(
        hours.body.data.groups.map((g: { hour: string }) => g.hour),
        ['2026-10-25T05:00+05:30', '2026-10-25T06:00+05:30'],
      );
      // A + typed into the URL unencoded arrives as a space, and is read as the + it was.
      const typed = await call(`${ctx.server.api}/stats?group_by=hour&tz=+05:30&serial=a`);
      assert.deepEqual(typed.body.data, hours.body.data);
      const none = await call(`${ctx.server.api}/stats`);
      assert.deepEqual(none.body.data, {
        total: 3,
        truncated: false,
        groups: [{ count: 3, last_timestamp: DST_DAY + 90_000 }],
      });
      assert.equal((await call(`${ctx.server.api}/stats?q=captcha`)).body.data.total, await count('?q=captcha'));
    });

    it('refuses bad statistics parameters with 40001', async () => {
      const cases: [string, RegExp][] = [
        ['?group_by=colour', /group_by: "colour" is not one of platform, serial/],
        ['?group_by=day,serial,status', /group_by takes at most 2 keys/],
        ['?group_by=day,day', /group_by names a key twice/],
        ['?tz=Mars/Olympus', /tz must be an IANA time zone name/],
        ['?tz=%2B25:00', /tz must be an IANA time zone name/],
        ['?limit=0', /limit must be >= 1/],
        ['?limit=1.5', /limit must be an integer/],
      ];
      for (const [query, message] of cases) assertInvalid(await call(`${ctx.server.api}/stats${query}`), message);
    });

    it('deletes what matches and counts it; needs a filter', async () => {
      const deleted = await call(`${ctx.server.api}?username=x&status=failed`, { method: 'DELETE' });
      assert.equal(deleted.text, '{"code":0,"message":"success","data":{"deleted":true,"count":1}}');
      assert.equal(await count(), 2);
      const again = await call(`${ctx.server.api}?username=x&status=failed`, { method: 'DELETE' });
      assert.equal(again.body.data.count, 0);
      assertInvalid(await call(ctx.server.api, { method: 'DELETE' }), /at least one filter is required/);
      assert.equal(await count(), 2);
    });
  });
});
