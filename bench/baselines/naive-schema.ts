/** The naive baseline's schema: one flat table, a single-column index per filter. */
export const NAIVE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS activity_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL, serial TEXT NOT NULL, action_type TEXT NOT NULL,
    action_detail TEXT NOT NULL DEFAULT '', username TEXT NOT NULL DEFAULT '', timestamp INTEGER NOT NULL,
    status TEXT, error TEXT, task_id TEXT, duration_ms INTEGER, metadata TEXT, event_id TEXT
  );`;
export const NAIVE_INDEXES = `
  CREATE INDEX IF NOT EXISTS idx_activity_log_platform ON activity_log (platform);
  CREATE INDEX IF NOT EXISTS idx_activity_log_serial ON activity_log (serial);
  CREATE INDEX IF NOT EXISTS idx_activity_log_action_type ON activity_log (action_type);
  CREATE INDEX IF NOT EXISTS idx_activity_log_username ON activity_log (username);
  CREATE INDEX IF NOT EXISTS idx_activity_log_status ON activity_log (status);
  CREATE INDEX IF NOT EXISTS idx_activity_log_task_id ON activity_log (task_id);
  CREATE INDEX IF NOT EXISTS idx_activity_log_timestamp ON activity_log (timestamp);
  CREATE UNIQUE INDEX IF NOT EXISTS idx_activity_log_event_id ON activity_log (event_id);`;
