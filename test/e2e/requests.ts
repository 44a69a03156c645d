/**
 * Every kind of request the dashboard makes, with the parameters it would send at a given
 * moment in a given zone: the table in docs/dashboard.md, in a form a benchmark can replay.
 * Long-lived or user-confirmed requests (live tail, export, deletes) are listed but not timed.
 *
 *   node dist/test/e2e/requests.js --url http://127.0.0.1:50809 [--rounds 5] [--tz Europe/Amsterdam]
 *   (the token, if any, from ACTLOG_TOKEN)
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SPARK_DAYS, sparklineRequests, WEEK_IN_ONE_REQUEST } from '../../web/src/lib/request-plan.js';

export interface DashboardRequest {
  view: 'all' | 'overview' | 'devices' | 'accounts' | 'explorer';
  method: 'GET' | 'DELETE';
  /** Path and query under /api/v1/activity_log. */
  path: string;
  why: string;
  /** False for requests that stream or change data by design (not held to the 50 ms budget). */
  timed: boolean;
}

/** Example values for the explorer's filters (the bench data set has them). */
export interface Sample {
  platform: string;
  serial: string;
  username: string;
  q: string;
}

const DAY = 86_400;

/** Local midnight (seconds) of the day holding `t`, in `tz`, by asking Intl for the local clock. */
function localMidnight(t: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(t * 1000));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return t - (get('hour') * 3600 + get('minute') * 60 + get('second'));
}

/** How many devices and accounts the farm has: decides how the sparklines are asked for. */
export interface Keys {
  serial: number;
  username: number;
}

/** The farm's size as the dashboard sees it: the groups of `group_by=serial` and `username`. */
export async function farmKeys(api: string, headers: Record<string, string> = {}): Promise<Keys> {
  const count = async (field: string) => {
    const answer = await fetch(`${api}/stats?group_by=${field}&limit=10000`, { headers });
    return ((await answer.json()) as { data: { groups: unknown[] } }).data.groups.length;
  };
  return { serial: await count('serial'), username: await count('username') };
}

/**
 * The requests, with the values the dashboard would send. With `keys`, only those the
 * dashboard sends at that farm size (the sparklines take one request or one a day); without,
 * both ways, as docs/dashboard.md lists them.
 */
