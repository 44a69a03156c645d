import type { Filter } from '../domain/filter.js';

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
}

/** A merge step that needs an index read costs about this many rows of a walk. */
const SEEK_COST = 8;
/** Below this many label matches, checking `q` on each is cheaper than the text index's candidates. */
const TEXT_INDEX_ABOVE = 20_000;
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
  costs.push(['walk', need / Math.max(labelShare * beyondLabels, 1e-12)]);
  if (input.labelled) costs.push(['merge', need / beyondLabels + Math.min(labelSets, need / beyondLabels) * SEEK_COST]);
  if (input.taskMatches !== undefined) {
    costs.push(['task', Math.min(input.taskMatches, need / Math.max(labelShare * timeShare, 1e-12))]);
  }
  if (filter.q !== undefined && [...filter.q].length >= MIN_TRIGRAM_CHARS) {
    // How many matches of `q` there are is unknown until read: a rare needle would make any other
    // driver read everything it yields. Use the text index unless labels or task already narrow
    // the candidates to a few thousand.
    const narrowed = Math.min(
      input.labelled ? labelMatches : Number.POSITIVE_INFINITY,
      input.taskMatches ?? Number.POSITIVE_INFINITY,
    );
    if (narrowed > TEXT_INDEX_ABOVE) return 'text';
    return input.taskMatches !== undefined && input.taskMatches <= labelMatches ? 'task' : 'merge';
  }
  return costs.reduce((best, next) => (next[1] < best[1] ? next : best))[0];
}
