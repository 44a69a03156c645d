import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { type QueryInput, toFilter } from '../../api/query.js';
import { FILTER_PROPERTIES } from '../../api/schemas.js';
import { AppError, ErrorCode, invalid } from '../../domain/errors.js';
import { type Filter, matches } from '../../domain/filter.js';
import { DEFAULT_MAX_STREAMS, MAX_SAFE_INTEGER } from '../../domain/limits.js';
import type { ChangeEvent } from '../../store/changes.js';
import { rowToJson } from '../../store/sql/records.js';
import type { Store } from '../../store/store.js';
import { operation } from '../openapi.js';
import { normalizeQuery } from '../query.js';

/** A comment line this often keeps proxies from closing an idle stream. */
const PING_MS = 15_000;
/** Bytes a client may fall behind by before it is told `overflow` and the stream ends. */
const MAX_BEHIND_BYTES = 1024 * 1024;
/** Events held while a stream replays; beyond it the client is told `overflow`. */
const MAX_HELD_EVENTS = 10_000;
/** Records read per step of a replay. */
const REPLAY_STEP = 500;

export const StreamQuerySchema = Type.Object({
  ...FILTER_PROPERTIES,
  after_id: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: MAX_SAFE_INTEGER,
      description: 'Resume: first send every matching record with a larger id (as the Last-Event-ID header does)',
    }),
  ),
});

/**
 * The live tail (extensions §6): `text/event-stream` of the records that match, built on the
 * store's commit feed. A resume replays from the store, oldest first, then goes live with no
 * gap and no repeat: the stream subscribes before it replays, holds what arrives meanwhile, and
 * drops held records it already sent.
 */
export const streamRoutes: FastifyPluginAsyncTypebox<{ store: Store; maxStreams?: number }> = async (
  app,
  { store, maxStreams = DEFAULT_MAX_STREAMS },
) => {
  const open = new Set<LiveStream>();
  // Shutdown ends open streams at once instead of waiting for clients to leave.
  app.addHook('preClose', async () => {
    for (const stream of open) stream.end();
  });

  app.get(
    '/activity_log/stream',
    {
      preValidation: normalizeQuery(Object.keys(StreamQuerySchema.properties)),
      schema: {
        tags: ['live'],
        ...operation(
          'streamRecords',
          'read',
          'Stream matching records as they are written (text/event-stream)',
          'New matching records in ascending id order, each once. Resume with the `Last-Event-ID` header (or `after_id`): every matching record with a larger id comes first, then the live ones, with no gap and no repeat. A client that falls behind gets `event: overflow` and the stream ends; it resumes with `Last-Event-ID`. A comment line every 15 s keeps proxies from closing an idle stream.',
        ),
        querystring: StreamQuerySchema,
        headers: Type.Object({
          'last-event-id': Type.Optional(
            Type.String({
              pattern: '^[0-9]{1,16}$',
              description:
                'Resume after this record id (what EventSource sends when it reconnects); wins over after_id',
            }),
          ),
        }),
        response: {
          200: {
            description:
              'A server-sent event stream: `event: record` (data: the record), `event: delete` (data: {"id":N}), `event: delete_all`, `event: overflow`',
            content: {
              'text/event-stream': {
                schema: Type.String({
                  example:
                    'id: 2\nevent: record\ndata: {"id":2,"platform":"tiktok","serial":"device_serial_123","action_type":"post","action_detail":"","username":"user123","timestamp":1707725060}\n\n',
                }),
              },
            },
          },
          '4xx': Type.Ref('ErrorEnvelope'),
          '5xx': Type.Ref('ErrorEnvelope'),
        },
      },
    },
    async (request, reply) => {
      const query = request.query as QueryInput & { after_id?: number };
      const filter = toFilter(query);
      const after = resumeFrom(request.headers['last-event-id'], query.after_id);
      if (open.size >= maxStreams) {
        throw new AppError(ErrorCode.rateLimited, `too many open streams: at most ${maxStreams} per server`);
      }
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
      });
      const stream = new LiveStream(store, filter, after, response, () => open.delete(stream));
      open.add(stream);
      request.raw.on('close', () => stream.end());
      await stream.start();
    },
  );
};

