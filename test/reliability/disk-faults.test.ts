import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, startCli } from '../helpers/cli.js';
import { aRecord } from '../helpers/records.js';
import { call, postJson } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

/** A small tmpfs of our own: a disk that really fills up, and that can turn read-only. */
function mountTmpfs(path: string, size: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    const reason = `cannot mount a tmpfs (${(error as Error).message.split('\n')[0]}); disk-fault tests need root`;
    if (process.env.CI) throw new Error(reason);
    process.stderr.write(`\n*** ${reason}: skipped\n\n`);
    return reason;
  }
}

const dir = tempDir();
const skip = mountTmpfs(dir.path, '600k');

async function listAll(api: string): Promise<number[]> {
  const page = await call(`${api}?limit=1000`);
  assert.equal(page.status, 200);
  return page.body.data.map((r: { id: number }) => r.id);
}

describe('disk faults on SQLite', { skip }, () => {
  after(() => {
    execFileSync('umount', [dir.path]);
    dir.remove();
  });

  it('a full disk gives 500 / 50001 for writes, never a false success, and keeps what was acknowledged', async () => {
    const db = join(dir.path, 'full.db');
    const server = await startCli(['--port', '0', '--db', db, '--log-level', 'fatal']);
    const acknowledged: number[] = [];
    let failures = 0;
    for (let i = 0; i < 60 && failures < 5; i++) {
      const answer = await postJson(server.api, aRecord({ action_detail: `${i} ${'x'.repeat(30_000)}` }));
      if (answer.status === 200) {
        acknowledged.push(answer.body.data.id);
      } else {
        failures++;
        assert.equal(answer.status, 500, answer.text);
        assert.equal(answer.body.code, 50001);
        assert.match(answer.body.message, /^internal error: /);
        assert.doesNotMatch(answer.body.message, /SQLITE|disk|\//, 'no internals reach the client');
      }
    }
    assert.ok(failures > 0, 'the disk filled up');
    assert.ok(acknowledged.length > 0, 'writes succeeded before it did');
    assert.equal((await call(`${server.api}/count`)).body.data.count, acknowledged.length, 'reads still work');
    assert.equal(await server.stop(), 0);

    const again = await startCli(['--port', '0', '--db', db, '--log-level', 'fatal']);
    assert.deepEqual(await listAll(again.api), [...acknowledged].reverse());
    assert.equal(await again.stop(), 0);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
  });

  it('a database on a read-only file system: refuses to start, with one line naming the file', async () => {
    const db = join(dir.path, 'ro.db');
    const server = await startCli(['--port', '0', '--db', db, '--log-level', 'fatal']);
    assert.equal((await postJson(server.api, aRecord())).body.code, 0);
    assert.equal(await server.stop(), 0);
    // Open files would keep the mount busy: only a stopped server lets it turn read-only.
    execFileSync('mount', ['-o', 'remount,ro', dir.path]);
    try {
      const result = await runCli(['serve', '--port', '0', '--db', db]);
      assert.equal(result.code, 1);
      assert.match(result.stderr.trim(), new RegExp(`^actlog: cannot open the SQLite database ${db}: .+$`));
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', dir.path]);
    }
  });

  it('a read-only database file: reads keep working, writes get 500 / 50001, nothing changes', async () => {
    const db = join(dir.path, 'readonly.db');
    const writer = await startCli(['--port', '0', '--db', db, '--log-level', 'fatal']);
    const ids = [
      (await postJson(writer.api, aRecord())).body.data.id,
      (await postJson(writer.api, aRecord())).body.data.id,
    ];
    assert.equal(await writer.stop(), 0);
    chmodSync(db, 0o444);
    // File modes do not bind root, whose capabilities override them: run the server as root
    // without capabilities then. (Not as user nobody, who cannot read a clone under /root.)
    const withoutCapabilities = process.getuid?.() === 0 ? ['setpriv', '--inh-caps=-all', '--bounding-set=-all'] : [];
    const server = await startCli(['--port', '0', '--db', db, '--log-level', 'fatal'], {}, withoutCapabilities);
    try {
      for (const request of [
        () => postJson(server.api, aRecord()),
        () => call(`${server.api}/${ids[0]}`, { method: 'DELETE' }),
        () => call(`${server.api}/all`, { method: 'DELETE' }),
      ]) {
        const answer = await request();
        assert.equal(answer.status, 500, answer.text);
        assert.equal(answer.body.code, 50001);
        assert.match(answer.body.message, /^internal error: /);
      }
      assert.deepEqual(await listAll(server.api), [...ids].reverse());
      assert.equal((await call(`${server.api}/count`)).body.data.count, 2);
    } finally {
      await server.stop();
    }
  });
});
