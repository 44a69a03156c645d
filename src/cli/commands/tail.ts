import { type Command, EXIT } from '../command.js';
import { clientFrom, clientGroup, filterFrom, filterGroup, wantsJson, wholeFlag, writeOut } from '../remote.js';
import { line, recordRow } from '../table.js';

export const tailCommand: Command = {
  name: 'tail',
  group: 'client',
  summary: 'follow new records as they are written',
  description: `Prints matching records as they are written (the live tail), until Ctrl-C (exit 0).
It reconnects by itself when the connection breaks or the server restarts, resuming after
the last record it printed: nothing is missed or printed twice. --after-id N first prints
every matching record after N. On a terminal: one line per record; otherwise (or with
--json): NDJSON, e.g. actlog tail --status failed | jq -c '{serial, error}'`,
  options: [
    clientGroup,
    filterGroup,
    {
      title: 'Tail options',
      options: { 'after-id': { env: '', default: '', help: 'start with every matching record after this id' } },
    },
  ],
  async run({ flags, env }) {
    const after = wholeFlag(flags, 'after-id', 0);
    const json = wantsJson(flags);
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const records = clientFrom(flags, env, { retries: 3, baseMs: 200, maxMs: 5000 }).tail(
      { ...filterFrom(flags), ...(after !== undefined ? { after_id: after } : {}) },
      { signal: controller.signal },
    );
    for await (const record of records) {
      await writeOut(json ? `${JSON.stringify(record)}\n` : line(recordRow(record)));
    }
    return EXIT.ok;
  },
};
