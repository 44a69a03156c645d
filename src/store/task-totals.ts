/**
 * Per task, what its records add up to in each label set: count and latest timestamp. Filled
 * from the task index on a task's first count (one GROUP BY over the task's records), then kept
 * in step with every record added to the task, so a task's progress, asked again and again by
 * a script or a dashboard while the task runs, costs a walk over its few label sets instead of
 * its records. Bounded: the tasks asked for most recently are kept, the oldest are dropped.
 * A delete, whose task the commit does not carry, drops them all (deletes are rare: a prune
 * step, a delete-matching). Answers exactly what the database would, or nothing.
 */
export class TaskTotals {
  /** Task → label set → [count, latest timestamp]; Map order is recency (oldest first). */
  private readonly tasks = new Map<string, Map<number, [number, number]>>();

  constructor(private readonly capacity = 256) {}

  /** The task's totals if known, marking it as just used. */
  get(task: string): ReadonlyMap<number, readonly [number, number]> | undefined {
    const totals = this.tasks.get(task);
    if (totals) {
      this.tasks.delete(task);
      this.tasks.set(task, totals);
    }
    return totals;
  }

  /** Keeps a task's totals as read from the database (every record of the task). */
  fill(
    task: string,
    rows: Iterable<readonly [number, number, number]>,
  ): ReadonlyMap<number, readonly [number, number]> {
    const totals = new Map<number, [number, number]>();
    for (const [series, count, latest] of rows) totals.set(series, [count, latest]);
    this.tasks.delete(task);
    this.tasks.set(task, totals);
    if (this.tasks.size > this.capacity) this.tasks.delete(this.tasks.keys().next().value as string);
    return totals;
  }

  /** A committed record of `task` in label set `series`. */
  add(task: string, series: number, timestamp: number): void {
    const totals = this.tasks.get(task);
    if (!totals) return;
    const entry = totals.get(series);
    if (entry) {
      entry[0]++;
      if (timestamp > entry[1]) entry[1] = timestamp;
    } else totals.set(series, [1, timestamp]);
  }

  /** After a delete or a wipe: nothing known is trusted. */
  clear(): void {
    this.tasks.clear();
  }

  get size(): number {
    return this.tasks.size;
  }
}
