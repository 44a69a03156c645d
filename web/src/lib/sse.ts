/**
 * An incremental parser of `text/event-stream` (the WHATWG HTML rules for event streams), for
 * reading the live tail with fetch(): EventSource cannot send an Authorization header, and the
 * token must never travel in a URL. Fed decoded text in chunks of any size.
 */

export interface SseEvent {
  /** The `event:` field, `message` when absent. */
  event: string;
  /** The `data:` lines joined with newlines. */
  data: string;
  /** The last `id:` seen so far (what a reconnect resumes from), `''` before any. */
  lastEventId: string;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private started = false;
  lastEventId = '';

  /** Feeds a chunk; returns the events it completed. */
  push(chunk: string): SseEvent[] {
    let text = this.buffer + chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const cr = text.indexOf('\r', start);
      const lf = text.indexOf('\n', start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      let next = end + 1;
      if (text[end] === '\r') {
        // A CR at the end of the chunk may be the first half of CRLF: wait for the next chunk.
        if (end + 1 === text.length) break;
        if (text[end + 1] === '\n') next = end + 2;
      }
      this.line(text.slice(start, end), events);
      start = next;
    }
    this.buffer = text.slice(start);
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) {
        events.push({ event: this.event || 'message', data: this.data.join('\n'), lastEventId: this.lastEventId });
      }
      this.data = [];
      this.event = '';
      return;
    }
    if (line.startsWith(':')) return; // a comment, e.g. the server's keep-alive ": ping"
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
  }
}
