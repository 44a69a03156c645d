import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export interface BackupResult {
  bytes: number;
  schemaVersion: number;
}

/**
 * SQLite's online backup API restarts a copy whenever another connection writes between
 * two steps, so a copy made in small steps next to a busy server might never finish.
 * Asking for every page in one step copies inside one read transaction: a consistent
 * snapshot, while the server keeps writing to the WAL.
 */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies a SQLite database file to `target` while other processes may be using it
 * (`actlog serve` included). The copy is written beside the target and renamed into place
 * only after it was verified, so an interrupted backup never leaves a partial file under
 * the target's name. Refuses to overwrite an existing file.
 */
export async function backupSqlite(source: string, target: string): Promise<BackupResult> {
  if (!existsSync(source)) throw new Error(`there is no SQLite database at ${source}`);
  if (existsSync(target)) throw new Error(`${target} already exists: remove it or choose another file`);
  if (!existsSync(dirname(target))) throw new Error(`the folder ${dirname(target)} does not exist`);
  const partial = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  // Read-only: a backup never changes the database it copies.
  const db = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(partial, { progress: () => ALL_PAGES });
    const schemaVersion = verify(partial);
    syncFile(partial);
    renameSync(partial, target);
    syncFile(dirname(target));
    return { bytes: statSync(target).size, schemaVersion };
  } catch (error) {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${partial}${suffix}`, { force: true });
    throw error;
  } finally {
    db.close();
  }
}

/** The copy must open and pass SQLite's own check before it may take the target's name. */
function verify(file: string): number {
  const copy = new BetterSqlite3(file, { fileMustExist: true });
  try {
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the copy failed SQLite's integrity check: ${check}`);
    // The copy of a WAL database is itself in WAL mode; a backup is one self-contained file.
    copy.pragma('journal_mode = DELETE');
    return copy.pragma('user_version', { simple: true }) as number;
  } finally {
    copy.close();
  }
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
