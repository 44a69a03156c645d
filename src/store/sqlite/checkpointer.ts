import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the event loop (docs/decisions.md, "Checkpoints in a thread of their
 * own"). SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on
 * the writer's connection, so one write in ~1,000 pages waited for a copy of those pages into
 * the database file and its fsync: at 10M records, pages spread over 2 GB, tens of
 * milliseconds, and the whole event loop with it. A worker thread now checkpoints every few
 * milliseconds while the WAL has frames left. The writer keeps an automatic checkpoint at a
 * much larger threshold (WRITER_CHECKPOINT_PAGES) only as a backstop, should this thread fall
 * behind or fail. Durability does not change: a commit is durable in the WAL when it returns.
 */
export class Checkpointer {
  /** The writer's own automatic checkpoint, in pages: the backstop (~32 MB of WAL). */
  static readonly WRITER_CHECKPOINT_PAGES = 8192;
  /** SQLite's own threshold, which the writer goes back to if this thread fails. */
  static readonly SQLITE_DEFAULT_PAGES = 1000;
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(file: string, onError: (error: Error) => void, busyMs = 5, idleMs = 50) {
    this.worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), {
      workerData: { file, busyMs, idleMs },
      // Its heap holds a timer and a connection; keep V8's reservations small.
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
    });
    this.worker.on('error', onError);
    // It never keeps the process alive on its own.
    this.worker.unref();
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  /** Asks the thread to close its connection and waits until it has. */
  async stop(): Promise<void> {
    // Held by the wait for its exit, or an otherwise idle process would end before it closes.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}
