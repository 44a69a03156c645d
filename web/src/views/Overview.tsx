import { useEffect, useMemo, useRef } from 'preact/hooks';
import { EmptyState } from '../components/EmptyState.js';
import { Panel } from '../components/Panel.js';
import { type ChartSeries, TimeChart } from '../components/TimeChart.js';
import { formatChange, formatCount, formatPercent } from '../lib/format.js';
import { useLoad } from '../lib/load.js';
import { href, navigate } from '../lib/route.js';
import { seriesByKey, seriesByStatus } from '../lib/series.js';
import { count, keyOf, MAX_GROUPS, type Stats, stats } from '../lib/stats.js';
import { seriesVar } from '../lib/theme.js';
import {
  addDays,
  change,
  firstDayOfWeek,
  formatDateTime,
  type PeriodName,
  periods,
  type Seconds,
  startOfDay,
  toSeconds,
} from '../lib/time.js';

/** How often the overview refreshes itself while visible. */
const REFRESH_MS = 30_000;
/** "Right now": what happened in the last this many seconds. */
const NOW_WINDOW = 15 * 60;
/**
 * "Right now" ends this far after the browser's clock: records a device stamped a little ahead
 * still count, and a record stamped far in the future cannot make the request read the future.
 */
const CLOCK_GRACE = 5 * 60;
const TOP = 5;
/** Action types shown on their own in the chart; the rest are summed as "other". */
const CHART_KEYS = 7;

export const CHART_RANGES = {
  today: { label: 'Today', unit: 'hour', days: 1 },
  '7d': { label: '7 days', unit: 'hour', days: 7 },
  '30d': { label: '30 days', unit: 'day', days: 30 },
} as const;
type ChartRange = keyof typeof CHART_RANGES;

/** The charts' window: whole local days ending with today, so buckets line up with the server's. */
function chartWindow(range: ChartRange, now: Date): { since: Seconds; until: Seconds; unit: 'hour' | 'day' } {
  const today = startOfDay(now);
  const spec = CHART_RANGES[range];
  return {
    since: toSeconds(addDays(today, 1 - spec.days)),
    until: toSeconds(addDays(today, 1)),
    unit: spec.unit,
  };
}

const PERIOD_LABELS: Record<PeriodName, { title: string; previous: string }> = {
  today: { title: 'Today', previous: 'yesterday at this time' },
  week: { title: 'This week', previous: 'last week at this point' },
  month: { title: 'This month', previous: 'last month at this point' },
};

interface Kpis {
  total: number;
  periods: Record<PeriodName, { since: Seconds; until: Seconds; current: number; previous: number }>;
}

async function loadKpis(signal: AbortSignal): Promise<Kpis> {
  const bounds = periods(new Date(), firstDayOfWeek());
  const names = Object.keys(bounds) as PeriodName[];
  const [total, ...counts] = await Promise.all([
    count({}, signal),
    ...names.flatMap((name) => [
      count({ since: bounds[name].since, until: bounds[name].until }, signal),
      count({ since: bounds[name].previousSince, until: bounds[name].previousUntil }, signal),
    ]),
  ]);
  const result = { total: total as number, periods: {} as Kpis['periods'] };
  names.forEach((name, i) => {
    result.periods[name] = {
      since: bounds[name].since,
      until: bounds[name].until,
      current: counts[2 * i] as number,
      previous: counts[2 * i + 1] as number,
    };
  });
  return result;
}

