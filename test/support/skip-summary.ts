import { relative } from 'node:path';
import type { TestEvent } from 'node:test/reporters';

interface Skipped {
  kind: 'suite' | 'test';
  /** The file as its source, with the names of the enclosing suites: `test/x.test.ts: suite > test`. */
  where: string;
  reason: string;
}

/** Set in CI (`.ci/run` sets it): every test must run there, so a skip fails the run. */
const requireAll = () => Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';

/**
 * A node:test reporter, beside the usual one, that ends the run with one line counting and
 * naming everything that was skipped. Node's own totals leave out the tests of a skipped
 * suite altogether (they are never enumerated), so a whole backend could go untested
 * without a trace in them. In CI any skip also fails the run.
 */
export default async function* skipSummary(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const skipped: Skipped[] = [];
  // Events come as tests finish, children before their suite: a skipped test waits here,
  // per file and nesting level, until its suite's name is known.
  const waiting = new Map<string, Skipped[][]>();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, nesting, file = '', skip, details } = event.data;
    const levels = waiting.get(file) ?? [];
    waiting.set(file, levels);
    const found = (levels[nesting + 1] ?? []).map((child) => ({ ...child, where: `${name} > ${child.where}` }));
    levels.length = nesting + 1;
    if (skip !== undefined && skip !== false) {
      const kind = (details as { type?: string }).type === 'suite' ? 'suite' : 'test';
      found.push({ kind, where: name, reason: skip === true ? '' : skip });
    }
    if (nesting > 0) {
      levels[nesting] = [...(levels[nesting] ?? []), ...found];
    } else {
      skipped.push(...found.map((s) => ({ ...s, where: `${sourceName(file)}: ${s.where}` })));
    }
  }

  const count = (kind: Skipped['kind']) => {
    const n = skipped.filter((s) => s.kind === kind).length;
    return `${n} ${kind}${n === 1 ? '' : 's'}`;
  };
  const lines = [
    `skipped: ${skipped.length === 0 ? 'none' : `${count('suite')} (with all their tests), ${count('test')}`}`,
  ];
  for (const s of skipped) lines.push(`  ${s.kind.padEnd(5)}  ${s.where}${s.reason ? ` — ${s.reason}` : ''}`);
  if (skipped.length > 0 && requireAll()) {
    lines.push(`CI runs every test, and ${skipped.length} were skipped: failing the run`);
    process.exitCode = 1;
  }
  yield `\n${lines.join('\n')}\n`;
}

/** `dist/test/x.test.js` → `test/x.test.ts`: where a developer finds it. */
const sourceName = (file: string) =>
  relative(process.cwd(), file)
    .replace(/^dist\//, '')
    .replace(/\.js$/, '.ts');
