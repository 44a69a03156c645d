import { ActlogConnectionError, ActlogError } from './errors.js';
import { withEventId } from './event-id.js';
import { backoffMs, DEFAULT_RETRY, type RetryOptions, sleep } from './retry.js';
import type { BatchResult, ItemResult, RecordInput } from './types.js';

/** Where a batcher sends its batches: the client's `addMany` (one attempt per call). */
export interface BatchSink {
  addMany(
    records: readonly RecordInput[],
    options: { retry: { retries: number }; signal?: AbortSignal },
  ): Promise<BatchResult>;
}

export interface BatcherOptions {
  /** Send when this many records are waiting (default 1000; at most 10,000). */
  maxRecords?: number;
  /** Send at most this long after a record arrived, in ms (default 1000). */
  maxDelayMs?: number;
  /** A batch body stays under this many bytes (default 8 MiB; the server takes 16 MiB). */
  maxBytes?: number;
  /** `add` waits while this many records are waiting or in flight (default 100,000): backpressure. */
  maxBuffered?: number;
  /** How a batch is retried; by default until it is acknowledged (`retries: Infinity`, at most 5 s apart). */
  retry?: RetryOptions;
  /** Called for each record the server refused (a 4xx for that item): it was not stored and is not retried. */
  onFailed?: (record: RecordInput, error: { code: number; message: string }) => void;
  /** Called when a whole batch failed for good (401, 403, retries used up, aborted): its records were not stored. */
  onError?: (error: Error, records: RecordInput[]) => void;
  /**
   * Gives up: no more retries; what is buffered or in flight goes to `onError` (with the signal's
   * reason) and `flush`/`close` reject. Without it a batcher retries an unreachable server for ever.
   */
  signal?: AbortSignal;
}

export interface BatcherStats {
  /** Records the server stored because of this batcher. */
  added: number;
  /** Records the server already had (same event_id): sent again after a lost answer, never doubled. */
  duplicates: number;
  /** Records refused or given up. */
  failed: number;
  /** Requests sent again after a failure. */
  retries: number;
  /** Records waiting or in flight. */
  pending: number;
}

interface Entry {
  record: RecordInput;
  bytes: number;
}

/**
 * A buffered writer: `add` puts a record (given its UUIDv7 event_id now) into a buffer and
 * returns; the buffer goes to the batch endpoint when it holds `maxRecords`, or `maxDelayMs`
 * after its first record, whichever comes first. One batch is in flight at a time, so records
 * are stored in the order they were added.
 *
 * Nothing is lost or doubled across a server restart: a batch whose request fails (network
 * error, 5xx, 429) is sent again, the same records with the same event_ids, with backoff and
 * jitter, until the server acknowledges it; records the server had already stored before the
 * answer was lost come back as duplicates and are not stored twice. Items that fail with a
 * server error (50001) are retried alone; items refused as invalid are reported to `onFailed`.
 */
export class Batcher {
  private readonly maxRecords: number;
  private readonly maxDelayMs: number;
  private readonly maxBytes: number;
  private readonly maxBuffered: number;
  private readonly retry: Required<RetryOptions>;
  private buffer: Entry[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private spaceWaiters: (() => void)[] = [];
  private failure: Error | undefined;
  private closed = false;
  readonly stats: BatcherStats = { added: 0, duplicates: 0, failed: 0, retries: 0, pending: 0 };

  constructor(
    private readonly client: BatchSink,
    private readonly options: BatcherOptions = {},
  ) {
    this.maxRecords = Math.min(options.maxRecords ?? 1000, 10_000);
    this.maxDelayMs = options.maxDelayMs ?? 1000;
    this.maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
    this.maxBuffered = Math.max(options.maxBuffered ?? 100_000, this.maxRecords);
    this.retry = { ...DEFAULT_RETRY, retries: Number.POSITIVE_INFINITY, ...options.retry };
    options.signal?.addEventListener('abort', () => this.kick(), { once: true });
  }

  /** Buffers a record; resolves at once, or once there is room (backpressure). */
  async add(record: RecordInput): Promise<void> {
    if (this.closed) throw new Error('the batcher is closed');
    this.options.signal?.throwIfAborted();
    while (this.buffer.length + this.inFlight >= this.maxBuffered) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    const withId = withEventId(record);
    this.buffer.push({ record: withId, bytes: Buffer.byteLength(JSON.stringify(withId)) + 1 });
    this.stats.pending++;
    if (this.buffer.length >= this.maxRecords) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.maxDelayMs);
  }

