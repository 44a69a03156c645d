import { type Command, EXIT } from '../command.js';
import { clientFrom, clientGroup, filterFrom, filterGroup, wantsJson } from '../remote.js';

export const countCommand: Command = {
  name: 'count',
  group: 'client',
  summary: 'count the records that match',
  description: `Prints how many records match the filters (JSON: {"count":N}).`,
  options: [clientGroup, filterGroup],
  async run({ flags, env }) {
    const count = await clientFrom(flags, env).count(filterFrom(flags));
    process.stdout.write(wantsJson(flags) ? `${JSON.stringify({ count })}\n` : `${count}\n`);
    return EXIT.ok;
  },
};
