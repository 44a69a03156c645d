import { AppError, ErrorCode, invalid } from '../domain/errors.js';

/** At most this many records in one batch (extensions §3). */
export const MAX_BATCH_RECORDS = 10_000;
/** At most this many bytes in one batch body (extensions §3). */
export const MAX_BATCH_BYTES = 16 * 1024 * 1024;

/** NDJSON when the client says so; otherwise the body must be a JSON array. */
export const isNdjson = (contentType: string | undefined) =>
  /^\s*application\/(x-ndjson|ndjson|jsonl|x-jsonlines)\s*(;|$)/i.test(contentType ?? '');

/**
 * The items of a batch body as byte ranges, counted before anything is stored, so that a batch
 * over the limit is refused whole. A JSON array is cut at its top-level commas (a scanner that
 * follows strings and nesting); each item is parsed on its own later, so a 16 MiB body never
 * becomes 16 MiB of objects at once. A body that is not a well-formed array is 40001.
 */
export function batchItems(body: Buffer, ndjson: boolean): [number, number][] {
  const items = ndjson ? ndjsonLines(body) : arrayElements(body);
  if (items.length > MAX_BATCH_RECORDS) {
    throw new AppError(
      ErrorCode.payloadTooLarge,
      `a batch holds at most ${MAX_BATCH_RECORDS} records (got ${items.length})`,
    );
  }
  return items;
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Lines that are not blank; a line's trailing CR is dropped. */
function ndjsonLines(body: Buffer): [number, number][] {
  const lines: [number, number][] = [];
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x0a, start);
    if (end < 0) end = body.length;
    let from = start;
    let to = end;
    while (from < to && SPACE.has(body[from] as number)) from++;
    while (to > from && SPACE.has(body[to - 1] as number)) to--;
    if (to > from) lines.push([from, to]);
    start = end + 1;
  }
  return lines;
}

function arrayElements(body: Buffer): [number, number][] {
  const notArray = () =>
    invalid('body must be a JSON array of records, or NDJSON with Content-Type: application/x-ndjson');
  let i = 0;
  const skipSpace = () => {
    while (i < body.length && SPACE.has(body[i] as number)) i++;
  };
  skipSpace();
  if (body[i] !== 0x5b /* [ */) throw notArray();
  i++;
  skipSpace();
  const elements: [number, number][] = [];
  if (body[i] === 0x5d /* ] */) {
    i++;
  } else {
    for (;;) {
      skipSpace();
      const start = i;
      let depth = 0;
      let inString = false;
      for (; i < body.length; i++) {
        const c = body[i] as number;
        if (inString) {
          if (c === 0x5c /* \ */) i++;
          else if (c === 0x22 /* " */) inString = false;
        } else if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          if (depth === 0) break;
          depth--;
        } else if (c === 0x2c /* , */ && depth === 0) break;
      }
      let end = i;
      while (end > start && SPACE.has(body[end - 1] as number)) end--;
      if (i >= body.length || end === start) throw invalid('body is not valid JSON');
      elements.push([start, end]);
      if (body[i] === 0x5d) {
        i++;
        break;
      }
      i++; // the comma
    }
  }
  skipSpace();
  if (i < body.length) throw invalid('body is not valid JSON');
  return elements;
}
