/**
 * The checkpointer's thread (see checkpointer.ts): its own connection to the file, copying
 * committed WAL frames into the database with PASSIVE checkpoints, which never wait for and
 * never block the writer or readers. Stops, closing its connection, when told to.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

interface CheckpointResult {
  busy: number;
  /** Frames in the WAL. */
  log: number;
  /** Frames of them already in the database file. */
  checkpointed: number;
}

const { file, busyMs, idleMs } = workerData as { file: string; busyMs: number; idleMs: number };
const db = new BetterSqlite3(file);
// A checkpoint reads WAL frames and writes pages; it needs no cache of its own to speak of.
db.pragma('cache_size = -256');
let timer: NodeJS.Timeout | undefined;

function tick(): void {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
  // Frames left behind (a reader still needs them, or the writer is appending): look again soon.
  const behind = result !== undefined && result.log > result.checkpointed;
  timer = setTimeout(tick, behind ? busyMs : idleMs);
}

parentPort?.on('message', (message) => {
  if (message !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort?.close();
});
tick();
