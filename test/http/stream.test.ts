import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, beforeEach, describe, it } from 'node:test';
import { aRecord } from '../helpers/records.js';
import { call, postJson } from '../helpers/server.js';
import { SseClient } from '../helpers/sse.js';
import { eachStore } from '../helpers/stores.js';

eachStore(
  'live tail',
  (ctx) => {
    const open: SseClient[] = [];
    const stream = async (query = '', headers: Record<string, string> = {}) => {
      const client = await SseClient.open(`${ctx.server.api}/stream${query}`, headers);
      open.push(client);
      return client;
    };
    after(() => {
      for (const client of open) client.close();
    });

    describe('GET /api/v1/activity_log/stream', () => {
      beforeEach(async () => {
        for (const client of open.splice(0)) client.close();
        await ctx.store.deleteAll();
      });

      it('sends new matching records within a second, as the list shows them, with their ids', async () => {
        const client = await stream('?serial=live');
        const started = Date.now();
        const { body } = await postJson(ctx.server.api, aRecord({ serial: 'live', status: 'success' }));
        await postJson(ctx.server.api, aRecord({ serial: 'elsewhere' }));
        await client.until(() => client.records().length === 1, 1000);
        assert.ok(Date.now() - started < 1000);
        const [listed] = (await call(`${ctx.server.api}?serial=live`)).body.data;
        assert.deepEqual(client.events[0], { id: String(body.data.id), event: 'record', data: JSON.stringify(listed) });
      });

      it('tells deletes and delete-all', async () => {
        const { body } = await postJson(ctx.server.api, aRecord());
        const client = await stream();
        await call(`${ctx.server.api}/${body.data.id}`, { method: 'DELETE' });
        await call(`${ctx.server.api}/all`, { method: 'DELETE' });
        await client.until(() => client.events.length >= 2);
        assert.deepEqual(client.events.slice(0, 2), [
          { event: 'delete', data: `{"id":${body.data.id}}` },
          { event: 'delete_all', data: '{}' },
        ]);
      });

      it('resumes after Last-Event-ID or after_id with no gap and no repeat, under concurrent writes', async () => {
        const first = (
          await postJson(
            `${ctx.server.api}/batch`,
            Array.from({ length: 30 }, (_, i) => aRecord({ timestamp: i })),
          )
        ).body.data.results as { id: number }[];
        const resumeAt = (first[9] as { id: number }).id;
        // Writers keep going while the stream replays.
        let writing = true;
        const written: number[] = [];
        const writer = (async () => {
          while (writing) written.push((await postJson(ctx.server.api, aRecord({ serial: 'during' }))).body.data.id);
        })();
        const byHeader = await stream('', { 'last-event-id': String(resumeAt) });
        const byParameter = await stream(`?after_id=${resumeAt}`);
        await new Promise((resolve) => setTimeout(resolve, 300));
        writing = false;
        await writer;
        const expected = [...first.slice(10).map((r) => r.id), ...written].sort((a, b) => a - b);
        for (const client of [byHeader, byParameter]) {
          await client.until(() => client.records().length >= expected.length);
          assert.deepEqual(
            client.records().map((r) => r.id),
            expected,
          );
        }
      });

      it('refuses a bad Last-Event-ID and bad filters with 40001', async () => {
        for (const [query, headers] of [
          ['', { 'last-event-id': 'abc' }],
          ['?after_id=-1', {}],
          ['?status=bogus', {}],
        ] as const) {
          const client = await stream(query, headers);
          assert.equal(client.status, 400);
          assert.equal(JSON.parse(client.text).code, 40001);
        }
      });

      it('ends a stream that falls behind with event: overflow; the client resumes without loss', async () => {
        const socket = connect(Number(new URL(ctx.server.url).port), '127.0.0.1');
        await new Promise((resolve) => socket.once('connect', resolve));
        socket.write(`GET /api/v1/activity_log/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
        socket.pause(); // a client that stops reading
        await new Promise((resolve) => setTimeout(resolve, 100));
        const big = 'x'.repeat(60_000);
        const written: number[] = [];
        for (let round = 0; round < 8; round++) {
          const answer = await postJson(
            `${ctx.server.api}/batch`,
            Array.from({ length: 40 }, () => aRecord({ action_detail: big })),
          );
          written.push(...(answer.body.data.results as { id: number }[]).map((r) => r.id));
        }
        let received = '';
        socket.on('data', (chunk) => {
          received += chunk.toString();
        });
        const closed = new Promise((resolve) => socket.once('end', resolve));
        socket.resume();
        await closed;
        assert.match(
          received.slice(-200),
          /event: overflow\ndata: \{\}\n\n\r\n0\r\n\r\n$/,
          JSON.stringify(received.slice(-200)),
        );
        const got = [...received.matchAll(/\nid: (\d+)\n/g)].map((m) => Number(m[1]));
        assert.ok(got.length < written.length, `overflowed after ${got.length} of ${written.length}`);
        assert.deepEqual(got, written.slice(0, got.length), 'what arrived before the overflow is in id order, no gaps');
        // Resuming from the last id it got delivers exactly the rest.
        const rest = written.slice(got.length);
        const resumed = await stream(`?after_id=${got.at(-1) ?? (written[0] as number) - 1}`);
        await resumed.until(() => resumed.records().length >= rest.length, 10_000);
        assert.deepEqual(
          resumed.records().map((r) => r.id),
          rest,
        );
      });

      it('answers 429 / 42901 beyond the open-stream limit', async () => {
        const clients = await Promise.all([stream(), stream(), stream()]);
        assert.deepEqual(
          clients.map((c) => c.status),
          [200, 200, 200],
        );
        const refused = await stream();
        assert.equal(refused.status, 429);
        assert.equal(JSON.parse(refused.text).code, 42901);
        clients[0]?.close();
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal((await stream()).status, 200);
      });
    });
  },
  { maxStreams: 3 },
);
