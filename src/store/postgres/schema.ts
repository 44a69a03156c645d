import { quoteIdentifier, type Sql } from './connection.js';

/**
 * Schema migrations, applied in order. All of them run in ONE transaction that first takes
 * a transaction-scoped advisory lock, so instances starting at the same time queue up: the
 * first applies what is missing, the others then find nothing left to do. The table
 * `actlog_schema_version` has one row per applied migration; a database migrated by a
 * newer release is refused rather than misread.
 */
const MIGRATIONS: readonly string[] = [
  // 1: records, one index per filter combination, and exact per-combination counts.
  `
  -- Ids come from a sequence: unique, never reused (TRUNCATE without RESTART IDENTITY keeps
  -- it), and capped at 2^53-1 so that every id survives a JavaScript client unchanged.
  CREATE SEQUENCE activity_log_id_seq AS bigint MINVALUE 1 MAXVALUE 9007199254740991 NO CYCLE;

  -- Filtered columns use the "C" collation: filters are exact, byte-wise matches, so nothing
  -- needs linguistic order, comparisons are cheaper, and an operating-system collation
  -- update can never silently corrupt these indexes.
  CREATE TABLE activity_log (
    id            bigint PRIMARY KEY DEFAULT nextval('activity_log_id_seq'),
    platform      text COLLATE "C" NOT NULL,
    serial        text COLLATE "C" NOT NULL,
    action_type   text COLLATE "C" NOT NULL,
    action_detail text   NOT NULL,
    username      text   NOT NULL,
    timestamp     bigint NOT NULL
  );
  ALTER SEQUENCE activity_log_id_seq OWNED BY activity_log.id;

  -- Equalities on exactly the filtered columns, then id: a filtered, newest-first page is a
  -- backward index scan, without sorting. One per combination (the empty one uses the key):
  CREATE INDEX activity_log_by_p   ON activity_log (platform, id);
  CREATE INDEX activity_log_by_s   ON activity_log (serial, id);
  CREATE INDEX activity_log_by_a   ON activity_log (action_type, id);
  CREATE INDEX activity_log_by_ps  ON activity_log (platform, serial, id);
  CREATE INDEX activity_log_by_pa  ON activity_log (platform, action_type, id);
  CREATE INDEX activity_log_by_sa  ON activity_log (serial, action_type, id);
  CREATE INDEX activity_log_by_psa ON activity_log (platform, serial, action_type, id);

  -- Exact counts without scanning records: the roll-up of src/store/count-rollup.ts (a row
  -- per subset of each record's filter values, '' standing for "any"), kept in the same
  -- transaction as every insert and delete. Each transaction adds its deltas to one randomly
  -- chosen shard, so concurrent writers (several actlog instances) rarely wait on the same
  -- row; a shard's n may go negative after deletes, the sum over shards is exact. A count
  -- reads one key: at most 16 rows. fillfactor leaves room for HOT updates (n is not indexed).
  CREATE TABLE activity_counts (
    platform    text COLLATE "C" NOT NULL,
    serial      text COLLATE "C" NOT NULL,
    action_type text COLLATE "C" NOT NULL,
    shard       smallint NOT NULL,
    n           bigint   NOT NULL,
    PRIMARY KEY (platform, serial, action_type, shard)
  ) WITH (fillfactor = 70);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Any constant works, as long as every actlog release uses the same one ("actlog" in ASCII). */
const MIGRATION_LOCK = 0x6163746c6f67;

/**
 * Creates `schema` when given (the connections' search_path already names it) and brings
 * the tables up to SCHEMA_VERSION.
 */
export async function migrate(sql: Sql, schema?: string): Promise<void> {
  await sql.begin(async (tx) => {
    // Migrations may build indexes on large tables: allow them more than a request's timeout.
    await tx.unsafe("SET LOCAL statement_timeout = '15min'");
    await tx.unsafe(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    if (schema !== undefined) {
      const [exists] = await tx.unsafe('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when it exists.
      if (!exists) await tx.unsafe(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
    }
    await tx.unsafe(
      `CREATE TABLE IF NOT EXISTS actlog_schema_version (
         version    integer PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const [row] = await tx.unsafe<{ version: number }[]>(
      'SELECT coalesce(max(version), 0) AS version FROM actlog_schema_version',
    );
    const current = row?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new Error(
        `database schema version ${current} is newer than this actlog understands (${SCHEMA_VERSION}); upgrade actlog`,
      );
    }
    for (let version = current; version < SCHEMA_VERSION; version++) {
      await tx.unsafe(MIGRATIONS[version] as string);
      await tx.unsafe('INSERT INTO actlog_schema_version (version) VALUES ($1)', [version + 1]);
    }
  });
}
