/**
 * The load generator, run as its own process (child_process.fork) so that it never
 * shares the event loop or the CPU accounting of the server it measures. It drives
 * autocannon programmatically and measures every response itself: a fixed window,
 * exact latencies with sub-millisecond resolution, and a check of every status.
 */
import { createRequire } from 'node:module';
import { v7 as uuidv7 } from 'uuid';
import type { LoadResult, LoadSpec } from './lib/load-types.js';

interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'reqError', listener: (error: unknown) => void): void;
  stop(): void;
}
type Autocannon = (
  options: Record<string, unknown>,
  done: (error: unknown, result: { errors: number; timeouts: number }) => void,
) => AutocannonInstance;

/** The placeholder a body holds where each request gets its own event id. */
const EVENT_ID = '__EVENT_ID__';

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    let unexpected = 0;
    let lastResponseAt = 0;
    const started = performance.now();
    const windowEnd = spec.seconds !== undefined ? started + spec.seconds * 1000 : Number.POSITIVE_INFINITY;

    const instance = autocannon(
      {
        url: spec.origin,
        connections: spec.connections,
        ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.seconds }),
        timeout: spec.timeout ?? 10,
        sampleInt: 100, // ends the run within 100 ms of the duration
        excludeErrorStats: false,
        requests: spec.requests.map((r) => ({
          method: r.method,
          path: r.path,
          ...(r.body !== undefined ? { body: r.body, headers: { 'content-type': 'application/json' } } : {}),
          // A fresh event_id per request, so that repeated bodies are new records, not duplicates: a
          // UUIDv7 (time-ordered), as the client library and the batcher make them.
          ...(spec.freshEventIds && r.body?.includes(EVENT_ID)
            ? {
                setupRequest: (request: { body?: string }) => ({
                  ...request,
                  body: r.body?.replaceAll(EVENT_ID, () => uuidv7()),
                }),
              }
            : {}),
        })),
      },
      (error, result) => {
        if (error) return reject(error);
        const seconds = ((spec.seconds !== undefined ? windowEnd : lastResponseAt) - started) / 1000;
        latencies.sort((a, b) => a - b);
        const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
        const sum = latencies.reduce((a, b) => a + b, 0);
        resolve({
          responses: latencies.length,
          seconds,
          rps: latencies.length / seconds,
          // No answer within the window: no latency to report (NaN, which the report shows as n/a).
          latency: latencies.length
            ? { mean: sum / latencies.length, p50: at(0.5), p99: at(0.99), max: at(1) }
            : { mean: Number.NaN, p50: Number.NaN, p99: Number.NaN, max: Number.NaN },
          unexpected: unexpected + result.errors + result.timeouts,
          statuses,
        });
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      const now = performance.now();
      if (now > windowEnd) return;
      lastResponseAt = now;
      latencies.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== spec.expectStatus) unexpected++;
    });
  });
}

process.on('message', (message: { id: number; spec: LoadSpec }) => {
  runLoad(message.spec).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: String((error as Error)?.stack ?? error) }),
  );
});
process.on('disconnect', () => process.exit(0));
