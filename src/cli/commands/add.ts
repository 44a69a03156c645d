import type { RecordInput } from '../../../clients/typescript/src/index.js';
import { ConfigError, type OptionSpec } from '../../config.js';
import { FIELD_NAMES, FIELDS } from '../../domain/fields.js';
import { type Command, EXIT } from '../command.js';
import { clientFrom, clientGroup, wantsJson } from '../remote.js';

const kebab = (name: string) => name.replaceAll('_', '-');
const FIELDS_TO_SET = FIELD_NAMES.filter((name) => name !== 'id');

/** One flag per field of the record (from the field registry): --platform, --action-type, --metadata '{…}'… */
const RECORD_OPTIONS: Record<string, OptionSpec> = Object.fromEntries(
  FIELDS_TO_SET.map((name) => {
    const spec = FIELDS[name];
    const required = 'required' in spec && spec.required ? ' (required)' : '';
    const form = spec.kind === 'object' ? ' (a JSON object)' : spec.kind === 'integer' ? ' (a whole number)' : '';
    return [kebab(name), { env: '', default: '', help: `${spec.description}${form}${required}` }];
  }),
);

export const addCommand: Command = {
  name: 'add',
  group: 'client',
  summary: 'add one record',
  description: `Adds one record through the server's API, with an event_id (a new UUIDv7 unless
--event-id gives one), so a retry after a lost answer cannot add it twice.
Prints the new id (JSON: {"id":N}, with "duplicate":true if the event_id was taken).`,
  options: [clientGroup, { title: 'Record fields', options: RECORD_OPTIONS }],
  async run({ flags, env }) {
    const record: Record<string, unknown> = {};
    for (const name of FIELDS_TO_SET) {
      const value = flags[kebab(name)];
      if (typeof value !== 'string') continue;
      const spec = FIELDS[name];
      if (spec.kind === 'integer') {
        if (!/^[0-9]+$/.test(value)) throw new ConfigError(`--${kebab(name)} must be a whole number (got "${value}")`);
        record[name] = Number(value);
      } else if (spec.kind === 'object') {
        try {
          record[name] = JSON.parse(value);
        } catch {
          throw new ConfigError(`--${kebab(name)} must be a JSON object (got "${value}")`);
        }
      } else record[name] = value;
    }
    const missing = FIELDS_TO_SET.filter((n) => {
      const spec = FIELDS[n];
      return 'required' in spec && spec.required && record[n] === undefined;
    });
    if (missing.length) throw new ConfigError(`add needs ${missing.map((n) => `--${kebab(n)}`).join(', ')}`);
    const result = await clientFrom(flags, env).add(record as RecordInput);
    process.stdout.write(
      wantsJson(flags)
        ? `${JSON.stringify(result)}\n`
        : result.duplicate
          ? `record ${result.id} already has this event_id: nothing added\n`
          : `added record ${result.id}\n`,
    );
    return EXIT.ok;
  },
};
