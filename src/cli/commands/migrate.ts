import { resolveStoreConfig, STORE_OPTIONS } from '../../config.js';
import { type Command, EXIT } from '../command.js';
import { openConfiguredStore } from '../store.js';

export const migrateCommand: Command = {
  name: 'migrate',
  group: 'store',
  summary: 'bring the database schema up to date and print its version',
  description: `Creates the database (SQLite file or PostgreSQL tables) if needed and applies the
migrations it lacks, then prints the schema version. actlog serve does the same at start;
run this first to upgrade a shared PostgreSQL database once, before the new instances start.
A database made by a newer actlog is refused (exit 1).`,
  options: [{ title: 'Store options', options: STORE_OPTIONS }],
  async run({ flags, env }) {
    const config = resolveStoreConfig(flags, env);
    const [{ readSchemaVersion }, { SqliteStore }] = await Promise.all([
      import('../../store/schema-version.js'),
      import('../../store/sqlite/sqlite-store.js'),
    ]);
    // Unreadable here means the store cannot be opened either; opening it then says why.
    const before = await readSchemaVersion(config).catch(() => undefined);
    // SQLite: the migrator alone, which a server owning the file does not lock out.
    const store = config.databaseUrl ? await openConfiguredStore(config) : undefined;
    const description = store?.description ?? SqliteStore.migrateFile(config.db);
    try {
      const after = await readSchemaVersion(config);
      const change =
        before === after ? 'already up to date' : before === undefined ? 'migrated' : `migrated from version ${before}`;
      process.stdout.write(`${description}: schema version ${after} (${change})\n`);
      return EXIT.ok;
    } finally {
      await store?.close();
    }
  },
};
