/** How a failed call is tried again. */
export interface RetryOptions {
  /** Attempts after the first; `Infinity` for "until it works" (the batcher's default). Default 5. */
  retries?: number;
  /** The first delay's ceiling, in ms; it doubles each attempt. Default 200. */
  baseMs?: number;
  /** No delay is longer than this, in ms. Default 5000. */
  maxMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { retries: 5, baseMs: 200, maxMs: 5000 };

/**
 * Exponential backoff with full jitter: a random delay between 0 and min(max, base · 2^attempt),
 * so that many clients that lost the same server do not come back in step. A `Retry-After` the
 * server sent (seconds) is a floor, still capped by `maxMs`.
 */
export function backoffMs(attempt: number, options: Required<RetryOptions>, retryAfterSeconds?: number): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  const jitter = Math.random() * ceiling;
  const floor = retryAfterSeconds !== undefined ? Math.min(options.maxMs, retryAfterSeconds * 1000) : 0;
  return Math.max(floor, jitter);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
