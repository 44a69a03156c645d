/**
 * Soak: mixed traffic (adds, lists, counts, deletes) against one actlog server for N
 * minutes, recording throughput and p99 latency per minute and the server's memory.
 * Usage (after npm run build): node dist/bench/reliability/soak.js [--minutes 10] [--database-url postgres://…]
 * Prints a Markdown table for docs/reliability.md.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { startCli } from '../../test/helpers/cli.js';
import { tempDir } from '../../test/helpers/temp.js';

const { values } = parseArgs({ options: { minutes: { type: 'string' }, 'database-url': { type: 'string' } } });
const minutes = Number(values.minutes ?? 10);
const LOAD = fileURLToPath(new URL('./soak-load.js', import.meta.url));
const dir = tempDir();
const storeArgs = values['database-url']
  ? ['--database-url', values['database-url']]
  : ['--db', join(dir.path, 'soak.db')];
const server = await startCli(['--port', '0', ...storeArgs, '--log-level', 'warn']);
const pid = server.child.pid as number;
const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

const rows: string[] = [];
const totals = { requests: 0, errors: 0, status5xx: 0 };
let firstRss = 0;
let peakRss = 0;
try {
  for (let minute = 1; minute <= minutes; minute++) {
    const count = (await fetch(`${server.api}/count`).then((r) => r.json())) as { data: { count: number } };
    const newest = (await fetch(`${server.api}?limit=1`).then((r) => r.json())) as { data: { id: number }[] };
    const maxId = newest.data[0]?.id ?? 1;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMiB())), 1000);
    // Asynchronously: a blocked event loop would miss the server closing idle keep-alive sockets.
    const { stdout: line } = await promisify(execFile)(process.execPath, [LOAD, server.url, '60', String(maxId)], {
      encoding: 'utf8',
    });
    clearInterval(sampler);
    const r = JSON.parse(line.trim().split('\n').pop() as string);
    const rss = rssMiB();
    if (minute === 1) firstRss = rss;
    totals.requests += r.requests;
    totals.errors += r.errors;
    totals.status5xx += r.status5xx;
    rows.push(
      `| ${minute} | ${Math.round(r.rps).toLocaleString('en')} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.status5xx} | ${count.data.count.toLocaleString('en')} | ${rss.toFixed(0)} |`,
    );
    process.stderr.write(`minute ${minute}: ${JSON.stringify(r)} rss ${rss.toFixed(0)} MiB\n`);
  }
} finally {
  await server.stop();
  dir.remove();
}
const store = values['database-url'] ? 'PostgreSQL' : 'SQLite';
process.stdout.write(
  `Soak on ${store}: ${minutes} min of mixed traffic (2 adds, 2 lists, 1 count, 1 delete per cycle; 20 connections), ${new Date().toISOString()}, ${execFileSync('nproc').toString().trim()} cores.\n\n` +
    '| minute | req/s | p50 (ms) | p99 (ms) | errors | 5xx | records at start | RSS after (MiB) |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n' +
    `${rows.join('\n')}\n\n` +
    `Total ${totals.requests.toLocaleString('en')} requests, ${totals.errors} connection errors, ${totals.status5xx} 5xx answers. ` +
    `RSS after minute 1: ${firstRss.toFixed(0)} MiB, after the last: ${rssMiB === undefined ? '?' : rows.length ? rows[rows.length - 1]?.split('|')[8]?.trim() : '?'} MiB, peak ${peakRss.toFixed(0)} MiB.\n`,
);
