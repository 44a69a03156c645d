import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CliProcess, startCli } from '../helpers/cli.js';
import { freshDatabase, postgresUnavailable } from '../helpers/postgres.js';
import { aRecord } from '../helpers/records.js';
import { call, postJson } from '../helpers/server.js';
import { SseClient } from '../helpers/sse.js';
import { tempDir } from '../helpers/temp.js';

const NGINX = '/usr/sbin/nginx';
const CONFIG = new URL('../../../deploy/nginx/actlog.conf', import.meta.url);
const TOKEN = 'nginx-test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
const SYSTEM_PID_FILE = '/run/nginx.pid';
/** Whether the system nginx's pid file exists, and when it was last written. */
const pidFileState = () => (existsSync(SYSTEM_PID_FILE) ? statSync(SYSTEM_PID_FILE).mtimeMs : 'absent');

/** Asserts an answer in actlog's envelope (not nginx's HTML page). */
function assertEnvelope(answer: { status: number; text: string; headers?: Headers }, status: number, code: number) {
  assert.equal(answer.status, status, answer.text);
  const body = JSON.parse(answer.text);
  assert.deepEqual(Object.keys(body), ['code', 'message', 'data']);
  assert.equal(body.code, code);
  assert.equal(body.data, null);
}

/** Raw bytes to nginx, for requests no HTTP client would send; resolves with status line and body. */
function rawExchange(port: number, request: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
      resolve({ status, text: answer.slice(answer.indexOf('\r\n\r\n') + 4) });
    });
  });
}

async function skipReason(): Promise<string | undefined> {
  if (!existsSync(NGINX)) {
    const reason = 'nginx is not installed (apt-get install nginx-light); nginx example test skipped';
    if (process.env.CI) throw new Error(`CI requires nginx: ${reason}`);
    process.stderr.write(`\n*** ${reason}\n\n`);
    return reason;
  }
  return postgresUnavailable();
}
const skip = await skipReason();

