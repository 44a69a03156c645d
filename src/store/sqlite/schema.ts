import type { Database } from 'better-sqlite3';

/**
 * Schema migrations, applied in order inside one transaction each; PRAGMA user_version
 * records how many have run, so a database file made by an older release is upgraded
 * in place and one made by a newer release is refused rather than misread.
 */
const MIGRATIONS: readonly string[] = [
  // 1: records, one index per filter combination, and exact per-combination counts.
  `
  CREATE TABLE activity_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: ids are never reused
    platform      TEXT    NOT NULL,
    serial        TEXT    NOT NULL,
    action_type   TEXT    NOT NULL,
    action_detail TEXT    NOT NULL,
    username      TEXT    NOT NULL,
    timestamp     INTEGER NOT NULL
  );
  -- An index entry ends with the rowid, so an index on exactly the filtered columns
  -- yields a filtered, newest-first page without sorting. One per combination:
  CREATE INDEX activity_log_by_p   ON activity_log (platform);
  CREATE INDEX activity_log_by_s   ON activity_log (serial);
  CREATE INDEX activity_log_by_a   ON activity_log (action_type);
  CREATE INDEX activity_log_by_ps  ON activity_log (platform, serial);
  CREATE INDEX activity_log_by_pa  ON activity_log (platform, action_type);
  CREATE INDEX activity_log_by_sa  ON activity_log (serial, action_type);
  CREATE INDEX activity_log_by_psa ON activity_log (platform, serial, action_type);

  -- Exact counts without scanning records (see src/store/count-rollup.ts): one row per
  -- subset of (platform, serial, action_type), '' standing for "any", kept in the same
  -- transaction as every insert and delete. A count is one primary-key lookup.
  CREATE TABLE activity_counts (
    platform    TEXT    NOT NULL,
    serial      TEXT    NOT NULL,
    action_type TEXT    NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (platform, serial, action_type)
  ) WITHOUT ROWID;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `database schema version ${current} is newer than this actlog understands (${SCHEMA_VERSION}); upgrade actlog`,
    );
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
