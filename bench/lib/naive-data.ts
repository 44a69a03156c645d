/**
 * The naive baseline's copy of a data set: the same records, flattened into its one table
 * with its single-column indexes. Made once from actlog's file and cached beside it.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { NAIVE_INDEXES, NAIVE_SCHEMA } from '../baselines/naive-schema.js';

export function ensureNaiveDataset(actlogFile: string, log: (line: string) => void): string {
  const file = actlogFile.replace(/actlog-([^/]+)\.db$/, 'naive-$1.db');
  if (existsSync(file)) return file;
  log(`  flattening ${actlogFile} into the naive baseline's schema`);
  const started = performance.now();
  const temp = `${file}.partial`;
  rmSync(temp, { force: true });
  const db = new Database(temp);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.exec(NAIVE_SCHEMA);
  db.prepare('ATTACH DATABASE ? AS source').run(actlogFile);
  db.exec(`
    INSERT INTO activity_log
      (id, platform, serial, action_type, action_detail, username, timestamp,
       status, error, task_id, duration_ms, metadata, event_id)
    SELECT a.id, s.platform, s.serial, s.action_type, a.action_detail, s.username, a.timestamp,
           nullif(s.status, ''), a.error, a.task_id, a.duration_ms, a.metadata, a.event_id
    FROM source.activity_log a JOIN source.series s ON s.id = a.series_id
    ORDER BY a.id;`);
  db.exec('DETACH DATABASE source');
  db.exec(NAIVE_INDEXES);
  db.exec('ANALYZE');
  db.pragma('journal_mode = WAL');
  db.close();
  renameSync(temp, file);
  log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return file;
}
