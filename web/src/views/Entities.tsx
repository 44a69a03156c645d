import { useMemo, useState } from 'preact/hooks';
import { Panel } from '../components/Panel.js';
import { Sparkline } from '../components/Sparkline.js';
import { formatCount, formatPercent, plural } from '../lib/format.js';
import { useLoad } from '../lib/load.js';
import { SPARK_DAYS, sparklineRequests } from '../lib/request-plan.js';
import { href, navigate } from '../lib/route.js';
import { keyOf, MAX_GROUPS, type StatsGroup, stats } from '../lib/stats.js';
import { addDays, bucketStart, formatAgo, formatDateTime, type Seconds, startOfDay, toSeconds } from '../lib/time.js';

const REFRESH_MS = 30_000;
const DEFAULT_QUIET_MINUTES = 60;
const QUIET_KEY = 'actlog.quietMinutes';
/** Rows rendered at first; more on request, so a farm of thousands stays quick to scroll. */
const PAGE_ROWS = 500;

type Field = 'serial' | 'username';
const SORTS = {
  name: 'Name',
  last_seen: 'Last seen',
  today: 'Today',
  failed: 'Failed today',
  total: 'All time',
} as const;
type SortKey = keyof typeof SORTS;

interface Row {
  name: string;
  lastSeen: Seconds;
  total: number;
  today: number;
  failed: number;
  days: number[];
}

interface Loaded {
  rows: Row[];
  truncated: boolean;
  sparkTruncated: boolean;
  today: Seconds;
}

/**
 * Statistics requests for the whole table: every key's total and last record (from the
 * per-label-set totals, no time range), each key's failures today, and each key's counts per
 * day for a week (sparkline; its last day is today's count).
 */
async function loadRows(field: Field, signal: AbortSignal): Promise<Loaded> {
  const now = new Date();
  const today = startOfDay(now);
  const weekSince = toSeconds(addDays(today, 1 - SPARK_DAYS));
  const until = toSeconds(addDays(today, 1));
  const failedToday = stats(field, { status: 'failed', since: toSeconds(today), until }, { limit: MAX_GROUPS, signal });
  // Awaited below; until then a failure must not count as unhandled.
  failedToday.catch(() => undefined);
  const all = await stats(field, {}, { limit: MAX_GROUPS, signal });
  let week: StatsGroup[];
  let weekTruncated = false;
  if (sparklineRequests(all.groups.length) === 'one-for-the-week') {
    const answer = await stats(`${field},day`, { since: weekSince, until }, { limit: MAX_GROUPS, signal });
    week = answer.groups;
    weekTruncated = answer.truncated;
  } else {
    const days = await Promise.all(
      Array.from({ length: SPARK_DAYS }, (_, i) => {
        const since = toSeconds(addDays(today, i + 1 - SPARK_DAYS));
        const day = formatDayKey(addDays(today, i + 1 - SPARK_DAYS));
        return stats(
          field,
          { since, until: toSeconds(addDays(today, i + 2 - SPARK_DAYS)) },
          { limit: MAX_GROUPS, signal },
        ).then((answer) => {
          weekTruncated ||= answer.truncated;
          return answer.groups.map((group) => ({ ...group, day }));
        });
      }),
    );
    week = days.flat();
  }
  const failed = await failedToday;
  const dayIndex = new Map<Seconds, number>();
  for (let i = 0; i < SPARK_DAYS; i++) dayIndex.set(toSeconds(addDays(today, i + 1 - SPARK_DAYS)), i);
  const rows = new Map<string, Row>();
  for (const group of all.groups) {
    const name = keyOf(group, field) ?? '';
    rows.set(name, {
      name,
      lastSeen: group.last_timestamp,
      total: group.count,
      today: 0,
      failed: 0,
      days: new Array(SPARK_DAYS).fill(0),
    });
  }
  for (const group of week) {
    const row = rows.get(keyOf(group, field) ?? '');
    const at = dayIndex.get(bucketStart(group.day as string));
    if (!row || at === undefined) continue;
    row.days[at] = group.count;
    if (at === SPARK_DAYS - 1) row.today = group.count;
  }
  for (const group of failed.groups) {
    const row = rows.get(keyOf(group, field) ?? '');
    if (row) row.failed = group.count;
  }
  return {
    rows: [...rows.values()],
    truncated: all.truncated,
    sparkTruncated: weekTruncated,
    today: toSeconds(today),
  };
}

