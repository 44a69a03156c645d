/**
 * The design micro-benchmark of issue 8 (docs/decisions.md, "Store design"): builds SQLite
 * files for the candidate store designs with raw SQL and measures, in this process, without
 * HTTP, what a durable commit costs and what the read paths cost, on 1M and 10M records.
 *
 *   node dist/bench/design.js [--records 1000000,10000000] [--only build|write|read]
 *
 * Designs:
 *   combos   today's scheme, generalised: every record carries its labels, one index per
 *            combination of the equality filters, one count row per subset (8 for three
 *            filters, 64 for six): measured for the three filters of schema 1 and for six.
 *   labels   label sets: a series table, records carrying a series id, one (series_id, id)
 *            index, a (timestamp, series_id) index, a partial task_id index, a roll-up of
 *            (level, bucket, series) cells, and an FTS5 trigram index for text.
 *   deferred labels, with the roll-up cells and the text index kept in memory and written in
 *            the background in large batches (deferred index maintenance).
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database, { type Database as Db, type Statement } from 'better-sqlite3';
import { type BenchRecord, DATA_END, RARE_WORD, recordStream } from './lib/dataset.js';
import { spread } from './lib/stats.js';

const OUT = fileURLToPath(new URL('../../bench/out/design/', import.meta.url));
const LABELS = ['platform', 'serial', 'action_type', 'username', 'status'] as const;
const LEVELS = [
  { level: 1, seconds: 86_400 },
  { level: 2, seconds: 3_600 },
  { level: 3, seconds: 900 },
] as const;

const LABELS_DDL = `
  CREATE TABLE series (
    id INTEGER PRIMARY KEY, platform TEXT NOT NULL, serial TEXT NOT NULL, action_type TEXT NOT NULL,
    username TEXT NOT NULL, status TEXT NOT NULL, UNIQUE (platform, serial, action_type, username, status));
  CREATE TABLE activity_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, series_id INTEGER NOT NULL, timestamp INTEGER NOT NULL,
    action_detail TEXT NOT NULL, error TEXT, task_id TEXT, duration_ms INTEGER, metadata TEXT, event_id TEXT);
  CREATE INDEX activity_log_by_series ON activity_log (series_id, id);
  CREATE INDEX activity_log_by_time ON activity_log (timestamp, series_id);
  CREATE INDEX activity_log_by_task ON activity_log (task_id, id) WHERE task_id IS NOT NULL;
  CREATE UNIQUE INDEX activity_log_by_event ON activity_log (event_id) WHERE event_id IS NOT NULL;
  CREATE TABLE rollup (
    level INTEGER NOT NULL, bucket INTEGER NOT NULL, series_id INTEGER NOT NULL, n INTEGER NOT NULL,
    last_ts INTEGER NOT NULL, PRIMARY KEY (level, bucket, series_id)) WITHOUT ROWID;
  CREATE VIRTUAL TABLE activity_text USING fts5(
    action_detail, error, content='activity_log', content_rowid='id', tokenize='trigram', detail='none');
`;

/** Subsets of `fields`, as arrays (non-empty ones only when `nonEmpty`). */
const subsets = <T>(fields: readonly T[], nonEmpty: boolean): T[][] => {
  const all: T[][] = [];
  for (let mask = nonEmpty ? 1 : 0; mask < 1 << fields.length; mask++) {
    all.push(fields.filter((_, i) => mask & (1 << i)));
  }
  return all;
};

function combosDdl(fields: readonly string[]): string {
  const indexes = subsets(fields, true).map(
    (set) => `CREATE INDEX by_${set.map((f) => f.slice(0, 2)).join('_')} ON activity_log (${set.join(', ')});`,
  );
  return `
    CREATE TABLE activity_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT, platform TEXT NOT NULL, serial TEXT NOT NULL, action_type TEXT NOT NULL,
      action_detail TEXT NOT NULL, username TEXT NOT NULL, timestamp INTEGER NOT NULL, status TEXT, error TEXT,
      task_id TEXT, duration_ms INTEGER, metadata TEXT, event_id TEXT);
    ${indexes.join('\n')}
    CREATE TABLE counts (${fields.map((f) => `${f} TEXT NOT NULL`).join(', ')}, n INTEGER NOT NULL,
      PRIMARY KEY (${fields.join(', ')})) WITHOUT ROWID;`;
}

