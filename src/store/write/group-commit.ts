/**
 * Group commit: writes submitted during one turn of the event loop are handed to
 * `runBatch` together, so that many requests share one transaction and one fsync.
 * Each submitter's promise settles only after its batch has committed. A batch that
 * fails as a whole (nothing committed) rejects exactly the submitters in it; an op that
 * failed on its own (its result is an OpFailed, the others committed) rejects only its submitter. Batches run one after another,
 * in submission order, which keeps ids increasing in acknowledgement order.
 */
/** The result of one op that failed while the rest of its batch committed. */
export class OpFailed {
  constructor(readonly error: unknown) {}
}

/**
 * Ops per transaction at most, so one huge burst cannot hold the writer for long. 2,000: two
 * queued 1,000-record batch requests then share one commit, which at 10M on SQLite took batch
 * ingest from ~12,000 to ~14,400 records a second; the longest hold grows to ~100 ms under
 * such load (docs/decisions.md, "Two batches per commit").
 */
export const MAX_OPS_PER_TRANSACTION = 2_000;

export class GroupCommit<Op, Result> {
  private queue: { op: Op; resolve: (r: Result) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly runBatch: (ops: Op[]) => (Result | OpFailed)[] | Promise<(Result | OpFailed)[]>,
    private readonly maxBatch = MAX_OPS_PER_TRANSACTION,
  ) {}

  submit(op: Op): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once everything submitted so far has been committed or has failed. */
  async drain(): Promise<void> {
    while (this.running || this.queue.length > 0 || this.scheduled) {
      await (this.running ?? new Promise((r) => setImmediate(r)));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.running = this.flush().finally(() => {
        this.running = null;
        if (this.queue.length > 0) this.schedule();
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    try {
      const results = await this.runBatch(batch.map((job) => job.op));
      for (const [i, job] of batch.entries()) {
        const result = results[i];
        if (result instanceof OpFailed) job.reject(result.error);
        else job.resolve(result as Result);
      }
    } catch (error) {
      for (const job of batch) job.reject(error);
    }
  }
}
