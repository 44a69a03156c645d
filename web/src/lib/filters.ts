import { addDays, type Seconds, startOfDay, toSeconds } from './time.js';

/**
 * The explorer's filters (extensions §2) and time range, as they live in the page's URL (so a
 * view can be shared and the back button works) and as they go to the API.
 */

export const FILTER_FIELDS = ['platform', 'serial', 'action_type', 'username', 'status', 'task_id'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];
export const STATUSES = ['success', 'failed', 'skipped'] as const;

export const FIELD_LABELS: Record<FilterField, string> = {
  platform: 'Platform',
  serial: 'Device',
  action_type: 'Action',
  username: 'Account',
  status: 'Status',
  task_id: 'Task',
};

export const RANGES = {
  all: 'All time',
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  today: 'Today',
  yesterday: 'Yesterday',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  custom: 'Custom range',
} as const;
export type RangeKey = keyof typeof RANGES;
const isRange = (value: string | null): value is RangeKey => value !== null && Object.hasOwn(RANGES, value);

/** The longest text a filter takes (the API's limits: 255 for fields, 200 for q). */
export const MAX_FIELD_CHARS = 255;
export const MAX_QUERY_CHARS = 200;

export interface Filters {
  fields: Partial<Record<FilterField, string>>;
  /** Text search in action_detail and error. */
  q?: string;
  range: RangeKey;
  /** Only for the custom range. */
  since?: Seconds;
  until?: Seconds;
}

const wholeSeconds = (text: string | null): Seconds | undefined =>
  text !== null && /^\d{1,16}$/.test(text) ? Number(text) : undefined;

/** Filters from a URL's query; anything unreadable is left out rather than refused. */
export function parseFilters(params: URLSearchParams): Filters {
  const fields: Filters['fields'] = {};
  for (const name of FILTER_FIELDS) {
    const value = params.get(name);
    if (!value) continue;
    if (name === 'status' && !(STATUSES as readonly string[]).includes(value)) continue;
    fields[name] = value.slice(0, MAX_FIELD_CHARS);
  }
  const filters: Filters = { fields, range: 'all' };
  const q = params.get('q');
  if (q) filters.q = q.slice(0, MAX_QUERY_CHARS);
  const since = wholeSeconds(params.get('since'));
  const until = wholeSeconds(params.get('until'));
  const range = params.get('range');
  if (isRange(range) && range !== 'custom') filters.range = range;
  else if (since !== undefined || until !== undefined) {
    filters.range = 'custom';
    if (since !== undefined) filters.since = since;
    if (until !== undefined) filters.until = until;
  }
  return filters;
}

/** The URL query for filters (in a fixed order, so equal filters give equal URLs). */
export function filtersToParams(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of FILTER_FIELDS) {
    const value = filters.fields[name];
    if (value) params.set(name, value);
  }
  if (filters.q) params.set('q', filters.q);
  if (filters.range === 'custom') {
    if (filters.since !== undefined) params.set('since', String(filters.since));
    if (filters.until !== undefined) params.set('until', String(filters.until));
  } else if (filters.range !== 'all') params.set('range', filters.range);
  return params;
}

/** The time range as [since, until) at `now`; relative ranges move with the clock. */
export function resolveRange(filters: Filters, now: Date): { since?: Seconds; until?: Seconds } {
  const seconds = toSeconds(now);
  const today = startOfDay(now);
  switch (filters.range) {
    case 'all':
      return {};
    case '1h':
      return { since: seconds - 3600 };
    case '24h':
      return { since: seconds - 86_400 };
    case 'today':
      return { since: toSeconds(today), until: toSeconds(addDays(today, 1)) };
    case 'yesterday':
      return { since: toSeconds(addDays(today, -1)), until: toSeconds(today) };
    case '7d':
      return { since: seconds - 7 * 86_400 };
    case '30d':
      return { since: seconds - 30 * 86_400 };
    case 'custom': {
      const range: { since?: Seconds; until?: Seconds } = {};
      if (filters.since !== undefined) range.since = filters.since;
      if (filters.until !== undefined) range.until = filters.until;
      return range;
    }
  }
}

/** The API's filter parameters (extensions §2) for these filters at `now`. */
export function apiFilter(filters: Filters, now: Date): Record<string, string> {
  const query: Record<string, string> = {};
  for (const name of FILTER_FIELDS) {
    const value = filters.fields[name];
    if (value) query[name] = value;
  }
  const { since, until } = resolveRange(filters, now);
  if (since !== undefined) query.since = String(since);
  if (until !== undefined) query.until = String(until);
  if (filters.q) query.q = filters.q;
  return query;
}

export const hasAnyFilter = (filters: Filters): boolean =>
  Object.keys(filters.fields).length > 0 || filters.q !== undefined || filters.range !== 'all';

/** "platform = tiktok · status = failed · text contains “captcha” · today", for headings and confirmations. */
export function describeFilters(filters: Filters, formatTime: (s: Seconds) => string): string {
  const parts: string[] = [];
  for (const name of FILTER_FIELDS) {
    const value = filters.fields[name];
    if (value) parts.push(`${name} = ${value}`);
  }
  if (filters.q) parts.push(`text contains “${filters.q}”`);
  if (filters.range === 'custom') {
    if (filters.since !== undefined && filters.until !== undefined) {
      parts.push(`from ${formatTime(filters.since)} to ${formatTime(filters.until)}`);
    } else if (filters.since !== undefined) parts.push(`from ${formatTime(filters.since)}`);
    else if (filters.until !== undefined) parts.push(`before ${formatTime(filters.until)}`);
  } else if (filters.range !== 'all') parts.push(RANGES[filters.range].toLowerCase());
  return parts.length === 0 ? 'all records' : parts.join(' · ');
}

/** A URL query string from parameters, leaving out empty ones; `+` becomes %2B, as the API needs. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
