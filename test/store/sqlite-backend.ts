import { join } from 'node:path';
import Database from 'better-sqlite3';
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
      async refuseDetail(detail: string) {
        const db = new Database(file);
        db.prepare(
          `CREATE TRIGGER refuse_detail BEFORE INSERT ON activity_log WHEN NEW.action_detail = '${detail.replaceAll("'", "''")}'
           BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END`,
        ).run();
        db.close();
      },
      async destroy() {
        await store.close();
        dir.remove();
      },
    };
  },
};