const open = (file: string) => {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
};

const COMBO3 = ['platform', 'serial', 'action_type'] as const;
const COMBO6 = ['platform', 'serial', 'action_type', 'username', 'status', 'task_id'] as const;

// ---------------------------------------------------------------------------------------
// Writers: one transaction per call, as a group-commit batch would be.

type Writer = (records: readonly BenchRecord[]) => void;

function combosWriter(db: Db, fields: readonly string[]): Writer {
  const insert = db.prepare(
    `INSERT INTO activity_log (platform, serial, action_type, action_detail, username, timestamp, status, error, task_id, duration_ms, metadata, event_id)
     VALUES (@platform, @serial, @action_type, @action_detail, @username, @timestamp, @status, @error, @task_id, @duration_ms, @metadata, @event_id)`,
  );
  const upsert = db.prepare(
    `INSERT INTO counts VALUES (${fields.map(() => '?').join(', ')}, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n`,
  );
  const masks = subsets(
    fields.map((_, i) => i),
    false,
  );
  return db.transaction((records: readonly BenchRecord[]) => {
    const deltas = new Map<string, number>();
    for (const r of records) {
      insert.run(row(r));
      const values = fields.map((f) => String((r as unknown as Record<string, unknown>)[f] ?? '-'));
      for (const mask of masks) {
        const key = values.map((v, i) => (mask.includes(i) ? v : '')).join('\u0000');
        deltas.set(key, (deltas.get(key) ?? 0) + 1);
      }
    }
    for (const [key, n] of [...deltas].sort()) upsert.run(...key.split('\u0000'), n);
  });
}

const row = (r: BenchRecord) => ({
  status: null,
  error: null,
  task_id: null,
  duration_ms: null,
  event_id: null,
  ...r,
  metadata: r.metadata ? JSON.stringify(r.metadata) : null,
});

interface LabelsOptions {
  text: boolean;
  levels: readonly number[];
}

/** Series ids by label key, loaded from the file and extended as new label sets appear. */
class SeriesIds {
  readonly ids = new Map<string, number>();
  readonly labels: string[][] = [];
  private readonly insert: Statement;
  constructor(db: Db) {
    for (const s of db.prepare('SELECT * FROM series').all() as Record<string, string | number>[]) {
      const labels = LABELS.map((l) => String(s[l]));
      this.ids.set(labels.join('\u0000'), s.id as number);
      this.labels[s.id as number] = labels;
    }
    this.insert = db.prepare(
      'INSERT INTO series (platform, serial, action_type, username, status) VALUES (?, ?, ?, ?, ?)',
    );
  }
  of(r: BenchRecord): number {
    const labels = [r.platform, r.serial, r.action_type, r.username, r.status ?? ''];
    const key = labels.join('\u0000');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = Number(this.insert.run(...labels).lastInsertRowid);
      this.ids.set(key, id);
      this.labels[id] = labels;
    }
    return id;
  }
}

function labelsWriter(db: Db, series: SeriesIds, options: LabelsOptions): Writer {
  const insert = db.prepare(
    `INSERT INTO activity_log (series_id, timestamp, action_detail, error, task_id, duration_ms, metadata, event_id)
     VALUES (@series_id, @timestamp, @action_detail, @error, @task_id, @duration_ms, @metadata, @event_id)`,
  );
  const text = db.prepare('INSERT INTO activity_text (rowid, action_detail, error) VALUES (?, ?, ?)');
  const upsert = db.prepare(
    `INSERT INTO rollup VALUES (?, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET n = n + excluded.n, last_ts = max(last_ts, excluded.last_ts)`,
  );
  const levels = LEVELS.filter((l) => options.levels.includes(l.level));
  return db.transaction((records: readonly BenchRecord[]) => {
    const cells = new Map<string, [number, number, number, number, number]>();
    for (const r of records) {
      const series_id = series.of(r);
      const id = Number(insert.run({ ...row(r), series_id }).lastInsertRowid);
      if (options.text) text.run(id, r.action_detail, r.error ?? null);
      for (const { level, seconds } of levels) {
        const bucket = Math.floor(r.timestamp / seconds);
        const key = `${level}:${bucket}:${series_id}`;
        const cell = cells.get(key);
        if (cell) {
          cell[3]++;
          cell[4] = Math.max(cell[4], r.timestamp);
        } else cells.set(key, [level, bucket, series_id, 1, r.timestamp]);
      }
    }
    for (const cell of cells.values()) upsert.run(...cell);
  });
}

