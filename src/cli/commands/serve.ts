import { setFlagsFromString } from 'node:v8';
import {
  isLoopbackHost,
  RETENTION_OPTIONS,
  resolveRetention,
  resolveServeConfig,
  SERVER_OPTIONS,
  type ServeConfig,
  STORE_OPTIONS,
} from '../../config.js';
import type { Retention } from '../../domain/retention.js';
import { type Command, RUNNING } from '../command.js';
import { checkPortFree, listenFailure } from '../port.js';
import { openConfiguredStore } from '../store.js';

export const serveCommand: Command = {
  name: 'serve',
  group: 'server',
  summary: 'run the Activity Log API server',
  description: `Runs the Activity Log API. Flags win over environment variables, which win over defaults.
Prints one line with the URL when ready; logs requests as JSON on stderr.
SIGINT or SIGTERM: stop taking requests, finish those in flight, close the database, exit 0.`,
  options: [
    { title: 'Server options', options: SERVER_OPTIONS },
    { title: 'Store options', options: STORE_OPTIONS },
    { title: 'Retention options', options: RETENTION_OPTIONS },
  ],
  async run({ flags, env }) {
    const config = resolveServeConfig(flags as Record<string, string>, env);
    const retention = resolveRetention(flags as Record<string, string | string[]>, env);
    // Before the store: a busy port must not leave a new database file or tables behind.
    await checkPortFree(config.host, config.port);
    await serve(config, retention);
    return RUNNING;
  },
};

/**
 * How far V8 lets the old generation grow past what survived its last full collection before it
 * collects again: 50 %, where V8 by itself chose up to ~4×. Under batch ingest most of that
 * growth is requests already answered; on 10M records it took the server's peak under
 * 1,000-record batches from ~417 to under 300 MB at the same throughput (docs/decisions.md, "Memory at rest"). A `--heap-growing-percent`
 * given to node itself wins.
 */
const HEAP_GROWING_PERCENT = 50;

function limitHeapGrowth(): void {
  if (process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

const formatUrl = (host: string, port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

/**
 * Runs the server until SIGINT or SIGTERM, then stops taking connections, lets the
 * requests in flight finish, closes the store and exits 0. Logs go to stderr as JSON;
 * stdout carries only the ready line, so scripts can read the URL from it.
 */
async function serve(config: ServeConfig, retention: Retention): Promise<void> {
  // Loaded here rather than at the top: --help and the store commands need no HTTP stack,
  // which is most of the CLI's start-up time.
  const [{ pino }, { buildApp }, { Pruner }] = await Promise.all([
    import('pino'),
    import('../../http/app.js'),
    import('../../jobs/retention.js'),
  ]);
  limitHeapGrowth();
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } }, pino.destination(2));
  const store = await openConfiguredStore(config);
  const app = await buildApp({
    store,
    logger,
    bodyLimit: config.bodyLimit,
    access: {
      token: config.token,
      readToken: config.readToken,
      // A page that rebinds DNS to 127.0.0.1 cannot know a token; without one, the Host check guards.
      loopbackHostsOnly: isLoopbackHost(config.host) && !config.token && !config.readToken,
    },
    corsOrigins: config.corsOrigins,
    rateLimit: config.rateLimit,
    maxStreams: config.maxStreams,
  });
  const pruner = new Pruner(store, retention, logger);
  let stopping = false;
  // Handlers stay installed: a second signal while draining must not kill the process
  // and lose writes that are being committed.
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'already shutting down');
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    try {
      await pruner.stop();
      await app.close();
      logger.info('stopped');
      logger.flush();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    // Taken since checkPortFree looked: close the store cleanly, then say so.
    await app.close();
    throw listenFailure(error, config.host, config.port);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stdout.write(`actlog listening on ${formatUrl(config.host, port)} (${store.description})\n`);
  // At start (in the background, the server already answers), then hourly.
  pruner.start();
}
