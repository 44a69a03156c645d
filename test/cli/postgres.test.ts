import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import postgres from 'postgres';
import { runCli } from '../helpers/cli.js';
import { freshDatabase, postgresUnavailable } from '../helpers/postgres.js';

const unavailable = await postgresUnavailable();

describe('actlog serve on PostgreSQL', { skip: unavailable }, () => {
  it('a busy port: exit 1 naming --port, and no tables were created', async () => {
    const database = await freshDatabase();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const result = await runCli(['serve', '--port', String(port), '--database-url', database.url]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /already in use: choose another port with --port/);
      const sql = postgres(database.url, { max: 1, onnotice: () => {} });
      try {
        const tables = await sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`;
        assert.deepEqual([...tables], []);
      } finally {
        await sql.end({ timeout: 1 });
      }
    } finally {
      holder.close();
      await database.drop();
    }
  });
});
