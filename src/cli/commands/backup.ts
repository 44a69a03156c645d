import { ConfigError, resolveStoreConfig, STORE_OPTIONS } from '../../config.js';
import { type Command, EXIT } from '../command.js';

export const backupCommand: Command = {
  name: 'backup',
  group: 'store',
  summary: 'copy the SQLite database to a file, safely while the server runs',
  args: [{ name: '<target-file>', help: 'where the copy goes; must not exist yet (its folder must)' }],
  description: `Makes a consistent copy of the SQLite database with SQLite's online backup API,
while actlog serve may be writing to it: the copy holds every record committed before it
started and none half-written. The copy is checked before it gets the target's name.
For PostgreSQL use pg_dump instead.`,
  options: [{ title: 'Store options', options: STORE_OPTIONS }],
  async run({ flags, env, positionals }) {
    const config = resolveStoreConfig(flags, env);
    if (config.databaseUrl) {
      throw new ConfigError(
        'actlog backup copies a SQLite file; back up PostgreSQL with pg_dump (e.g. pg_dump -Fc -f actlog.dump "$ACTLOG_DATABASE_URL")',
      );
    }
    const target = positionals[0] as string;
    const { backupSqlite } = await import('../../store/sqlite/backup.js');
    try {
      const { bytes, schemaVersion } = await backupSqlite(config.db, target);
      process.stdout.write(
        `backed up sqlite ${config.db} to ${target} (${bytes} bytes, schema version ${schemaVersion})\n`,
      );
      return EXIT.ok;
    } catch (error) {
      throw new Error(`cannot back up ${config.db} to ${target}: ${(error as Error).message}`);
    }
  },
};
