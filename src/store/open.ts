import type { ServeConfig } from '../config.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** Chooses and opens the backend the configuration names: PostgreSQL if a URL is given, else the SQLite file. */
export async function openStore(config: Pick<ServeConfig, 'db' | 'databaseUrl'>): Promise<Store> {
  if (config.databaseUrl) return PostgresStore.open({ url: config.databaseUrl });
  return SqliteStore.open(config.db);
}
