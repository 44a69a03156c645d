import type { DatasetInfo } from '../generate.js';
import { type ProfileSummary, profileMarkdown } from '../profile-summary.js';
import type { Mode } from '../run.js';
import type { LoadResult } from './load-types.js';
import type { Machine } from './machine.js';
import { fmt, num, pairedRatios, ratioText, type Spread, spread } from './stats.js';

/** Filter combinations the naive baseline is also measured on (slow: one connection). */
export const NAIVE_CONTRAST = ['none', 'p', 'psa'];

/** Everything from this line on is hand-written and kept when the report is regenerated. */
export const ANALYSIS_MARKER = '<!-- analysis -->';

export interface FilterValues {
  label: 'popular' | 'rare';
  filter: Record<string, string>;
  /** Matching records in the smaller and the bigger data set. */
  small: number;
  big: number;
}

export interface Combo {
  /** none, p, s, a, ps, pa, sa, psa */
  key: string;
  fields: string[];
  values: FilterValues[];
}

export interface MemoryPeak {
  what: string;
  maxRssKiB: number;
  hwmKiB: number;
  samples: number;
  /** Not actlog serving the data set: shown for comparison, not judged. */
  reference?: boolean;
}

export interface ProfileEntry {
  name: string;
  description: string;
  file: string;
  summary: ProfileSummary;
}

export interface RunReport {
  mode: Mode;
  date: string;
  seconds: number;
  machine: Machine;
  datasets: { small: DatasetInfo; big: DatasetInfo };
  combos: Combo[];
  results: Record<string, LoadResult[]>;
  memory: MemoryPeak[];
  startup: { emptyMs: number[]; bigMs: number[] };
  pageBytes: number;
  profiles: ProfileEntry[];
  warnings: string[];
}

interface Verdict {
  goal: string;
  measured: string;
  target: string;
  pass: boolean;
  distance: string;
}

const MB = 1e6;

function atLeast(goal: string, ratio: Spread, target: number, measured = ratioText(ratio)): Verdict {
  const pass = ratio.median >= target;
  return {
    goal,
    measured,
    target: `≥ ${target}×`,
    pass,
    distance: pass
      ? ''
      : `${num((1 - ratio.median / target) * 100, 0)} % short: needs ${(target / ratio.median).toFixed(2)}× the throughput`,
  };
}

function atMost(goal: string, ratio: Spread, target: number, unit = '×', measured = ratioText(ratio)): Verdict {
  const pass = ratio.median <= target;
  return {
    goal,
    measured,
    target: `≤ ${target}${unit}`,
    pass,
    distance: pass ? '' : `${num((ratio.median / target - 1) * 100, 0)} % over`,
  };
}

const records = (n: number) =>
  n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : n.toLocaleString('en');

