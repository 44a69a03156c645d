/**
 * What users would write instead: the same API on better-sqlite3 and node:http, the way
 * a careful but ordinary implementation does it. Durable like actlog (WAL,
 * synchronous=FULL), but one flat table, one transaction per request (and per batch),
 * COUNT(*) for counts, OFFSET for pages, one single-column index per equality filter and on
 * timestamp, a unique index for event_id, and LIKE for text. Statements are prepared once
 * and reused, which is more than many implementations do.
 *
 *   node dist/bench/baselines/naive.js --db file.db [--port 0]
 *
 * The benchmark fills a copy of its 10M-record data set into this schema
 * (bench/lib/naive-data.ts) to compare pages, counts and batch imports on the same records.
 */
import { createServer, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import Database, { type Statement } from 'better-sqlite3';
import { NAIVE_INDEXES, NAIVE_SCHEMA } from './naive-schema.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    db: { type: 'string' },
  },
});
if (!values.db) throw new Error('--db is required');

const db = new Database(values.db);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(NAIVE_SCHEMA + NAIVE_INDEXES);

const insert = db.prepare(
  `INSERT OR IGNORE INTO activity_log
     (platform, serial, action_type, action_detail, username, timestamp, status, error, task_id, duration_ms, metadata, event_id)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const text = (value: unknown) => (typeof value === 'string' ? value : null);
const integer = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) ? value : null);

/** Checks and stores one record; answers its id, or a message. */
function store(body: Record<string, unknown>): { id: number } | { message: string } {
  for (const field of REQUIRED) {
    if (typeof body?.[field] !== 'string' || body[field] === '') return { message: `${field} is required` };
  }
  const timestamp = typeof body.timestamp === 'number' ? body.timestamp : Math.floor(Date.now() / 1000);
  const { lastInsertRowid, changes } = insert.run(
    body.platform,
    body.serial,
    body.action_type,
    text(body.action_detail) ?? '',
    text(body.username) ?? '',
    timestamp,
    text(body.status),
    text(body.error),
    text(body.task_id),
    integer(body.duration_ms),
    body.metadata === undefined ? null : JSON.stringify(body.metadata),
    text(body.event_id),
  );
  return { id: changes ? Number(lastInsertRowid) : 0 };
}
const storeBatch = db.transaction((items: Record<string, unknown>[]) => items.map(store));
const statements = new Map<string, Statement>();
const prepared = (sql: string) => {
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
};

const REQUIRED = ['platform', 'serial', 'action_type'] as const;
const FILTERS = ['platform', 'serial', 'action_type', 'username', 'status', 'task_id'] as const;

function where(query: URLSearchParams): { clause: string; params: (string | number)[] } {
  const conditions: string[] = [];
  const params: (string | number)[] = [];
  for (const field of FILTERS) {
    const value = query.get(field);
    if (value) {
      conditions.push(`${field} = ?`);
      params.push(value);
    }
  }
  for (const [name, op] of [
    ['since', '>='],
    ['until', '<'],
  ] as const) {
    const value = query.get(name);
    if (value) {
      conditions.push(`timestamp ${op} ?`);
      params.push(Number(value));
    }
  }
  const q = query.get('q');
  if (q) {
    conditions.push('(action_detail LIKE ? OR error LIKE ?)');
    params.push(`%${q}%`, `%${q}%`);
  }
  return { clause: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

function send(res: ServerResponse, status: number, code: number, message: string, data: unknown): void {
  const body = JSON.stringify({ code, message, data });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
const ok = (res: ServerResponse, data: unknown) => send(res, 200, 0, 'success', data);
const invalid = (res: ServerResponse, message: string) => send(res, 400, 40001, message, null);

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  try {
    if (req.method === 'POST' && (path === '/api/v1/activity_log' || path === '/api/v1/activity_log/batch')) {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return invalid(res, 'body is not valid JSON');
        }
        try {
          if (path.endsWith('/batch')) {
            if (!Array.isArray(body)) return invalid(res, 'body must be an array');
            // One transaction, and one fsync, per batch.
            const results = storeBatch(body as Record<string, unknown>[]);
            return ok(res, { added: results.filter((r) => 'id' in r).length, results });
          }
          // Autocommit: one transaction, and one fsync, per request.
          const result = store(body as Record<string, unknown>);
          return 'id' in result ? ok(res, result) : invalid(res, result.message);
        } catch {
          send(res, 500, 50001, 'internal error', null);
        }
      });
      return;
    }
    if (req.method === 'GET' && path === '/api/v1/activity_log') {
      const { clause, params } = where(url.searchParams);
      const limit = Math.min(Number(url.searchParams.get('limit') || 100), 1000);
      const offset = Number(url.searchParams.get('offset') || 0);
      if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) {
        return invalid(res, 'bad limit or offset');
      }
      const rows = prepared(
        `SELECT id, platform, serial, action_type, action_detail, username, timestamp, status, error, task_id, duration_ms, metadata, event_id
         FROM activity_log ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`,
      ).all(...params, limit, offset);
      return ok(res, rows);
    }
    if (req.method === 'GET' && path === '/api/v1/activity_log/count') {
      const { clause, params } = where(url.searchParams);
      const row = prepared(`SELECT COUNT(*) AS count FROM activity_log ${clause}`).get(...params) as { count: number };
      return ok(res, { count: row.count });
    }
    if (req.method === 'DELETE' && path === '/api/v1/activity_log/all') {
      db.prepare('DELETE FROM activity_log').run();
      return ok(res, { deleted: true, message: 'All activity logs deleted' });
    }
    const match = /^\/api\/v1\/activity_log\/(\d+)$/.exec(path);
    if (req.method === 'DELETE' && match) {
      const id = Number(match[1]);
      const { changes } = db.prepare('DELETE FROM activity_log WHERE id = ?').run(id);
      if (changes === 0) return send(res, 404, 40401, `no activity log with id ${id}`, null);
      return ok(res, { deleted: true, id });
    }
    send(res, 404, 40401, 'not found', null);
  } catch {
    send(res, 500, 50001, 'internal error', null);
  }
});
server.keepAliveTimeout = 5_000;

server.listen(Number(values.port), values.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : values.port;
  process.stdout.write(`naive listening on http://${values.host}:${port} (sqlite ${values.db})\n`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close(() => {
      db.close();
      process.exit(0);
    });
    server.closeAllConnections();
  });
}
