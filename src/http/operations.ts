import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Store } from '../store/store.js';

/** Hooks for the numbers `/metrics` reports that only other layers can see. */
export interface Metrics {
  storeError(): void;
}

/**
 * Operations endpoints, outside the envelope: `/healthz` (the process answers),
 * `/readyz` (the store answers) and `/metrics` (Prometheus text format).
 */
export function registerOperations(app: FastifyInstance, store: Store): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'actlog_' });
  const requests = new Counter({
    name: 'actlog_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'actlog_http_request_duration_seconds',
    help: 'HTTP request latency by route and method',
    labelNames: ['route', 'method'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const written = new Counter({
    name: 'actlog_records_written_total',
    help: 'Records added and acknowledged',
    registers: [registry],
  });
  const storeErrors = new Counter({
    name: 'actlog_store_errors_total',
    help: 'Requests that failed because the store could not work',
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    // Unknown routes share one label, so that scanning clients cannot grow the series without bound.
    const route = request.routeOptions.url ?? 'unknown';
    const status = String(reply.statusCode);
    requests.inc({ route, method: request.method, status });
    latency.observe({ route, method: request.method }, reply.elapsedTime / 1000);
    if (request.method === 'POST' && route === '/api/v1/activity_log' && reply.statusCode === 200) written.inc();
  });

  const hide = { schema: { hide: true } };
  app.get('/healthz', hide, async () => ({ status: 'ok' }));
  app.get('/readyz', hide, async (request, reply) => {
    try {
      await store.ping();
      return { status: 'ready' };
    } catch (err) {
      request.log.warn({ err }, 'not ready');
      return reply.status(503).send({ status: 'unavailable', reason: 'the store does not answer' });
    }
  });
  app.get('/metrics', hide, async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));

  return { storeError: () => storeErrors.inc() };
}
