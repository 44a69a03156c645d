import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ActlogClient } from '../../clients/typescript/src/index.js';
import { type CliProcess, startCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { aRecord } from '../helpers/records.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';
import { sqliteBackend } from '../store/sqlite-backend.js';

const RECORDS = 6000;

describe('client batcher', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it(`never loses or doubles a record while the server is killed (SIGKILL) and restarted twice mid-stream (${RECORDS} records)`, async () => {
    const file = join(dir.path, 'batcher.db');
    const port = await freePort();
    const args = ['--port', String(port), '--db', file, '--log-level', 'warn'];
    let server: CliProcess = await startCli(args);
    const client = new ActlogClient({ url: server.url });
    const batcher = client.batcher({ maxRecords: 250, maxDelayMs: 10, retry: { baseMs: 20, maxMs: 300 } });
    const failed: unknown[] = [];
    const kills: number[] = [];
    const producer = (async () => {
      for (let i = 0; i < RECORDS; i++) {
        await batcher.add(aRecord({ action_detail: `n${i}`, timestamp: i }));
        // Let requests go out now and then, as a real producer's awaits would.
        if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await batcher.close();
    })().catch((error: unknown) => failed.push(error));
    for (const at of [RECORDS / 4, RECORDS / 2]) {
      while (batcher.stats.added < at) await new Promise((resolve) => setTimeout(resolve, 5));
      kills.push(batcher.stats.added);
      server.child.kill('SIGKILL');
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, 300)); // the batcher retries into a closed port
      server = await startCli(args);
    }
    await producer;
    try {
      assert.deepEqual(failed, []);
      assert.equal(batcher.stats.failed, 0);
      assert.equal(batcher.stats.pending, 0);
      assert.equal(batcher.stats.added + batcher.stats.duplicates, RECORDS);
      assert.ok(batcher.stats.retries > 0, 'the kills made the batcher retry');
      assert.equal(await client.count(), RECORDS);
      const details = new Map<string, number>();
      const eventIds = new Set<string>();
      for await (const record of client.exportRecords()) {
        details.set(record.action_detail, (details.get(record.action_detail) ?? 0) + 1);
        eventIds.add(record.event_id ?? '');
      }
      assert.equal(details.size, RECORDS, 'every record arrived');
      assert.ok(
        [...details.values()].every((n) => n === 1),
        'no record arrived twice',
      );
      assert.equal(eventIds.size, RECORDS, 'every record kept its own event_id');
      assert.ok(!eventIds.has(''));
    } finally {
      await server.stop();
    }
  });
});

describe('client batcher: batching', () => {
  let server: RunningServer;
  let fixture: Awaited<ReturnType<typeof sqliteBackend.fresh>>;
  after(async () => {
    await server?.close();
    await fixture?.destroy();
  });

  it('sends every N records or after T ms, in order, and reports items the server refuses', async () => {
    fixture = await sqliteBackend.fresh();
    server = await startServer(fixture.store);
    const client = new ActlogClient({ url: server.url });
    const refused: string[] = [];
    const batcher = client.batcher({
      maxRecords: 10,
      maxDelayMs: 1500,
      onFailed: (record, error) => refused.push(`${record.serial}: ${error.message}`),
    });
    const started = Date.now();
    const until = async (n: number) => {
      while ((await client.count()) < n) await new Promise((resolve) => setTimeout(resolve, 10));
      return Date.now() - started;
    };
    for (let i = 0; i < 25; i++) await batcher.add(aRecord({ serial: `s${i}` }));
    assert.ok((await until(20)) < 1500, 'two full batches went at once');
    assert.equal(await client.count(), 20, 'five records wait for the timer');
    assert.ok((await until(25)) >= 1500 - 20, 'the timer sent the rest');
    await batcher.add({ ...aRecord(), serial: '' });
    await batcher.flush();
    assert.deepEqual(refused, [': item 0: serial must not be empty']);
    assert.deepEqual(batcher.stats, { added: 25, duplicates: 0, failed: 1, retries: 0, pending: 0 });
    const serials: string[] = [];
    for await (const record of client.exportRecords()) serials.push(record.serial);
    assert.deepEqual(
      serials,
      Array.from({ length: 25 }, (_, i) => `s${i}`),
    );
    await batcher.close();
    await assert.rejects(batcher.add(aRecord()), /closed/);
  });

  it('gives up when its signal aborts: what waits goes to onError, flush rejects', async () => {
    const client = new ActlogClient({ url: `http://127.0.0.1:${await freePort()}` });
    const controller = new AbortController();
    const lost: number[] = [];
    const batcher = client.batcher({ maxDelayMs: 1, onError: (_error, records) => lost.push(records.length) });
    const aborting = client.batcher({
      maxDelayMs: 1,
      signal: controller.signal,
      onError: (_error, records) => lost.push(records.length),
    });
    for (let i = 0; i < 3; i++) await aborting.add(aRecord());
    await new Promise((resolve) => setTimeout(resolve, 100)); // retrying into a closed port
    controller.abort(new Error('shutting down'));
    await assert.rejects(aborting.flush(), /shutting down/);
    assert.deepEqual(lost, [3]);
    assert.equal(aborting.stats.failed, 3);
    await batcher.close(); // nothing buffered: nothing to send
  });
});