export function Overview({ params }: { params: URLSearchParams }) {
  const range: ChartRange = (
    Object.hasOwn(CHART_RANGES, params.get('range') ?? '') ? params.get('range') : 'today'
  ) as ChartRange;
  // The window is fixed per range and local day; refreshes reuse it until the day changes.
  const day = toSeconds(startOfDay(new Date()));
  const window = useMemo(() => chartWindow(range, new Date()), [range, day]);
  const timeFilter = { since: window.since, until: window.until };
  const key = `${range}:${window.since}`;

  const kpis = useLoad('kpis', loadKpis, REFRESH_MS);
  const rightNow = useLoad(
    'now',
    async (signal) => {
      const now = toSeconds(new Date());
      const [recent, all] = await Promise.all([
        stats('serial', { since: now - NOW_WINDOW, until: now + CLOCK_GRACE }, { limit: MAX_GROUPS, signal }),
        stats('serial', {}, { limit: MAX_GROUPS, signal }),
      ]);
      const latest = all.groups.reduce((max, group) => Math.max(max, group.last_timestamp), -1);
      return { records: recent.total, active: recent.groups.length, devices: all.groups.length, latest };
    },
    REFRESH_MS,
  );
  const byType = useLoad(
    `type:${key}`,
    (signal) => stats(`${window.unit},action_type`, timeFilter, { limit: MAX_GROUPS, signal }),
    REFRESH_MS,
  );
  const byStatus = useLoad(
    `status:${key}`,
    (signal) => stats(`${window.unit},status`, timeFilter, { limit: MAX_GROUPS, signal }),
    REFRESH_MS,
  );
  const platforms = useLoad(`platform:${key}`, (signal) => stats('platform', timeFilter, { signal }), REFRESH_MS);
  const top = useLoad(
    `top:${key}`,
    async (signal) => {
      const [devices, failingDevices, accounts, failingAccounts] = await Promise.all([
        stats('serial', timeFilter, { limit: TOP, signal }),
        stats('serial', { ...timeFilter, status: 'failed' }, { limit: TOP, signal }),
        stats('username', timeFilter, { limit: TOP, signal }),
        stats('username', { ...timeFilter, status: 'failed' }, { limit: TOP, signal }),
      ]);
      return { devices, failingDevices, accounts, failingAccounts };
    },
    REFRESH_MS,
  );

  const typeChart = useMemo(
    () => byType.data && seriesByKey(byType.data, window.unit, 'action_type', window, CHART_KEYS, seriesVar),
    [byType.data, window],
  );
  const statusChart = useMemo(
    () => byStatus.data && seriesByStatus(byStatus.data, window.unit, window),
    [byStatus.data, window],
  );

  const empty = kpis.data?.total === 0;
  const ready =
    empty ||
    [kpis, rightNow, byType, byStatus, platforms, top].every((loaded) => loaded.data !== undefined || loaded.error);
  useReadyMark(ready);

  if (empty) {
    return (
      <div data-view="overview" data-ready="true">
        <h1 tabIndex={-1}>Overview</h1>
        <EmptyState onRecords={kpis.reload} />
      </div>
    );
  }

  const explore = (extra: Record<string, string | undefined>) =>
    href('/explorer', { ...extra, since: String(window.since), until: String(window.until) });

  return (
    <div data-view="overview" data-ready={ready ? 'true' : 'false'}>
      <div class="view-head">
        <h1 tabIndex={-1}>Overview</h1>
        <fieldset class="segmented">
          <legend>Charts and lists cover</legend>
          {(Object.keys(CHART_RANGES) as ChartRange[]).map((r) => (
            <label key={r}>
              <input
                type="radio"
                name="overview-range"
                value={r}
                checked={r === range}
                onChange={() => navigate(href('/', r === 'today' ? {} : { range: r }), { replace: false })}
              />
              <span>{CHART_RANGES[r].label}</span>
            </label>
          ))}
        </fieldset>
      </div>

      {kpis.data && kpis.data.periods.month.current === 0 && rightNow.data && rightNow.data.latest >= 0 && (
        <p class="notice" data-notice="old-records">
          Nothing this month: the newest record is from {formatDateTime(rightNow.data.latest)} (records keep the
          timestamp their client sent). <a href={href('/explorer')}>See every record in the explorer</a>.
        </p>
      )}
      <section class="kpis" aria-label="Actions by period" data-panel="kpis" aria-busy={kpis.loading}>
        {(Object.keys(PERIOD_LABELS) as PeriodName[]).map((name) => (
          <Kpi key={name} name={name} kpis={kpis.data} error={kpis.error} />
        ))}
        <div class="kpi" data-kpi="now">
          <h2>Right now</h2>
          {rightNow.data ? (
            <>
              <p class="kpi-value">{formatCount(rightNow.data.records)}</p>
              <p class="kpi-note">
                actions in the last 15 min, from{' '}
                <a href={href('/devices', { sort: 'last_seen' })}>
                  {formatCount(rightNow.data.active)} of {formatCount(rightNow.data.devices)} devices
                </a>
              </p>
            </>
          ) : rightNow.error ? (
            <p class="error" role="alert">
              {rightNow.error.message}
            </p>
          ) : (
            <p class="kpi-value skeleton-line">
              <span class="visually-hidden">Loading…</span>
            </p>
          )}
        </div>
      </section>

      <div class="grid-2">
        <Panel id="by-type" title="Actions by type" loaded={{ ...byType, data: typeChart }} skeletonRows={8}>
          {(chart) => (
            <TimeChart
              id="chart-type"
              x={chart.x}
              series={chart.series}
              unit={window.unit}
              label={`Actions by type, ${CHART_RANGES[range].label.toLowerCase()}, per ${window.unit}`}
            />
          )}
        </Panel>
        <Panel
          id="by-status"
          title="Success and failure"
          loaded={{ ...byStatus, data: statusChart }}
          skeletonRows={8}
          actions={statusChart && <FailureShare chart={statusChart} link={explore({ status: 'failed' })} />}
        >
          {(chart) => (
            <TimeChart
              id="chart-status"
              x={chart.x}
              series={chart.series}
              unit={window.unit}
              label={`Actions by outcome, ${CHART_RANGES[range].label.toLowerCase()}, per ${window.unit}`}
            />
          )}
        </Panel>
      </div>

      <div class="grid-3">
        <Panel id="platforms" title="Platforms" loaded={platforms}>
          {(data) => <PlatformSplit stats={data} link={(platform) => explore({ platform })} />}
        </Panel>
        <Panel id="top-devices" title="Devices" loaded={top}>
          {(data) => (
            <TopPair
              field="serial"
              active={data.devices}
              failing={data.failingDevices}
              link={(serial, failed) => explore({ serial, status: failed ? 'failed' : undefined })}
            />
          )}
        </Panel>
        <Panel id="top-accounts" title="Accounts" loaded={top}>
          {(data) => (
            <TopPair
              field="username"
              active={data.accounts}
              failing={data.failingAccounts}
              link={(username, failed) =>
                username ? explore({ username, status: failed ? 'failed' : undefined }) : undefined
              }
            />
          )}
        </Panel>
      </div>
      {kpis.data && (
        <p class="footnote">
          {formatCount(kpis.data.total)} records in all. Times are in {Intl.DateTimeFormat().resolvedOptions().timeZone}
          ; this page refreshes every 30 seconds.
        </p>
      )}
    </div>
  );
}

