import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const reporter = fileURLToPath(new URL('./skip-summary.js', import.meta.url));

/** Runs node --test on a file with the skip summary as its only reporter. */
async function runWithReporter(file: string, env: NodeJS.ProcessEnv) {
  // Without this variable, not as a subprocess of this test run, whose protocol it would speak.
  const { NODE_TEST_CONTEXT: _, ...outer } = process.env;
  const child = spawn(
    process.execPath,
    ['--test', `--test-reporter=${reporter}`, '--test-reporter-destination=stdout', file],
    { cwd: root, env: { ...outer, CI: '', ...env }, stdio: 'pipe' },
  );
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const [code] = await once(child, 'exit');
  return { code: code as number, stdout };
}

describe('the skip summary reporter', () => {
  it('counts and names every skipped suite and test, with the enclosing suites and the reason', async () => {
    const { code, stdout } = await runWithReporter('dist/test/fixtures/skips.fixture.js', {});
    assert.equal(code, 0);
    assert.equal(
      stdout,
      [
        '',
        'skipped: 1 suite (with all their tests), 2 tests',
        '  suite  test/fixtures/skips.fixture.ts: a backend that is not here — no such backend',
        '  test   test/fixtures/skips.fixture.ts: an outer suite > an inner suite > is skipped — not today',
        '  test   test/fixtures/skips.fixture.ts: an outer suite > is skipped without a reason',
        '',
      ].join('\n'),
    );
  });

  it('says so when nothing was skipped', async () => {
    const { code, stdout } = await runWithReporter('dist/test/fixtures/nothing-skipped.fixture.js', {});
    assert.equal(code, 0);
    assert.equal(stdout, '\nskipped: none\n');
  });

  it('fails the run in CI when anything was skipped', async () => {
    const { code, stdout } = await runWithReporter('dist/test/fixtures/skips.fixture.js', { CI: 'true' });
    assert.equal(code, 1);
    assert.match(stdout, /CI runs every test, and 3 were skipped: failing the run\n$/);
  });
});
