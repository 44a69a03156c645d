import { after, before, describe } from 'node:test';
import type { AppOptions } from '../../src/http/app.js';
import type { Store } from '../../src/store/store.js';
import type { StoreBackend, StoreFixture } from '../store/contract.js';
import { postgresBackend } from '../store/postgres-backend.js';
import { sqliteBackend } from '../store/sqlite-backend.js';
import { type RunningServer, startServer } from './server.js';

/** Every store the suites run on: SQLite always, PostgreSQL where ACTLOG_TEST_POSTGRES_URL answers. */
export const BACKENDS: readonly StoreBackend[] = [sqliteBackend, await postgresBackend()];

export interface ServerContext {
  readonly server: RunningServer;
  readonly store: Store;
  readonly backend: string;
}

/**
 * Registers a describe block per store, each with a real server on a real port over a fresh
 * database of that store: the HTTP suites run unchanged on every store. Read `ctx` inside tests.
 */
export function eachStore(title: string, body: (ctx: ServerContext) => void, options: Partial<AppOptions> = {}): void {
  for (const backend of BACKENDS) {
    describe(`${title} [${backend.name}]`, { skip: backend.unavailable }, () => {
      let fixture: StoreFixture;
      let server: RunningServer;
      before(async () => {
        fixture = await backend.fresh();
        server = await startServer(fixture.store, options);
      });
      after(async () => {
        await server?.close();
        await fixture?.destroy();
      });
      body({
        get server() {
          return server;
        },
        get store() {
          return fixture.store;
        },
        backend: backend.name,
      });
    });
  }
}
