import type { ActivityRecord } from '../domain/fields.js';

/**
 * The commit feed: what each committed write batch changed, in commit order, which with ids
 * drawn in commit order is ascending id order for added records. The live tail listens to it;
 * nothing polls. `reset` means the feed may have missed changes (a PostgreSQL listener that had
 * to reconnect): listeners must catch up from the store itself.
 */
export type ChangeEvent =
  | { kind: 'record'; id: number; record: ActivityRecord }
  | { kind: 'delete'; id: number }
  | { kind: 'delete_all' }
  | { kind: 'reset' };

export type ChangeListener = (events: readonly ChangeEvent[]) => void;

export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();

  /** Calls `listener` with each committed batch's changes from now on; returns the unsubscribe. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get listening(): number {
    return this.listeners.size;
  }

  publish(events: readonly ChangeEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.listeners) listener(events);
  }
}
