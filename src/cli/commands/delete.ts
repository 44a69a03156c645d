import { NotFoundError } from '../../../clients/typescript/src/index.js';
import { ConfigError } from '../../config.js';
import { type Command, EXIT } from '../command.js';
import { clientFrom, clientGroup, filterFrom, filterGroup, wantsJson } from '../remote.js';

export const deleteCommand: Command = {
  name: 'delete',
  group: 'client',
  summary: 'delete records by id, by filter, or all',
  args: [{ name: '[id...]', help: 'ids of records to delete', variadic: true }],
  description: `Deletes, in exactly one of three ways:
  actlog delete 41 42 43            those records (exit 1 if any did not exist)
  actlog delete --serial dev_7 …    every record that matches the filters
  actlog delete --all               every record (ids keep counting up)
Prints how many were deleted (JSON: {"deleted":N}, with "not_found":[ids] where ids were missing).`,
  options: [
    clientGroup,
    filterGroup,
    {
      title: 'Delete options',
      options: { all: { env: '', default: '', kind: 'boolean', help: 'delete every record' } },
    },
  ],
  async run({ flags, env, positionals }) {
    const filter = filterFrom(flags);
    const ways = [positionals.length > 0, Object.keys(filter).length > 0, flags.all === true].filter(Boolean).length;
    if (ways !== 1)
      throw new ConfigError('delete needs ids, filters or --all (exactly one of them; see actlog delete --help)');
    const ids = positionals.map((raw) => {
      if (!/^[0-9]+$/.test(raw) || Number(raw) < 1 || Number(raw) > Number.MAX_SAFE_INTEGER) {
        throw new ConfigError(`delete: "${raw}" is not a record id (a whole number from 1)`);
      }
      return Number(raw);
    });
    const client = clientFrom(flags, env);
    const json = wantsJson(flags);
    if (flags.all === true) {
      await client.deleteAll();
      process.stdout.write(json ? '{"deleted":"all"}\n' : 'deleted every record\n');
      return EXIT.ok;
    }
    if (ids.length === 0) {
      const deleted = await client.deleteMatching(filter);
      process.stdout.write(json ? `${JSON.stringify({ deleted })}\n` : `deleted ${deleted} records\n`);
      return EXIT.ok;
    }
    const notFound: number[] = [];
    for (const id of ids) {
      try {
        await client.delete(id);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        notFound.push(id);
      }
    }
    const deleted = ids.length - notFound.length;
    if (json)
      process.stdout.write(`${JSON.stringify({ deleted, ...(notFound.length ? { not_found: notFound } : {}) })}\n`);
    else {
      process.stdout.write(`deleted ${deleted} record${deleted === 1 ? '' : 's'}\n`);
      if (notFound.length) process.stderr.write(`actlog delete: no record with id ${notFound.join(', ')}\n`);
    }
    return notFound.length ? EXIT.failure : EXIT.ok;
  },
};
