import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** Where the PostgreSQL tests run; CI sets it, developers may. */
export const POSTGRES_URL = process.env.ACTLOG_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Why PostgreSQL tests cannot run here, or undefined when they can. In CI an
 * unreachable PostgreSQL is an error, never a silent skip.
 */
export async function postgresUnavailable(): Promise<string | undefined> {
  const sql = postgres(POSTGRES_URL, { max: 1, connect_timeout: 3, onnotice: () => undefined });
  try {
    await sql`SELECT 1`;
    return undefined;
  } catch (error) {
    const reason = `PostgreSQL is not reachable at ${POSTGRES_URL} (${(error as Error).message}); PostgreSQL tests skipped. Set ACTLOG_TEST_POSTGRES_URL to run them.`;
    if (process.env.CI) throw new Error(`CI requires PostgreSQL: ${reason}`);
    process.stderr.write(`\n*** ${reason}\n\n`);
    return reason;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A fresh schema name, unique per test. */
export const freshSchemaName = () => `actlog_test_${randomBytes(6).toString('hex')}`;

export async function dropSchema(schema: string): Promise<void> {
  const sql = postgres(POSTGRES_URL, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A fresh database for tests that run whole actlog processes; returns its URL and a drop function. */
export async function freshDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = freshSchemaName();
  const admin = postgres(POSTGRES_URL, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end({ timeout: 1 });
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const sql = postgres(POSTGRES_URL, { max: 1, onnotice: () => undefined });
      try {
        await sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
  };
}
