import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { NODE_FLAGS } from '../../src/cli/launch.js';
import { SERVER_OPTIONS, STORE_OPTIONS } from '../../src/config.js';
import { CLI, runCli } from '../helpers/cli.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const packageJson = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));

describe('actlog (the command registry)', () => {
  it('--help lists every command with its summary in its group, the exit codes, and how to run it from a clone', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    for (const command of COMMANDS) {
      const summary = command.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assert.match(help.stdout, new RegExp(`^ {2}${command.name} +${summary}$`, 'm'));
    }
    const sections = help.stdout.split(/\n\n/);
    for (const [group, title] of [
      ['store', /^On the database itself/],
      ['client', /^Calling a running server/],
    ] as const) {
      const section = sections.find((s) => title.test(s)) ?? '';
      for (const command of COMMANDS.filter((c) => c.group === group))
        assert.match(section, new RegExp(`^ {2}${command.name} `, 'm'));
    }
    assert.match(help.stdout, /Exit codes: 0 done · 1 failed .* · 2 wrong command line · 3 server unreachable/);
    assert.match(help.stdout, /npx actlog <command>, or npm link/);
  });

  it('starts without the stores, the HTTP stack or the file-format libraries: each command loads them in run', () => {
    // The modules every CLI start loads: the static imports reachable from the registry, as built.
    const packages = new Set<string>();
    const seen = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const [, specifier] of source.matchAll(/^(?:import|export)\s(?:[^'";]*?\sfrom\s)?['"]([^'"]+)['"]/gm)) {
        const target = specifier as string;
        if (target.startsWith('.')) walk(resolve(dirname(file), target));
        else if (!target.startsWith('node:')) packages.add(target.split('/')[0] as string);
      }
    };
    walk(fileURLToPath(new URL('../../src/cli/main.js', import.meta.url)));
    assert.ok(seen.size > 10, `followed ${seen.size} modules`);
    const heavy = ['better-sqlite3', 'postgres', 'fastify', 'pino', 'csv-parse', 'papaparse'];
    assert.deepEqual(
      heavy.filter((name) => packages.has(name)),
      [],
      `loaded at start: ${[...packages].join(', ')}`,
    );
  });

  it('without a command: the help on stdout, exit 2', async () => {
    const bare = await runCli([]);
    assert.equal(bare.code, 2);
    assert.match(bare.stdout, /Usage: actlog <command>/);
  });

  it('prints the version of package.json', async () => {
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    assert.equal(version.stdout, `${packageJson.version}\n`);
  });

  for (const command of COMMANDS) {
    it(`${command.name} --help lists exactly its own options`, async () => {
      const help = await runCli([command.name, '--help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, new RegExp(`^Usage: actlog ${command.name} \\[options\\]`));
      if (command.group === 'client') assert.match(help.stdout, /ACTLOG_URL/);
      const listed = [...help.stdout.matchAll(/^ {2}--([a-z-]+)(?: <value>)? /gm)].map((m) => m[1]);
      assert.deepEqual(listed.sort(), command.options.flatMap((g) => Object.keys(g.options)).sort());
    });
  }

  it('store commands take no server options: a server option is a usage error (exit 2)', async () => {
    for (const command of COMMANDS.filter((c) => c.group === 'store')) {
      const names = command.options.flatMap((g) => Object.keys(g.options));
      assert.deepEqual(names.slice(0, 2), Object.keys(STORE_OPTIONS), command.name);
      assert.deepEqual(
        names.filter((name) => name in SERVER_OPTIONS),
        [],
        command.name,
      );
      const result = await runCli([command.name, '--port', '8080', 'x.db']);
      assert.equal(result.code, 2, command.name);
      assert.equal(result.stderr, `actlog: ${command.name} has no option --port (see actlog ${command.name} --help)\n`);
    }
  });

  it('client commands take neither store nor server options (exit 2)', async () => {
    for (const command of COMMANDS.filter((c) => c.group === 'client')) {
      for (const option of ['--db', '--port', '--token']) {
        const result = await runCli([command.name, option, 'x']);
        assert.equal(result.code, 2, `${command.name} ${option}`);
        assert.match(result.stderr, new RegExp(`has no option ${option}`));
      }
    }
  });

  it('a missing or extra argument is a usage error (exit 2)', async () => {
    const missing = await runCli(['backup']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^actlog: backup needs <target-file>/);
    const extra = await runCli(['migrate', 'now']);
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /^actlog: migrate: unexpected argument "now"/);
  });
});

describe('actlog from a clone of the repository', () => {
  it('is the bin npm link installs: the built CLI, a node script', () => {
    assert.equal(`${root}${packageJson.bin.actlog}`, CLI);
    // A node script, started with the launch flags V8 reads only at start (src/cli/launch.ts).
    assert.equal(readFileSync(CLI, 'utf8').split('\n')[0], `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
    // The build makes it executable itself: npx runs it by path, and only an npx that links
    // the package afresh would set the mode (a second clone at the same path found it 644).
    if (process.platform !== 'win32') assert.ok(statSync(CLI).mode & 0o100, 'dist/src/cli/main.js is executable');
  });

  it('runs as npx actlog, as the README says', async () => {
    const child = spawn('npx', ['--no-install', 'actlog', '--version'], { cwd: root, stdio: 'pipe' });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    assert.equal(stdout, `${packageJson.version}\n`);
  });
});
