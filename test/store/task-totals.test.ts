import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaskTotals } from '../../src/store/task-totals.js';

/** The bounded per-task totals behind counts by task on SQLite (the contract suite checks them in use). */
describe('per-task totals', () => {
  it('adds records only to tasks it holds, in known and new label sets, keeping the latest timestamp', () => {
    const totals = new TaskTotals();
    totals.add('t', 1, 100);
    assert.equal(totals.get('t'), undefined, 'a task never read is not invented from its later records');
    totals.fill('t', [[1, 2, 50]]);
    totals.add('t', 1, 40);
    totals.add('t', 2, 70);
    totals.add('other', 1, 999);
    assert.deepEqual(
      [...(totals.get('t') ?? [])],
      [
        [1, [3, 50]],
        [2, [1, 70]],
      ],
    );
    assert.equal(totals.get('other'), undefined);
  });

  it('keeps the tasks used most recently within its capacity, and forgets all on clear', () => {
    const totals = new TaskTotals(2);
    totals.fill('a', [[1, 1, 1]]);
    totals.fill('b', [[1, 1, 1]]);
    assert.ok(totals.get('a'), 'a is now the most recent');
    totals.fill('c', [[1, 1, 1]]);
    assert.equal(totals.size, 2);
    assert.ok(totals.get('a'));
    assert.equal(totals.get('b'), undefined, 'the least recently used task was dropped');
    assert.ok(totals.get('c'));
    totals.clear();
    assert.equal(totals.size, 0);
    assert.equal(totals.get('a'), undefined);
  });
});
