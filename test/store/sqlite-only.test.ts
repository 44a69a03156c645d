import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { aRecord } from '../helpers/records.js';
import { tempDir } from '../helpers/temp.js';

describe('SQLite store specifics', () => {
  it('keeps counts exact when another connection writes the same file', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'shared.db');
    // Checked on every read here; the server checks every EXTERNAL_WRITE_CHECK_MS.
    const a = SqliteStore.open(file, { externalWriteCheckMs: 0 });
    const b = SqliteStore.open(file, { externalWriteCheckMs: 0 });
    try {
      await a.add(aRecord());
      assert.equal(await a.count({ platform: 'tiktok' }), 1); // now cached in a
      await b.add(aRecord());
      await b.add(aRecord({ platform: 'instagram' }));
      assert.equal(await a.count({ platform: 'tiktok' }), 2);
      assert.equal(await a.count({}), 3);
      await b.deleteAll();
      assert.equal(await a.count({ platform: 'tiktok' }), 0);
      await a.add(aRecord());
      assert.equal(await b.count({}), 1);
      assert.equal(await a.count({}), 1);
    } finally {
      await a.close();
      await b.close();
      dir.remove();
    }
  });

  it("notices another connection's writes within the check interval", async () => {
    const dir = tempDir();
    const file = join(dir.path, 'interval.db');
    const a = SqliteStore.open(file, { externalWriteCheckMs: 100 });
    const b = SqliteStore.open(file);
    try {
      assert.equal(await a.count({}), 0);
      await b.add(aRecord());
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(await a.count({}), 1);
    } finally {
      await a.close();
      await b.close();
      dir.remove();
    }
  });

  it('counts records loaded in bulk like records added one by one', async () => {
    const dir = tempDir();
    const store = SqliteStore.open(join(dir.path, 'bulk.db'));
    try {
      assert.equal(await store.count({ serial: 'x' }), 0);
      store.importBatch([aRecord({ serial: 'x' }), aRecord({ serial: 'x', action_type: 'follow' }), aRecord()]);
      assert.equal(await store.count({ serial: 'x' }), 2);
      assert.equal(await store.count({ serial: 'x', action_type: 'follow' }), 1);
      assert.equal(await store.count({}), 3);
    } finally {
      await store.close();
      dir.remove();
    }
  });
});
