import { request } from './api.js';
import { browserZone } from './time.js';

/** One group of a statistics answer (extensions §4): its keys, count and latest timestamp. */
export type StatsGroup = Record<string, string | null | number> & { count: number; last_timestamp: number };

export interface Stats {
  total: number;
  truncated: boolean;
  groups: StatsGroup[];
}

/** The most groups a statistics request may ask for (the API clamps above it). */
export const MAX_GROUPS = 10_000;

/**
 * `GET /stats`: counts by up to two keys from the server's in-memory aggregates. Every call
 * passes the browser's zone as `tz`, so day and hour buckets are the browser's.
 */
export function stats(
  groupBy: string,
  filter: Record<string, string | number | undefined>,
  options: { limit?: number; signal?: AbortSignal } = {},
): Promise<Stats> {
  return request<Stats>('/stats', {
    query: { group_by: groupBy, ...filter, tz: browserZone(), limit: options.limit },
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

export const count = (filter: Record<string, string | number | undefined>, signal?: AbortSignal): Promise<number> =>
  request<{ count: number }>('/count', { query: filter, ...(signal ? { signal } : {}) }).then((data) => data.count);

/** The key of a group as text (null, for a record without the field, becomes undefined). */
export const keyOf = (group: StatsGroup, name: string): string | undefined => {
  const value = group[name];
  return typeof value === 'string' ? value : undefined;
};
