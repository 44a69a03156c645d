/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most
 * self time, and self time grouped by where the code lives (actlog, a package, Node's
 * internals, native code such as SQLite, the garbage collector, idle).
 *
 *   node dist/bench/profile-summary.js <file.cpuprofile> [--top 20]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileRow {
  name: string;
  location: string;
  category: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Share of the time the thread was idle (waiting in the event loop). */
  idleShare: number;
  top: ProfileRow[];
  categories: { category: string; selfMs: number; share: number }[];
}

const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

function categoryOf(name: string, url: string): string {
  if (SPECIAL.has(name)) return name;
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.includes('/dist/src/')) return 'actlog (src)';
  if (url.startsWith('node:') || (url !== '' && !url.startsWith('file:'))) return 'node internals';
  if (url === '') return 'native (C++: SQLite, syscalls, V8 builtins)';
  return 'other';
}

function shortLocation(url: string, line: number): string {
  if (url === '') return '(native)';
  const tail = url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/dist\//, 'dist/');
  return `${tail}:${line + 1}`;
}

export function summarizeProfile(file: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, { row: Omit<ProfileRow, 'selfMs' | 'share'>; us: number }>();
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i] as number);
    const us = profile.timeDeltas[i] ?? 0;
    if (!node || us <= 0) continue;
    totalUs += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const key = `${name}\u0000${url}\u0000${lineNumber}`;
    const entry = selfUs.get(key);
    if (entry) entry.us += us;
    else
      selfUs.set(key, {
        row: { name, location: shortLocation(url, lineNumber), category: categoryOf(name, url) },
        us,
      });
  }
  const rows = [...selfUs.values()]
    .map(({ row, us }) => ({ ...row, selfMs: us / 1000, share: us / totalUs }))
    .sort((a, b) => b.selfMs - a.selfMs);
  const categories = new Map<string, number>();
  for (const row of rows) categories.set(row.category, (categories.get(row.category) ?? 0) + row.selfMs);
  return {
    file,
    totalMs: totalUs / 1000,
    idleShare: rows.filter((r) => r.name === '(idle)').reduce((a, r) => a + r.share, 0),
    top: rows.slice(0, top),
    categories: [...categories]
      .map(([category, selfMs]) => ({ category, selfMs, share: selfMs / (totalUs / 1000) }))
      .sort((a, b) => b.selfMs - a.selfMs),
  };
}

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

/** Markdown tables of a summary. */
export function profileMarkdown(summary: ProfileSummary): string {
  const lines = [
    `${(summary.totalMs / 1000).toFixed(1)} s sampled, ${pct(summary.idleShare)} idle.`,
    '',
    '| self time | share | function | where |',
    '|---:|---:|---|---|',
    ...summary.top.map(
      (r) => `| ${r.selfMs.toFixed(0)} ms | ${pct(r.share)} | \`${r.name}\` | ${r.location.replaceAll('|', '\\|')} |`,
    ),
    '',
    '| where the code lives | self time | share |',
    '|---|---:|---:|',
    ...summary.categories
      .filter((c) => c.share >= 0.005)
      .map((c) => `| ${c.category} | ${c.selfMs.toFixed(0)} ms | ${pct(c.share)} |`),
  ];
  const rest = summary.categories.filter((c) => c.share < 0.005);
  if (rest.length > 0) {
    const ms = rest.reduce((a, c) => a + c.selfMs, 0);
    lines.push(`| ${rest.length} others | ${ms.toFixed(0)} ms | ${pct(ms / summary.totalMs)} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '20' } },
  });
  if (positionals.length === 0) {
    console.error('usage: node dist/bench/profile-summary.js <file.cpuprofile> [--top 20]');
    process.exit(2);
  }
  for (const file of positionals) {
    console.log(`## ${file}\n\n${profileMarkdown(summarizeProfile(file, Number(values.top)))}\n`);
  }
}
