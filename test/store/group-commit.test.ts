import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCommit, MAX_OPS_PER_TRANSACTION, OpFailed } from '../../src/store/write/group-commit.js';

describe('group commit', () => {
  it('applies the ops of one turn together, at most MAX_OPS_PER_TRANSACTION per batch, answering each in order', async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit<number, number>((ops) => {
      batches.push([...ops]);
      return ops.map((op) => (op === 7 ? new OpFailed(new Error('seven refused')) : op * 2));
    });
    const count = MAX_OPS_PER_TRANSACTION + 500;
    const answers = Array.from({ length: count }, (_, i) =>
      commit.submit(i).then(
        (value) => value,
        (error: Error) => error.message,
      ),
    );
    const settled = await Promise.all(answers);
    assert.deepEqual(
      batches.map((ops) => ops.length),
      [MAX_OPS_PER_TRANSACTION, 500],
    );
    assert.deepEqual(
      batches.flat(),
      Array.from({ length: count }, (_, i) => i),
    );
    assert.deepEqual(
      settled,
      Array.from({ length: count }, (_, i) => (i === 7 ? 'seven refused' : i * 2)),
    );
  });
});
