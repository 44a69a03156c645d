import { ConfigError } from '../../config.js';
import { type Command, EXIT } from '../command.js';
import { clientFrom, clientGroup, filterFrom, filterGroup, wantsJson, wholeFlag, writeOut } from '../remote.js';
import { RECORD_HEADER, recordRow, table } from '../table.js';

export const listCommand: Command = {
  name: 'list',
  group: 'client',
  summary: 'list records, newest first',
  description: `Lists the records that match the filters, newest first, 100 unless --limit or --all
says otherwise; any number is read page by page (before_id), at constant cost per page.
On a terminal: a table. Otherwise (or with --json): NDJSON, one record per line, as the API
shows it, e.g. actlog list --all --status failed | jq .serial`,
  options: [
    clientGroup,
    filterGroup,
    {
      title: 'List options',
      options: {
        limit: { env: '', default: '100', help: 'how many records at most' },
        all: { env: '', default: '', kind: 'boolean', help: 'every matching record (no limit)' },
        'before-id': { env: '', default: '', help: 'start below this id (the last id of what you have)' },
      },
    },
  ],
  async run({ flags, env }) {
    if (flags.all === true && typeof flags.limit === 'string') throw new ConfigError('give --limit or --all, not both');
    const limit = flags.all === true ? Number.POSITIVE_INFINITY : (wholeFlag(flags, 'limit', 1, 100) as number);
    const before = wholeFlag(flags, 'before-id', 1);
    const records = clientFrom(flags, env).list({
      ...filterFrom(flags),
      limit,
      ...(before !== undefined ? { before_id: before } : {}),
    });
    if (wantsJson(flags)) {
      for await (const record of records) await writeOut(`${JSON.stringify(record)}\n`);
      return EXIT.ok;
    }
    const rows: string[][] = [];
    for await (const record of records) rows.push(recordRow(record));
    process.stdout.write(rows.length ? table(RECORD_HEADER, rows) : 'no records\n');
    return EXIT.ok;
  },
};
