import { Batcher, type BatcherOptions } from './batcher.js';
import { ActlogConnectionError, ActlogError, errorFor, ServerError } from './errors.js';
import { withEventId } from './event-id.js';
import { backoffMs, DEFAULT_RETRY, type RetryOptions, sleep } from './retry.js';
import { readEvents } from './sse.js';
import type {
  ActivityRecord,
  AddResult,
  BatchResult,
  ExportFormat,
  Filter,
  PageQuery,
  RecordInput,
  Stats,
  StatsQuery,
  TailEvent,
} from './types.js';

/** TikMatrix's own port, which actlog replaces. */
export const DEFAULT_URL = 'http://127.0.0.1:50809';
/** The server answers at most this many records a page. */
const MAX_PAGE = 1000;
/** The batch endpoint takes at most this many records. */
export const MAX_BATCH_RECORDS = 10_000;

export interface ClientOptions {
  /** Where the server listens, e.g. `http://127.0.0.1:50809` (the default). */
  url?: string;
  /** The access token (`Authorization: Bearer …`), when the server has one. */
  token?: string;
  /** How failed calls are retried (network errors, 5xx, 429). */
  retry?: RetryOptions;
  /** One attempt may take this long, in ms (default 30 s); a slower one counts as a network error. */
  timeoutMs?: number;
}

export interface CallOptions {
  /** Stops the call (and its retries); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** This call's retries, instead of the client's (`{ retries: 0 }`: one attempt). */
  retry?: RetryOptions;
}

/**
 * Which failures a call may retry. `any`: network errors, 5xx and 429, for reads and for writes
 * made idempotent by their event_id. `not-done`: only the answers that say nothing was done
 * (429, 503), for deletes, whose outcome after a broken connection is unknown.
 * Never a 4xx other than 429: asking again would get the same answer.
 */
type RetryPolicy = 'any' | 'not-done';

/**
 * A client for the actlog HTTP API, on the platform's `fetch`. Every call retries what is safe
 * to retry, with exponential backoff and jitter; writes carry an event_id so that a retry can
 * never add a record twice. Errors are typed (`ActlogError` and its subclasses, by code).
 */
