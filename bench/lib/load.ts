import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './load-types.js';

const WORKER = fileURLToPath(new URL('../load-worker.js', import.meta.url));

/** A load-generator process (autocannon), reused for many runs so none pays its start-up. */
export class LoadGenerator {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: { id: number; result?: LoadResult; error?: string }) => {
      const job = this.pending.get(message.id);
      if (!job) return;
      this.pending.delete(message.id);
      if (message.result) job.resolve(message.result);
      else job.reject(new Error(`load worker: ${message.error}`));
    });
    child.on('exit', (code) => {
      for (const job of this.pending.values()) job.reject(new Error(`load worker exited with ${code}`));
      this.pending.clear();
    });
  }

  static start(): LoadGenerator {
    return new LoadGenerator(fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  run(spec: LoadSpec): Promise<LoadResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, spec });
    });
  }

  close(): void {
    this.child.disconnect();
  }
}
