import { invalid } from './errors.js';
import {
  EQUALITY_FIELDS,
  type EqualityName,
  LABEL_FIELDS,
  type LabelName,
  type NewRecord,
  SEARCH_FIELDS,
} from './fields.js';

/**
 * Which records a request selects (extensions §2), combined with AND: exact matches on the
 * equality fields, `since <= timestamp < until`, and `q`, a substring of action_detail or error
 * that ignores the case of ASCII letters only. An absent key means no condition.
 */
export type Filter = { [K in EqualityName]?: string } & {
  since?: number;
  until?: number;
  q?: string;
};

/** Where a page starts: `offset` records into the filtered list, after the optional `beforeId` cursor. */
export interface Page {
  limit: number;
  offset: number;
  beforeId?: number;
}

/** The label fields a filter names, with their values: the part a label-set index answers. */
export function labelConditions(filter: Filter): [LabelName, string][] {
  return LABEL_FIELDS.filter((name) => filter[name] !== undefined).map((name) => [name, filter[name] as string]);
}

/** Filters that touch more than the label sets: time range, task, text. */
export const hasTimeRange = (filter: Filter) => filter.since !== undefined || filter.until !== undefined;

/** True when the filter selects every record (delete-matching refuses it). */
export const isEmptyFilter = (filter: Filter) =>
  EQUALITY_FIELDS.every((name) => filter[name] === undefined) && !hasTimeRange(filter) && filter.q === undefined;

/** `since > until` can match nothing and is almost certainly a mistake: refused. */
export function checkRange(filter: Filter): void {
  if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until) {
    throw invalid('since must not be after until');
  }
}

/** Lower-cases ASCII letters only; every other character stays as it is (extensions §2, `q`). */
export const asciiLower = (text: string) => text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());

/** The filter as a predicate on one record: the definition every store's answer is tested against. */
export function matches(record: NewRecord, filter: Filter): boolean {
  for (const name of EQUALITY_FIELDS) {
    const wanted = filter[name];
    // A filter on an extension field never matches a record that lacks it.
    if (wanted !== undefined && record[name] !== wanted) return false;
  }
  if (filter.since !== undefined && record.timestamp < filter.since) return false;
  if (filter.until !== undefined && record.timestamp >= filter.until) return false;
  if (filter.q !== undefined) {
    const needle = asciiLower(filter.q);
    if (!SEARCH_FIELDS.some((name) => asciiLower(record[name] ?? '').includes(needle))) return false;
  }
  return true;
}
