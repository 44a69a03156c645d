/**
 * The filter values the read benchmarks use, chosen from the data sets themselves, and the
 * exact answers to check actlog's against (read from the data set file with plain SQL, not
 * through actlog's own query planner).
 *
 * Every combination of the six equality filters (extensions §2) takes its values from one of
 * two anchor records: a record of the most common label set (popular values everywhere), and
 * one of a label set about 5 % down the list (less common values). All values of a
 * combination come from one record, so no combination is empty by accident; the adversarial
 * cases are chosen on purpose.
 */
import Database from 'better-sqlite3';
import { likeContaining } from '../../src/store/sql/records.js';
import { DATA_END, RARE_WORD } from './dataset.js';

export const EQUALITY = ['platform', 'serial', 'action_type', 'username', 'status', 'task_id'] as const;
export type Equality = (typeof EQUALITY)[number];
const LABELS = ['platform', 'serial', 'action_type', 'username', 'status'] as const;
type Label = (typeof LABELS)[number];

export type Filter = Partial<Record<Equality | 'since' | 'until' | 'q', string>>;

export interface Combination {
  /** `none`, or the fields joined by `+`. */
  key: string;
  fields: Equality[];
  /** One filter per anchor. */
  filters: Filter[];
}

export interface Adversarial {
  key: string;
  why: string;
  filter: Filter;
}

interface SeriesRow extends Record<Label, string> {
  id: number;
  n: number;
}

const DAY = 86_400;
/** A one-hour window a month back, off the hour on purpose (partial hours at both ends). */
export const HOUR_WINDOW = { since: DATA_END - 30 * DAY + 1234, until: DATA_END - 30 * DAY + 1234 + 3600 };
/** A week two to three weeks back, off the hour at both ends: the range the counts add. */
export const WEEK_RANGE = { since: DATA_END - 20 * DAY + 1234, until: DATA_END - 13 * DAY + 777 };

