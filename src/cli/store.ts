import type { StoreConfig } from '../config.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';

/** `openStore`, with a failure turned into one line that says which option to check. */
export async function openConfiguredStore(config: StoreConfig): Promise<Store> {
  try {
    return await openStore(config);
  } catch (error) {
    const message = (error as Error).message;
    // PostgreSQL's messages already say what to check; a SQLite file is usually just the wrong path.
    throw new Error(config.databaseUrl ? message : `${message} (choose another file with --db)`);
  }
}