/** `Last-Event-ID` wins over `after_id`; without either, the stream starts with what comes next. */
function resumeFrom(header: string | string[] | undefined, afterId: number | undefined): number | undefined {
  if (header === undefined) return afterId;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^[0-9]{1,16}$/.test(value) || Number(value) > MAX_SAFE_INTEGER) {
    throw invalid('Last-Event-ID must be a record id (a whole number)');
  }
  return Number(value);
}

class LiveStream {
  /** The id of the last record sent (or the resume point): nothing at or below it is sent again. */
  private last: number;
  /** Events that arrive while the stream replays from the store; null once it is live. */
  private held: ChangeEvent[] | null = [];
  private readonly unsubscribe: () => void;
  private readonly ping: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly store: Store,
    private readonly filter: Filter,
    private readonly after: number | undefined,
    private readonly response: ServerResponse,
    private readonly onEnd: () => void,
  ) {
    this.last = after ?? 0;
    // Subscribed before the replay reads the store: a commit is then either read or held.
    this.unsubscribe = store.changes.subscribe((events) => this.take(events));
    this.ping = setInterval(() => this.write(': ping\n\n'), PING_MS);
  }

  async start(): Promise<void> {
    if (this.after !== undefined) {
      this.write(': connected\n\n');
      return this.catchUp();
    }
    // Live from now: what committed before now is not new, even when the feed (which on
    // PostgreSQL hears of commits a moment later) tells of it after the stream subscribed.
    try {
      this.last = (await this.store.changes.sync()) - 1;
    } catch {
      this.end(); // the store failed: the client reconnects
      return;
    }
    // Held so far: changes committed before now (records at or below `last`, which are not
    // sent again, and deletes, dropped here) and records committed since (kept).
    this.held = (this.held ?? []).filter((event) => event.kind === 'record' || event.kind === 'reset');
    // From here on every matching commit is sent: the comment tells the client so.
    this.write(': connected\n\n');
    this.goLive();
  }

  /** Replays every matching record above `last`, oldest first, then sends what was held and goes live. */
  private async catchUp(): Promise<void> {
    try {
      for (;;) {
        const batch = await this.store.ascending(this.filter, this.last, REPLAY_STEP, (row, labels) => ({
          id: row[0] as number,
          json: rowToJson(row, labels),
        }));
        for (const { id, json } of batch) this.record(id, json, false);
        if (this.ended || batch.length < REPLAY_STEP) break;
        // The replay is ours to pace: wait for the client to take what was written.
        if (this.response.writableLength > MAX_BEHIND_BYTES / 2) await this.drained();
      }
      this.goLive();
    } catch {
      // The store failed mid-replay: end the stream; the client resumes from its last id.
      this.end();
    }
  }

  private goLive(): void {
    const held = this.held ?? [];
    this.held = null;
    this.send(held);
  }

  private take(events: readonly ChangeEvent[]): void {
    if (this.ended) return;
    if (!this.held) {
      this.send(events);
      return;
    }
    this.held.push(...events);
    if (this.held.length > MAX_HELD_EVENTS) this.overflow();
  }

  private send(events: readonly ChangeEvent[]): void {
    for (const [i, event] of events.entries()) {
      if (this.ended) return;
      switch (event.kind) {
        case 'record':
          if (matches(event.record, this.filter)) this.record(event.id, JSON.stringify(event.record));
          break;
        case 'delete':
          this.write(`event: delete\ndata: {"id":${event.id}}\n\n`);
          break;
        case 'delete_all':
          this.write('event: delete_all\ndata: {}\n\n');
          break;
        case 'reset':
          // The feed may have missed commits: catch up from the store, holding what comes meanwhile.
          this.held = events.slice(i + 1);
          void this.catchUp();
          return;
      }
    }
  }

  private record(id: number, json: string, live = true): void {
    if (id <= this.last) return;
    this.last = id;
    this.write(`id: ${id}\nevent: record\ndata: ${json}\n\n`, live);
  }

  /** Live events cannot wait: a client that falls too far behind them overflows. */
  private write(text: string, live = true): void {
    if (this.ended) return;
    this.response.write(text);
    if (live && this.response.writableLength > MAX_BEHIND_BYTES) this.overflow();
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.once('drain', done);
      this.response.once('close', done);
    });
  }

  /** A client too slow to keep up is told so, and the stream ends; it resumes with Last-Event-ID. */
  private overflow(): void {
    if (this.ended) return;
    this.response.write('event: overflow\ndata: {}\n\n');
    this.end();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.ping);
    this.unsubscribe();
    this.response.end();
    this.onEnd();
  }
}
