import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';
import type { StoreBackend } from './contract.js';

/** Each fixture is a real SQLite file in its own temporary folder. */
export const sqliteBackend: StoreBackend = {
  name: 'sqlite',
  async fresh() {
    const dir = tempDir();
    const file = join(dir.path, 'nested', 'actlog.db');
    let store: Store = SqliteStore.open(file);
    return {
      get store() {
        return store;
      },
      async reopen() {
        await store.close();
        store = SqliteStore.open(file);
        return store;
      },
      async destroy() {
        await store.close();
        dir.remove();
      },
    };
  },
};
