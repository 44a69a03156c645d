import { join } from 'node:path';
import { after, before } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { type RunningServer, startServer } from './server.js';
import { tempDir } from './temp.js';

/**
 * Registers before/after hooks that run a real server on a real port over a real
 * SQLite file in a temporary folder. Read `.server` inside tests.
 */
export function useSqliteServer(options: { bodyLimit?: number } = {}): { server: RunningServer; store: SqliteStore } {
  const context = {} as { server: RunningServer; store: SqliteStore };
  const dir = tempDir();
  before(async () => {
    context.store = SqliteStore.open(join(dir.path, 'actlog.db'));
    context.server = await startServer(context.store, options);
  });
  after(async () => {
    await context.server.close();
    dir.remove();
  });
  return context;
}
