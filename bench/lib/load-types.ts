/** What the load worker is asked to do, and what it answers (shared by both processes). */

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

export interface LoadSpec {
  /** Origin of the server, e.g. http://127.0.0.1:40123 */
  origin: string;
  /** Cycled through by every connection, in order. */
  requests: LoadRequest[];
  connections: number;
  /** Run for this long (responses completing later are not counted)… */
  seconds?: number;
  /** …or until this many responses (for slow requests, with one connection). */
  amount?: number;
  /** The status every answer must have (404 for the trivial route). */
  expectStatus: number;
  /** Replace every `__EVENT_ID__` in a body with a fresh UUIDv7 for each request sent. */
  freshEventIds?: boolean;
  /** Per-request timeout in seconds. */
  timeout?: number;
}

export interface LoadResult {
  /** Responses completed within the window. */
  responses: number;
  seconds: number;
  /** Responses per second. */
  rps: number;
  /** Milliseconds. */
  latency: { mean: number; p50: number; p99: number; max: number };
  /** Answers with another status than expected, plus connection errors and timeouts. */
  unexpected: number;
  statuses: Record<string, number>;
}
