import type { NewRecord } from '../../domain/fields.js';
import type { Filter } from '../../domain/filter.js';
import { GroupCommit, type OpFailed } from './group-commit.js';

export { OpFailed } from './group-commit.js';

/** What adding a record did: its id, and whether a record with its event_id already existed. */
export interface AddOutcome {
  id: number;
  duplicate: boolean;
}

/** One write a request asks for; a backend applies a batch of them in one transaction. */
export type WriteOp =
  | { kind: 'add'; record: NewRecord }
  | { kind: 'delete'; id: number }
  /** One bounded step of delete-matching: these ids, where they still exist. */
  | { kind: 'deleteIds'; ids: readonly number[] }
  | { kind: 'deleteAll' };

/**
 * Per op, in order: the add's outcome, whether a record was deleted, how many were, nothing,
 * or OpFailed when that op alone failed (rolled back to its savepoint; the others committed).
 */
export type WriteResult = AddOutcome | boolean | number | undefined | OpFailed;

/**
 * The write half of a store with group commit: every write becomes an op, and the ops of
 * concurrent requests are applied together by the backend's `applyBatch`, one transaction
 * per batch, each request answered once its batch has committed.
 */
export abstract class BatchedWrites {
  protected readonly writes = new GroupCommit<WriteOp, WriteResult>((ops) => this.applyBatch(ops));

  /** Applies `ops` in one transaction and returns their results in order; throws if nothing was committed. */
  protected abstract applyBatch(ops: readonly WriteOp[]): WriteResult[] | Promise<WriteResult[]>;

  async add(record: NewRecord): Promise<AddOutcome> {
    return (await this.writes.submit({ kind: 'add', record })) as AddOutcome;
  }

  async delete(id: number): Promise<boolean> {
    return (await this.writes.submit({ kind: 'delete', id })) as boolean;
  }

  async deleteAll(): Promise<void> {
    await this.writes.submit({ kind: 'deleteAll' });
  }

  async deleteIds(ids: readonly number[]): Promise<number> {
    return ids.length === 0 ? 0 : ((await this.writes.submit({ kind: 'deleteIds', ids })) as number);
  }

  /**
   * Deletes the matching records in steps of DELETE_STEP, each its own transaction between
   * other writes. Only records that existed when it began are taken: under steady writes of
   * matching records it would otherwise never end.
   */
  async deleteMatching(filter: Filter): Promise<number> {
    const before = await this.nextId();
    let deleted = 0;
    for (;;) {
      const ids = await this.matchingIds(filter, DELETE_STEP, before);
      if (ids.length === 0) return deleted;
      deleted += await this.deleteIds(ids);
      if (ids.length < DELETE_STEP) return deleted;
    }
  }

  /** Up to `limit` ids of matching records below `before`, newest first. */
  protected abstract matchingIds(filter: Filter, limit: number, before: number): Promise<number[]>;
  /**
   * An id above every committed record's: whatever commits later gets an id at least this
   * large (the cut between records a delete-matching takes and those written meanwhile).
   */
  protected abstract nextId(): Promise<number>;
}

/** Records a delete-matching removes per write transaction: other writes wait at most one step. */
export const DELETE_STEP = 500;
