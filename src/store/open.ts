import type { ServeConfig } from '../config.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** Chooses and opens the backend the configuration names. */
export async function openStore(config: Pick<ServeConfig, 'db'>): Promise<Store> {
  return SqliteStore.open(config.db);
}
