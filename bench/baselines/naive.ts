/**
 * What users would write instead: the same API on better-sqlite3 and node:http, the way
 * a careful but ordinary implementation does it. Durable like actlog (WAL,
 * synchronous=FULL), but one transaction per request, COUNT(*) for counts, OFFSET for
 * pages, and one single-column index per filter. Statements are prepared once and
 * reused, which is more than many implementations do.
 *
 *   node dist/bench/baselines/naive.js --db file.db [--port 0] [--existing]
 *
 * --existing serves a database made by actlog as it is (same table, and its index set
 * includes the same single-column indexes) without creating anything, so the benchmark
 * can compare deep pages and counts on the same 10M-record file.
 */
import { createServer, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import Database, { type Statement } from 'better-sqlite3';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    db: { type: 'string' },
    existing: { type: 'boolean', default: false },
  },
});
if (!values.db) throw new Error('--db is required');

const db = new Database(values.db);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
if (!values.existing) {
  db.exec(`
    CREATE TABLE IF NOT EXISTS activity_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      platform TEXT NOT NULL, serial TEXT NOT NULL, action_type TEXT NOT NULL,
      action_detail TEXT NOT NULL DEFAULT '', username TEXT NOT NULL DEFAULT '', timestamp INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS idx_activity_log_platform ON activity_log (platform);
    CREATE INDEX IF NOT EXISTS idx_activity_log_serial ON activity_log (serial);
    CREATE INDEX IF NOT EXISTS idx_activity_log_action_type ON activity_log (action_type);
  `);
}

const insert = db.prepare(
  `INSERT INTO activity_log (platform, serial, action_type, action_detail, username, timestamp)
   VALUES (?, ?, ?, ?, ?, ?)`,
);
const statements = new Map<string, Statement>();
const prepared = (sql: string) => {
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
};

const FILTERS = ['platform', 'serial', 'action_type'] as const;

function where(query: URLSearchParams): { clause: string; params: string[] } {
  const conditions: string[] = [];
  const params: string[] = [];
  for (const field of FILTERS) {
    const value = query.get(field);
    if (value) {
      conditions.push(`${field} = ?`);
      params.push(value);
    }
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
    if (req.method === 'POST' && path === '/api/v1/activity_log') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return invalid(res, 'body is not valid JSON');
        }
        for (const field of FILTERS) {
          if (typeof body?.[field] !== 'string' || body[field] === '') return invalid(res, `${field} is required`);
        }
        const timestamp = typeof body.timestamp === 'number' ? body.timestamp : Math.floor(Date.now() / 1000);
        try {
          // Autocommit: one transaction, and one fsync, per request.
          const { lastInsertRowid } = insert.run(
            body.platform,
            body.serial,
            body.action_type,
            typeof body.action_detail === 'string' ? body.action_detail : '',
            typeof body.username === 'string' ? body.username : '',
            timestamp,
          );
          ok(res, { id: Number(lastInsertRowid) });
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
        `SELECT id, platform, serial, action_type, action_detail, username, timestamp
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
