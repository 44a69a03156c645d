/**
 * The overview's first render, measured in Chromium from navigation start: the time of the
 * `actlog:overview-ready` mark, which the overview sets once every panel shows its data (or the
 * empty state), after the browser painted it. Also the time of each API request it made.
 *
 * From a benchmark: `measureOverview('http://127.0.0.1:50809', { token })`.
 * From a shell:     node dist/test/e2e/first-render.js --url http://127.0.0.1:50809 [--runs 5]
 *                   (the token, if any, from ACTLOG_TOKEN)
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium, newContext, type PageGlobals } from './browser.js';

export interface RequestTiming {
  /** Path and query, e.g. `/api/v1/activity_log/stats?group_by=hour,action_type&…`. */
  url: string;
  /** From sending the request to the last byte of the answer (ms); excludes the browser's queueing. */
  ms: number;
}

export interface OverviewRender {
  /** Navigation start to the overview showing every panel filled (ms). */
  firstRenderMs: number;
  /** The API requests the overview made before that, slowest first. */
  requests: RequestTiming[];
  /**
   * `page`: from the page's own performance timeline (navigation start to the ready mark).
   * `driver`: with a faked clock the page's timeline is faked too, so the driver times it, from
   * asking for the page to seeing it ready (a little more: it includes the driver's round trips).
   */
  measuredBy: 'page' | 'driver';
}

/** One cold load of the overview (a fresh browser context: no cache, no stored token). */
export async function measureOverview(
  url: string,
  options: {
    token?: string;
    timeoutMs?: number;
    timezoneId?: string;
    /** The browser's clock, in Unix seconds (the benchmark's data set ends on a fixed day). */
    now?: number;
  } = {},
): Promise<OverviewRender> {
  const browser = await launchChromium();
  try {
    const context = await newContext(browser, {
      ...(options.token ? { token: options.token } : {}),
      ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
    });
    if (options.now !== undefined) await context.clock.setFixedTime(options.now * 1000);
    const page = await context.newPage();
    const asked = performance.now();
    await page.goto(new URL('/', url).toString(), { waitUntil: 'commit' });
    await page.waitForSelector('[data-view="overview"][data-ready="true"]', { timeout: options.timeoutMs ?? 30_000 });
    if (options.now !== undefined) {
      const firstRenderMs = Math.round(performance.now() - asked);
      await context.close();
      return { firstRenderMs, requests: [], measuredBy: 'driver' };
    }
    const measured = await page.waitForFunction(
      () => {
        const { performance } = globalThis as unknown as PageGlobals & {
          performance: {
            getEntriesByType(type: string): { name: string; requestStart: number; responseEnd: number }[];
          };
        };
        const mark = performance.getEntriesByName('actlog:overview-ready')[0];
        if (!mark) return null;
        return {
          firstRenderMs: mark.startTime,
          requests: performance
            .getEntriesByType('resource')
            .filter((entry) => entry.name.includes('/api/'))
            .map((entry) => ({ url: entry.name, ms: entry.responseEnd - entry.requestStart })),
        };
      },
      undefined,
      { timeout: 5000 },
    );
    const result = (await measured.jsonValue()) as OverviewRender;
    await context.close();
    return {
      firstRenderMs: Math.round(result.firstRenderMs),
      requests: result.requests
        .map((r) => {
          const parsed = new URL(r.url);
          return { url: decodeURIComponent(parsed.pathname + parsed.search), ms: Math.round(r.ms * 10) / 10 };
        })
        .sort((a, b) => b.ms - a.ms),
      measuredBy: 'page',
    };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { url: { type: 'string', default: 'http://127.0.0.1:50809' }, runs: { type: 'string', default: '3' } },
  });
  const runs: OverviewRender[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    runs.push(
      await measureOverview(values.url as string, process.env.ACTLOG_TOKEN ? { token: process.env.ACTLOG_TOKEN } : {}),
    );
  }
  const renders = runs.map((r) => r.firstRenderMs).sort((a, b) => a - b);
  console.log(
    JSON.stringify(
      {
        firstRenderMs: renders,
        median: renders[Math.floor(renders.length / 2)],
        slowestRequests: runs.at(-1)?.requests.slice(0, 5),
      },
      null,
      2,
    ),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
