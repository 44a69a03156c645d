import { LABEL_FIELDS, type LabelName, type NewRecord } from '../domain/fields.js';
import type { Filter } from '../domain/filter.js';
import { labelConditions } from '../domain/filter.js';

/**
 * Label sets ("series"): each distinct combination of a record's label fields (platform,
 * serial, action_type, username, status — the registry's `stored: 'label'` fields) has a
 * small id, and records carry that id instead of the labels. An absent label (status) is ''
 * here, which no given value can be. The registry is the id <-> labels mapping plus, per label
 * value, the sorted list of series ids that hold it, so that any combination of label filters
 * resolves to a set of series ids in memory.
 */
export type Labels = readonly string[];

/** Text that joins labels into one map key; NUL is refused in every stored text, so it cannot collide. */
const SEPARATOR = '\u0000';
export const ABSENT = '';
/** Intersections kept at most (each a list of label set ids; a farm's filters repeat). */
const MAX_INTERSECTIONS = 1024;

export const labelsOf = (record: NewRecord): Labels =>
  LABEL_FIELDS.map((name) => (record[name] as string | undefined) ?? ABSENT);

export const labelKey = (labels: Labels) => labels.join(SEPARATOR);

/** The matching series of a filter: `all` when it names no label, else the (possibly empty) sorted ids. */
export type SeriesSelection = { all: true } | { all: false; ids: readonly number[] };

export class SeriesRegistry {
  private readonly byKey = new Map<string, number>();
  private readonly labelsById: (Labels | undefined)[] = [];
  /** Per label field (in LABEL_FIELDS order): value -> ascending series ids. */
  private readonly postings: Map<string, number[]>[] = LABEL_FIELDS.map(() => new Map());
  private highest = 0;
  /**
   * Selections of two or more label conditions, as computed: an intersection of postings costs
   * ~25 µs for two broad values (platform and status: 9,000 and 19,000 label sets), more than the
   * rest of a count. Cleared when a label set arrives, which is rare once a farm is running.
   */
  private readonly intersections = new Map<string, readonly number[]>();

  get size(): number {
    return this.byKey.size;
  }

  /** One past the highest id known: the bound of per-series arrays. */
  get bound(): number {
    return this.highest + 1;
  }

  idOf(labels: Labels): number | undefined {
    return this.byKey.get(labelKey(labels));
  }

  labels(id: number): Labels | undefined {
    return this.labelsById[id];
  }

  /** Registers a label set under its id (ids are assigned by the store, in increasing order). */
  add(id: number, labels: Labels): void {
    const key = labelKey(labels);
    if (this.byKey.has(key)) return;
    this.byKey.set(key, id);
    this.labelsById[id] = labels;
    if (id > this.highest) this.highest = id;
    this.intersections.clear();
    labels.forEach((value, field) => {
      const postings = this.postings[field] as Map<string, number[]>;
      const ids = postings.get(value);
      if (!ids) postings.set(value, [id]);
      else if (id > (ids[ids.length - 1] as number)) ids.push(id);
      else ids.splice(sortedIndex(ids, id), 0, id); // ids of another instance may arrive late
    });
  }

  /** The series a filter's label conditions select (intersection of postings, smallest first). */
  select(filter: Filter): SeriesSelection {
    const conditions = labelConditions(filter);
    if (conditions.length === 0) return { all: true };
    if (conditions.length === 1) {
      const [name, value] = conditions[0] as [LabelName, string];
      return { all: false, ids: this.postings[LABEL_FIELDS.indexOf(name)]?.get(value) ?? [] };
    }
    const key = conditions.map(([name, value]) => `${name}${SEPARATOR}${value}`).join(SEPARATOR);
    const known = this.intersections.get(key);
    if (known) return { all: false, ids: known };
    const lists = conditions
      .map(([name, value]) => this.postings[LABEL_FIELDS.indexOf(name)]?.get(value) ?? [])
      .sort((a, b) => a.length - b.length);
    let ids: readonly number[] = lists[0] as number[];
    for (const list of lists.slice(1)) {
      if (ids.length === 0) break;
      ids = intersect(ids, list);
    }
    if (this.intersections.size >= MAX_INTERSECTIONS) this.intersections.clear();
    this.intersections.set(key, ids);
    return { all: false, ids };
  }

  /** The distinct values a label field holds, with the series that hold each. */
  values(name: LabelName): ReadonlyMap<string, readonly number[]> {
    return this.postings[LABEL_FIELDS.indexOf(name)] as Map<string, number[]>;
  }
}

/** The first index of an ascending list whose value is at least `value` (the list's length if none). */
export function sortedIndex(values: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function intersect(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}
