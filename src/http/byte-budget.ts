/**
 * A budget of request-body bytes in flight, shared by the requests that may carry large bodies
 * (batch ingest): a request takes its share before its body is read and gives it back when it
 * is answered, so four clients sending 16 MiB batches hold at most the budget in memory while
 * the others wait, their bodies unread in the socket (TCP pushes back on the sender).
 * Waiters are served in arrival order; a share larger than the budget is cut to the budget.
 */
export class ByteBudget {
  private used = 0;
  private readonly waiting: { bytes: number; grant: () => void }[] = [];

  constructor(readonly limit: number) {}

  /** Resolves once `bytes` fit; the returned function gives them back (once). */
  async take(bytes: number): Promise<() => void> {
    const share = Math.min(Math.max(bytes, 0), this.limit);
    if (this.waiting.length > 0 || this.used + share > this.limit) {
      await new Promise<void>((grant) => this.waiting.push({ bytes: share, grant }));
    } else {
      this.used += share;
    }
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.used -= share;
      this.grantWaiting();
    };
  }

  private grantWaiting(): void {
    for (let next = this.waiting[0]; next && this.used + next.bytes <= this.limit; next = this.waiting[0]) {
      this.waiting.shift();
      this.used += next.bytes;
      next.grant();
    }
  }
}