export class ActlogClient {
  readonly url: string;
  private readonly token: string | undefined;
  private readonly retry: Required<RetryOptions>;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions = {}) {
    this.url = (options.url ?? DEFAULT_URL).replace(/\/+$/, '');
    this.token = options.token || undefined;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Adds one record (with an event_id, so a retry cannot double it); resolves with its id. */
  async add(record: RecordInput, options: CallOptions = {}): Promise<AddResult> {
    return this.json('POST', '/api/v1/activity_log', { ...options, body: withEventId(record), policy: 'any' });
  }

  /**
   * Adds up to 10,000 records in one request (each given an event_id if it has none): one
   * result per record in order; a bad record fails alone. `addMany` never throws for a bad
   * item, only when the request as a whole fails.
   */
  async addMany(records: readonly RecordInput[], options: CallOptions = {}): Promise<BatchResult> {
    if (records.length > MAX_BATCH_RECORDS) throw new RangeError(`at most ${MAX_BATCH_RECORDS} records a call`);
    return this.json('POST', '/api/v1/activity_log/batch', {
      ...options,
      body: records.map((record) => withEventId(record)),
      policy: 'any',
    });
  }

  /** A buffered batcher: `add` returns at once, records go in batches of N or every T ms (see Batcher). */
  batcher(options: BatcherOptions = {}): Batcher {
    return new Batcher(this, options);
  }

  /** One page as the API answers it (newest first, at most 1000 records). */
  async page(query: PageQuery = {}, options: CallOptions = {}): Promise<ActivityRecord[]> {
    return this.json('GET', '/api/v1/activity_log', { ...options, query, policy: 'any' });
  }

  /**
   * Every matching record, newest first, paged with `before_id` (constant cost per page, and no
   * record is skipped or repeated when new ones arrive meanwhile). `limit` caps the total.
   */
  async *list(
    query: Filter & { before_id?: number; limit?: number; pageSize?: number } = {},
    options: CallOptions = {},
  ): AsyncGenerator<ActivityRecord> {
    const { limit = Number.POSITIVE_INFINITY, pageSize = MAX_PAGE, before_id, ...filter } = query;
    let before = before_id;
    let left = limit;
    while (left > 0) {
      const size = Math.min(pageSize, MAX_PAGE, left);
      const page = await this.page({ ...filter, limit: size, ...(before ? { before_id: before } : {}) }, options);
      for (const record of page) yield record;
      left -= page.length;
      const last = page.at(-1);
      if (page.length < size || !last) return;
      before = last.id;
    }
  }

  async count(filter: Filter = {}, options: CallOptions = {}): Promise<number> {
    return (
      await this.json<{ count: number }>('GET', '/api/v1/activity_log/count', {
        ...options,
        query: filter,
        policy: 'any',
      })
    ).count;
  }

  async stats(query: StatsQuery = {}, options: CallOptions = {}): Promise<Stats> {
    const { group_by, ...rest } = query;
    const groupBy = typeof group_by === 'string' ? group_by : group_by?.join(',');
    return this.json('GET', '/api/v1/activity_log/stats', {
      ...options,
      query: { ...rest, ...(groupBy ? { group_by: groupBy } : {}) },
      policy: 'any',
    });
  }

  /** Deletes one record; a missing id is a `NotFoundError`. */
  async delete(id: number, options: CallOptions = {}): Promise<void> {
    await this.json('DELETE', `/api/v1/activity_log/${id}`, { ...options, policy: 'not-done' });
  }

  /** Deletes every record that matches (at least one filter); resolves with how many went. */
  async deleteMatching(filter: Filter, options: CallOptions = {}): Promise<number> {
    return (
      await this.json<{ count: number }>('DELETE', '/api/v1/activity_log', {
        ...options,
        query: filter,
        policy: 'not-done',
      })
    ).count;
  }

  async deleteAll(options: CallOptions = {}): Promise<void> {
    await this.json('DELETE', '/api/v1/activity_log/all', { ...options, policy: 'not-done' });
  }

  /**
   * Every matching record as a file: the raw bytes of the export (NDJSON or CSV), oldest first,
   * as a web ReadableStream (in Node: `Readable.fromWeb(stream).pipe(file)`). The request is
   * retried until the answer starts; if the server fails midway the stream errors, so a partial
   * file never looks whole.
   */
  async export(
    query: Filter & { format?: ExportFormat } = {},
    options: CallOptions = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const response = await this.send('GET', '/api/v1/activity_log/export', { ...options, query, policy: 'any' });
    if (!response.body) throw new ActlogConnectionError('the export answer has no body', this.url);
    return response.body;
  }

  /** The NDJSON export as records, oldest first, with constant memory. */
  async *exportRecords(filter: Filter = {}, options: CallOptions = {}): AsyncGenerator<ActivityRecord> {
    const body = await this.export({ ...filter, format: 'ndjson' }, options);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n');
      while (end >= 0) {
        yield JSON.parse(buffer.slice(0, end)) as ActivityRecord;
        buffer = buffer.slice(end + 1);
        end = buffer.indexOf('\n');
      }
    }
  }

  /**
   * The live tail: matching records as they are written, oldest first, each exactly once. It
   * reconnects by itself after a network error, a server restart or `event: overflow`, resuming
   * with `Last-Event-ID` from the last record it yielded, so nothing is lost or repeated. Without
   * `after_id` it starts at the newest record there is now. Ends when the consumer stops
   * (`break`) or the signal aborts; throws on an answer that retrying cannot fix (401, 400…).
   */
  async *tail(query: Filter & { after_id?: number } = {}, options: CallOptions = {}): AsyncGenerator<ActivityRecord> {
    for await (const event of this.tailEvents(query, options)) {
      if (event.type === 'record') yield event.record;
    }
  }

  /** The live tail with deletes too (`delete`, `delete_all`); see `tail`. */
  async *tailEvents(query: Filter & { after_id?: number } = {}, options: CallOptions = {}): AsyncGenerator<TailEvent> {
    const { after_id, ...filter } = query;
    // A resume point even before the first record: a reconnect then replays what came meanwhile.
    let last = after_id ?? (await this.page({ limit: 1 }, options))[0]?.id ?? 0;
    let attempt = 0;
    for (;;) {
      const controller = new AbortController();
      const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
      let reconnectAt = 0;
      try {
        const response = await this.send('GET', '/api/v1/activity_log/stream', {
          query: filter,
          headers: { accept: 'text/event-stream', 'last-event-id': String(last) },
          policy: 'any',
          signal,
          noTimeout: true,
        });
        attempt = 0;
        for await (const event of readEvents(response.body as ReadableStream<Uint8Array>)) {
          if (event.event === 'record') {
            const id = Number(event.id);
            if (!(id > last)) continue;
            last = id;
            yield { type: 'record', record: JSON.parse(event.data) as ActivityRecord };
          } else if (event.event === 'delete') {
            yield { type: 'delete', id: (JSON.parse(event.data) as { id: number }).id };
          } else if (event.event === 'delete_all') {
            yield { type: 'delete_all' };
          } else if (event.event === 'overflow') {
            break; // we were too slow: resume at once from the last record
          }
        }
        // The stream ended (overflow, the server restarting): resume.
        reconnectAt = attempt === 0 ? 0 : backoffMs(attempt, this.retry);
      } catch (error) {
        if (options.signal?.aborted) return;
        if (error instanceof ActlogError) throw error; // not worth retrying: send() already did
        reconnectAt = backoffMs(attempt, this.retry); // the connection broke mid-stream
      } finally {
        controller.abort();
      }
      attempt++;
      try {
        await sleep(reconnectAt, options.signal);
      } catch {
        return;
      }
    }
  }

  /** A call that answers the envelope: resolves with `data`, or throws the typed error. */
  private async json<T>(method: string, path: string, request: Request): Promise<T> {
    return (await this.call(method, path, { ...request, read: true })).data as T;
  }

  /** A call whose successful answer is a stream (export, live tail): resolves once it starts. */
  private async send(method: string, path: string, request: Request): Promise<Response> {
    return (await this.call(method, path, request)).response;
  }

  /**
   * One HTTP call with retries, per the policy: network errors and timeouts (also a connection
   * that breaks while an envelope answer arrives), 5xx and 429, with backoff and jitter. Anything
   * else that is not a success becomes a typed error at once.
   */
  private async call(method: string, path: string, request: Request): Promise<{ response: Response; data?: unknown }> {
    const url = new URL(`${this.url}${path}`);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { ...request.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    const retry = { ...this.retry, ...request.retry };
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= retry.retries;
      const signals = [request.signal, request.noTimeout ? undefined : AbortSignal.timeout(this.timeoutMs)];
      const active = signals.filter((s): s is AbortSignal => s !== undefined);
      let response: Response;
      let text = '';
      try {
        response = await fetch(url, {
          method,
          headers,
          ...(body !== undefined ? { body } : {}),
          ...(active.length ? { signal: AbortSignal.any(active) } : {}),
        });
        if (!response.ok || request.read) text = await response.text();
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        // Refused: nothing was sent. Otherwise the request may or may not have been done.
        const refused = (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
        if ((request.policy === 'any' || refused) && !last) {
          await sleep(backoffMs(attempt, retry), request.signal);
          continue;
        }
        throw new ActlogConnectionError(
          `cannot reach actlog at ${this.url}: ${describeNetworkError(error)}`,
          url.href,
          {
            cause: error,
          },
        );
      }
      const envelope = parseEnvelope(text);
      if (response.ok) {
        if (!request.read) return { response };
        if (envelope?.code === 0) return { response, data: envelope.data };
        throw envelope
          ? errorFor(response.status, envelope.code, envelope.message)
          : new ServerError(50001, `the answer is not the actlog envelope: ${text.slice(0, 100)}`, response.status);
      }
      const error = errorFor(response.status, envelope?.code, envelope?.message);
      const notDone = response.status === 429 || response.status === 503;
      const retryable = request.policy === 'any' ? response.status === 429 || response.status >= 500 : notDone;
      if (!retryable || last) throw error;
      const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
      await sleep(backoffMs(attempt, retry, Number.isFinite(retryAfter) ? retryAfter : undefined), request.signal);
    }
  }
}

interface Request extends CallOptions {
  query?: Record<string, unknown>;
  body?: unknown;
  headers?: Record<string, string>;
  policy: RetryPolicy;
  /** For streams, which may stay open for hours. */
  noTimeout?: boolean;
  /** Read the envelope and resolve with its data. */
  read?: boolean;
}

function parseEnvelope(text: string): { code: number; message: string; data: unknown } | undefined {
  try {
    const value = JSON.parse(text) as { code?: unknown; message?: unknown; data?: unknown };
    return typeof value.code === 'number'
      ? { code: value.code, message: String(value.message ?? ''), data: value.data }
      : undefined;
  } catch {
    return undefined;
  }
}

/** "connect ECONNREFUSED 127.0.0.1:50809" rather than fetch's bare "fetch failed". */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { message?: string; code?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'no answer in time';
  return cause?.message ?? cause?.code ?? (error as Error).message ?? String(error);
}
