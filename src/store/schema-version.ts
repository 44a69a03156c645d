import { existsSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import postgres from 'postgres';

/**
 * The schema version a database is at, read without changing anything: 0 when it has no
 * actlog tables yet. For `actlog migrate`, which reports what opening the store changed.
 * Reads what the migrations write: SQLite's user_version, PostgreSQL's actlog_schema_version.
 */
export async function readSchemaVersion(config: { db: string; databaseUrl?: string }): Promise<number> {
  if (config.databaseUrl) return readPostgresVersion(config.databaseUrl);
  if (!existsSync(config.db)) return 0;
  const db = new BetterSqlite3(config.db, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

async function readPostgresVersion(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    const [table] = await sql<{ present: boolean }[]>`
      SELECT to_regclass('actlog_schema_version') IS NOT NULL AS present`;
    if (!table?.present) return 0;
    const [row] = await sql<{ version: number }[]>`
      SELECT coalesce(max(version), 0)::int AS version FROM actlog_schema_version`;
    return row?.version ?? 0;
  } finally {
    await sql.end({ timeout: 1 });
  }
}
