import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { RecordInput } from '../../../clients/typescript/src/index.js';
import { ConfigError } from '../../config.js';
import { type Command, EXIT } from '../command.js';
import { progress } from '../progress.js';
import type { Item } from '../read-records.js';
import { clientFrom, clientGroup, wantsJson } from '../remote.js';

/** Records per request: big enough to be fast, small enough that a retry resends little. */
const BATCH = 1000;
/** The failing lines shown on a terminal; JSON lists them all. */
const SHOWN_FAILURES = 20;

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
    const { byExtension, countBytes, csvItems, ndjsonItems, sniff, withImportEventId, withoutItem } = await import(
      '../read-records.js'
    );
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
