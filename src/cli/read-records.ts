import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { v5 as uuidv5 } from 'uuid';
import { CSV_PARSE_OPTIONS, fromCsvRow } from '../api/csv.js';

/**
 * Reading a file of records for `actlog import`: the format, the records one line at a time, and
 * each record's import event_id. Its own module so that the CSV and UUID libraries load only
 * when a file is imported, not whenever the CLI starts (commands/index.ts).
 */

/** One line of the file: a record, or why it is not one. */
export interface Item {
  line: number;
  record?: Record<string, unknown>;
  error?: string;
}

/**
 * The UUIDv5 namespace of import event ids: a record without an event_id gets
 * uuidv5(its canonical JSON, this), the same id on every run, so importing a file again adds
 * nothing twice.
 */
const IMPORT_NAMESPACE = '8a4f2c3e-6b1d-4f5a-9c7e-2d3b4a5f6e71';

/** The server names batch items ("item 3: platform is required"); here the line number says where. */
export const withoutItem = (message: string) => message.replace(/^item \d+: /, '');

/**
 * Its own event_id, or one derived from the record's content: the fields as parsed (the file's
 * id included, nulls left out), with keys sorted at every level, so that the NDJSON and the CSV
 * export of the same record give the same id. The file's id is not sent (the server assigns ids).
 */
export function withImportEventId(record: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, ...rest } = record;
  if (typeof record.event_id === 'string' && record.event_id !== '') return rest;
  return { ...rest, event_id: uuidv5(canonical(record), IMPORT_NAMESPACE) };
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const byExtension = (file: string) =>
  /\.csv$/i.test(file) ? 'csv' : /\.(ndjson|jsonl|json)$/i.test(file) ? 'ndjson' : undefined;

export async function* countBytes(input: Readable, add: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of input) {
    add((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}

/** The format (given, or NDJSON when the first character is `{`, else CSV) and the whole stream again. */
export async function sniff(input: Readable, given: string | undefined): Promise<{ format: string; stream: Readable }> {
  if (given) return { format: given, stream: input };
  const iterator = input[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? '' : (first.value as Buffer).toString('utf8').replace(/^\uFEFF/, '');
  const format = head.trimStart().startsWith('{') ? 'ndjson' : 'csv';
  async function* again() {
    if (!first.done) yield first.value as Buffer;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value as Buffer;
  }
  return { format, stream: Readable.from(again()) };
}

export async function* ndjsonItems(input: Readable): AsyncGenerator<Item> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
    if (trimmed === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      yield { line, error: 'not valid JSON' };
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) yield { line, error: 'must be a JSON object' };
    else yield { line, record: value as Record<string, unknown> };
  }
}

/**
 * CSV as export writes it, read with the same options as `parseCsv` and turned back into
 * records by `fromCsvRow` (which undoes the spreadsheet formula guard), a row at a time.
 * A row the parser cannot read (wrong number of cells) fails alone.
 */
export async function* csvItems(input: Readable): AsyncGenerator<Item> {
  const skipped: Item[] = [];
  const parser = input.pipe(
    parse({ ...CSV_PARSE_OPTIONS, info: true, raw: true, skip_records_with_error: true }).on('skip', (error) => {
      skipped.push({ line: (error as { lines?: number }).lines ?? 0, error: (error as Error).message });
    }),
  );
  let header: string[] | undefined;
  for await (const { record, info, raw } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
    raw: string;
  }>) {
    yield* skipped.splice(0);
    // info.lines is the line a row ends on; a row with quoted newlines starts earlier.
    const line = info.lines - (raw.replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0);
    if (!header) {
      header = record;
      if (!header.includes('platform')) {
        throw new Error('the CSV has no header row naming the fields (platform, serial, action_type, …)');
      }
      continue;
    }
    try {
      const body = fromCsvRow(header, record, line);
      // The file's id is not stored, but it tells two otherwise identical rows apart (see withImportEventId).
      const id = record[header.indexOf('id')];
      if (id && /^[0-9]+$/.test(id)) body.id = Number(id);
      yield { line, record: body };
    } catch (error) {
      yield { line, error: withoutItem((error as Error).message) };
    }
  }
  yield* skipped.splice(0);
}
