import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConfigError } from '../../config.js';
import { type Command, EXIT } from '../command.js';
import { progress, recordCounter } from '../progress.js';
import { clientFrom, clientGroup, filterFrom, filterGroup } from '../remote.js';

export const exportCommand: Command = {
  name: 'export',
  group: 'client',
  summary: 'download the matching records as NDJSON or CSV',
  args: [
    { name: '[file]', help: 'where to write; - or none: stdout. A name ending in .csv means CSV', optional: true },
  ],
  description: `Downloads every matching record, oldest first, as NDJSON (one record per line, as the API
shows it) or CSV (a header row of every field), e.g.
  actlog export --since 30d --status failed failed.csv
A file is written under a temporary name and renamed when complete, so a broken export never
leaves a file that looks whole. actlog import reads either format back. A progress bar shows
on stderr when it is a terminal.`,
  options: [
    clientGroup,
    filterGroup,
    {
      title: 'Export options',
      options: { format: { env: '', default: '', help: 'ndjson or csv (default: csv for a .csv file, else ndjson)' } },
    },
  ],
  async run({ flags, env, positionals }) {
    const target = positionals[0] ?? '-';
    const format = (flags.format as string | undefined) || (/\.csv$/i.test(target) ? 'csv' : 'ndjson');
    if (format !== 'ndjson' && format !== 'csv')
      throw new ConfigError(`--format must be ndjson or csv (got "${format}")`);
    const client = clientFrom(flags, env);
    const filter = filterFrom(flags);
    const toStdout = target === '-';
    // A bar only where a person watches stderr and it does not mix with the data on the same screen.
    const show = Boolean(process.stderr.isTTY) && !(toStdout && process.stdout.isTTY);
    const total = show ? await client.count(filter) : undefined;
    const body = Readable.fromWeb((await client.export({ ...filter, format })) as never);
    const bar = await progress('export', total, show);
    const count = recordCounter(format);
    let records = 0;
    const counting = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        records = count(chunk);
        bar.update(records, records);
        done(null, chunk);
      },
    });
    const partial = `${target}.partial-${process.pid}`;
    try {
      if (toStdout) await pipeline(body, counting, process.stdout, { end: false });
      else {
        await pipeline(body, counting, createWriteStream(partial, { flags: 'wx' }));
        await rename(partial, target);
      }
    } catch (error) {
      // A reader that stopped early (| head) is not a failure.
      if (toStdout && (error as { code?: string }).code === 'EPIPE') return EXIT.ok;
      if (!toStdout) await rm(partial, { force: true });
      throw new Error(`the export broke off after ${records} records: ${(error as Error).message}`);
    } finally {
      bar.stop();
    }
    if (!toStdout) process.stderr.write(`exported ${records} records to ${target}\n`);
    return EXIT.ok;
  },
};
