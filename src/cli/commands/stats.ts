import { type Command, EXIT } from '../command.js';
import { clientFrom, clientGroup, filterFrom, filterGroup, wantsJson, wholeFlag } from '../remote.js';
import { table, utc } from '../table.js';

export const statsCommand: Command = {
  name: 'stats',
  group: 'client',
  summary: 'count records by device, account, action, status, task, day or hour',
  description: `Counts the matching records by up to two keys, with the latest timestamp of each group,
e.g. actlog stats --group-by day,action_type --tz Europe/Amsterdam --since 7d
On a terminal: a table and the total. Otherwise (or with --json): the API's answer,
{"total":N,"truncated":false,"groups":[…]}.`,
  options: [
    clientGroup,
    filterGroup,
    {
      title: 'Statistics options',
      options: {
        'group-by': {
          env: '',
          default: '',
          help: 'none, one or two of platform, serial, action_type, username, status, task_id, day, hour (comma-separated)',
        },
        tz: { env: '', default: 'UTC', help: 'where days and hours begin: an IANA zone or an offset such as +05:30' },
        limit: { env: '', default: '1000', help: 'groups at most (up to 10,000)' },
      },
    },
  ],
  async run({ flags, env }) {
    const groupBy = typeof flags['group-by'] === 'string' ? flags['group-by'] : '';
    const tz = typeof flags.tz === 'string' ? flags.tz : undefined;
    const limit = wholeFlag(flags, 'limit', 1);
    const stats = await clientFrom(flags, env).stats({
      ...filterFrom(flags),
      ...(groupBy ? { group_by: groupBy } : {}),
      ...(tz ? { tz } : {}),
      ...(limit !== undefined ? { limit } : {}),
    });
    if (wantsJson(flags)) {
      process.stdout.write(`${JSON.stringify(stats)}\n`);
      return EXIT.ok;
    }
    const keys = groupBy
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    const rows = stats.groups.map((group) => {
      const values = group as Record<string, unknown>;
      return [
        ...keys.map((k) => (values[k] === null ? '(none)' : String(values[k]))),
        String(group.count),
        utc(group.last_timestamp),
      ];
    });
    if (keys.length && rows.length) process.stdout.write(table([...keys, 'count', 'last (UTC)'], rows));
    const more = stats.truncated ? ` (more groups than --limit ${limit ?? 1000}: only the first are shown)` : '';
    process.stdout.write(`total ${stats.total}${more}\n`);
    return EXIT.ok;
  },
};