// ---------------------------------------------------------------------------------------
// Building the files.

function fileFor(design: string, records: number): string {
  return join(OUT, `${design}-${records}.db`);
}

function build(design: 'combos3' | 'combos6' | 'labels', records: number): string {
  const file = fileFor(design, records);
  if (existsSync(file)) return file;
  mkdirSync(OUT, { recursive: true });
  const temp = `${file}.partial`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${temp}${suffix}`, { force: true });
  const db = open(temp);
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1000000');
  db.exec(design === 'labels' ? LABELS_DDL : combosDdl(design === 'combos3' ? COMBO3 : COMBO6));
  const write =
    design === 'labels'
      ? labelsWriter(db, new SeriesIds(db), { text: true, levels: [1, 2, 3] })
      : combosWriter(db, design === 'combos3' ? COMBO3 : COMBO6);
  const next = recordStream(42, records);
  const started = performance.now();
  for (let done = 0; done < records; done += 100_000) {
    write(Array.from({ length: Math.min(100_000, records - done) }, next));
    if ((done / 100_000) % 10 === 9)
      console.log(`  ${design} ${done + 100_000} ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  for (const suffix of ['-wal', '-shm']) rmSync(`${temp}${suffix}`, { force: true });
  copyFileSync(temp, file);
  rmSync(temp);
  console.log(
    `built ${file}: ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  return file;
}

// ---------------------------------------------------------------------------------------
// Write cost: batches of 25 appended to a copy of the file, WAL pages counted.

function measureWrites(
  label: string,
  file: string,
  makeWriter: (db: Db) => Writer,
  rounds = 5,
  batches = 200,
  dropIndexes: string[] = [],
): void {
  const copy = `${file}.write`;
  copyFileSync(file, copy);
  const db = open(copy);
  try {
    for (const index of dropIndexes) db.exec(`DROP INDEX ${index}`);
    db.pragma('wal_autocheckpoint = 0');
    const write = makeWriter(db);
    const frame = (db.pragma('page_size', { simple: true }) as number) + 24;
    const next = recordStream(4242, 1_000_000);
    // Records of "now": timestamps at the end of the data set, as live ingest would send.
    const fresh = () => ({ ...next(), timestamp: DATA_END + Math.floor(Math.random() * 60) });
    write(Array.from({ length: 25 }, fresh));
    const ms: number[] = [];
    const pages: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const walBefore = statSync(`${copy}-wal`).size;
      const started = performance.now();
      for (let i = 0; i < batches; i++) write(Array.from({ length: 25 }, fresh));
      ms.push((performance.now() - started) / batches);
      pages.push((statSync(`${copy}-wal`).size - walBefore) / batches / frame);
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
    const m = spread(ms).median;
    console.log(
      `| ${label} | ${m.toFixed(2)} | ${((m * 1000) / 25).toFixed(0)} | ${(spread(pages).median / 25).toFixed(2)} |`,
    );
  } finally {
    db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${copy}${suffix}`, { force: true });
  }
}

