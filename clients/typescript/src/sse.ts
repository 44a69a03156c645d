/** One server-sent event (comments left out). */
export interface ServerSentEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * Reads `text/event-stream` as the HTML standard defines it: lines end in LF, CR or CRLF; a
 * blank line ends an event; `data` lines are joined with LF; one space after the colon is
 * dropped; lines starting with a colon are comments (the server's pings).
 */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: { id?: string; event?: string; data: string[] } = { data: [] };
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.search(/\r\n|\r|\n/);
    while (end >= 0) {
      const line = buffer.slice(0, end);
      const breakLength = buffer.startsWith('\r\n', end) ? 2 : 1;
      // A lone CR at the very end may be the first half of CRLF: wait for more.
      if (buffer[end] === '\r' && end + 1 === buffer.length) break;
      buffer = buffer.slice(end + breakLength);
      if (line === '') {
        if (event.data.length > 0 || event.event) {
          yield {
            ...(event.id !== undefined ? { id: event.id } : {}),
            event: event.event ?? 'message',
            data: event.data.join('\n'),
          };
        }
        event = { data: [] };
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') event.data.push(value);
        else if (field === 'event') event.event = value;
        else if (field === 'id') event.id = value;
      }
      end = buffer.search(/\r\n|\r|\n/);
    }
  }
}
