import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runCli, startCli } from '../helpers/cli.js';
import { aRecord } from '../helpers/records.js';
import { tempDir } from '../helpers/temp.js';

const DAY = 86_400;

/** A file with 30 records 100 days old (10 of them views), 20 of 10 days and 5 of today. */
async function seeded(file: string): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const store = SqliteStore.open(file);
  store.importBatch([
    ...Array.from({ length: 30 }, (_, i) =>
      aRecord({ action_type: i < 10 ? 'view' : 'post', timestamp: now - 100 * DAY }),
    ),
    ...Array.from({ length: 20 }, () => aRecord({ action_type: 'view', timestamp: now - 10 * DAY })),
    ...Array.from({ length: 5 }, () => aRecord({ timestamp: now })),
  ]);
  await store.close();
}

describe('actlog prune and serve --retain-days', () => {
  it('prune --dry-run says what would go, per rule, beside a running server, deleting nothing', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'a.db');
    await seeded(file);
    const server = await startCli(['--port', '0', '--db', file, '--log-level', 'warn']);
    try {
      const dry = await runCli([
        'prune',
        '--db',
        file,
        '--retain-days',
        '60',
        '--retain-rule',
        'action_type=view:7',
        '--dry-run',
      ]);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /^would delete 50 records\n/);
      assert.match(dry.stdout, /30 {2}by action_type=view:7\n/);
      assert.match(dry.stdout, /20 {2}by --retain-days 60\n/);
      const answer = (await (await fetch(`${server.api}/count`)).json()) as { data: { count: number } };
      assert.equal(answer.data.count, 55);
    } finally {
      await server.stop();
      dir.remove();
    }
  });

  it('prune deletes what is past its age; counts stay exact', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'a.db');
    await seeded(file);
    try {
      const pruned = await runCli(['prune', '--db', file, '--retain-days', '60']);
      assert.equal(pruned.code, 0, pruned.stderr);
      assert.match(pruned.stdout, /^deleted 30 records\n/);
      const store = SqliteStore.open(file);
      assert.equal(await store.count({}), 25);
      assert.equal(await store.count({ action_type: 'view' }), 20);
      await store.close();
    } finally {
      dir.remove();
    }
  });

  it('serve prunes at start, in the background, with rules from the environment', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'a.db');
    await seeded(file);
    const server = await startCli(['--port', '0', '--db', file, '--log-level', 'warn', '--retain-days', '60'], {
      ACTLOG_RETAIN_RULES: 'action_type=view:7',
    });
    try {
      const get = async (path: string) =>
        ((await (await fetch(`${server.api}${path}`)).json()) as { data: never }).data;
      const count = async () => ((await get('/count')) as { count: number }).count;
      for (let i = 0; i < 100 && (await count()) !== 5; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await count(), 5, 'only the records of today are left');
      assert.equal(((await get('/stats?group_by=action_type')) as { total: number }).total, 5);
    } finally {
      await server.stop();
      dir.remove();
    }
  });

  it('refuses bad retention flags (exit 2) and a prune with nothing to apply', async () => {
    for (const args of [
      ['prune', '--retain-days', 'soon'],
      ['prune', '--retain-rule', 'view:7'],
      ['prune'],
      ['serve', '--retain-rule', 'colour=red:1'],
    ]) {
      const result = await runCli(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /retain|nothing to do/);
    }
  });
});
