import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CLI, type CliProcess, runCli, startCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { aRecord } from '../helpers/records.js';
import { tempDir } from '../helpers/temp.js';

/** Runs `actlog <args>` on a pseudo-terminal (util-linux `script`), as a person at a terminal would. */
async function onTerminal(args: string[], env: NodeJS.ProcessEnv = {}) {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qec', `stty cols 160; ${command}`, '/dev/null'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  const [code] = await once(child, 'exit');
  // The terminal's line ends and the progress bar's cursor movements, as a person would not see them.
  return { code: code as number, output: output.replaceAll('\r\n', '\n') };
}

const records = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe('actlog client commands against a running server', () => {
  const dir = tempDir();
  let server: CliProcess;
  let other: CliProcess;
  let env: NodeJS.ProcessEnv;
  const actlog = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { ...env, ...extra });
  // biome-ignore lint/suspicious/noExplicitAny: the batch answer
  const post = async (api: string, body: unknown): Promise<any> =>
    (await fetch(`${api}/batch`, { method: 'POST', body: JSON.stringify(body) })).json();

  before(async () => {
    server = await startCli(['--port', '0', '--db', join(dir.path, 'a.db'), '--log-level', 'warn']);
    other = await startCli(['--port', '0', '--db', join(dir.path, 'b.db'), '--log-level', 'warn']);
    env = { ACTLOG_URL: server.url, ACTLOG_TOKEN: '' };
  });
  after(async () => {
    await server.stop();
    await other.stop();
    dir.remove();
  });
  beforeEach(async () => {
    for (const s of [server, other]) await fetch(`${s.api}/all`, { method: 'DELETE' });
  });

  describe('add', () => {
    it('adds a record from flags and prints {"id":N} when piped; the same --event-id again is a duplicate', async () => {
      const args = ['add', '--platform', 'tiktok', '--serial', 's1', '--action-type', 'post'];
      const more = ['--duration-ms', '5300', '--metadata', '{"video":"v1"}', '--event-id', 'e-1'];
      const first = await actlog([...args, ...more]);
      assert.equal(first.code, 0, first.stderr);
      const { id } = JSON.parse(first.stdout);
      assert.deepEqual(JSON.parse((await actlog([...args, '--event-id', 'e-1'])).stdout), { id, duplicate: true });
      const [stored] = records((await actlog(['list'])).stdout);
      assert.deepEqual(
        { duration_ms: stored.duration_ms, metadata: stored.metadata, event_id: stored.event_id },
        { duration_ms: 5300, metadata: { video: 'v1' }, event_id: 'e-1' },
      );
    });

    it('says "added record N" on a terminal', async () => {
      const { code, output } = await onTerminal(['add', '--platform', 'p', '--serial', 's', '--action-type', 'a'], env);
      assert.equal(code, 0);
      assert.match(output, /^added record \d+\n$/);
    });

    it('refuses a missing required field or a bad number as a usage error (exit 2); the server refusing is exit 1', async () => {
      const missing = await actlog(['add', '--platform', 'p']);
      assert.equal(missing.code, 2);
      assert.equal(missing.stderr, 'actlog: add needs --serial, --action-type\n');
      const bad = await actlog([
        'add',
        '--platform',
        'p',
        '--serial',
        's',
        '--action-type',
        'a',
        '--timestamp',
        'soon',
      ]);
      assert.equal(bad.code, 2);
      const refused = await actlog([
        'add',
        '--platform',
        'p',
        '--serial',
        's',
        '--action-type',
        'a',
        '--status',
        'maybe',
      ]);
      assert.equal(refused.code, 1);
      assert.equal(refused.stderr, 'actlog: status must be one of success, failed, skipped\n');
    });
  });

  describe('list and count', () => {
    it('prints NDJSON when piped, newest first, filtered; any number of records over before_id pages', async () => {
      const now = Math.floor(Date.now() / 1000);
      await post(server.api, [
        ...Array.from({ length: 1200 }, (_, i) => aRecord({ serial: 'many', timestamp: 1_700_000_000 + i })),
        aRecord({ serial: 'recent', timestamp: now - 60 }),
        aRecord({ serial: 'recent', timestamp: now - 7200 }),
      ]);
      const all = records((await actlog(['list', '--serial', 'many', '--all'])).stdout);
      assert.equal(all.length, 1200);
      assert.ok(all.every((r, i) => i === 0 || r.id < all[i - 1].id));
      assert.equal(records((await actlog(['list'])).stdout).length, 100, 'the default limit');
      assert.equal(records((await actlog(['list', '--limit', '1100', '--serial', 'many'])).stdout).length, 1100);
      const page = records((await actlog(['list', '--limit', '2', '--before-id', String(all[10].id)])).stdout);
      assert.deepEqual(
        page.map((r) => r.id),
        [all[11].id, all[12].id],
      );
      assert.equal(records((await actlog(['list', '--since', '1h'])).stdout).length, 1);
      assert.equal(
        records((await actlog(['list', '--until', '2023-11-14T22:13:30Z', '--serial', 'many'])).stdout).length,
        10,
      );
      assert.deepEqual(JSON.parse((await actlog(['count', '--serial', 'recent'])).stdout), { count: 2 });
      assert.equal((await onTerminal(['count', '--serial', 'many'], env)).output, '1200\n');
    });

    it('prints a table on a terminal, with control characters shown as spaces', async () => {
      await post(server.api, [
        aRecord({ serial: 'dev_1', action_detail: 'line one\nline two', status: 'failed', timestamp: 0 }),
      ]);
      const { code, output } = await onTerminal(['list'], env);
      assert.equal(code, 0);
      const [header, row] = output.split('\n');
      assert.match(header ?? '', /^id +time \(UTC\) +platform +serial +action +username +status +detail$/);
      assert.match(row ?? '', /^\d+ +1970-01-01 00:00:00 +tiktok +dev_1 +post +user123 +failed +line one line two$/);
      assert.equal((await onTerminal(['list', '--serial', 'none'], env)).output, 'no records\n');
    });

    it('stops quietly with exit 0 when the reader goes away (actlog list --all | head -1)', async () => {
      await post(
        server.api,
        Array.from({ length: 3000 }, (_, i) => aRecord({ serial: `s${i}` })),
      );
      const child = spawn(process.execPath, [CLI, 'list', '--all'], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.once('data', () => child.stdout.destroy());
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
      assert.equal(stderr, '');
    });

    it('refuses --limit with --all and a bad time (exit 2)', async () => {
      assert.equal((await actlog(['list', '--all', '--limit', '5'])).code, 2);
      const bad = await actlog(['list', '--since', 'yesterday']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--since must be Unix seconds, an ISO date or time/);
    });
  });

  describe('delete', () => {
    it('deletes by id (exit 1 naming the ids that did not exist), by filter, or all', async () => {
      const { results } = (await post(server.api, [aRecord(), aRecord(), aRecord({ serial: 'x' }), aRecord()])).data;
      const [a, b] = results.map((r: { id: number }) => r.id);
      const byId = await actlog(['delete', String(a), String(b), '999999']);
      assert.equal(byId.code, 1);
      assert.deepEqual(JSON.parse(byId.stdout), { deleted: 2, not_found: [999999] });
      assert.deepEqual(JSON.parse((await actlog(['delete', '--serial', 'x'])).stdout), { deleted: 1 });
      assert.deepEqual(JSON.parse((await actlog(['delete', '--all'])).stdout), { deleted: 'all' });
      assert.deepEqual(JSON.parse((await actlog(['count'])).stdout), { count: 0 });
    });

    it('needs exactly one of ids, filters or --all (exit 2)', async () => {
      for (const args of [
        ['delete'],
        ['delete', '1', '--all'],
        ['delete', '--serial', 'x', '--all'],
        ['delete', 'abc'],
      ]) {
        const result = await actlog(args);
        assert.equal(result.code, 2, args.join(' '));
      }
    });
  });

  describe('stats', () => {
    it('prints the answer as JSON when piped, a table and the total on a terminal', async () => {
      await post(server.api, [
        aRecord({ action_type: 'like', timestamp: 1707725000 }),
        aRecord({ action_type: 'like', timestamp: 1707725060 }),
        aRecord({ action_type: 'post', timestamp: 1707725120 }),
      ]);
      const json = JSON.parse((await actlog(['stats', '--group-by', 'day,action_type'])).stdout);
      assert.equal(json.total, 3);
      assert.deepEqual(json.groups[0], {
        day: '2024-02-12',
        action_type: 'like',
        count: 2,
        last_timestamp: 1707725060,
      });
      const { output } = await onTerminal(['stats', '--group-by', 'action_type', '--tz', 'Europe/Amsterdam'], env);
      assert.equal(
        output,
        [
          'action_type  count  last (UTC)',
          'like         2      2024-02-12 08:04:20',
          'post         1      2024-02-12 08:05:20',
          'total 3',
          '',
        ].join('\n'),
      );
      const bad = await actlog(['stats', '--group-by', 'weather']);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /group_by/);
    });
  });

  describe('tail', () => {
    it('prints new matching records as NDJSON until SIGINT, then exits 0', async () => {
      const child = spawn(process.execPath, [CLI, 'tail', '--serial', 'watched'], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      // The tail is live from when it has connected, which a slow machine can take seconds to
      // do: matching probes are posted until one comes through (those before it are not new).
      const live = Date.now() + 20_000;
      while (!output.includes('"action_detail":"probe"') && Date.now() < live) {
        await post(server.api, [aRecord({ serial: 'watched', action_detail: 'probe' })]);
        await new Promise((r) => setTimeout(r, 200));
      }
      await post(server.api, [
        aRecord({ serial: 'watched', action_detail: 'new' }),
        aRecord({ serial: 'other', action_detail: 'new' }),
        aRecord({ serial: 'watched', action_detail: 'new' }),
      ]);
      // Whole lines only: the last one may still be arriving.
      const seen = () =>
        records(output.slice(0, output.lastIndexOf('\n') + 1)).filter((r) => r.action_detail === 'new');
      const deadline = Date.now() + 5000;
      while (seen().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
      assert.deepEqual(
        seen().map((r) => r.serial),
        ['watched', 'watched'],
      );
      assert.ok(
        records(output).every((r) => r.serial === 'watched'),
        output,
      );
    });

    it('--after-id first prints what came after that id', async () => {
      const { results } = (await post(server.api, [aRecord(), aRecord(), aRecord()])).data;
      const child = spawn(process.execPath, [CLI, 'tail', '--after-id', String(results[0].id)], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      const deadline = Date.now() + 20_000;
      while (output.split('\n').length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGTERM');
      assert.equal((await once(child, 'exit'))[0], 0);
      assert.deepEqual(
        records(output).map((r) => r.id),
        [results[1].id, results[2].id],
      );
    });
  });

  describe('export and import', () => {
    const awkward = ['=SUM(A1:A9)', '+1 follower', "'quoted", 'comma, "quotes"\nand a newline', 'Ärger 🎉', ''];
    const seed = () =>
      post(server.api, [
        ...awkward.map((text, i) => aRecord({ action_detail: text, timestamp: i })),
        aRecord({
          status: 'failed',
          error: 'timeout',
          task_id: 't1',
          duration_ms: 7,
          metadata: { a: [1, { b: 'c' }] },
        }),
        // The same content twice, without event_ids: two records all the same.
        { platform: 'tiktok', serial: 'twin', action_type: 'like', timestamp: 5 },
        { platform: 'tiktok', serial: 'twin', action_type: 'like', timestamp: 5 },
      ]);

    for (const format of ['ndjson', 'csv']) {
      it(`round-trips through ${format}: export to a file, import into another server, the same records`, async () => {
        await seed();
        const file = join(dir.path, `round.${format}`);
        const exported = await actlog(['export', file]);
        assert.equal(exported.code, 0, exported.stderr);
        assert.equal(exported.stdout, '');
        assert.equal(exported.stderr, `exported 9 records to ${file}\n`);
        const imported = await actlog(['import', file], { ACTLOG_URL: other.url });
        assert.equal(imported.code, 0, imported.stderr);
        assert.deepEqual(JSON.parse(imported.stdout), { added: 9, duplicates: 0, failed: 0, failures: [] });
        const source = records((await actlog(['export'])).stdout);
        const copy = records((await actlog(['export'], { ACTLOG_URL: other.url })).stdout);
        // The source's records have no event_id (added through the batch endpoint without one); the import derived them.
        const strip = (list: { id?: number; event_id?: string }[]) =>
          list.map(({ id: _i, event_id: _e, ...rest }) => rest);
        assert.deepEqual(strip(copy), strip(source));
        assert.equal(
          new Set(copy.map((r: { event_id: string }) => r.event_id)).size,
          9,
          'the twins got distinct event_ids',
        );
        // Again: nothing is added twice, with or without the records' own event_ids.
        const again = await actlog(['import', file], { ACTLOG_URL: other.url });
        assert.deepEqual(JSON.parse(again.stdout), { added: 0, duplicates: 9, failed: 0, failures: [] });
      });
    }

    it('gives a record without event_id the same derived event_id from the NDJSON and from the CSV export', async () => {
      await seed();
      const ndjson = join(dir.path, 'same.ndjson');
      const csv = join(dir.path, 'same.csv');
      await actlog(['export', ndjson]);
      await actlog(['export', '--format', 'csv', csv]);
      // Records added through the API without an event_id: export them without it, as a plain file would have them.
      const plain = readFileSync(ndjson, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
        .map(({ event_id: _e, ...rest }) => JSON.stringify(rest));
      writeFileSync(ndjson, `${plain.join('\n')}\n`);
      const rows = readFileSync(csv, 'utf8').split('\r\n');
      writeFileSync(csv, rows.map((row) => row.replace(/,[^,]*$/, ',')).join('\r\n'));
      const first = JSON.parse((await actlog(['import', ndjson], { ACTLOG_URL: other.url })).stdout);
      assert.deepEqual(first, { added: 9, duplicates: 0, failed: 0, failures: [] });
      const second = JSON.parse((await actlog(['import', csv], { ACTLOG_URL: other.url })).stdout);
      assert.deepEqual(second, { added: 0, duplicates: 9, failed: 0, failures: [] });
    });

    it('reports failing lines and exits 1; reads stdin with -, NDJSON or CSV by its first character', async () => {
      const file = join(dir.path, 'mixed.ndjson');
      writeFileSync(
        file,
        ['{"platform":"p","serial":"s","action_type":"a"}', '', 'not json', '[1]', '{"platform":"p"}'].join('\n'),
      );
      const result = await actlog(['import', file]);
      assert.equal(result.code, 1);
      assert.deepEqual(JSON.parse(result.stdout), {
        added: 1,
        duplicates: 0,
        failed: 3,
        failures: [
          { line: 3, code: 40001, message: 'not valid JSON' },
          { line: 4, code: 40001, message: 'must be a JSON object' },
          { line: 5, code: 40001, message: 'serial is required' },
        ],
      });
      const onTerm = await onTerminal(['import', file], env);
      assert.match(onTerm.output, /import \|.*\| 100% \| 4 records/);
      assert.match(onTerm.output, /added 0, duplicates 1, failed 3\n {2}line 3: not valid JSON\n/);
      for (const text of [
        '{"platform":"p","serial":"in","action_type":"a"}\n',
        'platform,serial,action_type\r\np,in,b\r\n',
      ]) {
        const child = spawn(process.execPath, [CLI, 'import', '-'], { env: { ...process.env, ...env }, stdio: 'pipe' });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stdin.end(text);
        assert.equal((await once(child, 'exit'))[0], 0);
        assert.equal(JSON.parse(out).added, 1);
      }
      const csv = join(dir.path, 'bad.csv');
      writeFileSync(csv, 'platform,serial,action_type,duration_ms\r\np,s,a,12\r\np,s\r\np,s,a,soon\r\n');
      const bad = await actlog(['import', csv]);
      assert.equal(bad.code, 1);
      assert.deepEqual(
        JSON.parse(bad.stdout).failures.map((f: { line: number }) => f.line),
        [3, 4],
      );
      assert.equal((await actlog(['import', join(dir.path, 'missing.ndjson')])).code, 1);
    });

    it('writes to stdout without a file; shows a progress bar only on a terminal', async () => {
      await seed();
      const csv = await actlog(['export', '--format', 'csv', '--serial', 'twin']);
      assert.equal(csv.code, 0);
      assert.match(csv.stdout, /^id,platform,serial,action_type,.*\r\n\d+,tiktok,twin,like,/);
      assert.equal(csv.stderr, '');
      const file = join(dir.path, 'bar.ndjson');
      const shown = await onTerminal(['export', file], env);
      assert.match(shown.output, /export \|.*\| 100% \| 9 records/);
      assert.match(shown.output, /exported 9 records to /);
    });
  });

  describe('connection and access', () => {
    it('exits 3 when the server cannot be reached, naming the URL; a bad --url is exit 2', async () => {
      const url = `http://127.0.0.1:${await freePort()}`;
      const down = await actlog(['count'], { ACTLOG_URL: url });
      assert.equal(down.code, 3);
      assert.match(down.stderr, new RegExp(`^actlog: cannot reach actlog at ${url}: .*ECONNREFUSED`));
      assert.equal((await actlog(['count', '--url', 'ftp://x'])).code, 2);
    });

    it('sends ACTLOG_TOKEN; without it a protected server answers exit 1 with the reason', async () => {
      const token = 'cli-token-0123456789abcdef';
      const guarded = await startCli(['--port', '0', '--db', join(dir.path, 'guarded.db'), '--log-level', 'warn'], {
        ACTLOG_TOKEN: token,
      });
      try {
        const denied = await actlog(['count', '--url', guarded.url]);
        assert.equal(denied.code, 1);
        assert.match(denied.stderr, /an access token is required/);
        const allowed = await actlog(['count', '--url', guarded.url], { ACTLOG_TOKEN: token });
        assert.deepEqual(JSON.parse(allowed.stdout), { count: 0 });
      } finally {
        await guarded.stop();
      }
    });
  });
});