export function dashboardRequests(
  options: { now?: number; tz?: string; sample?: Sample; keys?: Keys } = {},
): DashboardRequest[] {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tz = options.tz ?? 'Europe/Amsterdam';
  const sample = options.sample ?? {
    platform: 'tiktok',
    serial: 'emulator-5560',
    username: 'growth_aaaaaa',
    q: 'captcha',
  };
  const zone = `tz=${encodeURIComponent(tz)}`;
  // Whole local days (ignoring DST within the span: the bench needs representative ranges, not exact ones).
  const today = localMidnight(now, tz);
  const tomorrow = today + DAY;
  const today7 = today - 6 * DAY;
  const today30 = today - 29 * DAY;
  const monthStart = today - 26 * DAY;
  const r = (
    view: DashboardRequest['view'],
    path: string,
    why: string,
    timed = true,
    method: 'GET' | 'DELETE' = 'GET',
  ) => ({
    view,
    method,
    path,
    why,
    timed,
  });
  const overviewRange = (label: string, since: number, unit: 'hour' | 'day'): DashboardRequest[] => [
    r(
      'overview',
      `/stats?group_by=${unit},action_type&since=${since}&until=${tomorrow}&${zone}&limit=10000`,
      `${label}: stacked chart by action type`,
    ),
    r(
      'overview',
      `/stats?group_by=${unit},status&since=${since}&until=${tomorrow}&${zone}&limit=10000`,
      `${label}: success and failure over time`,
    ),
    r('overview', `/stats?group_by=platform&since=${since}&until=${tomorrow}&${zone}`, `${label}: platform split`),
    r(
      'overview',
      `/stats?group_by=serial&since=${since}&until=${tomorrow}&${zone}&limit=5`,
      `${label}: most active devices`,
    ),
    r(
      'overview',
      `/stats?group_by=serial&since=${since}&until=${tomorrow}&status=failed&${zone}&limit=5`,
      `${label}: most failing devices`,
    ),
    r(
      'overview',
      `/stats?group_by=username&since=${since}&until=${tomorrow}&${zone}&limit=5`,
      `${label}: most active accounts`,
    ),
    r(
      'overview',
      `/stats?group_by=username&since=${since}&until=${tomorrow}&status=failed&${zone}&limit=5`,
      `${label}: most failing accounts`,
    ),
  ];
  const entities = (field: 'serial' | 'username', view: 'devices' | 'accounts'): DashboardRequest[] => {
    const plan = options.keys && sparklineRequests(options.keys[field]);
    return [
      r(
        view,
        `/stats?group_by=${field}&${zone}&limit=10000`,
        'every key: total and last seen (from per-label-set totals)',
      ),
      ...(plan === 'one-per-day'
        ? []
        : [
            r(
              view,
              `/stats?group_by=${field},day&since=${today - (SPARK_DAYS - 1) * DAY}&until=${tomorrow}&${zone}&limit=10000`,
              `per day for ${SPARK_DAYS} days (sparkline and today), with at most ${WEEK_IN_ONE_REQUEST} keys`,
            ),
          ]),
      r(
        view,
        `/stats?group_by=${field}&status=failed&since=${today}&until=${tomorrow}&${zone}&limit=10000`,
        'failures today',
      ),
      ...(plan === 'one-for-the-week'
        ? []
        : [
            r(
              view,
              `/stats?group_by=${field}&since=${today - DAY}&until=${today}&${zone}&limit=10000`,
              `one day of the week (×${SPARK_DAYS}), instead, with more than ${WEEK_IN_ONE_REQUEST} keys`,
            ),
          ]),
    ];
  };
  const filter = `platform=${sample.platform}&status=failed`;
  return [
    r('all', '/count', 'access check at start (401 means: ask for the token); empty install check'),
    r(
      'all',
      '/0',
      'only with a token: tells a read-only token (403) from the full one (400); deletes nothing',
      true,
      'DELETE',
    ),
    r('overview', `/count?since=${today}&until=${tomorrow}`, 'today (and likewise this week, this month)'),
    r('overview', `/count?since=${monthStart}&until=${tomorrow + 4 * DAY}`, 'this month (whole-day edges)'),
    r(
      'overview',
      `/count?since=${today - DAY}&until=${now - DAY}`,
      'yesterday until this time (previous periods end at any second)',
    ),
    r(
      'overview',
      `/stats?group_by=serial&since=${now - 900}&until=${now + 300}&${zone}&limit=10000`,
      'right now: actions and active devices in the last 15 minutes',
    ),
    r(
      'overview',
      `/stats?group_by=serial&${zone}&limit=10000`,
      'right now: how many devices there are (same as the devices view)',
    ),
    ...overviewRange('today (default)', today, 'hour'),
    ...overviewRange('7 days', today7, 'hour'),
    ...overviewRange('30 days', today30, 'day'),
    ...entities('serial', 'devices'),
    ...entities('username', 'accounts'),
    r('explorer', '?limit=50', 'first page, no filter'),
    r('explorer', '?limit=1', 'the newest id: where the live tail starts when the page is empty'),
    r('explorer', `?limit=50&${filter}&since=${now - 7 * DAY}`, 'a filtered page (last 7 days)'),
    r(
      'explorer',
      `?limit=50&serial=${encodeURIComponent(sample.serial)}&since=${today}&until=${tomorrow}`,
      "a device's records today (a click in the devices view)",
    ),
    r('explorer', `?limit=50&${filter}&before_id=5000000`, 'an older page by cursor'),
    r('explorer', `?limit=50&q=${encodeURIComponent(sample.q)}`, 'text search page'),
    r('explorer', `/count?${filter}&since=${now - 7 * DAY}`, 'how many match (not asked automatically with q)'),
    r(
      'explorer',
      `/count?q=${encodeURIComponent(sample.q)}`,
      'how many match q: only on a click, and before deleting what matches q',
      false,
    ),
    r('explorer', '?before_id=4000001&limit=1', 'a record from a shared link (record=4000000)'),
    r(
      'explorer',
      '/stats?group_by=platform&limit=1000',
      'suggestions for a filter field, on its first focus (also action_type)',
    ),
    r('explorer', '/stats?group_by=serial&limit=1000', 'suggestions for device (also username)'),
    r('explorer', `/stream?${filter}&after_id=10000000`, 'live tail: stays open', false),
    r('explorer', `/export?format=csv&${filter}`, 'export: streams every match', false),
    r(
      'explorer',
      `?${filter}&since=${today}&until=${tomorrow}`,
      'delete matching, after a confirmation with its count',
      false,
      'DELETE',
    ),
    r('explorer', '/4000000', 'delete one record, after a confirmation', false, 'DELETE'),
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:50809' },
      rounds: { type: 'string', default: '5' },
      tz: { type: 'string', default: 'Europe/Amsterdam' },
    },
  });
  const api = `${values.url}/api/v1/activity_log`;
  const headers: Record<string, string> = process.env.ACTLOG_TOKEN
    ? { authorization: `Bearer ${process.env.ACTLOG_TOKEN}` }
    : {};
  // Sample filter values from the server's own data: its busiest device and account.
  const top = async (field: string) => {
    const answer = (await (await fetch(`${api}/stats?group_by=${field}&limit=1`, { headers })).json()) as {
      data: { groups: Record<string, string>[] };
    };
    return answer.data.groups[0]?.[field] ?? 'none';
  };
  const sample = {
    platform: await top('platform'),
    serial: await top('serial'),
    username: await top('username'),
    q: 'captcha',
  };
  const farm = await farmKeys(api, headers);
  for (const request of dashboardRequests({ tz: values.tz as string, sample, keys: farm })) {
    if (!request.timed) continue;
    const times: number[] = [];
    let status = 0;
    for (let i = 0; i < Number(values.rounds); i++) {
      const started = performance.now();
      const response = await fetch(api + request.path, { method: request.method, headers });
      await response.arrayBuffer();
      times.push(performance.now() - started);
      status = response.status;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] as number;
    console.log(
      `${median.toFixed(1).padStart(7)} ms median ${(times.at(-1) as number).toFixed(1).padStart(7)} max  ${status}  ${request.method} ${request.path.slice(0, 110)}`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
