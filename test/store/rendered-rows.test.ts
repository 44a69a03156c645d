import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RenderedRows } from '../../src/store/rendered-rows.js';

describe('rendered rows', () => {
  it('keeps at most its capacity, the first rendered first out, and forgets deleted and cleared ones', () => {
    const rows = new RenderedRows(3);
    for (const id of [1, 2, 3]) rows.set(id, `{"id":${id}}`);
    assert.equal(rows.get(1), '{"id":1}');
    rows.set(4, '{"id":4}');
    assert.equal(rows.size, 3);
    assert.equal(rows.get(1), undefined, 'the first rendered went first, though it was read');
    assert.deepEqual(
      [2, 3, 4].map((id) => rows.get(id)),
      ['{"id":2}', '{"id":3}', '{"id":4}'],
    );
    rows.delete(3);
    assert.equal(rows.get(3), undefined);
    assert.equal(rows.size, 2);
    rows.clear();
    assert.equal(rows.size, 0);
    assert.equal(rows.get(4), undefined);
  });
});