describe('the nginx example config (deploy/nginx/actlog.conf) in front of two instances', { skip }, () => {
  const dir = tempDir();
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let instances: CliProcess[] = [];
  let nginx: ChildProcess;
  let front = '';
  let listen = 0;
  let systemPidFile: number | string = 'absent';

  before(async () => {
    database = await freshDatabase();
    instances = await Promise.all(
      [0, 1].map(() =>
        startCli(['--port', '0', '--database-url', database.url, '--token', TOKEN, '--log-level', 'warn']),
      ),
    );
    const ports = instances.map((i) => new URL(i.url).port);
    listen = 20000 + Math.floor(Math.random() * 20000);
    // The example as shipped, with this test's ports: two instances instead of three.
    // The example as shipped, with this test's ports (two instances instead of three) and
    // a short read timeout, so that a stalled instance shows within the test.
    const config = readFileSync(CONFIG, 'utf8')
      .replace('server 127.0.0.1:50811', `server 127.0.0.1:${ports[0]}`)
      .replace('server 127.0.0.1:50812', `server 127.0.0.1:${ports[1]}`)
      .replace(/\n\s*server 127\.0\.0\.1:50813[^\n]*/, '')
      .replace('listen 50809;', `listen 127.0.0.1:${listen};`)
      .replace('proxy_read_timeout 30s;', 'proxy_read_timeout 1s;');
    const directives = config.split('\n').filter((line) => !line.trim().startsWith('#'));
    assert.ok(!directives.join('\n').includes('5081'), 'every example port was replaced');
    assert.ok(directives.join('\n').includes('proxy_read_timeout 1s;'));
    const file = join(dir.path, 'nginx.conf');
    writeFileSync(file, config);
    // Its -p folder, as the example's comment says; nginx's workers (not root) use it too.
    chmodSync(dir.path, 0o755);
    systemPidFile = pidFileState();
    nginx = spawn(NGINX, ['-p', dir.path, '-c', file, '-g', 'daemon off;'], { stdio: 'pipe' });
    front = `http://127.0.0.1:${listen}/api/v1/activity_log`;
    for (let i = 0; i < 50; i++) {
      if (
        await fetch(front, { headers: auth }).then(
          () => true,
          () => false,
        )
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('nginx did not start');
  });

  after(async () => {
    nginx?.kill('SIGTERM');
    await Promise.all(instances.map((i) => i.stop()));
    await database?.drop();
    dir.remove();
  });

  it('serves the API through the balancer, spreading requests over both instances', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) ids.push((await postJson(front, aRecord({ timestamp: i }), auth)).body.data.id);
    assert.equal(new Set(ids).size, 20);
    assert.equal((await call(`${front}/count`, { headers: auth })).body.data.count, 20);
    assert.equal((await call(front, { headers: auth })).status, 200);
    assert.equal((await call(front)).status, 401, 'the token is still required through nginx');
    for (const instance of instances) {
      const metrics = await call(`${instance.url}/metrics`, { headers: auth });
      const served = /actlog_records_written_total (\d+)/.exec(metrics.text)?.[1];
      assert.ok(Number(served) > 0, `instance ${instance.url} took part`);
    }
  });

  it("keeps its pid file in its own folder, never the system nginx's /run/nginx.pid", () => {
    assert.equal(readFileSync(join(dir.path, 'actlog-nginx.pid'), 'utf8').trim(), String(nginx.pid));
    assert.equal(pidFileState(), systemPidFile, `${SYSTEM_PID_FILE} is left as it was`);
  });

  it('passes a body larger than its memory buffer (temporary files in its own folder)', async () => {
    const answer = await postJson(front, aRecord({ action_detail: 'x'.repeat(60_000) }), auth);
    assert.equal(answer.body?.code, 0, answer.text);
  });

  it('answers the errors it raises itself in the envelope, not as HTML', async () => {
    const tooLarge = await postJson(front, aRecord({ action_detail: 'x'.repeat(2_000_000) }), auth);
    assertEnvelope(tooLarge, 413, 41301);
    assert.match(tooLarge.body.message, /body is larger than the limit/);
    assertEnvelope(await call(`${front}?q=${'a'.repeat(10_000)}`, { headers: auth }), 414, 40001);
    assertEnvelope(await call(front, { headers: { ...auth, 'x-filler': 'a'.repeat(10_000) } }), 431, 40001);
    const malformed = await rawExchange(listen, 'GET / HTTP/1.1\r\nHost: a\r\nNo colon here\r\n\r\n');
    assertEnvelope(malformed, 400, 40001);
  });

  it('passes batches up to 16 MiB; a larger one gets the envelope', async () => {
    const batch = Array.from({ length: 1_500 }, (_, i) => aRecord({ action_detail: `${i} ${'b'.repeat(1_000)}` }));
    const answer = await postJson(`${front}/batch`, batch, auth);
    assert.equal(answer.body.code, 0, answer.text.slice(0, 200));
    assert.equal(answer.body.data.added, 1_500);
    const huge = await call(`${front}/batch`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
      body: `${JSON.stringify(aRecord({ action_detail: 'h'.repeat(4_000) }))}\n`.repeat(4_300),
    });
    assertEnvelope(huge, 413, 41301);
    assert.match(huge.body.message, /16777216/);
  });

  it('streams a live tail through the balancer: records written through either instance, also after an idle spell', async () => {
    const tail = await SseClient.open(`${front}/stream?platform=nginx`, auth);
    try {
      const ids: number[] = [];
      for (const instance of instances) {
        ids.push((await postJson(instance.api, aRecord({ platform: 'nginx' }), auth)).body.data.id);
      }
      await tail.until(() => tail.records().length === 2, 5_000);
      // Longer than the test's 1 s read timeout of ordinary requests: the stream's own is longer.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      ids.push((await postJson((instances[1] as CliProcess).api, aRecord({ platform: 'nginx' }), auth)).body.data.id);
      await tail.until(() => tail.records().length === 3, 5_000);
      assert.deepEqual(
        tail.records().map((r) => r.id),
        ids,
      );
    } finally {
      tail.close();
    }
  });

  it('keeps answering when one instance goes away', async () => {
    const before = (await call(`${front}/count`, { headers: auth })).body.data.count as number;
    await (instances[0] as CliProcess).stop();
    for (let i = 0; i < 10; i++) {
      const answer = await postJson(front, aRecord(), auth);
      assert.equal(answer.body.code, 0, answer.text);
    }
    assert.equal((await call(`${front}/count`, { headers: auth })).body.data.count, before + 10);
  });

  it('504 / 50001 in the envelope when no instance answers in time', async () => {
    // process.kill, not child.kill: the latter marks the child as killed, and stop() would then not signal it.
    const stalled = (instances[1] as CliProcess).child.pid as number;
    process.kill(stalled, 'SIGSTOP');
    try {
      // A POST is never retried on another instance once sent, so this one times out.
      assertEnvelope(await postJson(front, aRecord(), auth), 504, 50001);
    } finally {
      process.kill(stalled, 'SIGCONT');
    }
  });

  it('502 / 50001 in the envelope when no instance is reachable', async () => {
    await (instances[1] as CliProcess).stop();
    const answer = await call(front, { headers: auth });
    assertEnvelope(answer, 502, 50001);
    assert.match(answer.text, /no actlog instance is reachable/);
  });
});