/** The deferred variant's background step: the roll-up and text index of `n` records in one transaction. */
function measureDeferredFlush(file: string, n: number): void {
  const copy = `${file}.write`;
  copyFileSync(file, copy);
  const db = open(copy);
  try {
    db.pragma('wal_autocheckpoint = 0');
    const series = new SeriesIds(db);
    const plain = labelsWriter(db, series, { text: false, levels: [] });
    const next = recordStream(4242, 1_000_000);
    const fresh = () => ({ ...next(), timestamp: DATA_END + Math.floor(Math.random() * 600) });
    const frame = (db.pragma('page_size', { simple: true }) as number) + 24;
    const ms: number[] = [];
    const pages: number[] = [];
    const text = db.prepare('INSERT INTO activity_text (rowid, action_detail, error) VALUES (?, ?, ?)');
    const upsert = db.prepare(
      `INSERT INTO rollup VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET n = n + excluded.n, last_ts = max(last_ts, excluded.last_ts)`,
    );
    for (let round = 0; round < 5; round++) {
      const records = Array.from({ length: n }, fresh);
      for (let i = 0; i < n; i += 25) plain(records.slice(i, i + 25));
      const maxId = db.prepare('SELECT max(id) FROM activity_log').pluck().get() as number;
      const walBefore = statSync(`${copy}-wal`).size;
      const started = performance.now();
      db.transaction(() => {
        const cells = new Map<string, [number, number, number, number, number]>();
        records.forEach((r, i) => {
          text.run(maxId - n + 1 + i, r.action_detail, r.error ?? null);
          const series_id = series.of(r);
          for (const { level, seconds } of LEVELS) {
            const bucket = Math.floor(r.timestamp / seconds);
            const key = `${level}:${bucket}:${series_id}`;
            const cell = cells.get(key);
            if (cell) {
              cell[3]++;
              cell[4] = Math.max(cell[4], r.timestamp);
            } else cells.set(key, [level, bucket, series_id, 1, r.timestamp]);
          }
        });
        for (const cell of [...cells.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2])) {
          upsert.run(...cell);
        }
      })();
      ms.push(performance.now() - started);
      pages.push((statSync(`${copy}-wal`).size - walBefore) / frame);
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
    const m = spread(ms).median;
    console.log(
      `| deferred: background step for ${n} records | ${m.toFixed(1)} (once) | ${((m * 1000) / n).toFixed(1)} | ${(spread(pages).median / n).toFixed(3)} |`,
    );
  } finally {
    db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${copy}${suffix}`, { force: true });
  }
}

// ---------------------------------------------------------------------------------------
// Reads on the labels design.

/** Median microseconds of `work` over `reps` runs after a warm-up. */
function time(work: () => unknown, reps = 300): number {
  for (let i = 0; i < 20; i++) work();
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    work();
    samples.push((performance.now() - started) * 1000);
  }
  return spread(samples).median;
}

interface SeriesStat {
  id: number;
  labels: string[];
  n: number;
  lastId: number;
}

function readSeries(db: Db): SeriesStat[] {
  const totals = new Map<number, number>();
  for (const r of db.prepare('SELECT series_id, sum(n) AS n FROM rollup WHERE level = 1 GROUP BY series_id').all() as {
    series_id: number;
    n: number;
  }[]) {
    totals.set(r.series_id, r.n);
  }
  const last = db.prepare('SELECT max(id) FROM activity_log WHERE series_id = ?').pluck();
  return (db.prepare('SELECT * FROM series').all() as Record<string, string | number>[]).map((s) => ({
    id: s.id as number,
    labels: LABELS.map((l) => String(s[l])),
    n: totals.get(s.id as number) ?? 0,
    lastId: (last.get(s.id) as number) ?? 0,
  }));
}

function reads(file: string, records: number): Record<string, number> {
  const db = new Database(file, { readonly: true });
  const results: Record<string, number> = {};
  const started = performance.now();
  const series = readSeries(db);
  results['load series (ms, once)'] = performance.now() - started;
  const byId = new Map(series.map((s) => [s.id, s]));
  const match = (filter: Partial<Record<(typeof LABELS)[number], string>>) =>
    series.filter((s) => LABELS.every((l, i) => filter[l] === undefined || s.labels[i] === filter[l]));
  const most = (i: number) => {
    const sums = new Map<string, number>();
    for (const s of series) sums.set(s.labels[i] as string, (sums.get(s.labels[i] as string) ?? 0) + s.n);
    return [...sums].sort((a, b) => b[1] - a[1]);
  };

  const rowsJson = db.prepare(
    `SELECT json_group_array(json_object('id', a.id, 'platform', s.platform, 'serial', s.serial,
       'action_type', s.action_type, 'action_detail', a.action_detail, 'username', s.username,
       'timestamp', a.timestamp)) FROM (SELECT * FROM activity_log WHERE id < ? ORDER BY id DESC LIMIT 100) a
       JOIN series s ON s.id = a.series_id`,
  );
  rowsJson.pluck();
  results['page none, JSON by SQLite (µs)'] = time(() => rowsJson.get(Number.MAX_SAFE_INTEGER));
  const rawRows = db.prepare(
    'SELECT id, series_id, timestamp, action_detail FROM activity_log WHERE id < ? ORDER BY id DESC LIMIT 100',
  );
  rawRows.raw(true);
  const fragments = new Map(
    series.map((s) => [
      s.id,
      [
        `,"platform":${JSON.stringify(s.labels[0])},"serial":${JSON.stringify(s.labels[1])},"action_type":${JSON.stringify(s.labels[2])},"action_detail":`,
        `,"username":${JSON.stringify(s.labels[3])},"timestamp":`,
      ],
    ]),
  );
  const jsPage = (rows: unknown[][]) => {
    let out = '[';
    for (const [i, r] of rows.entries()) {
      const f = fragments.get(r[1] as number) as string[];
      out += `${i ? ',' : ''}{"id":${r[0]}${f[0]}${JSON.stringify(r[3])}${f[1]}${r[2]}}`;
    }
    return `${out}]`;
  };
  results['page none, JSON by JS from raw rows (µs)'] = time(() =>
    jsPage(rawRows.all(Number.MAX_SAFE_INTEGER) as unknown[][]),
  );

  // Series merge: a heap over the matching series, heads known from memory (last ids).
  const nextIds = db.prepare('SELECT id FROM activity_log WHERE series_id = ? AND id < ? ORDER BY id DESC LIMIT ?');
  nextIds.pluck();
  const merge = (matching: SeriesStat[], limit: number): number[] => {
    const heads = matching
      .filter((s) => s.n > 0)
      .map((s) => ({ s, head: s.lastId, exact: true, buffer: [] as number[] }))
      .sort((a, b) => b.head - a.head)
      .slice(0, limit);
    const out: number[] = [];
    while (out.length < limit && heads.length > 0) {
      heads.sort((a, b) => b.head - a.head); // small: at most `limit` entries
      const top = heads[0] as (typeof heads)[number];
      if (!top.exact) {
        if (top.buffer.length === 0) top.buffer = nextIds.all(top.s.id, top.head + 1, 8) as number[];
        const head = top.buffer.shift();
        if (head === undefined) {
          heads.shift();
          continue;
        }
        top.head = head;
        top.exact = true;
        continue;
      }
      out.push(top.head);
      top.exact = false;
      top.head -= 1;
    }
    return out;
  };
  const cases: [string, Partial<Record<(typeof LABELS)[number], string>>][] = [
    ['serial=popular', { serial: most(1)[0]?.[0] as string }],
    [
      'serial=rare',
      {
        serial: most(1)
          .filter(([, n]) => n >= 100 * (records / 1e6))
          ?.at(-1)?.[0] as string,
      },
    ],
    ['username=popular', { username: most(3)[0]?.[0] as string }],
    ['status=failed', { status: 'failed' }],
    ['platform=popular', { platform: most(0)[0]?.[0] as string }],
    ['action_type=rare', { action_type: most(2).at(-1)?.[0] as string }],
  ];
  for (const [name, filter] of cases) {
    const matching = match(filter);
    const total = matching.reduce((sum, s) => sum + s.n, 0);
    results[`merge ids ${name} (k=${matching.length}, ${((100 * total) / records).toFixed(2)} %) (µs)`] = time(() =>
      merge(matching, 100),
    );
  }
  // Primary-key walk in chunks, membership checked in JS.
  const chunk = db.prepare('SELECT id, series_id FROM activity_log WHERE id < ? ORDER BY id DESC LIMIT ?');
  chunk.raw(true);
  const walk = (member: Uint8Array, limit: number) => {
    const out: number[] = [];
    let cursor = Number.MAX_SAFE_INTEGER;
    let scanned = 0;
    while (out.length < limit) {
      const rows = chunk.all(cursor, 512) as [number, number][];
      if (rows.length === 0) break;
      for (const [id, sid] of rows) {
        scanned++;
        if (member[sid] && out.length < limit) out.push(id);
      }
      cursor = (rows.at(-1) as [number, number])[0];
    }
    return scanned;
  };
  for (const [name, filter] of cases) {
    const member = new Uint8Array(series.length + 2);
    for (const s of match(filter)) member[s.id] = 1;
    const scanned = walk(member, 100);
    results[`pk walk ids ${name} (${scanned} rows) (µs)`] = time(() => walk(member, 100), 50);
  }
  // Time window a month back: the time index gives ids; the newest 100 by id are kept.
  const monthBack = DATA_END - 30 * 86_400;
  const window = db.prepare('SELECT rowid FROM activity_log WHERE timestamp >= ? AND timestamp < ?');
  window.pluck();
  results['time window 1 h a month back, ids via time index + top-100 in JS (µs)'] = time(() => {
    const ids = window.all(monthBack, monthBack + 3600) as number[];
    ids.sort((a, b) => b - a);
    return ids.slice(0, 100);
  }, 100);
  const windowCount = db.prepare('SELECT count(*) FROM activity_log WHERE timestamp >= ? AND timestamp < ?').pluck();
  results['count of a 15-minute edge via time index (µs)'] = time(() => windowCount.get(monthBack, monthBack + 900));
  // Text: trigram candidates, newest first.
  const text = db.prepare('SELECT rowid FROM activity_text WHERE activity_text MATCH ? ORDER BY rowid DESC LIMIT 100');
  text.pluck();
  // detail=none has no positions: a query is the AND of the needle's trigrams (a superset, verified after).
  const trigrams = (q: string) => {
    const chars = [...q.toLowerCase()];
    const grams = new Set(chars.slice(2).map((_, i) => chars.slice(i, i + 3).join('')));
    return [...grams].map((g) => `"${g.replaceAll('"', '""')}"`).join(' AND ');
  };
  results[`q=${RARE_WORD} ids via FTS5 trigram (µs)`] = time(() => text.all(trigrams(RARE_WORD)), 100);
  results['q=video (common) ids via FTS5 trigram (µs)'] = time(() => text.all(trigrams('video')), 100);
  // Statistics from roll-up cells.
  const account = most(3)[0]?.[0] as string;
  const accountSeries = match({ username: account }).map((s) => s.id);
  const dayCells = db.prepare(
    `SELECT bucket, series_id, n, last_ts FROM rollup WHERE level = 1 AND bucket >= ? AND bucket < ?
       AND series_id IN (SELECT value FROM json_each(?))`,
  );
  dayCells.raw(true);
  const lastDay = Math.floor(DATA_END / 86_400);
  results['stats day×action_type, one account, 30 days, UTC: day cells (µs)'] = time(() => {
    const groups = new Map<string, number>();
    for (const [day, sid, n] of dayCells.all(lastDay - 30, lastDay, JSON.stringify(accountSeries)) as number[][]) {
      const key = `${day}:${byId.get(sid as number)?.labels[2]}`;
      groups.set(key, (groups.get(key) ?? 0) + (n as number));
    }
    return groups;
  }, 100);
  const hourCells = db.prepare(
    `SELECT bucket, series_id, n, last_ts FROM rollup WHERE level = 2 AND bucket >= ? AND bucket < ?
       AND series_id IN (SELECT value FROM json_each(?))`,
  );
  hourCells.raw(true);
  results['same from hour cells (any whole-hour offset) (µs)'] = time(() => {
    const groups = new Map<string, number>();
    for (const [hour, sid, n] of hourCells.all(
      (lastDay - 30) * 24,
      lastDay * 24,
      JSON.stringify(accountSeries),
    ) as number[][]) {
      const key = `${Math.floor((hour as number) / 24)}:${byId.get(sid as number)?.labels[2]}`;
      groups.set(key, (groups.get(key) ?? 0) + (n as number));
    }
    return groups;
  }, 50);
  results['stats serial over everything, from series totals in memory (µs)'] = time(() => {
    const groups = new Map<string, number>();
    for (const s of series) groups.set(s.labels[1] as string, (groups.get(s.labels[1] as string) ?? 0) + s.n);
    return [...groups].sort((a, b) => b[1] - a[1]);
  });
  const farmHours = db.prepare(
    `SELECT bucket, series_id, n FROM rollup WHERE level = 2 AND bucket >= ? AND bucket < ?`,
  );
  farmHours.raw(true);
  results['farm-wide today by hour×action_type from hour cells (µs)'] = time(() => {
    const groups = new Map<string, number>();
    for (const [hour, sid, n] of farmHours.all(lastDay * 24 - 24, lastDay * 24) as number[][]) {
      const key = `${hour}:${byId.get(sid as number)?.labels[2]}`;
      groups.set(key, (groups.get(key) ?? 0) + (n as number));
    }
    return groups;
  }, 30);
  const farmDays = db.prepare('SELECT bucket, series_id, n FROM rollup WHERE level = 1 AND bucket >= ? AND bucket < ?');
  farmDays.raw(true);
  results['farm-wide 30 days by day×action_type from day cells (µs)'] = time(() => {
    const groups = new Map<string, number>();
    for (const [day, sid, n] of farmDays.all(lastDay - 30, lastDay) as number[][]) {
      const key = `${day}:${byId.get(sid as number)?.labels[2]}`;
      groups.set(key, (groups.get(key) ?? 0) + (n as number));
    }
    return groups;
  }, 10);
  for (const { level, seconds } of LEVELS) {
    results[`roll-up cells of ${seconds} s`] = db
      .prepare('SELECT count(*) FROM rollup WHERE level = ?')
      .pluck()
      .get(level) as number;
  }
  db.close();
  return results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { records: { type: 'string', default: '1000000,10000000' }, only: { type: 'string' } },
  });
  const sizes = values.records.split(',').map(Number);
  const only = values.only;
  for (const records of sizes) {
    const labels = build('labels', records);
    const combos3 = build('combos3', records);
    const combos6 = records <= 1_000_000 ? build('combos6', records) : undefined;
    if (!only || only === 'write') {
      console.log(`\n### Commit cost on ${records.toLocaleString('en')} records (batches of 25, synchronous=FULL)\n`);
      console.log('| design | ms a commit | µs a record | WAL pages a record |');
      console.log('|---|---:|---:|---:|');
      measureWrites('combos, 3 filters (schema 1: 7 indexes, 8 count rows)', combos3, (db) => combosWriter(db, COMBO3));
      if (combos6) {
        measureWrites(
          'combos, 6 filters (63 indexes, 64 count rows)',
          combos6,
          (db) => combosWriter(db, COMBO6),
          3,
          50,
        );
      }
      const variants: [string, LabelsOptions][] = [
        [
          'labels: series index + time + task + event indexes, text, roll-up day+hour+quarter',
          { text: true, levels: [1, 2, 3] },
        ],
        ['labels, roll-up day+hour only', { text: true, levels: [1, 2] }],
        ['labels, no text index', { text: false, levels: [1, 2, 3] }],
        ['deferred: labels without text index and roll-up in the commit', { text: false, levels: [] }],
      ];
      for (const [label, options] of variants) {
        measureWrites(label, labels, (db) => labelsWriter(db, new SeriesIds(db), options));
      }
      const bare = { text: false, levels: [] };
      const plainWriter = (db: Db) => labelsWriter(db, new SeriesIds(db), bare);
      measureWrites('deferred, and no task index', labels, plainWriter, 5, 200, ['activity_log_by_task']);
      measureWrites('deferred, and no task or series index', labels, plainWriter, 5, 200, [
        'activity_log_by_task',
        'activity_log_by_series',
      ]);
      measureWrites('deferred, table and time index only', labels, plainWriter, 5, 200, [
        'activity_log_by_task',
        'activity_log_by_series',
        'activity_log_by_event',
      ]);
      measureDeferredFlush(labels, 10_000);
    }
    if (!only || only === 'read') {
      console.log(
        `\n### Reads on the labels design, ${records.toLocaleString('en')} records (median µs, one process)\n`,
      );
      for (const [name, value] of Object.entries(reads(labels, records))) {
        console.log(`| ${name} | ${typeof value === 'number' ? value.toFixed(1) : value} |`);
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
