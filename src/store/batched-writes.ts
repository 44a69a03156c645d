import type { NewRecord } from '../domain/record.js';
import { GroupCommit } from './group-commit.js';

/** One write a request asks for; a backend applies a batch of them in one transaction. */
export type WriteOp = { kind: 'add'; record: NewRecord } | { kind: 'delete'; id: number } | { kind: 'deleteAll' };
/** Per op, in order: the new id, whether a record was deleted, nothing for delete-all. */
export type WriteResult = number | boolean | undefined;

/**
 * The write half of a store with group commit: every write becomes an op, and the ops of
 * concurrent requests are applied together by the backend's `applyBatch`, one transaction
 * per batch, each request answered once its batch has committed.
 */
export abstract class BatchedWrites {
  protected readonly writes = new GroupCommit<WriteOp, WriteResult>((ops) => this.applyBatch(ops));

  /** Applies `ops` in one transaction and returns their results in order; throws if nothing was committed. */
  protected abstract applyBatch(ops: readonly WriteOp[]): WriteResult[] | Promise<WriteResult[]>;

  async add(record: NewRecord): Promise<number> {
    return (await this.writes.submit({ kind: 'add', record })) as number;
  }

  async delete(id: number): Promise<boolean> {
    return (await this.writes.submit({ kind: 'delete', id })) as boolean;
  }

  async deleteAll(): Promise<void> {
    await this.writes.submit({ kind: 'deleteAll' });
  }
}
