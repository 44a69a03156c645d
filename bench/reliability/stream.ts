/**
 * The long live-tail experiment for docs/reliability.md: writers post single records and
 * batches for N minutes while live-tail clients read; each client now and then drops its
 * connection and resumes with Last-Event-ID, and some read slowly enough to overflow. At the
 * end every client's ids must be exactly the acknowledged ids its filter matches, in order:
 * no gap, no repeat. With --database-url, three instances share the database and each client
 * and writer uses any of them.
 * Usage (after npm run build):
 *   node dist/bench/reliability/stream.js [--minutes 5] [--database-url postgres://…]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type CliProcess, startCli } from '../../test/helpers/cli.js';
import { freshDatabase } from '../../test/helpers/postgres.js';
import { postJson } from '../../test/helpers/server.js';
import { tempDir } from '../../test/helpers/temp.js';

const { values } = parseArgs({ options: { minutes: { type: 'string' }, 'database-url': { type: 'string' } } });
const minutes = Number(values.minutes ?? 5);
const WRITERS = 6;
const CLIENTS = 8;
const PLATFORMS = ['tiktok', 'instagram'];
/** Makes records ~600 bytes, so a stalled client falls behind by megabytes. */
const PADDING = 'p'.repeat(500);

const dir = tempDir();
const database = values['database-url'] ? await freshDatabase() : undefined;
const storeArgs = database ? ['--database-url', database.url] : ['--db', join(dir.path, 'stream.db')];
const servers: CliProcess[] = [];
for (let i = 0; i < (database ? 3 : 1); i++) {
  servers.push(await startCli(['--port', '0', ...storeArgs, '--log-level', 'warn']));
}
const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)] as T;

/** Acknowledged ids by platform. */
const written = new Map<string, number[]>(PLATFORMS.map((p) => [p, []]));
let stop = false;

async function writer(w: number): Promise<void> {
  for (let i = 0; !stop; i++) {
    const platform = pick(PLATFORMS);
    const record = () => ({ platform, serial: `w${w}`, action_type: 'post', action_detail: `w${w}-${i} ${PADDING}` });
    const server = pick(servers);
    if (i % 4 === 3) {
      const answer = await postJson(
        `${server.api}/batch`,
        Array.from({ length: 50 }, () => record()),
      );
      for (const result of answer.body.data.results as { id: number }[]) written.get(platform)?.push(result.id);
    } else {
      written.get(platform)?.push((await postJson(server.api, record())).body.data.id);
    }
  }
}

interface ClientResult {
  filter: string;
  ids: number[];
  resumes: number;
  overflows: number;
  /** Where each connection began: the Last-Event-ID it sent (0 for none). */
  starts: number[];
}

/** A client that reads `?platform=…` (or everything), reconnecting with Last-Event-ID. */
async function client(c: number, ready: () => void): Promise<ClientResult> {
  const platform = c % 3 === 2 ? undefined : PLATFORMS[c % 2];
  const slow = c % 4 === 3;
  const result: ClientResult = { filter: platform ?? 'all', ids: [], resumes: 0, overflows: 0, starts: [] };
  let last: number | undefined;
  let first = true;
  for (;;) {
    const server = pick(servers);
    const abort = new AbortController();
    const query = platform ? `?platform=${platform}` : '';
    // The first connection starts at "now"; so must the expectation: take it from the first id.
    const headers: Record<string, string> = last === undefined ? {} : { 'last-event-id': String(last) };
    const response = await fetch(`${server.api}/stream${query}`, { headers, signal: abort.signal });
    if (!first) result.resumes++;
    result.starts.push(last ?? 0);
    first = false;
    const decoder = new TextDecoder();
    let buffer = '';
    let stalled = false;
    // Slow clients stay long enough to fall more than 1 MiB (plus socket buffers) behind.
    const lifetime = setTimeout(() => abort.abort(), (slow ? 20_000 : 2_000) + Math.random() * 8_000);
    try {
      for await (const chunk of response.body as ReadableStream<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        if (buffer.includes(': connected')) ready(); // live: what commits from now on arrives
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (\d+)$/m.exec(block)?.[1];
          if (id !== undefined && block.includes('event: record')) {
            result.ids.push(Number(id));
            last = Number(id);
          }
          if (block.includes('event: overflow')) result.overflows++;
        }
        if (slow && !stalled && !stop) {
          stalled = true; // once per connection: the server must end the stream with overflow
          await new Promise((resolve) => setTimeout(resolve, 15_000));
        }
      }
    } catch {
      // aborted: resume
    } finally {
      clearTimeout(lifetime);
    }
    if (stop && last !== undefined && last >= lastWritten(platform)) break;
  }
  return result;
}

function lastWritten(platform: string | undefined): number {
  // A loop, not Math.max(...ids): minutes of writes are more ids than a call takes arguments.
  let last = 0;
  for (const [p, ids] of written) if (!platform || p === platform) for (const id of ids) if (id > last) last = id;
  return last;
}

const started = Date.now();
const live: Promise<void>[] = [];
const clients = Array.from({ length: CLIENTS }, (_, c) => {
  let ready = () => {};
  live.push(new Promise((resolve) => (ready = resolve)));
  return client(c, ready);
});
await Promise.all(live); // every client's first connection is live before anything is written
const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
await new Promise((resolve) => setTimeout(resolve, minutes * 60_000));
stop = true;
await Promise.all(writers);
const results = await Promise.all(clients);
for (const server of servers) await server.stop();
await database?.drop();
dir.remove();

let failures = 0;
const rows: string[] = [];
for (const r of results) {
  const expected = (r.filter === 'all' ? [...written.values()].flat() : (written.get(r.filter) ?? [])).sort(
    (a, b) => a - b,
  );
  const received = new Set(r.ids);
  const gaps = expected.filter((id) => !received.has(id)).length;
  const repeats = r.ids.length - received.size;
  const disorder = r.ids.filter((id, i) => i > 0 && id <= (r.ids[i - 1] as number)).length;
  failures += gaps + repeats + disorder;
  if (gaps > 0) {
    const missing = expected.filter((id) => !received.has(id));
    process.stderr.write(
      `${r.filter}: missing ${missing.slice(0, 10).join(', ')}; connections began after ${r.starts.join(', ')}\n`,
    );
  }
  rows.push(
    `| ${r.filter} | ${r.ids.length.toLocaleString('en')} | ${r.resumes} | ${r.overflows} | ${gaps} | ${repeats} | ${disorder} |`,
  );
}
const total = [...written.values()].reduce((sum, ids) => sum + ids.length, 0);
process.stdout.write(
  `Live tail, ${database ? 'PostgreSQL, 3 instances' : 'SQLite'}: ${minutes} min, ${WRITERS} writers, ${total.toLocaleString('en')} records acknowledged, ${Math.round((Date.now() - started) / 1000)} s.\n\n` +
    '| client filter | records received | resumes | overflows | missing | repeated | out of order |\n|---|---:|---:|---:|---:|---:|---:|\n' +
    `${rows.join('\n')}\n`,
);
process.exitCode = failures === 0 ? 0 : 1;
