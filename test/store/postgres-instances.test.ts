import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CliProcess, startCli } from '../helpers/cli.js';
import { freshDatabase, postgresUnavailable } from '../helpers/postgres.js';
import { aRecord } from '../helpers/records.js';
import { call, postJson } from '../helpers/server.js';
import { SseClient } from '../helpers/sse.js';

const unavailable = await postgresUnavailable();

/** Every record an instance lists, newest first, paged with the before_id cursor. */
async function everything(api: string): Promise<{ id: number; action_detail: string }[]> {
  const all: { id: number; action_detail: string }[] = [];
  let cursor = '';
  for (;;) {
    const page = (await call(`${api}?limit=1000${cursor}`)).body.data as { id: number; action_detail: string }[];
    if (page.length === 0) return all;
    all.push(...page);
    cursor = `&before_id=${page[page.length - 1]?.id}`;
  }
}

describe('three actlog instances on one PostgreSQL database', { skip: unavailable }, () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let instances: CliProcess[] = [];

  before(async () => {
    database = await freshDatabase();
    // Started together: their schema migrations race and must serialise safely.
    instances = await Promise.all(
      [0, 1, 2].map(() => startCli(['--port', '0', '--database-url', database.url, '--log-level', 'warn'])),
    );
  });
  after(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await database?.drop();
  });

  it('loses no acknowledged write, duplicates no id, and agrees on counts and pages', async () => {
    const acknowledged = new Map<number, string>();
    const deleted = new Set<number>();
    const writer = async (w: number) => {
      for (let i = 0; i < 25; i++) {
        const instance = instances[(w + i) % 3] as CliProcess;
        const tag = `w${w}-${i}`;
        const answer = await postJson(instance.api, aRecord({ serial: `s${w % 4}`, action_detail: tag }));
        assert.equal(answer.body.code, 0, answer.text);
        const id = answer.body.data.id as number;
        assert.ok(!acknowledged.has(id), `id ${id} issued twice`);
        acknowledged.set(id, tag);
        if (i % 7 === 3) {
          // Delete an earlier write through a different instance.
          const victim = [...acknowledged.keys()][Math.floor(acknowledged.size / 2)] as number;
          if (!deleted.has(victim)) {
            deleted.add(victim);
            const other = instances[(w + i + 1) % 3] as CliProcess;
            const removal = await call(`${other.api}/${victim}`, { method: 'DELETE' });
            assert.equal(removal.body.code, 0, removal.text);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, (_, w) => writer(w)));

    const expected = [...acknowledged.entries()]
      .filter(([id]) => !deleted.has(id))
      .sort(([a], [b]) => b - a)
      .map(([id, action_detail]) => ({ id, action_detail }));
    const listings = await Promise.all(instances.map((instance) => everything(instance.api)));
    for (const listing of listings) {
      assert.deepEqual(
        listing.map((r) => ({ id: r.id, action_detail: r.action_detail })),
        expected,
      );
    }
    for (const instance of instances) {
      assert.equal((await call(`${instance.api}/count`)).body.data.count, expected.length);
      for (let s = 0; s < 4; s++) {
        const count = (await call(`${instance.api}/count?serial=s${s}`)).body.data.count;
        const want = expected.filter((r) => Number(/^w(\d+)/.exec(r.action_detail)?.[1]) % 4 === s).length;
        assert.equal(count, want, `count for s${s}`);
      }
      const page = (await call(`${instance.api}?limit=25&offset=10`)).body.data.map((r: { id: number }) => r.id);
      assert.deepEqual(
        page,
        expected.slice(10, 35).map((r) => r.id),
      );
    }
  });

  it('streams every record written through any instance to every instance, once and in id order', async () => {
    const streams = await Promise.all(
      instances.map((instance) => SseClient.open(`${instance.api}/stream?platform=tail`)),
    );
    try {
      // Writers on all three instances at once, single records and batches, with an idempotent repeat.
      const ids: number[] = [];
      const writer = async (w: number) => {
        for (let i = 0; i < 15; i++) {
          const instance = instances[(w + i) % 3] as CliProcess;
          if (i % 5 === 4) {
            const batch = Array.from({ length: 10 }, (_, k) =>
              aRecord({ platform: 'tail', action_detail: `w${w}-${i}-${k}` }),
            );
            const answer = await postJson(`${instance.api}/batch`, batch);
            ids.push(...answer.body.data.results.map((r: { id: number }) => r.id));
          } else {
            const answer = await postJson(instance.api, aRecord({ platform: 'tail', event_id: `w${w}-${i}` }));
            if (!answer.body.data.duplicate) ids.push(answer.body.data.id);
            await postJson(instance.api, aRecord({ platform: 'tail', event_id: `w${w}-${i}` }));
          }
        }
      };
      await Promise.all(Array.from({ length: 9 }, (_, w) => writer(w)));
      const expected = [...ids].sort((a, b) => a - b);
      for (const stream of streams) {
        await stream.until(() => stream.records().length >= expected.length, 10_000);
        assert.deepEqual(
          stream.records().map((r) => r.id),
          expected,
        );
      }
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it('refuses text PostgreSQL cannot hold (NUL) with 40001, exactly as on SQLite, storing nothing', async () => {
    const instance = instances[0] as CliProcess;
    const before = (await call(`${instance.api}/count`)).body.data.count;
    for (const body of [
      JSON.stringify(aRecord({ action_detail: 'a\u0000b' })),
      JSON.stringify(aRecord({ serial: '\u0000' })),
      '{"platform":"a","serial":"b","action_type":"\\ud800"}',
    ]) {
      const answer = await postJson(instance.api, body);
      assert.equal(answer.status, 400, answer.text);
      assert.equal(answer.body.code, 40001);
      assert.match(answer.body.message, /must not contain (NUL characters|unpaired surrogates)/);
    }
    const filter = await call(`${instance.api}?serial=%00`);
    assert.equal(filter.body.code, 40001);
    assert.equal((await call(`${instance.api}/count`)).body.data.count, before);
  });
});
