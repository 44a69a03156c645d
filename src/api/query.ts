import { invalid } from '../domain/errors.js';
import { EQUALITY_FIELDS, type EqualityName } from '../domain/fields.js';
import { checkRange, type Filter, type Page } from '../domain/filter.js';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../domain/limits.js';
import { checkText } from '../domain/record.js';
import { parseGroupBy, type StatsQuery, statsLimit } from '../domain/stats.js';
import { parseTimeZone } from '../domain/time-zone.js';

/** A validated query string (the schemas in ./schemas.ts), empty values already removed. */
export type QueryInput = Partial<Record<EqualityName | 'q' | 'group_by' | 'tz', string>> &
  Partial<Record<'since' | 'until' | 'limit' | 'offset' | 'before_id', number>>;

/** The filters of extensions §2 from a query string: text rules checked, `since > until` refused. */
export function toFilter(query: QueryInput): Filter {
  const filter: Filter = {};
  for (const name of EQUALITY_FIELDS) {
    const value = query[name];
    if (value === undefined) continue;
    checkText(name, value);
    filter[name] = value;
  }
  if (query.since !== undefined) filter.since = query.since;
  if (query.until !== undefined) filter.until = query.until;
  if (query.q !== undefined) {
    checkText('q', query.q);
    filter.q = query.q;
  }
  checkRange(filter);
  return filter;
}

export function toPage(query: QueryInput): Page {
  const page: Page = {
    limit: Math.min(query.limit ?? DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT),
    offset: query.offset ?? 0,
  };
  if (query.before_id !== undefined) page.beforeId = query.before_id;
  return page;
}

export function toStatsQuery(query: QueryInput): StatsQuery {
  if (query.tz !== undefined) checkText('tz', query.tz);
  return {
    groupBy: parseGroupBy(query.group_by),
    zone: parseTimeZone(plusRestored(query.tz) ?? 'UTC'),
    limit: statsLimit(query.limit),
  };
}

/**
 * `?tz=+05:30` typed into a URL arrives as " 05:30" (a query string's + is a space). A space
 * followed by an offset can mean nothing else, so it is read as the + it was.
 */
const plusRestored = (tz: string | undefined) => (tz !== undefined && /^ \d/.test(tz) ? `+${tz.slice(1)}` : tz);

/** Delete-matching needs at least one filter (extensions §5). */
export function requireFilter(filter: Filter): Filter {
  if (Object.keys(filter).length === 0) {
    throw invalid('at least one filter is required; to delete every record use DELETE /api/v1/activity_log/all');
  }
  return filter;
}
