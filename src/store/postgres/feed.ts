import { randomUUID } from 'node:crypto';
import { type ChangeEvent, ChangeFeed } from '../changes.js';
import { type RecordRow, ROW_SELECT, rowToRecord } from '../sql/records.js';
import { intArray, type Sql, values } from './connection.js';
import type { KnownSeries } from './known-series.js';

/** Feed entries per notification: a payload must stay under PostgreSQL's 8000 bytes. */
export const NOTIFY_ENTRIES = 500;
/** A notification that is a sync mark, not a commit's changes. */
const MARK = 'mark:';
/** How long sync waits for its mark; past it (the listener is reconnecting, and then resets) it goes on. */
const MARK_WAIT_MS = 5_000;

/**
 * The change feed of a shared database: every instance, the writer included, learns of
 * commits by LISTEN. A writer sends, with its commit, the ids it added (positive), deleted
 * (negative) or 0 for a delete-all; notifications arrive in commit order and are handled one
 * after another, so the feed keeps that order. `sync` sends a mark down the same channel:
 * when it comes back, every commit before it has been delivered.
 */
export class PostgresFeed {
  readonly changes = new ChangeFeed(() => this.sync());
  private delivering: Promise<void> = Promise.resolve();
  private listened = false;
  private readonly marks = new Map<string, () => void>();

  constructor(
    private readonly sql: Sql,
    private readonly series: KnownSeries,
    readonly channel: string,
    /** An id above every committed record's (read before the mark is sent, so nothing later is below it). */
    private readonly nextId: () => Promise<number>,
  ) {}

  private async sync(): Promise<number> {
    const next = await this.nextId();
    const token = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const back = new Promise<void>((resolve) => {
      this.marks.set(token, resolve);
      timer = setTimeout(resolve, MARK_WAIT_MS);
    });
    try {
      await this.sql.unsafe('SELECT pg_notify($1, $2)', [this.channel, `${MARK}${token}`]);
      await back;
    } finally {
      clearTimeout(timer);
      this.marks.delete(token);
    }
    return next;
  }

  /** Starts listening; a reconnect of the listening connection resets the feed's listeners. */
  async listen(): Promise<void> {
    await this.sql.listen(
      this.channel,
      (payload) => this.notified(payload),
      () => this.relistened(),
    );
  }

  private notified(payload: string): void {
    if (payload.startsWith(MARK)) {
      // Another instance's marks are not ours to answer.
      const token = payload.slice(MARK.length);
      this.delivering = this.delivering.then(() => this.marks.get(token)?.());
      return;
    }
    this.delivering = this.delivering.then(() =>
      this.deliver(payload).catch(() => {
        // The records could not be read: tell listeners to catch up from the store.
        this.changes.publish([{ kind: 'reset' }]);
      }),
    );
  }

  private async deliver(payload: string): Promise<void> {
    if (this.changes.listening === 0) return;
    const entries = JSON.parse(payload) as number[];
    const added = entries.filter((entry) => entry > 0);
    const rows = new Map<number, RecordRow>();
    if (added.length > 0) {
      for (const row of await values<RecordRow>(
        this.sql,
        `SELECT ${ROW_SELECT} FROM activity_log WHERE id = ANY($1::int8[])`,
        [intArray(added)],
      )) {
        rows.set(row[0] as number, row);
      }
      await this.series.refresh();
    }
    const events: ChangeEvent[] = [];
    for (const entry of entries) {
      if (entry === 0) events.push({ kind: 'delete_all' });
      else if (entry < 0) events.push({ kind: 'delete', id: -entry });
      else {
        const row = rows.get(entry);
        // Gone already (deleted by a later commit, whose notification follows): nothing to show.
        if (row)
          events.push({ kind: 'record', id: entry, record: rowToRecord(row, this.series.labelsOf(row[1] as number)) });
      }
    }
    this.changes.publish(events);
  }

  /** LISTEN (re)established: after a reconnect, notifications sent meanwhile are lost. */
  private relistened(): void {
    if (this.listened) this.changes.publish([{ kind: 'reset' }]);
    this.listened = true;
  }
}
