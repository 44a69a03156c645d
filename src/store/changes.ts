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

  /** @param synced what `sync` does: the store knows when its changes have all arrived. */
  constructor(private readonly synced: () => Promise<number>) {}

  /**
   * "Now" for a new listener: resolves, once the changes committed before the call have
   * reached the listeners, with an id above every record those changes added; records that
   * commit later have ids at least this large. (A listener that subscribed first can so tell
   * what is new from what its feed delivered late.)
   */
  sync(): Promise<number> {
    return this.synced();
  }

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
