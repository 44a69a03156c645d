import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CliProcess, startCli } from '../helpers/cli.js';
import { freshDatabase, postgresUnavailable } from '../helpers/postgres.js';
import { aRecord } from '../helpers/records.js';
import { call, postJson } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

const NGINX = '/usr/sbin/nginx';
const CONFIG = new URL('../../../deploy/nginx/actlog.conf', import.meta.url);
const TOKEN = 'nginx-test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

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

  before(async () => {
    database = await freshDatabase();
    instances = await Promise.all(
      [0, 1].map(() =>
        startCli(['--port', '0', '--database-url', database.url, '--token', TOKEN, '--log-level', 'warn']),
      ),
    );
    const ports = instances.map((i) => new URL(i.url).port);
    const listen = 20000 + Math.floor(Math.random() * 20000);
    // The example as shipped, with this test's ports: two instances instead of three.
    const config = readFileSync(CONFIG, 'utf8')
      .replace('server 127.0.0.1:50811', `server 127.0.0.1:${ports[0]}`)
      .replace('server 127.0.0.1:50812', `server 127.0.0.1:${ports[1]}`)
      .replace(/\n\s*server 127\.0\.0\.1:50813[^\n]*/, '')
      .replace('listen 50809;', `listen 127.0.0.1:${listen};`);
    const directives = config.split('\n').filter((line) => !line.trim().startsWith('#'));
    assert.ok(!directives.join('\n').includes('5081'), 'every example port was replaced');
    const file = join(dir.path, 'nginx.conf');
    writeFileSync(file, config);
    nginx = spawn(
      NGINX,
      ['-p', dir.path, '-c', file, '-g', `daemon off; pid ${dir.path}/nginx.pid; error_log stderr;`],
      {
        stdio: 'pipe',
      },
    );
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

  it('keeps answering when one instance goes away', async () => {
    await (instances[0] as CliProcess).stop();
    for (let i = 0; i < 10; i++) {
      const answer = await postJson(front, aRecord(), auth);
      assert.equal(answer.body.code, 0, answer.text);
    }
    assert.equal((await call(`${front}/count`, { headers: auth })).body.data.count, 30);
  });
});
