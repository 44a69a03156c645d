import type { ChartSeries } from '../components/TimeChart.js';
import type { Stats } from './stats.js';
import { bucketStart, dayStarts, hourStarts, type Seconds } from './time.js';

/** Colours for statuses, and the label of records that carry none (clients of the original API). */
export const STATUS_SERIES: { key: string | null; label: string; color: string }[] = [
  { key: 'success', label: 'success', color: '--status-success' },
  { key: 'failed', label: 'failed', color: '--status-failed' },
  { key: 'skipped', label: 'skipped', color: '--status-skipped' },
  { key: null, label: 'no status', color: '--status-none' },
];

/** Every bucket start of a window, merged with the answer's own (where an offset change cuts hours). */
function bucketAxis(stats: Stats, unit: 'hour' | 'day', since: Seconds, until: Seconds): Seconds[] {
  const starts = new Set(unit === 'hour' ? hourStarts(since, until) : dayStarts(since, until));
  for (const group of stats.groups) starts.add(bucketStart(group[unit] as string));
  return [...starts].sort((a, b) => a - b);
}

/**
 * Chart series from a `group_by=<unit>,<key>` answer: one series per key value, the `keep`
 * largest on their own and the rest summed as "other", with empty buckets as zeros.
 */
export function seriesByKey(
  stats: Stats,
  unit: 'hour' | 'day',
  key: string,
  window: { since: Seconds; until: Seconds },
  keep: number,
  colors: (index: number) => string,
): { x: Seconds[]; series: ChartSeries[] } {
  const x = bucketAxis(stats, unit, window.since, window.until);
  const index = new Map(x.map((t, i) => [t, i]));
  const totals = new Map<string | null, number>();
  for (const group of stats.groups) {
    const value = group[key] as string | null;
    totals.set(value, (totals.get(value) ?? 0) + group.count);
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
  const own = ranked.slice(0, ranked.length > keep ? keep - 1 : keep).map(([value]) => value);
  const slot = new Map(own.map((value, i) => [value, i]));
  const other = own.length < ranked.length ? own.length : -1;
  const series: ChartSeries[] = own.map((value, i) => ({
    label: value ?? '(none)',
    color: colors(i),
    values: new Array(x.length).fill(0),
  }));
  if (other >= 0) series.push({ label: 'other', color: '--series-other', values: new Array(x.length).fill(0) });
  for (const group of stats.groups) {
    const at = index.get(bucketStart(group[unit] as string));
    const s = series[slot.get(group[key] as string | null) ?? other];
    if (at !== undefined && s) s.values[at] = (s.values[at] ?? 0) + group.count;
  }
  return { x, series };
}

/** Chart series by status from a `group_by=<unit>,status` answer, in a fixed order and colours. */
export function seriesByStatus(
  stats: Stats,
  unit: 'hour' | 'day',
  window: { since: Seconds; until: Seconds },
): { x: Seconds[]; series: ChartSeries[] } {
  const x = bucketAxis(stats, unit, window.since, window.until);
  const index = new Map(x.map((t, i) => [t, i]));
  const present = new Set(stats.groups.map((g) => g.status as string | null));
  const kinds = STATUS_SERIES.filter((s) => present.has(s.key) || s.key === 'success' || s.key === 'failed');
  const series: ChartSeries[] = kinds.map((s) => ({
    label: s.label,
    color: s.color,
    values: new Array(x.length).fill(0),
  }));
  for (const group of stats.groups) {
    const at = index.get(bucketStart(group[unit] as string));
    const s = series[kinds.findIndex((k) => k.key === (group.status ?? null))];
    if (at !== undefined && s) s.values[at] = (s.values[at] ?? 0) + group.count;
  }
  return { x, series };
}