const minutes = (seconds: number) =>
  seconds < 60 ? `${Math.round(seconds)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;

const describeFilter = (v: FilterValues) =>
  Object.entries(v.filter)
    .map(([k, value]) => `${k}=${value}`)
    .join(', ') || '(none)';

export function renderReport(report: RunReport, analysis?: string): string {
  const { mode, machine, results, combos } = report;
  const small = records(report.datasets.small.records);
  const big = records(report.datasets.big.records);
  const runs = (id: string) => results[id] ?? [];
  const rps = (id: string) => runs(id).map((r) => r.rps);
  const mean = (id: string) => runs(id).map((r) => r.latency.mean);
  const p99 = (id: string) => runs(id).map((r) => r.latency.p99);
  const row = (label: string, id: string) =>
    `| ${label} | ${fmt(spread(rps(id)), 0)} | ${fmt(spread(mean(id)))} | ${fmt(spread(p99(id)))} |`;
  const mark = (pass: boolean) => (pass ? 'PASS' : '**MISS**');
  // The trivial GET is measured before and after the counts in every round; a round's figure is their mean.
  const bracketed = (metric: (r: LoadResult) => number) =>
    runs('trivial:before').map((r, i) => {
      const after = runs('trivial:after')[i];
      return after ? (metric(r) + metric(after)) / 2 : metric(r);
    });
  const trivialMean = bracketed((r) => r.latency.mean);
  const trivialRps = bracketed((r) => r.rps);
  const trivialP99 = bracketed((r) => r.latency.p99);

  // ---- goals
  const verdicts: Verdict[] = [];
  const postBare = pairedRatios(rps('post:actlog'), rps('post:bare'));
  const postNaive = pairedRatios(rps('post:actlog'), rps('post:naive'));
  verdicts.push(atLeast('Durable POST throughput, actlog / bare node:http', postBare, 0.5));
  verdicts.push(atLeast('Durable POST throughput, actlog / naive', postNaive, 6));

  const countRatios = combos.map((c) => ({ key: c.key, ratio: pairedRatios(mean(`count:${c.key}`), trivialMean) }));
  const worstCount = countRatios.reduce((a, b) => (b.ratio.median > a.ratio.median ? b : a));
  verdicts.push(
    atMost(`count latency on ${big} / trivial GET, worst of 8 combinations (${worstCount.key})`, worstCount.ratio, 1.2),
  );
  const pageRatios = combos.map((c) => ({
    key: c.key,
    ratio: pairedRatios(mean(`page:big:${c.key}`), mean(`page:small:${c.key}`)),
  }));
  const worstPage = pageRatios.reduce((a, b) => (b.ratio.median > a.ratio.median ? b : a));
  verdicts.push(
    atMost(
      `newest-100 page latency, ${big} / ${small}, worst of 8 combinations (${worstPage.key})`,
      worstPage.ratio,
      1.3,
    ),
  );
  const deep = pairedRatios(mean('deep:before'), mean('page:big:none'));
  verdicts.push(atMost(`before_id page ${records(mode.depth)} deep / first page (${big})`, deep, 1.3));
  const pageBare = pairedRatios(rps('page:big:none'), rps('bare:page'));
  verdicts.push(atLeast(`newest-100 page throughput (${big}, no filter) / bare node:http`, pageBare, 0.25));
  const peakBytes = Math.max(...report.memory.filter((m) => !m.reference).map((m) => m.hwmKiB * 1024));
  verdicts.push(
    atMost(
      `peak RSS serving ${big} records under load`,
      spread([peakBytes / MB]),
      200,
      ' MB',
      `${num(peakBytes / MB, 0)} MB`,
    ),
  );
  const startupRatio = pairedRatios(report.startup.bigMs, report.startup.emptyMs);
  verdicts.push(atMost(`time to first answer, ${big} records / empty database`, startupRatio, 2));

  const passed = verdicts.filter((v) => v.pass).length;
  const out: string[] = [];
  const line = (...text: string[]) => out.push(...text);

  line(
    '# Benchmarks',
    '',
    `> Generated by \`npm run bench\` (\`bench/run.ts\`) on ${report.date.slice(0, 16).replace('T', ' ')} UTC, ` +
      `**${mode.name} mode** (${small} and ${big} records), in ${minutes(report.seconds)}. ` +
      `A new run rewrites everything above the analysis marker; the hand-written analysis at the end is kept.`,
    '',
    `**${passed} of ${verdicts.length} goals met.**`,
    '',
    '## How to run',
    '',
    '```sh',
    'npm run bench              # full: 1M and 10M records, 5 rounds, CPU profiles; 20–40 minutes',
    'npm run bench -- --quick   # quick: 100k and 1M records, 3 rounds; about two minutes',
    '```',
    '',
    'Both write this file (the line above says which mode did); the figures in the repository come from a ' +
      'full run. Options: `--profile` / `--skip-profile` (CPU profiles of actlog under load, on by default in ' +
      'full mode), `--seed <n>`, `--out <file>`. Raw figures of every run are appended to ' +
      '`bench/out/results.jsonl`, and `--rerender` rewrites this file from the last one without measuring. Data sets are generated once and cached under `bench/out/` ' +
      '(keyed by size, seed, generator and schema version). `node dist/bench/profile-summary.js <file.cpuprofile>` ' +
      'summarises any CPU profile. Run it on an otherwise idle machine: the load generator and the server share it.',
    '',
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${machine.cpus} × ${machine.cpuModel} |`,
    `| memory | ${machine.memoryGiB} GiB |`,
    `| OS | ${machine.os}, Linux ${machine.kernel} |`,
    `| Node.js | ${machine.node} |`,
    `| SQLite | ${machine.sqlite} (better-sqlite3 ${machine.packages['better-sqlite3']}) |`,
    `| Fastify | ${machine.packages.fastify} |`,
    `| load generator | autocannon ${machine.packages.autocannon} |`,
    `| actlog | ${machine.git} |`,
    `| fsync | ${machine.fsync.map((f) => `${f.median.toFixed(2)} ms after a ${f.kib} KiB write (p90 ${f.p90.toFixed(2)})`).join('; ')} |`,
    '',
    '## Goals',
    '',
    '| goal | measured | target | result | distance |',
    '|---|---|---|---|---|',
    ...verdicts.map((v) => `| ${v.goal} | ${v.measured} | ${v.target} | ${mark(v.pass)} | ${v.distance} |`),
    '',
    'Ratios are the median of the per-round ratios (round *i* of one figure over round *i* of the other, ' +
      'measured minutes apart at most), with their range in parentheses.',
    '',
    '## Method',
    '',
    `- **Processes.** actlog runs as \`node dist/src/cli/main.js serve --port 0 --db <file> --log-level warn\`, ` +
      'each baseline in its own process, and the load generator (autocannon, driven from `bench/load-worker.ts`) ' +
      'in another, so it never shares an event loop with a server. Only one load runs at a time.',
    `- **Load.** ${mode.connections} keep-alive connections, no pipelining. Every target is checked once ` +
      `(status and content: page size, filter, order, exact count), warmed up for ${mode.warmupSeconds} s, then ` +
      `measured in ${mode.rounds} rounds of ${mode.readSeconds === mode.writeSeconds ? `${mode.readSeconds} s` : `${mode.readSeconds} s (reads) or ${mode.writeSeconds} s (writes)`}; ` +
      'each round visits every target once, so slow drift of the machine spreads over all of them. ' +
      'Figures are the median over the rounds with the range (min–max) in parentheses.',
    '- **Latency** is the mean over all answers of a round, measured by the load generator per answer ' +
      `(p99 shown too). With ${mode.connections} connections on a saturated server it is ` +
      'connections ÷ throughput, i.e. it measures the server\u2019s cost per request.',
    '- **Trivial GET** is `GET /nope` on the same actlog server: a routing miss answered with the 404 envelope ' +
      'by the not-found handler, touching neither the store nor a schema (`/openapi.json` would measure ' +
      'serialising a 10 KB document instead).',
    `- **Data sets** (\`bench/generate.ts\`): ${small} and ${big} records made through ` +
      '`SqliteStore.importBatch` (chunks of 100k, one transaction each, counts maintained) with a Zipf-like ' +
      'skew: 5 platforms (s = 1), 500 serials (s = 0.9), 10 action types (s = 1), 50 usernames (s = 1), ' +
      `realistic details, timestamps ~1 s apart. Seed ${report.datasets.big.seed}; the smaller set is a prefix ` +
      'of the bigger one.',
    '- **Filter values.** For every combination, the load alternates a popular value (the most common) and a ' +
      `rare one (the least common that still fills a page of 100 in the ${small} set), read from the count ` +
      'roll-up. A page that is not full would make the smaller data set look faster than it is.',
    `- **Baselines.** *bare-http* (\`bench/baselines/bare-http.ts\`): node:http, parses the POST body and ` +
      `answers the envelope with a fresh id; GET answers the pre-built bytes of the real newest-100 page of ` +
      `the ${big} set (${num(report.pageBytes, 0)} bytes). *naive* (\`bench/baselines/naive.ts\`): node:http + ` +
      'better-sqlite3, WAL + synchronous=FULL, one transaction per request, COUNT(*) counts, OFFSET pages, ' +
      `single-column indexes on platform, serial and action_type; for the ${big} contrast it serves a copy of ` +
      'the data set reduced to that schema (the composite indexes and the count roll-up dropped). ' +
      '*actlog-stub* (`bench/baselines/actlog-stub.ts`, a reference, not a goal): actlog\u2019s own HTTP ' +
      'stack (`buildApp`) on a store that does nothing, which splits each actlog figure into HTTP and store.',
    '- **POST** bodies cycle through 64 generated records. actlog and naive start on empty databases; ' +
      `another actlog writes to a copy of the ${big} set.`,
    '- **Slow contrast targets** (deep `offset`, the naive baseline\u2019s counts and filtered pages) use one ' +
      `connection and ${mode.slowAmount} requests per round, since ${mode.connections} queued requests of a ` +
      'second each would block the server for the next measurement; the actlog figures they are set against ' +
      'use one connection too (200 requests per round).',
    `- **Memory**: VmHWM (the kernel\u2019s peak RSS) of the actlog process, and VmRSS sampled every 100 ms.`,
    '- **Start-up**: spawn of `actlog serve` until the first successful `GET /api/v1/activity_log/count`, ' +
      `${mode.startupRounds} rounds alternating an empty (initialised) database and the ${big} one, warm OS cache.`,
    '',
  );

  // ---- data sets
  const { datasets } = report;
  line(
    '## Data sets',
    '',
    '| records | file | generated in | rate |',
    '|---:|---:|---:|---:|',
    ...[datasets.small, datasets.big].map(
      (d) =>
        `| ${d.records.toLocaleString('en')} | ${num(d.bytes / 2 ** 20, 0)} MiB | ${num(d.seconds, 1)} s | ` +
        `${num(d.records / d.seconds, 0)} records/s |`,
    ),
    '',
    `| combination | value | matching in ${small} | matching in ${big} |`,
    '|---|---|---:|---:|',
    ...combos.flatMap((c) =>
      c.values.map(
        (v) =>
          `| ${c.key} | ${v.label}: \`${describeFilter(v)}\` | ${v.small.toLocaleString('en')} | ${v.big.toLocaleString('en')} |`,
      ),
    ),
    '',
  );

  // ---- POST
  line(
    '## Durable single-record POST throughput',
    '',
    '| server | requests/s | mean latency (ms) | p99 (ms) |',
    '|---|---:|---:|---:|',
    row('actlog (empty database)', 'post:actlog'),
    row('bare node:http (ceiling)', 'post:bare'),
    row('naive (empty database)', 'post:naive'),
    row('actlog HTTP stack on a no-op store (reference)', 'post:stub'),
    row(`actlog (${big} records)`, 'post:actlog-big'),
    '',
    `actlog / bare: ${ratioText(postBare)} (goal ≥ 0.5×) · actlog / naive: ${ratioText(postNaive)} (goal ≥ 6×) · ` +
      `actlog at ${big} / empty: ${ratioText(pairedRatios(rps('post:actlog-big'), rps('post:actlog')))}.`,
    '',
  );

  // ---- counts
  line(
    `## Counts on ${big} records`,
    '',
    '| combination | requests/s | mean latency (ms) | p99 (ms) | / trivial GET (goal ≤ 1.2×) | |',
    '|---|---:|---:|---:|---:|---|',
    `| trivial GET (\`/nope\`), before and after | ${fmt(spread(trivialRps), 0)} | ${fmt(spread(trivialMean))} | ${fmt(spread(trivialP99))} | | |`,
    `| \`GET /healthz\` (reference) | ${fmt(spread(rps('healthz')), 0)} | ${fmt(spread(mean('healthz')))} | ${fmt(spread(p99('healthz')))} | ${ratioText(pairedRatios(mean('healthz'), trivialMean))} | |`,
    `| psa on actlog\u2019s HTTP stack with a no-op store (reference) | ${fmt(spread(rps('stub:count')), 0)} | ${fmt(spread(mean('stub:count')))} | ${fmt(spread(p99('stub:count')))} | ${ratioText(pairedRatios(mean('stub:count'), trivialMean))} | |`,
    ...countRatios.map(
      ({ key, ratio }) =>
        `| ${key} | ${fmt(spread(rps(`count:${key}`)), 0)} | ${fmt(spread(mean(`count:${key}`)))} | ` +
        `${fmt(spread(p99(`count:${key}`)))} | ${ratioText(ratio)} | ${mark(ratio.median <= 1.2)} |`,
    ),
    '',
    `### Contrast: the naive baseline on the same ${big} records`,
    '',
    'Mean latency with one connection (no queueing), the same filter values as above; naive\u2019s requests ' +
      'take too long to queue 50 of them.',
    '',
    '| request | actlog (ms) | naive (ms) | naive / actlog |',
    '|---|---:|---:|---:|',
    ...NAIVE_CONTRAST.flatMap((key) =>
      (['count', 'page'] as const)
        .filter((what) => runs(`naive:${what}:${key}`).length > 0)
        .map((what) => {
          const actlog = spread(mean(`single:${what}:${key}`));
          const naive = spread(mean(`naive:${what}:${key}`));
          return `| ${what} ${key} | ${fmt(actlog)} | ${fmt(naive)} | ${num(naive.median / actlog.median, 0)}× |`;
        }),
    ),
    '',
  );

  // ---- pages
  line(
    '## Newest-100 pages',
    '',
    `| combination | ${small}: mean latency (ms) | ${big}: mean latency (ms) | ${big}: requests/s | ${big} / ${small} (goal ≤ 1.3×) | |`,
    '|---|---:|---:|---:|---:|---|',
    ...pageRatios.map(
      ({ key, ratio }) =>
        `| ${key} | ${fmt(spread(mean(`page:small:${key}`)))} | ${fmt(spread(mean(`page:big:${key}`)))} | ` +
        `${fmt(spread(rps(`page:big:${key}`)), 0)} | ${ratioText(ratio)} | ${mark(ratio.median <= 1.3)} |`,
    ),
    '',
    `### Deep pages (${big} records, no filter)`,
    '',
    '| page | requests/s | mean latency (ms) | p99 (ms) |',
    '|---|---:|---:|---:|',
    row('actlog, first page', 'page:big:none'),
    row(`actlog, \`before_id\` ${records(mode.depth)} records deep`, 'deep:before'),
    row('naive, first page', 'naive:first'),
    `| actlog, \`offset=${mode.depth}\` (one connection) | | ${fmt(spread(mean('deep:offset')))} | |`,
    `| naive, \`offset=${mode.depth}\` (one connection) | | ${fmt(spread(mean('naive:offset')))} | |`,
    '',
    `\`before_id\` deep / first page: ${ratioText(deep)} (goal ≤ 1.3×).`,
    '',
    '### Page throughput against the ceiling',
    '',
    '| server | requests/s | mean latency (ms) | p99 (ms) |',
    '|---|---:|---:|---:|',
    row(`actlog, newest 100 of ${big}, no filter`, 'page:big:none'),
    row(`bare node:http, the same ${num(report.pageBytes, 0)} bytes pre-built`, 'bare:page'),
    row('actlog HTTP stack serving the same 100 records from memory (reference)', 'stub:page'),
    '',
    `actlog / bare: ${ratioText(pageBare)} (goal ≥ 0.25×).`,
    '',
  );

  // ---- memory and start-up
  line(
    '## Memory and start-up',
    '',
    '| process | peak RSS (VmHWM) | largest 100 ms sample | samples |',
    '|---|---:|---:|---:|',
    ...report.memory.map(
      (m) =>
        `| ${m.what} | ${num((m.hwmKiB * 1024) / MB, 0)} MB | ${num((m.maxRssKiB * 1024) / MB, 0)} MB | ${m.samples} |`,
    ),
    '',
    '| database | time to first answer (ms) |',
    '|---|---:|',
    `| empty | ${fmt(spread(report.startup.emptyMs), 0)} |`,
    `| ${big} records | ${fmt(spread(report.startup.bigMs), 0)} |`,
    '',
    `${big} / empty: ${ratioText(startupRatio)} (goal ≤ 2×).`,
    '',
  );

  // ---- profiles
  if (report.profiles.length > 0) {
    line(
      '## CPU profiles of actlog under load',
      '',
      '`node --cpu-prof` on the actlog server, summarised by `bench/profile-summary.ts`. Time inside a native ' +
        'call (better-sqlite3 → SQLite, including the fsync of a commit) counts as self time of the JavaScript ' +
        'function that made the call, since V8 does not sample inside native code.',
      '',
    );
    for (const p of report.profiles) {
      line(`### ${p.name}: ${p.description}`, '', `\`${p.file}\`: ${profileMarkdown(p.summary)}`, '');
    }
  }

  if (report.warnings.length > 0) {
    line('## Warnings', '', ...report.warnings.map((w) => `- ${w}`), '');
  }

  line(
    analysis?.trimEnd() ??
      [
        ANALYSIS_MARKER,
        '',
        '## Analysis',
        '',
        '_Hand-written: where the time goes for each missed goal, and what would close it. Kept when the report is regenerated._',
      ].join('\n'),
    '',
  );
  return out.join('\n');
}