  /** Sends everything buffered; resolves when all of it is acknowledged, rejects if a batch failed for good. */
  async flush(): Promise<void> {
    while (this.buffer.length > 0 || this.sending) {
      this.kick();
      await this.sending;
    }
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
  }

  /** Flushes and refuses further records. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sending ??= this.drain().finally(() => {
      this.sending = undefined;
      // Records added while the last batch was in flight wait for their own timer or size.
      if (this.buffer.length >= this.maxRecords) this.kick();
      else if (this.buffer.length > 0) this.timer ??= setTimeout(() => this.kick(), this.maxDelayMs);
    });
  }

  /** Sends batches while full ones are waiting (or, when flushing, while anything is). */
  private async drain(): Promise<void> {
    do {
      const batch = this.take();
      if (batch.length > 0) await this.send(batch);
    } while (this.buffer.length >= this.maxRecords || (this.options.signal?.aborted && this.buffer.length > 0));
  }

  private take(): Entry[] {
    let bytes = 2;
    let n = 0;
    while (n < this.buffer.length && n < this.maxRecords) {
      const entry = this.buffer[n] as Entry;
      if (n > 0 && bytes + entry.bytes > this.maxBytes) break;
      bytes += entry.bytes;
      n++;
    }
    const batch = this.buffer.splice(0, n);
    this.inFlight += batch.length;
    return batch;
  }

  private async send(batch: Entry[]): Promise<void> {
    const { signal } = this.options;
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      let results: ItemResult[];
      try {
        signal?.throwIfAborted();
        // One attempt per call: this loop owns the retries, so that it can count them.
        const options = { retry: { retries: 0 }, ...(signal ? { signal } : {}) };
        results = (
          await this.client.addMany(
            pending.map((e) => e.record),
            options,
          )
        ).results;
      } catch (error) {
        const transient =
          error instanceof ActlogConnectionError ||
          (error instanceof ActlogError && (error.status === 429 || error.status >= 500));
        if (transient && attempt < this.retry.retries && !signal?.aborted) {
          this.stats.retries++;
          try {
            await sleep(backoffMs(attempt, this.retry), signal);
            continue;
          } catch {
            // aborted while waiting: give up below
          }
        }
        this.giveUp(pending, signal?.aborted ? (signal.reason as Error) : (error as Error));
        return;
      }
      const again: Entry[] = [];
      results.forEach((result, i) => {
        const entry = pending[i] as Entry;
        if ('id' in result) this.settle(1, result.duplicate ? 'duplicates' : 'added');
        else if (result.code >= 50000) again.push(entry);
        else {
          this.settle(1, 'failed');
          this.options.onFailed?.(entry.record, result);
        }
      });
      if (again.length > 0) {
        this.stats.retries++;
        try {
          await sleep(backoffMs(attempt, this.retry), signal);
        } catch {
          this.giveUp(again, signal?.reason as Error);
          return;
        }
      }
      pending = again;
    }
  }

  private giveUp(entries: Entry[], error: Error): void {
    this.settle(entries.length, 'failed');
    this.failure ??= error;
    this.options.onError?.(
      error,
      entries.map((e) => e.record),
    );
  }

  private settle(count: number, outcome: 'added' | 'duplicates' | 'failed'): void {
    this.stats[outcome] += count;
    this.stats.pending -= count;
    this.inFlight -= count;
    for (const wake of this.spaceWaiters.splice(0)) wake();
  }
}