/** "25 failed (4%)" over the chart's window, a link to those records. */
function FailureShare({ chart, link }: { chart: { series: ChartSeries[] }; link: string }) {
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const total = chart.series.reduce((n, s) => n + sum(s.values), 0);
  const failed = sum(chart.series.find((s) => s.label === 'failed')?.values ?? []);
  if (total === 0) return null;
  return (
    <p class="panel-note">
      <a href={link}>{formatCount(failed)} failed</a> ({formatPercent(failed / total)})
    </p>
  );
}

function Kpi({ name, kpis, error }: { name: PeriodName; kpis: Kpis | undefined; error: Error | undefined }) {
  const labels = PERIOD_LABELS[name];
  const period = kpis?.periods[name];
  const exact = period && change(period.current, period.previous);
  // Below half a percent the change reads as 0 %: no arrow, no colour.
  const ratio = exact !== undefined && Math.abs(exact) < 0.005 ? 0 : exact;
  return (
    <div class="kpi" data-kpi={name} data-since={period?.since} data-until={period?.until} data-count={period?.current}>
      <h2>{labels.title}</h2>
      {period ? (
        <>
          <p class="kpi-value">
            <a href={href('/explorer', { since: String(period.since), until: String(period.until) })}>
              {formatCount(period.current)}
            </a>
          </p>
          <p class="kpi-note" title={`${formatDateTime(period.since)} – now`}>
            {ratio === undefined ? (
              <>nothing {labels.previous} to compare with</>
            ) : (
              <>
                <span class={ratio > 0 ? 'up' : ratio < 0 ? 'down' : ''}>
                  <span aria-hidden="true">{ratio > 0 ? '▲ ' : ratio < 0 ? '▼ ' : ''}</span>
                  {formatChange(ratio)}
                </span>{' '}
                vs {formatCount(period.previous)} {labels.previous}
              </>
            )}
          </p>
        </>
      ) : error ? (
        <p class="error" role="alert">
          {error.message}
        </p>
      ) : (
        <p class="kpi-value skeleton-line">
          <span class="visually-hidden">Loading…</span>
        </p>
      )}
    </div>
  );
}

