import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { type Logger, pino } from 'pino';
import { SHARED_SCHEMAS } from '../api/schemas.js';
import { AppError, ErrorCode } from '../domain/errors.js';
import { DEFAULT_BODY_LIMIT_BYTES } from '../domain/limits.js';
import type { Store } from '../store/store.js';
import { VERSION } from '../version.js';
import { type AccessOptions, registerAccessControl } from './access.js';
import { registerJsonBodyParser } from './body-parser.js';
import { ErrorEnvelope } from './envelope.js';
import { clientErrorHandler, frameworkErrorHandler, registerErrorHandling } from './errors.js';
import { registerOpenApi } from './openapi.js';
import { registerOperations } from './operations.js';
import { RequestLog } from './request-log.js';
import { exportRoutes } from './routes/export.js';
import { ingestRoutes } from './routes/ingest.js';
import { recordRoutes } from './routes/records.js';
import { statsRoutes } from './routes/stats.js';
import { streamRoutes } from './routes/stream.js';
import { uiRoutes } from './routes/ui.js';
import { registerValidators } from './validation.js';

export interface AppOptions {
  store: Store;
  /** A pino logger; without one the app logs nothing (tests). */
  logger?: Logger;
  bodyLimit?: number;
  access?: AccessOptions;
  /** Origins allowed to call the API from a browser; none by default (CORS off). */
  corsOrigins?: string[];
  /** Requests per minute per client address; off when absent or 0. */
  rateLimit?: number;
  /** Open live-tail streams allowed at once (default 100). */
  maxStreams?: number;
}

/** Explicit timeouts, so that slow or stalled clients cannot hold connections forever. */
const TIMEOUTS = {
  /** A whole request, headers and body, must arrive within this. */
  requestTimeout: 30_000,
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeout: 5_000,
} as const;

const HEADERS_TIMEOUT_MS = 10_000;

/** Builds the HTTP application on a given store; the caller listens and closes it. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT_BYTES;
  const app = Fastify({
    loggerInstance: (options.logger ?? pino({ enabled: false })) as FastifyBaseLogger,
    logController: new RequestLog(),
    bodyLimit,
    ...TIMEOUTS,
    // During shutdown, requests on open connections are still served (the store closes last).
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // A client must send all its headers within this, or the connection is closed (slowloris).
  app.server.headersTimeout = HEADERS_TIMEOUT_MS;
  registerValidators(app);
  registerJsonBodyParser(app);
  const metrics = registerOperations(app, options.store);
  registerErrorHandling(app, bodyLimit, metrics);
  app.addSchema(ErrorEnvelope);
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  if (options.corsOrigins?.length) {
    await app.register(cors, { origin: options.corsOrigins, methods: ['GET', 'HEAD', 'POST', 'DELETE'] });
  }
  registerAccessControl(app, options.access ?? {});
  if (options.rateLimit) {
    await app.register(rateLimit, {
      max: options.rateLimit,
      timeWindow: 60_000,
      errorResponseBuilder: (_request, context) =>
        new AppError(
          ErrorCode.rateLimited,
          `too many requests: at most ${context.max} a minute; retry in ${Math.ceil(context.ttl / 1000)} s`,
        ),
    });
  }

  await registerOpenApi(app, VERSION);
  await app.register(recordRoutes, { prefix: '/api/v1', store: options.store });
  await app.register(statsRoutes, { prefix: '/api/v1', store: options.store });
  await app.register(ingestRoutes, { prefix: '/api/v1', store: options.store });
  await app.register(streamRoutes, {
    prefix: '/api/v1',
    store: options.store,
    ...(options.maxStreams === undefined ? {} : { maxStreams: options.maxStreams }),
  });
  await app.register(exportRoutes, { prefix: '/api/v1', store: options.store });
  await app.register(uiRoutes);
  app.addHook('onClose', async () => options.store.close());
  return app;
}
