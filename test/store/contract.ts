import { afterEach, beforeEach, describe } from 'node:test';
import type { ActivityRecord, NewRecord } from '../../src/domain/fields.js';
import type { Store } from '../../src/store/store.js';
import { deleteContract } from './contract-delete.js';
import { filtersContract } from './contract-filters.js';
import { recordsContract } from './contract-records.js';
import { statsContract } from './contract-stats.js';

/** One database for one test: the store on it, a way to restart on the same data, and cleanup. */
export interface StoreFixture {
  store: Store;
  /** Closes the current store and opens a new one on the same database (a restart). */
  reopen(): Promise<Store>;
  /** Closes the store and removes the database; safe to call twice. */
  destroy(): Promise<void>;
  /**
   * Makes the database itself refuse to store records with this action_detail (a trigger):
   * a failure of one write that no validation foresaw, to test that it fails alone.
   */
  refuseDetail(detail: string): Promise<void>;
}

export interface StoreBackend {
  name: string;
  /** Why the backend cannot run here; the suite is then skipped with this message. */
  unavailable?: string;
  fresh(): Promise<StoreFixture>;
}

/** What each part of the contract reads: the current store (it changes after a restart) and its fixture. */
export interface ContractContext {
  readonly store: Store;
  readonly fixture: StoreFixture;
  /** Restarts the store on the same database. */
  reopen(): Promise<Store>;
}

/** Adds records concurrently (one group-commit batch) and returns them as stored, with their ids. */
export async function addAll(store: Store, records: readonly NewRecord[]): Promise<ActivityRecord[]> {
  const outcomes = await Promise.all(records.map((record) => store.add(record)));
  return records.map((record, i) => ({ id: (outcomes[i] as { id: number }).id, ...record }) as ActivityRecord);
}

/** The store contract: every backend must pass it unchanged. */
export function storeContract(backend: StoreBackend): void {
  describe(`store contract: ${backend.name}`, { skip: backend.unavailable }, () => {
    let fixture: StoreFixture;
    let store: Store;
    const ctx: ContractContext = {
      get store() {
        return store;
      },
      get fixture() {
        return fixture;
      },
      async reopen() {
        store = await fixture.reopen();
        return store;
      },
    };

    beforeEach(async () => {
      fixture = await backend.fresh();
      store = fixture.store;
    });

    afterEach(async () => fixture.destroy());

    recordsContract(ctx);
    filtersContract(ctx);
    statsContract(ctx);
    deleteContract(ctx);
  });
}