function PlatformSplit({ stats: data, link }: { stats: Stats; link: (platform: string) => string }) {
  if (data.total === 0) return <p class="muted">No actions in this period.</p>;
  return (
    <table class="split" data-split="platform">
      <caption class="visually-hidden">Actions by platform</caption>
      <thead>
        <tr>
          <th scope="col">Platform</th>
          <th scope="col" class="num">
            Actions
          </th>
          <th scope="col">Share</th>
        </tr>
      </thead>
      <tbody>
        {data.groups.map((group, i) => {
          const platform = keyOf(group, 'platform') ?? '';
          const share = group.count / data.total;
          return (
            <tr key={platform} data-key={platform} data-count={group.count}>
              <th scope="row">
                <a href={link(platform)}>{platform}</a>
              </th>
              <td class="num">{formatCount(group.count)}</td>
              <td>
                <div class="share">
                  <span
                    class="bar"
                    style={{ width: `${Math.max(1, share * 100)}%`, background: `var(${seriesVar(i)})` }}
                  />
                  <span class="bar-label">{formatPercent(share)}</span>
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function TopPair(props: {
  field: 'serial' | 'username';
  active: Stats;
  failing: Stats;
  link: (value: string, failed: boolean) => string | undefined;
}) {
  const noun = props.field === 'serial' ? 'device' : 'account';
  return (
    <div class="top-pair">
      <TopList title={`Most active ${noun}s`} {...props} stats={props.active} failed={false} />
      <TopList title={`Most failing ${noun}s`} {...props} stats={props.failing} failed={true} />
    </div>
  );
}

/** A ranked list: the keys with the most actions (or failures), each a link to its records. */
function TopList(props: {
  title: string;
  field: 'serial' | 'username';
  stats: Stats;
  failed: boolean;
  link: (value: string, failed: boolean) => string | undefined;
}) {
  const { stats: data, field, failed } = props;
  const id = `top-${field}${failed ? '-failed' : ''}`;
  return (
    <div class="top">
      <h3 id={id}>{props.title}</h3>
      {data.groups.length === 0 ? (
        <p class="muted">{failed ? 'No failures in this period.' : 'No actions in this period.'}</p>
      ) : (
        <ol aria-labelledby={id} data-top={id}>
          {data.groups.map((group) => {
            const value = keyOf(group, field) ?? '';
            const target = props.link(value, failed);
            return (
              <li key={value} data-key={value} data-count={group.count}>
                {target ? (
                  <a href={target} title={value}>
                    {value}
                  </a>
                ) : (
                  <span class="muted">(no account)</span>
                )}
                <span class={`num ${failed ? 'failed' : ''}`}>
                  {formatCount(group.count)}
                  <span class="visually-hidden">{failed ? ' failures' : ' actions'}</span>
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

/**
 * Marks the moment the overview first shows every panel filled (or the empty state): a
 * performance mark the first-render measurement (test/e2e/first-render.ts) reads.
 */
function useReadyMark(ready: boolean): void {
  const marked = useRef(false);
  useEffect(() => {
    if (!ready || marked.current) return;
    marked.current = true;
    // Effects run after the browser painted the filled panels; the next frame is surely on screen.
    requestAnimationFrame(() => performance.mark('actlog:overview-ready'));
  }, [ready]);
}
