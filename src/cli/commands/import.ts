import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { v5 as uuidv5 } from 'uuid';
import type { RecordInput } from '../../../clients/typescript/src/index.js';
import { CSV_PARSE_OPTIONS, fromCsvRow } from '../../api/csv.js';
import { ConfigError } from '../../config.js';
import { type Command, EXIT } from '../command.js';
import { progress } from '../progress.js';
import { clientFrom, clientGroup, wantsJson } from '../remote.js';

/** Records per request: big enough to be fast, small enough that a retry resends little. */
const BATCH = 1000;
/** The failing lines shown on a terminal; JSON lists them all. */
const SHOWN_FAILURES = 20;
/**
 * The UUIDv5 namespace of import event ids: a record without an event_id gets
 * uuidv5(its canonical JSON, this), the same id on every run, so importing a file again adds
 * nothing twice.
 */
const IMPORT_NAMESPACE = '8a4f2c3e-6b1d-4f5a-9c7e-2d3b4a5f6e71';

interface Item {
  line: number;
  record?: Record<string, unknown>;
  error?: string;
}

interface Failure {
  line: number;
  code: number;
  message: string;
}

export const importCommand: Command = {
  name: 'import',
  group: 'client',
  summary: 'add the records of an NDJSON or CSV file (what export writes)',
  args: [{ name: '<file>', help: 'an NDJSON or CSV file; - reads stdin' }],
  description: `Adds every record of the file through the batch endpoint, 1000 a request, and reports
how many were added, were already there (duplicates) or failed, with the failing line numbers;
exit 1 when any failed. Reads what actlog export writes: NDJSON (one record per line) or CSV
(a header row naming the fields); the format comes from --format, else the file's extension
(.csv, .ndjson, .jsonl), else its first character. Ids in the file are not kept (the server
assigns new ones).
Running an import again adds nothing twice: a record keeps its own event_id, and one without
gets an event_id derived from its content (with its id in the file, if it has one). So two
lines that are identical in every field, id included, count as one record.
A progress bar shows on stderr when it is a terminal.`,
  options: [
    clientGroup,
    {
      title: 'Import options',
      options: { format: { env: '', default: '', help: 'ndjson or csv (default: from the extension, else sniffed)' } },
    },
  ],
  async run({ flags, env, positionals }) {
    const file = positionals[0] as string;
    const given = flags.format as string | undefined;
    if (given && given !== 'ndjson' && given !== 'csv')
      throw new ConfigError(`--format must be ndjson or csv (got "${given}")`);
    const client = clientFrom(flags, env, { retries: 8, baseMs: 200, maxMs: 5000 });
    let size: number | undefined;
    let input: Readable;
    if (file === '-') input = process.stdin;
    else {
      try {
        size = (await stat(file)).size;
      } catch (error) {
        throw new Error(`cannot read ${file}: ${(error as Error).message}`);
      }
      input = createReadStream(file);
    }
    let bytes = 0;
    const counted = Readable.from(countBytes(input, (n) => (bytes += n)));
    const { format, stream } = await sniff(counted, given ?? byExtension(file));
    const bar = await progress('import', size, Boolean(process.stderr.isTTY));
    const totals = { added: 0, duplicates: 0, failed: 0 };
    const failures: Failure[] = [];
    let batch: Item[] = [];
    const send = async () => {
      const valid = batch.filter((item) => item.record);
      const result = valid.length ? await client.addMany(valid.map((item) => item.record as RecordInput)) : undefined;
      totals.added += result?.added ?? 0;
      totals.duplicates += result?.duplicates ?? 0;
      result?.results.forEach((outcome, i) => {
        if ('code' in outcome) {
          failures.push({ line: (valid[i] as Item).line, code: outcome.code, message: withoutItem(outcome.message) });
        }
      });
      for (const item of batch) {
        if (item.error !== undefined) failures.push({ line: item.line, code: 40001, message: item.error });
      }
      batch = [];
      bar.update(bytes, totals.added + totals.duplicates + failures.length);
    };
    try {
      for await (const item of format === 'csv' ? csvItems(stream) : ndjsonItems(stream)) {
        if (item.record) item.record = withImportEventId(item.record);
        batch.push(item);
        if (batch.length >= BATCH) await send();
      }
      await send();
    } finally {
      bar.stop();
    }
    failures.sort((a, b) => a.line - b.line);
    totals.failed = failures.length;
    report(totals, failures, wantsJson(flags));
    return failures.length ? EXIT.failure : EXIT.ok;
  },
};

function report(totals: { added: number; duplicates: number; failed: number }, failures: Failure[], json: boolean) {
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...totals, failures })}\n`);
    return;
  }
  const lines = [`added ${totals.added}, duplicates ${totals.duplicates}, failed ${totals.failed}`];
  for (const failure of failures.slice(0, SHOWN_FAILURES)) lines.push(`  line ${failure.line}: ${failure.message}`);
  if (failures.length > SHOWN_FAILURES)
    lines.push(`  … and ${failures.length - SHOWN_FAILURES} more (--json lists all)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The server names batch items ("item 3: platform is required"); here the line number says where. */
const withoutItem = (message: string) => message.replace(/^item \d+: /, '');

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

const byExtension = (file: string) =>
  /\.csv$/i.test(file) ? 'csv' : /\.(ndjson|jsonl|json)$/i.test(file) ? 'ndjson' : undefined;

async function* countBytes(input: Readable, add: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of input) {
    add((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}

/** The format (given, or NDJSON when the first character is `{`, else CSV) and the whole stream again. */
async function sniff(input: Readable, given: string | undefined): Promise<{ format: string; stream: Readable }> {
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

async function* ndjsonItems(input: Readable): AsyncGenerator<Item> {
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
async function* csvItems(input: Readable): AsyncGenerator<Item> {
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
