/**
 * Issue 9: export streams every record with constant memory, at least half as fast as the
 * sqlite3 shell dumping the same records as CSV.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import type { Readable } from 'node:stream';
import { API, atLeast, atMost, type Goal, MB, MEMORY_HEADER, memoryRow, records } from '../lib/goal.js';
import { sampleMemory } from '../lib/servers.js';
import { fmt, num, pairedRatios, ratioText, spread } from '../lib/stats.js';

/** The records as export shows them, in id order, from the schema's tables. */
const DUMP_SQL = `SELECT a.id, s.platform, s.serial, s.action_type, a.action_detail, s.username, a.timestamp,
  nullif(s.status, '') AS status, a.error, a.task_id, a.duration_ms, a.metadata, a.event_id
  FROM activity_log a JOIN series s ON s.id = a.series_id ORDER BY a.id`;

interface Drained {
  seconds: number;
  bytes: number;
  lines: number;
}

/** Reads a stream to its end, counting bytes and newlines. */
function drain(stream: Readable, started: number): Promise<Drained> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let lines = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    });
    stream.on('end', () => resolve({ seconds: (performance.now() - started) / 1000, bytes, lines }));
    stream.on('error', reject);
  });
}

const download = (url: string) =>
  new Promise<Drained>((resolve, reject) => {
    const started = performance.now();
    request(url, { agent: false }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`export answered ${res.statusCode}`));
      drain(res, started).then(resolve, reject);
    })
      .on('error', reject)
      .end();
  });

function sqliteDump(file: string): Promise<Drained> {
  const started = performance.now();
  const child = spawn('sqlite3', ['-readonly', '-csv', '-header', file, DUMP_SQL], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  return drain(child.stdout, started).then(async (d) => {
    const code = await exited;
    if (code !== 0) throw new Error(`sqlite3 exited with ${code}`);
    return d;
  });
}

export const exportGoal: Goal = {
  name: 'export',
  title: 'Export',
  async run(bench) {
    const big = records(bench.big.records);
    const n = bench.big.records;
    // Each round reads every record three times (about 3.5 min at 10M).
    const rounds = bench.mode.name === 'full' ? 1 : 2;
    const server = await bench.startActlog(bench.big.file, 'actlog (export)');
    const memory = sampleMemory(server.pid);
    const csv: Drained[] = [];
    const shell: Drained[] = [];
    const ndjson: Drained[] = [];
    const rate = (d: Drained) => n / d.seconds;
    for (let round = 1; round <= rounds; round++) {
      csv.push(await download(`${server.origin}${API}/export?format=csv`));
      shell.push(await sqliteDump(bench.big.file));
      ndjson.push(await download(`${server.origin}${API}/export?format=ndjson`));
      for (const [what, d] of [
        ['actlog csv', csv],
        ['sqlite3 -csv', shell],
        ['actlog ndjson', ndjson],
      ] as const) {
        const last = d.at(-1) as Drained;
        bench.log(
          `  [${round}/${rounds}] ${what.padEnd(14)} ${num(last.seconds, 1)} s, ${num(rate(last), 0)} records/s, ${num(last.bytes / MB, 0)} MB`,
        );
      }
    }
    const peak = memory.stop();
    for (const [what, list, expected] of [
      ['csv', csv, n + 1],
      ['sqlite3', shell, n + 1],
      ['ndjson', ndjson, n],
    ] as const) {
      for (const d of list) if (d.lines !== expected) bench.warn(`${what}: ${d.lines} lines, expected ${expected}`);
    }
    const ratio = pairedRatios(csv.map(rate), shell.map(rate));
    const peakMB = (peak.hwmKiB * 1024) / MB;
    const row = (label: string, list: Drained[]) =>
      `| ${label} | ${fmt(spread(list.map((d) => d.seconds)), 1)} | ${fmt(spread(list.map(rate)), 0)} | ${fmt(spread(list.map((d) => d.bytes / MB)), 0)} |`;
    return {
      verdicts: [
        atLeast(9, `export of ${big} records as CSV, records/s: actlog / \`sqlite3 -csv\``, ratio, 0.5),
        atMost(9, `peak RSS exporting ${big} records`, spread([peakMB]), 200, 'MB', `${num(peakMB, 0)} MB`),
      ],
      body: [
        `Every record of the ${big} data set, ${rounds} rounds alternating \`GET ${API}/export?format=csv\` (read by the ` +
          'bench over one connection), `sqlite3 -readonly -csv -header` on the same file with the query that ' +
          'produces the same columns (the label set joined back in, in id order), and the NDJSON export. Each ' +
          'output was read to its end and its lines counted.',
        '',
        '| | seconds | records/s | MB |',
        '|---|---:|---:|---:|',
        row('actlog, CSV', csv),
        row('`sqlite3 -csv`', shell),
        row('actlog, NDJSON', ndjson),
        '',
        `actlog CSV / sqlite3: ${ratioText(ratio)} (goal ≥ 0.5×).`,
        '',
        ...MEMORY_HEADER,
        memoryRow(`actlog exporting ${big} records`, peak),
      ],
      raw: { csv, shell, ndjson, memory: peak },
    };
  },
};