/** A data set file opened read-only, for choosing values and computing exact answers. */
export class DatasetTruth {
  private readonly db: Database.Database;
  private readonly series: SeriesRow[];

  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    const counts = new Map(
      (
        this.db.prepare('SELECT series_id AS id, count(*) AS n FROM activity_log GROUP BY series_id').all() as {
          id: number;
          n: number;
        }[]
      ).map((r) => [r.id, r.n]),
    );
    this.series = (
      this.db.prepare('SELECT id, platform, serial, action_type, username, status FROM series').all() as Omit<
        SeriesRow,
        'n'
      >[]
    ).map((s) => ({ ...s, n: counts.get(s.id) ?? 0 }));
  }

  get labelSets(): number {
    return this.series.filter((s) => s.n > 0).length;
  }

  close(): void {
    this.db.close();
  }

  private matching(filter: Filter): SeriesRow[] {
    return this.series.filter((s) => LABELS.every((f) => filter[f] === undefined || s[f] === filter[f]));
  }

  /** Records matching the filter: the sum over label sets, or SQL where record columns are involved. */
  count(filter: Filter): number {
    const series = this.matching(filter);
    if (filter.task_id === undefined && filter.since === undefined && filter.until === undefined && !filter.q) {
      return series.reduce((sum, s) => sum + s.n, 0);
    }
    const where = ['series_id IN (SELECT value FROM json_each(?))'];
    const params: (string | number)[] = [JSON.stringify(series.map((s) => s.id))];
    if (filter.task_id !== undefined) where.push('task_id = ?') && params.push(filter.task_id);
    if (filter.since !== undefined) where.push('timestamp >= ?') && params.push(Number(filter.since));
    if (filter.until !== undefined) where.push('timestamp < ?') && params.push(Number(filter.until));
    if (filter.q) {
      const like = likeContaining(filter.q);
      where.push("(action_detail LIKE ? ESCAPE '\\' OR error LIKE ? ESCAPE '\\')");
      params.push(like, like);
    }
    return this.db
      .prepare(`SELECT count(*) FROM activity_log WHERE ${where.join(' AND ')}`)
      .pluck()
      .get(...params) as number;
  }

  /** The two anchors: every field of a record of a popular and of a less common label set. */
  anchors(): Record<Equality, string>[] {
    const full = this.series
      .filter((s) => s.status === 'success' && s.username !== '')
      .sort((a, b) => b.n - a.n || a.id - b.id);
    const picks = [full[0], full[Math.floor(full.length * 0.05)]] as SeriesRow[];
    return picks.map((s) => {
      const task = this.db
        .prepare(
          'SELECT task_id FROM activity_log WHERE series_id = ? AND task_id IS NOT NULL GROUP BY task_id ORDER BY count(*) DESC, task_id LIMIT 1',
        )
        .pluck()
        .get(s.id) as string;
      return {
        platform: s.platform,
        serial: s.serial,
        action_type: s.action_type,
        username: s.username,
        status: s.status,
        task_id: task,
      };
    });
  }

  /** All 64 combinations of the six equality filters, each with both anchors' values. */
  combinations(): Combination[] {
    const anchors = this.anchors();
    const out: Combination[] = [];
    for (let mask = 0; mask < 1 << EQUALITY.length; mask++) {
      const fields = EQUALITY.filter((_, i) => mask & (1 << i));
      out.push({
        key: fields.join('+') || 'none',
        fields,
        filters: anchors.map((a) => Object.fromEntries(fields.map((f) => [f, a[f]])) as Filter),
      });
    }
    // Fewest fields first, so the table reads from broad to narrow.
    return out.sort((a, b) => a.fields.length - b.fields.length);
  }

  /** The cases issue 8 names as adversarial. */
  adversarial(): Adversarial[] {
    const fields = ['platform', 'serial', 'action_type', 'username'] as const;
    const total = (f: Label, value: string) => this.matching({ [f]: value }).reduce((sum, s) => sum + s.n, 0);
    const top = new Map(
      fields.map((f) => {
        const values = [...new Set(this.series.map((s) => s[f]))].filter((v) => v !== '');
        return [
          f,
          values
            .map((v) => ({ v, n: total(f, v) }))
            .sort((a, b) => b.n - a.n)
            .slice(0, 5),
        ] as const;
      }),
    );
    const pairs: { filter: Filter; n: number; popularity: number }[] = [];
    for (const [i, f] of fields.entries()) {
      for (const g of fields.slice(i + 1)) {
        for (const a of top.get(f) ?? []) {
          for (const b of top.get(g) ?? []) {
            const filter: Filter = { [f]: a.v, [g]: b.v };
            pairs.push({ filter, n: this.count(filter), popularity: Math.min(a.n, b.n) });
          }
        }
      }
    }
    const rare = pairs.filter((p) => p.n > 0).sort((a, b) => a.n - b.n || b.popularity - a.popularity)[0];
    const zero = pairs.filter((p) => p.n === 0).sort((a, b) => b.popularity - a.popularity)[0];
    const cases: Adversarial[] = [];
    if (rare)
      cases.push({
        key: 'popular-pair-rare',
        why: 'two popular values whose conjunction is rare',
        filter: rare.filter,
      });
    if (zero)
      cases.push({ key: 'zero-matches', why: 'two popular values that never occur together', filter: zero.filter });
    cases.push(
      { key: 'failed', why: '`status=failed` alone (2 % of records)', filter: { status: 'failed' } },
      {
        key: 'hour-month-back',
        why: 'a one-hour `since`/`until` window a month back',
        filter: { since: String(HOUR_WINDOW.since), until: String(HOUR_WINDOW.until) },
      },
      { key: 'q-rare', why: `\`q\` with a rare word (${RARE_WORD})`, filter: { q: RARE_WORD } },
    );
    return cases;
  }
}

/** Does a record (as the API shows it) match a filter? */
export function recordMatches(record: Record<string, unknown>, filter: Filter): boolean {
  for (const f of EQUALITY) if (filter[f] !== undefined && record[f] !== filter[f]) return false;
  const t = record.timestamp as number;
  if (filter.since !== undefined && t < Number(filter.since)) return false;
  if (filter.until !== undefined && t >= Number(filter.until)) return false;
  if (filter.q) {
    const needle = filter.q.toLowerCase();
    const hay = [record.action_detail, record.error].filter((v): v is string => typeof v === 'string');
    if (!hay.some((h) => h.replace(/[A-Z]/g, (c) => c.toLowerCase()).includes(needle))) return false;
  }
  return true;
}

export const describeFilter = (filter: Filter) =>
  Object.entries(filter)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ') || '(none)';
