import { AssertionError } from 'node:assert';
import { checkerFor } from './server.js';

/** A server-sent event as the stream wrote it. */
export interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/**
 * A live-tail client for tests: reads `text/event-stream` over fetch, collects every event
 * (comments skipped), and can wait until a condition holds.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  status = 0;
  ended = false;
  private readonly abort = new AbortController();
  private buffer = '';
  private wakeups: (() => void)[] = [];

  /** Set when a record event does not match the OpenAPI document; `until` then fails. */
  invalid: string | undefined;
  private checkRecord: ((data: string) => string | undefined) | undefined;

  /** Opens a stream; against a server from `startServer`, the answer is checked against its OpenAPI document. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    const response = await fetch(url, { headers, signal: client.abort.signal });
    client.status = response.status;
    const checker = checkerFor(url);
    const check = (text: string) => {
      const failure = checker?.check({
        method: 'GET',
        url,
        status: response.status,
        contentType: response.headers.get('content-type'),
        text,
      });
      if (failure) throw new AssertionError({ message: `answer not as the OpenAPI document says: ${failure}` });
    };
    if (response.status !== 200 || !response.body) {
      client.ended = true;
      client.buffer = await response.text();
      check(client.buffer);
      return client;
    }
    // The body is a stream that never ends by itself: check the status and type, then each record.
    check('');
    client.checkRecord = checker && ((data) => checker.checkStreamRecord(data));
    void client.read(response.body);
    return client;
  }

  /** The body of a refused request (an error envelope). */
  get text(): string {
    return this.buffer;
  }

  records(): { id: number }[] {
    return this.events.filter((e) => e.event === 'record').map((e) => JSON.parse(e.data ?? '{}'));
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) {
        this.buffer += decoder.decode(chunk, { stream: true });
        for (let end = this.buffer.indexOf('\n\n'); end >= 0; end = this.buffer.indexOf('\n\n')) {
          const block = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          const event: SseEvent = {};
          let comment = true;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            comment = false;
            const colon = line.indexOf(':');
            const field = line.slice(0, colon) as keyof SseEvent;
            event[field] = line.slice(colon + 2);
          }
          if (!comment) this.events.push(event);
          if (event.event === 'record') this.invalid ??= this.checkRecord?.(event.data ?? '');
        }
        this.wake();
      }
    } catch {
      // aborted
    }
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    for (const wake of this.wakeups.splice(0)) wake();
  }

  /** Resolves when `condition` holds; rejects after `ms`. */
  async until(condition: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!condition()) {
      if (this.invalid)
        throw new AssertionError({ message: `answer not as the OpenAPI document says: ${this.invalid}` });
      if (Date.now() > deadline)
        throw new Error(`timed out; events so far: ${JSON.stringify(this.events).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        this.wakeups.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    if (this.invalid) throw new AssertionError({ message: `answer not as the OpenAPI document says: ${this.invalid}` });
  }

  close(): void {
    this.abort.abort();
  }
}
