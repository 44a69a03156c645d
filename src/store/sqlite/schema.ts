import type { Database } from 'better-sqlite3';

/**
 * Schema migrations, applied in order inside one transaction each; PRAGMA user_version
 * records how many have run, so a file made by an older release is upgraded in place and one
 * made by a newer release is refused rather than misread. A migration is history: it never
 * changes once released (a new field is a new migration plus its registry entry).
 */
const MIGRATIONS: readonly ((db: Database) => void)[] = [
  // 1: records, one index per filter combination, and exact per-combination counts.
  (db) =>
    db.exec(`
    CREATE TABLE activity_log (
      id            INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: ids are never reused
      platform      TEXT    NOT NULL,
      serial        TEXT    NOT NULL,
      action_type   TEXT    NOT NULL,
      action_detail TEXT    NOT NULL,
      username      TEXT    NOT NULL,
      timestamp     INTEGER NOT NULL
    );
    CREATE INDEX activity_log_by_p   ON activity_log (platform);
    CREATE INDEX activity_log_by_s   ON activity_log (serial);
    CREATE INDEX activity_log_by_a   ON activity_log (action_type);
    CREATE INDEX activity_log_by_ps  ON activity_log (platform, serial);
    CREATE INDEX activity_log_by_pa  ON activity_log (platform, action_type);
    CREATE INDEX activity_log_by_sa  ON activity_log (serial, action_type);
    CREATE INDEX activity_log_by_psa ON activity_log (platform, serial, action_type);
    CREATE TABLE activity_counts (
      platform    TEXT    NOT NULL,
      serial      TEXT    NOT NULL,
      action_type TEXT    NOT NULL,
      n           INTEGER NOT NULL,
      PRIMARY KEY (platform, serial, action_type)
    ) WITHOUT ROWID;
  `),
  // 2: label sets (docs/decisions.md, "Store design, schema 2"). Records of schema 1 are copied
  // with their ids; their cells and text index are built by the store's background step (the
  // watermarks start at 0), as after a crash.
  (db) => {
    const previous = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'activity_log'").pluck().get() as
      | number
      | undefined;
    db.exec(`
    CREATE TABLE series (
      id          INTEGER PRIMARY KEY,
      platform    TEXT NOT NULL,
      serial      TEXT NOT NULL,
      action_type TEXT NOT NULL,
      username    TEXT NOT NULL,
      status      TEXT NOT NULL, -- '' when not given
      UNIQUE (platform, serial, action_type, username, status)
    );
    INSERT INTO series (platform, serial, action_type, username, status)
      SELECT DISTINCT platform, serial, action_type, username, '' FROM activity_log;

    CREATE TABLE activity_log_2 (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      series_id     INTEGER NOT NULL,
      timestamp     INTEGER NOT NULL,
      action_detail TEXT    NOT NULL,
      error         TEXT,
      task_id       TEXT,
      duration_ms   INTEGER,
      metadata      TEXT,    -- compact JSON, as returned
      event_id      TEXT
    );
    INSERT INTO activity_log_2 (id, series_id, timestamp, action_detail)
      SELECT a.id, s.id, a.timestamp, a.action_detail
      FROM activity_log a JOIN series s
        ON s.platform = a.platform AND s.serial = a.serial AND s.action_type = a.action_type
       AND s.username = a.username AND s.status = ''
      ORDER BY a.id;
    DROP TABLE activity_log;
    DROP TABLE activity_counts;
    ALTER TABLE activity_log_2 RENAME TO activity_log;

    -- Filtered pages walk (series_id, id) newest first; time ranges and partial hours read
    -- (timestamp, series_id); task and idempotency keys have their own (partial) indexes.
    CREATE INDEX activity_log_by_series ON activity_log (series_id, id);
    CREATE INDEX activity_log_by_time   ON activity_log (timestamp, series_id);
    CREATE INDEX activity_log_by_task   ON activity_log (task_id, id) WHERE task_id IS NOT NULL;
    CREATE UNIQUE INDEX activity_log_by_event ON activity_log (event_id) WHERE event_id IS NOT NULL;

    -- Text search: trigrams of action_detail and error (a superset, verified with LIKE), kept
    -- by the background step up to the watermark 'text'.
    CREATE VIRTUAL TABLE activity_text USING fts5(
      action_detail, error, content = 'activity_log', content_rowid = 'id', tokenize = 'trigram', detail = 'none');

    -- The hour cells of each label set (src/store/cells.ts), in periods, and the zone map: both
    -- reflect every record up to the watermark 'rollup'; the store recounts those above it at start.
    CREATE TABLE rollup_cells (
      series_id INTEGER NOT NULL,
      period    INTEGER NOT NULL,
      cells     BLOB    NOT NULL,
      PRIMARY KEY (series_id, period)
    ) WITHOUT ROWID;
    CREATE TABLE zone_map (block INTEGER PRIMARY KEY, min_ts INTEGER NOT NULL, max_ts INTEGER NOT NULL);
    CREATE TABLE watermarks (name TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID;
    INSERT INTO watermarks VALUES ('text', 0), ('rollup', 0);
    `);
    // Ids continue where schema 1 stopped, even when its newest records had been deleted.
    if (previous !== undefined) {
      db.prepare("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'activity_log'").run(previous);
      db.prepare(
        "INSERT INTO sqlite_sequence (name, seq) SELECT 'activity_log', ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'activity_log')",
      ).run(previous);
    }
  },
  // 3: the task index covers what a task's candidates are checked on (label set, timestamp), so
  // pages and counts by task_id read the index alone, not a table row per candidate.
  (db) =>
    db.exec(`
    DROP INDEX activity_log_by_task;
    CREATE INDEX activity_log_by_task ON activity_log (task_id, id, series_id, timestamp) WHERE task_id IS NOT NULL;
    `),
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The schema version of an open database. */
export const schemaVersion = (db: Database) => db.pragma('user_version', { simple: true }) as number;

export function migrate(db: Database): void {
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `database schema version ${current} is newer than this actlog understands (${SCHEMA_VERSION}); upgrade actlog`,
    );
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      (MIGRATIONS[version] as (db: Database) => void)(db);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}

/**
 * The latest timestamp in [from, to) among all records, and among one label set's. Both go
 * through the time index, which covers timestamp and label set. Left to itself, the planner
 * took the label set's index for `series_id = ?` and read every record of the label set
 * (tens of thousands at 10M, each a table row) to keep one hour's: a prune step that re-read an
 * hour's latest took up to 300 ms. The writer (after deletes) and the reads share these.
 */
export const LATEST_IN_SQL = 'SELECT max(timestamp) FROM activity_log WHERE timestamp >= ? AND timestamp < ?';
export const LATEST_IN_OF_SQL =
  'SELECT max(timestamp) FROM activity_log INDEXED BY activity_log_by_time WHERE timestamp >= ? AND timestamp < ? AND series_id = ?';