/** A local date as the statistics' day keys write it: 2026-11-27. */
const formatDayKey = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

function storedQuiet(): number {
  try {
    const value = Number(localStorage.getItem(QUIET_KEY));
    return Number.isInteger(value) && value > 0 ? value : DEFAULT_QUIET_MINUTES;
  } catch {
    return DEFAULT_QUIET_MINUTES;
  }
}

export function Entities({ field, params }: { field: Field; params: URLSearchParams }) {
  const noun = field === 'serial' ? 'device' : 'account';
  const path = field === 'serial' ? '/devices' : '/accounts';
  const title = field === 'serial' ? 'Devices' : 'Accounts';
  const sort: SortKey = Object.hasOwn(SORTS, params.get('sort') ?? '') ? (params.get('sort') as SortKey) : 'last_seen';
  const ascending = params.get('dir') === 'asc';
  const search = params.get('find') ?? '';
  const quietOnly = params.get('only') === 'quiet';
  const quietParam = Number(params.get('quiet'));
  const quietMinutes = Number.isInteger(quietParam) && quietParam > 0 ? quietParam : storedQuiet();
  const [shown, setShown] = useState(PAGE_ROWS);

  const loaded = useLoad(`${field}`, (signal) => loadRows(field, signal), REFRESH_MS);
  const now = toSeconds(new Date());

  const update = (changes: Record<string, string | undefined>, replace = true) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(name);
      else next.set(name, value);
    }
    navigate(href(path, next), { replace });
  };

  const view = useMemo(() => {
    if (!loaded.data) return undefined;
    const threshold = now - quietMinutes * 60;
    const needle = search.toLowerCase();
    const rows = loaded.data.rows.filter(
      (row) => (!needle || row.name.toLowerCase().includes(needle)) && (!quietOnly || row.lastSeen < threshold),
    );
    const direction = ascending ? 1 : -1;
    const byName = (a: Row, b: Row) => a.name.localeCompare(b.name);
    const value = (row: Row): number =>
      sort === 'last_seen' ? row.lastSeen : sort === 'today' ? row.today : sort === 'failed' ? row.failed : row.total;
    rows.sort((a, b) =>
      sort === 'name' ? direction * -byName(a, b) : direction * (value(a) - value(b)) || byName(a, b),
    );
    const quiet = loaded.data.rows.filter((row) => row.lastSeen < threshold).length;
    return { rows, quiet, threshold };
  }, [loaded.data, sort, ascending, search, quietOnly, quietMinutes, now]);

  const header = (key: SortKey, className = '') => {
    const active = key === sort;
    return (
      <th scope="col" class={className} aria-sort={active ? (ascending ? 'ascending' : 'descending') : undefined}>
        <button
          type="button"
          class="sort"
          onClick={() => update({ sort: key, dir: active && !ascending ? 'asc' : undefined })}
        >
          {SORTS[key]}
          <span aria-hidden="true">{active ? (ascending ? ' ▲' : ' ▼') : ''}</span>
        </button>
      </th>
    );
  };

  return (
    <div data-view={path.slice(1)}>
      <div class="view-head">
        <h1 tabIndex={-1}>{title}</h1>
        {view && (
          <p class="view-summary" data-summary>
            {plural(loaded.data?.rows.length ?? 0, noun)} ·{' '}
            <span class={view.quiet > 0 ? 'warn' : ''}>{formatCount(view.quiet)} quiet</span> for more than{' '}
            {plural(quietMinutes, 'minute')}
          </p>
        )}
      </div>
      <form class="toolbar" onSubmit={(event) => event.preventDefault()}>
        <label>
          Find {noun}
          <input
            type="search"
            value={search}
            placeholder={field === 'serial' ? 'serial contains…' : 'username contains…'}
            onInput={(event) => update({ find: (event.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          Quiet after
          <span class="input-unit">
            <input
              type="number"
              min={1}
              max={100000}
              step={1}
              value={quietMinutes}
              onChange={(event) => {
                const minutes = Number((event.target as HTMLInputElement).value);
                if (!Number.isInteger(minutes) || minutes < 1) return;
                try {
                  localStorage.setItem(QUIET_KEY, String(minutes));
                } catch {
                  // Kept in the URL only.
                }
                update({ quiet: String(minutes) });
              }}
            />
            minutes
          </span>
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={quietOnly}
            onChange={(event) => update({ only: (event.target as HTMLInputElement).checked ? 'quiet' : undefined })}
          />
          Quiet {noun}s only
        </label>
      </form>
      <Panel id={`${noun}-table`} title={`Every ${noun}`} loaded={{ ...loaded, data: view }} skeletonRows={12}>
        {(data) =>
          data.rows.length === 0 ? (
            <p class="muted">
              {loaded.data?.rows.length === 0 ? `No ${noun}s have sent records yet.` : `No ${noun} matches.`}
            </p>
          ) : (
            <>
              {(loaded.data?.truncated || loaded.data?.sparkTruncated) && (
                <p class="stale">
                  More than {formatCount(MAX_GROUPS)} groups:{' '}
                  {loaded.data?.truncated
                    ? `only the ${formatCount(MAX_GROUPS)} most active ${noun}s are listed`
                    : `the last column covers the most active ${noun}s only`}
                  .
                </p>
              )}
              <div class="table-scroll">
                <table class="entities" data-table={noun}>
                  <caption class="visually-hidden">
                    {title}: last seen, actions and failures today, the last 7 days, sorted by {SORTS[sort]}
                  </caption>
                  <thead>
                    <tr>
                      {header('name')}
                      {header('last_seen')}
                      {header('today', 'num')}
                      {header('failed', 'num')}
                      <th scope="col">Last 7 days</th>
                      {header('total', 'num')}
                    </tr>
                  </thead>
                  <tbody>
                    {data.rows.slice(0, shown).map((row) => {
                      const quiet = row.lastSeen < data.threshold;
                      const target = row.name ? href('/explorer', { [field]: row.name, range: 'today' }) : undefined;
                      return (
                        <tr
                          key={row.name}
                          data-key={row.name}
                          class={`${quiet ? 'quiet' : ''} ${target ? 'clickable' : ''}`}
                          onClick={(event) => {
                            if (target && !(event.target as Element).closest('a,button')) navigate(target);
                          }}
                        >
                          <th scope="row">
                            {target ? <a href={target}>{row.name}</a> : <span class="muted">(no account)</span>}
                          </th>
                          <td data-col="last-seen" title={formatDateTime(row.lastSeen)}>
                            {formatAgo(row.lastSeen, now)}
                            {quiet && <span class="badge warn">quiet</span>}
                          </td>
                          <td class="num" data-col="today">
                            {formatCount(row.today)}
                          </td>
                          <td class={`num ${row.failed > 0 ? 'failed' : ''}`} data-col="failed">
                            {formatCount(row.failed)}
                            {row.failed > 0 && row.today > 0 && (
                              <span class="muted"> ({formatPercent(row.failed / row.today)})</span>
                            )}
                          </td>
                          <td>
                            <Sparkline values={row.days} label={`${row.days.join(', ')} actions a day, oldest first`} />
                          </td>
                          <td class="num">{formatCount(row.total)}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              {data.rows.length > shown && (
                <button type="button" class="button" onClick={() => setShown(shown + PAGE_ROWS)}>
                  Show {formatCount(Math.min(PAGE_ROWS, data.rows.length - shown))} more
                </button>
              )}
            </>
          )
        }
      </Panel>
    </div>
  );
}
