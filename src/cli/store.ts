import type { StoreConfig } from '../config.js';
import type { Store } from '../store/store.js';

/**
 * `openStore`, with a failure turned into one line that says which option to check. The stores
 * (better-sqlite3, postgres) load here, on first use, not when the CLI starts: see
 * commands/index.ts.
 */
export async function openConfiguredStore(config: StoreConfig): Promise<Store> {
  const { openStore } = await import('../store/open.js');
  try {
    return await openStore(config);
  } catch (error) {
    const message = (error as Error).message;
    // PostgreSQL's messages already say what to check; a SQLite file is usually just the wrong path.
    throw new Error(config.databaseUrl ? message : `${message} (choose another file with --db)`);
  }
}
