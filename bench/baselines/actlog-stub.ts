/**
 * actlog's own HTTP stack (buildApp: Fastify, body parser, validation, hooks, response
 * schemas) on a store that does no work: `add` returns the next id, `list` and `listJson`
 * return a pre-built page of records, `count` a constant. Not a goal baseline: it splits each
 * figure of the real server into "HTTP stack" and "store", so the analysis can say
 * where the time goes.
 *
 *   node dist/bench/baselines/actlog-stub.js [--port 0] [--page file.json]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { ActivityRecord } from '../../src/domain/record.js';
import { buildApp } from '../../src/http/app.js';
import { ChangeFeed } from '../../src/store/changes.js';
import type { Store } from '../../src/store/store.js';
import { recordStream } from '../lib/dataset.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    page: { type: 'string' },
  },
});

const page: ActivityRecord[] = values.page
  ? (JSON.parse(readFileSync(values.page, 'utf8')) as { data: ActivityRecord[] }).data
  : (() => {
      const next = recordStream(7);
      return Array.from({ length: 100 }, (_, i) => ({ id: 100 - i, ...next() }));
    })();

const pageJson = JSON.stringify(page);
let lastId = 0;
const stub: Store = {
  description: 'stub (no storage)',
  changes: new ChangeFeed(async () => lastId + 1),
  ascending: async () => [],
  add: async () => ({ id: ++lastId, duplicate: false }),
  list: async () => page,
  listJson: async () => pageJson,
  count: async () => 123_456,
  stats: async () => ({ total: 123_456, truncated: false, groups: [] }),
  delete: async () => true,
  deleteMatching: async () => 0,
  deleteIds: async () => 0,
  exclusive: async (_name, work) => {
    await work();
    return true;
  },
  compact: async () => undefined,
  deleteAll: async () => undefined,
  ping: async () => undefined,
  close: async () => undefined,
};

const logger = pino({ level: 'warn', base: { pid: process.pid } }, pino.destination(2));
// As `actlog serve` builds it on 127.0.0.1 with no token (the Host check is on).
const app = await buildApp({
  store: stub,
  logger,
  access: { loopbackHostsOnly: true },
});
await app.listen({ host: values.host, port: Number(values.port) });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : values.port;
process.stdout.write(`actlog-stub listening on http://${values.host}:${port} (${stub.description})\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    app.close().then(() => process.exit(0));
  });
}
