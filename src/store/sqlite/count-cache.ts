import { type CountKey, keyId } from '../count-rollup.js';

/** Enough for every key of a large farm (thousands of devices); beyond it, reads go to SQLite. */
const MAX_CACHED_KEYS = 200_000;

/**
 * How long a write by another connection to the same file (a second process, a manual
 * fix) may go unseen by counts. Checking SQLite's data_version costs a read transaction,
 * as much as the count itself, so it is checked at most this often, not on every read.
 */
export const EXTERNAL_WRITE_CHECK_MS = 250;

/**
 * Counts already read, kept exact in memory: each committed batch's deltas are applied to
 * the keys held, so a count is a map lookup instead of a SQLite query. If another
 * connection commits to the same file, SQLite's data_version changes and the cache is
 * dropped (noticed within `checkEveryMs`).
 */
export class CountCache {
  private readonly values = new Map<string, number>();
  private version: number;
  private checkedAt = performance.now();

  constructor(
    private readonly dataVersion: () => number,
    private readonly checkEveryMs = EXTERNAL_WRITE_CHECK_MS,
  ) {
    this.version = dataVersion();
  }

  get(key: CountKey, load: () => number): number {
    const now = performance.now();
    if (now - this.checkedAt >= this.checkEveryMs) {
      this.checkedAt = now;
      const version = this.dataVersion();
      if (version !== this.version) {
        this.values.clear();
        this.version = version;
      }
    }
    const id = keyId(key);
    let n = this.values.get(id);
    if (n === undefined) {
      n = load();
      if (this.values.size < MAX_CACHED_KEYS) this.values.set(id, n);
    }
    return n;
  }

  /** After a commit: `wiped` when the batch deleted everything (changes are then those after it). */
  apply(changes: readonly { key: CountKey; delta: number }[], wiped: boolean): void {
    if (wiped) this.values.clear();
    for (const { key, delta } of changes) {
      const id = keyId(key);
      const n = this.values.get(id);
      if (n !== undefined) this.values.set(id, n + delta);
    }
  }
}
