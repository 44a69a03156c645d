/**
 * The ceiling: a bare node:http server doing the least any implementation of the API
 * must do. POST reads and parses the same JSON body and answers the same envelope with
 * a fresh id; GET /api/v1/activity_log answers a pre-built page (by default the bytes
 * of a real newest-100 page, given with --page); anything else is the 404 envelope.
 * No validation, no storage.
 *
 *   node dist/bench/baselines/bare-http.js [--port 0] [--host 127.0.0.1] [--page file.json]
 */
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { recordStream } from '../lib/dataset.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    page: { type: 'string' },
  },
});

const syntheticPage = () => {
  const next = recordStream(7);
  const records = Array.from({ length: 100 }, (_, i) => ({ id: 100 - i, ...next() }));
  return JSON.stringify({ code: 0, message: 'success', data: records });
};
const page = Buffer.from(values.page ? readFileSync(values.page, 'utf8') : syntheticPage());
const notFound = Buffer.from(JSON.stringify({ code: 40401, message: 'route not found', data: null }));
const badBody = Buffer.from(JSON.stringify({ code: 40001, message: 'body must be a JSON object', data: null }));

function send(res: ServerResponse, status: number, body: Buffer | string): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

let lastId = 0;
const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (req.method === 'POST' && url === '/api/v1/activity_log') {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, badBody);
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return send(res, 400, badBody);
      send(res, 200, `{"code":0,"message":"success","data":{"id":${++lastId}}}`);
    });
    return;
  }
  if (req.method === 'GET' && (url === '/api/v1/activity_log' || url.startsWith('/api/v1/activity_log?'))) {
    return send(res, 200, page);
  }
  send(res, 404, notFound);
});
server.keepAliveTimeout = 5_000; // as actlog

server.listen(Number(values.port), values.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : values.port;
  process.stdout.write(`bare-http listening on http://${values.host}:${port} (page ${page.length} bytes)\n`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
