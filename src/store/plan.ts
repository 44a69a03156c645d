import type { Filter } from '../domain/filter.js';
import { RING_SIZE } from './rollup.js';

/**
 * How a page is read (docs/decisions.md, "Pages: a planner with exact statistics"): one driver
 * yields candidate ids newest first and every other condition is checked on each candidate.
 * The choice is a pure function of exact or estimated sizes, so it is tested without a store.
 */
export type Driver = 'none' | 'walk' | 'merge' | 'task' | 'text';

export interface PlanInput {
  filter: Filter;
  /** Records up to the page's end: offset + limit. */
  need: number;
  /** Records in the id window the page may come from (all records, or the zone map's range). */
  window: number;
  /** Records in the window that match the label conditions (exact before windowing, scaled). */
  labelMatches: number;
  /** Label sets that match (a merge seeks into each at most once before it has their rings). */
  labelSets: number;
  /** Whether the filter names any label. */
  labelled: boolean;
  /** Matches of task_id, counted up to a cap (undefined without a task filter). */
  taskMatches?: number;
  /** Records matching the time range, estimated from cells (undefined without one). */
  timeMatches?: number;
  /** Total number of records. */
  total: number;
  /**
   * Candidates the text index is estimated to yield for `q` over all records, where the store
   * estimates them (SQLite: src/store/sqlite/trigram-query.ts).
   */
  textMatches?: number;
  /** The store's own costs. */
  costs: DriverCosts;
}

/*
 * Costs are in rows handed to JavaScript and checked there (~1 µs each at 10M records), as
 * measured through HTTP in docs/decisions.md, "Walk or merge: costs measured".
 */
/** A merge step that needs an index read (a label set whose ring of newest ids ran out). */
const SEEK_COST = 8;
/**
 * What a store's drivers cost beyond the rows they read, which differs by store: SQLite's merge
 * reads heads from memory (src/store/sqlite/reads.ts), PostgreSQL's seeks each label set.
 */
export interface DriverCosts {
  /** A label set a merge starts from. */
  mergeSet: number;
  /** A walk filtered by label set in the database: its start, whatever rows it then reads. */
  labelWalkStart: number;
}
/** A row a walk without `q` or `task_id` reads and SQLite checks itself (actlog_member), handing over matches only. */
const SQL_ROW_COST = 0.6;
/** Candidates assumed for `q` where the store has no estimate (PostgreSQL, whose own planner then picks the index). */
const TEXT_MATCHES_UNKNOWN = 20_000;
/** Trigram search needs three characters. */
export const MIN_TRIGRAM_CHARS = 3;

export function choosePlan(input: PlanInput): Driver {
  const { filter, need, window, labelMatches, labelSets, total } = input;
  if (labelMatches === 0 || window === 0 || input.taskMatches === 0 || input.timeMatches === 0) return 'none';
  // The fraction of the window that the conditions other than labels let through (independence assumed).
  const timeShare = input.timeMatches === undefined ? 1 : Math.min(1, input.timeMatches / Math.max(total, 1));
  const labelShare = Math.min(1, labelMatches / Math.max(window, 1));
  const taskShare = input.taskMatches === undefined ? 1 : Math.min(1, input.taskMatches / Math.max(total, 1));
  const costs: [Driver, number][] = [];
  const beyondLabels = Math.max(timeShare * taskShare, 1e-9);
  const walked = need / Math.max(labelShare * beyondLabels, 1e-12);
  // Without `q` or `task_id` SQLite checks each row and hands over the matches only.
  const inSql = filter.q === undefined && filter.task_id === undefined;
  costs.push([
    'walk',
    inSql ? walked * SQL_ROW_COST + need + (input.labelled ? input.costs.labelWalkStart : 0) : walked,
  ]);
  if (input.labelled) {
    const merged = need / beyondLabels;
    const seeks = Math.min(labelSets, merged / RING_SIZE);
    costs.push(['merge', merged + labelSets * input.costs.mergeSet + seeks * SEEK_COST]);
  }
  if (input.taskMatches !== undefined) {
    costs.push(['task', Math.min(input.taskMatches, need / Math.max(labelShare * timeShare, 1e-12))]);
  }
  if (filter.q !== undefined && [...filter.q].length >= MIN_TRIGRAM_CHARS) {
    const textMatches = input.textMatches ?? TEXT_MATCHES_UNKNOWN;
    // Every driver checks `q` on each candidate, a row read either way. The text index yields
    // its candidates until the page has the rest of the conditions' matches. The label set or
    // task drivers read their records until the page has matches of `q`: how many is unknown,
    // because the share of `q` is estimated from its rarest trigram, which a rare phrase of
    // common trigrams makes far too large. So they are taken only where their worst case, all
    // of their records, costs no more than the text index's candidates.
    const text = Math.min(textMatches, need / Math.max(labelShare * timeShare * taskShare, 1e-12));
    const narrowed = Math.min(
      input.labelled ? labelMatches : Number.POSITIVE_INFINITY,
      input.taskMatches ?? Number.POSITIVE_INFINITY,
    );
    if (narrowed > text) return 'text';
    return input.taskMatches !== undefined && input.taskMatches <= labelMatches ? 'task' : 'merge';
  }
  return costs.reduce((best, next) => (next[1] < best[1] ? next : best))[0];
}
