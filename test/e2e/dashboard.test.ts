import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  type ContextOptions,
  chromiumUnavailable,
  collectProblems,
  launchChromium,
  newContext,
  type PageGlobals,
} from './browser.js';
import { type FarmRecord, farmRecords, postRecords } from './farm.js';
import { measureOverview } from './first-render.js';
import { api, SCREENSHOT_DIR, screenshot, settled, startActlog, type TestServer } from './helpers.js';

/**
 * The dashboard in a real browser (Debian's Chromium) against real actlog processes over real
 * SQLite files, seeded through the API. Screenshots of every test land in SCREENSHOT_DIR.
 */

const unavailable = chromiumUnavailable();
const TOKEN = 'full-token-for-the-e2e-tests-0123';
const READ_TOKEN = 'read-token-for-the-e2e-tests-0123';
const now = () => Math.floor(Date.now() / 1000);

interface Session {
  context: BrowserContext;
  page: Page;
  problems: string[];
  /** Every URL the page requested. */
  urls: string[];
}

describe('dashboard in Chromium', { skip: unavailable }, () => {
  let browser: Browser;
  let server: TestServer;
  let records: (FarmRecord & { id: number })[];
  const sessions: Session[] = [];

  before(async () => {
    browser = await launchChromium();
    server = await startActlog();
    const farm = farmRecords({ now: now(), records: 900, days: 35 });
    const ids = await postRecords(server.api, farm);
    records = farm.map((record, i) => ({ ...record, id: ids[i] as number }));
    console.log(`screenshots: ${SCREENSHOT_DIR}`);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(path: string, options: ContextOptions = {}, base = server.url): Promise<Session> {
    const context = await newContext(browser, options);
    const page = await context.newPage();
    const session = { context, page, problems: collectProblems(page), urls: [] as string[] };
    page.on('request', (request) => session.urls.push(request.url()));
    sessions.push(session);
    await page.goto(base + path);
    return session;
  }

  async function done(session: Session, name: string): Promise<void> {
    await screenshot(session.page, name);
    await session.context.close();
    assert.deepEqual(session.problems, [], 'no page errors, console errors or CSP violations');
  }

  it("the overview's numbers equal the API's counts (in the browser's zone, Asia/Kolkata)", async () => {
    const session = await open('/', { timezoneId: 'Asia/Kolkata' });
    const { page } = session;
    await page.waitForSelector('[data-view="overview"][data-ready="true"]');
    await settled(page);
    const zoneDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' });
    const zoneTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', timeStyle: 'medium' });
    for (const name of ['today', 'week', 'month']) {
      const kpi = page.locator(`[data-kpi="${name}"]`);
      const since = Number(await kpi.getAttribute('data-since'));
      const until = Number(await kpi.getAttribute('data-until'));
      const shown = Number(await kpi.getAttribute('data-count'));
      // Periods start at a local midnight of the browser's zone.
      assert.equal(zoneTime.format(since * 1000), '00:00:00', `${name} starts at local midnight`);
      assert.equal(zoneTime.format(until * 1000), '00:00:00', `${name} ends at local midnight`);
      const counted = await api<{ count: number }>(`${server.api}/count?since=${since}&until=${until}`);
      assert.equal(shown, counted.count, `${name}: shown ${shown}, API ${counted.count}`);
      assert.equal(
        (await kpi.locator('.kpi-value').textContent())?.replace(/\D/g, ''),
        String(counted.count),
        `${name} as text`,
      );
    }
    assert.equal(
      zoneDate.format(Number(await page.locator('[data-kpi="today"]').getAttribute('data-since')) * 1000),
      zoneDate.format(Date.now()),
    );

    // Today's charts, platform split and top lists against statistics with the same window and zone.
    const since = Number(await page.locator('[data-kpi="today"]').getAttribute('data-since'));
    const until = Number(await page.locator('[data-kpi="today"]').getAttribute('data-until'));
    const window = `since=${since}&until=${until}&tz=Asia%2FKolkata`;
    const total = (await api<{ count: number }>(`${server.api}/count?since=${since}&until=${until}`)).count;
    for (const chart of ['by-type', 'by-status']) {
      const legend = await page.locator(`[data-panel="${chart}"] .legend-when`).textContent();
      assert.equal(legend?.replace(/\D/g, ''), String(total), `${chart} shows every record of today`);
    }
    const platforms = await api<{ groups: { platform: string; count: number }[] }>(
      `${server.api}/stats?group_by=platform&${window}`,
    );
    const shownPlatforms = await page
      .locator('[data-split="platform"] tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => ({ platform: row.getAttribute('data-key'), count: Number(row.getAttribute('data-count')) })),
      );
    assert.deepEqual(
      shownPlatforms,
      platforms.groups.map((g) => ({ platform: g.platform, count: g.count })),
    );
    for (const [list, query] of [
      ['top-serial', 'group_by=serial'],
      ['top-serial-failed', 'group_by=serial&status=failed'],
      ['top-username', 'group_by=username'],
      ['top-username-failed', 'group_by=username&status=failed'],
    ] as const) {
      const field = list.includes('serial') ? 'serial' : 'username';
      const expected = await api<{ groups: Record<string, string | number>[] }>(
        `${server.api}/stats?${query}&${window}&limit=5`,
      );
      const shown = await page
        .locator(`[data-top="${list}"] li`)
        .evaluateAll((items) =>
          items.map((li) => [li.getAttribute('data-key'), Number(li.getAttribute('data-count'))]),
        );
      assert.deepEqual(
        shown,
        expected.groups.map((g) => [g[field], g.count]),
        list,
      );
    }
    // Every statistics request carries the browser's zone (Chromium names it by its older alias).
    const statsUrls = session.urls.filter((url) => url.includes('/stats?'));
    assert.ok(statsUrls.length > 0);
    for (const url of statsUrls) assert.match(url, /[?&]tz=Asia%2F(Kolkata|Calcutta)(&|$)/);
    await done(session, 'overview-numbers');
  });

  it('the device list shows every device with its last record, today and a quiet flag', async () => {
    const session = await open('/devices?quiet=120');
    const { page } = session;
    await settled(page);
    const serials = [...new Set(records.map((r) => r.serial))];
    const rows = page.locator('table[data-table="device"] tbody tr');
    assert.equal(await rows.count(), serials.length);
    const all = await api<{ groups: { serial: string; count: number; last_timestamp: number }[] }>(
      `${server.api}/stats?group_by=serial&limit=10000`,
    );
    // The farm's last device has been quiet for six hours: flagged at a 2-hour threshold.
    const quiet = all.groups.filter((g) => g.last_timestamp < now() - 120 * 60).map((g) => g.serial);
    assert.ok(quiet.length >= 1);
    for (const serial of quiet) {
      assert.equal(await page.locator(`tr[data-key="${serial}"] .badge.warn`).count(), 1, `${serial} flagged quiet`);
    }
    assert.match((await page.locator('[data-summary]').textContent()) ?? '', new RegExp(`${quiet.length} quiet`));
    // A click opens that device's records.
    const busiest = all.groups[0] as { serial: string };
    await page.locator(`tr[data-key="${busiest.serial}"] td[data-col="today"]`).click();
    await page.waitForURL(/\/explorer\?/);
    assert.equal(new URL(page.url()).searchParams.get('serial'), busiest.serial);
    await settled(page);
    await done(session, 'devices-click');
  });

  it('a filter narrows the explorer to exactly the matching rows', async () => {
    const session = await open('/explorer');
    const { page } = session;
    await settled(page);
    await page.getByLabel('Platform').fill('tiktok');
    await page.getByLabel('Status').selectOption('failed');
    await page.waitForURL(/platform=tiktok&status=failed/);
    await settled(page);
    const expected = await api<{ id: number }[]>(`${server.api}?platform=tiktok&status=failed&limit=50`);
    const count = await api<{ count: number }>(`${server.api}/count?platform=tiktok&status=failed`);
    assert.ok(count.count > 0, 'the farm has failed tiktok records');
    const ids = await page
      .locator('tbody tr[data-id]')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-id'))));
    assert.deepEqual(
      ids,
      expected.map((r) => r.id),
    );
    const cells = await page
      .locator('tbody tr[data-id]')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim())));
    for (const cell of cells) {
      assert.equal(cell[3], 'tiktok');
      assert.equal(cell[5], 'failed');
    }
    assert.equal(Number(await page.locator('[data-count]').first().getAttribute('data-count')), count.count);
    // Text search narrows further, and is in the URL too.
    await page.getByLabel('Text contains').fill('CAPTCHA');
    await page.getByLabel('Text contains').press('Enter');
    await page.waitForURL(/q=CAPTCHA/);
    await settled(page);
    const found = await api<{ id: number }[]>(`${server.api}?platform=tiktok&status=failed&q=CAPTCHA&limit=50`);
    assert.equal(await page.locator('tbody tr[data-id]').count(), found.length);
    // A custom range the wrong way round is refused next to the inputs, not sent.
    const url = page.url();
    await page.getByLabel('Time').selectOption('custom');
    await page.getByLabel('From', { exact: true }).fill('2026-11-27T10:00');
    await page.getByLabel('To', { exact: true }).fill('2026-11-26T10:00');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForSelector('[data-filter-problem]');
    assert.equal(page.url(), url);
    await done(session, 'explorer-filter');
  });

  it('a record posted through the API appears live within 2 s; one that does not match does not', async () => {
    const session = await open('/explorer?platform=tiktok');
    const { page } = session;
    await settled(page);
    await page.getByRole('switch', { name: 'Live' }).click();
    await page.waitForSelector('[data-live="live"]');
    assert.match(page.url(), /live=1/);
    const countBefore = Number(await page.locator('.result-count').getAttribute('data-count'));
    const base = { serial: 'R58M-LIVE', action_type: 'post', action_detail: 'Live test', username: 'live_user' };
    const other = await api<{ id: number }>(server.api, {
      method: 'POST',
      body: JSON.stringify({ ...base, platform: 'instagram' }),
    });
    const posted = performance.now();
    const mine = await api<{ id: number }>(server.api, {
      method: 'POST',
      body: JSON.stringify({ ...base, platform: 'tiktok', status: 'success', metadata: { live: true } }),
    });
    await page.waitForSelector(`tr[data-id="${mine.id}"].fresh`, { timeout: 2000 });
    const elapsed = performance.now() - posted;
    assert.ok(elapsed < 2000, `appeared after ${Math.round(elapsed)} ms`);
    assert.equal(await page.locator(`tr[data-id="${other.id}"]`).count(), 0, 'the instagram record is not shown');
    assert.equal(await page.locator('tbody tr[data-id]').first().getAttribute('data-id'), String(mine.id));
    assert.equal(
      Number(await page.locator('.result-count').getAttribute('data-count')),
      countBefore + 1,
      'count follows',
    );
    console.log(`live record shown ${Math.round(elapsed)} ms after its POST`);
    await done(session, 'explorer-live');
  });

  it('a deep link restores filters, range and the open record, and the back button returns to it', async () => {
    const target = [...records]
      .reverse()
      .find(
        (r) => r.platform === 'instagram' && r.status === 'success' && r.metadata && r.timestamp > now() - 6 * 86_400,
      );
    assert.ok(target, 'the farm has a recent instagram record with metadata');
    const path = `/explorer?platform=instagram&status=success&range=7d&record=${target.id}`;
    const session = await open(path);
    const { page } = session;
    await settled(page);
    const check = async () => {
      assert.equal(await page.getByLabel('Platform').inputValue(), 'instagram');
      assert.equal(await page.getByLabel('Status').inputValue(), 'success');
      assert.equal(await page.getByLabel('Time').inputValue(), '7d');
      await page.waitForSelector('[data-panel="detail"] [data-metadata]');
      assert.equal(await page.locator('#detail-title').textContent(), `Record ${target.id}`);
      const metadata = JSON.parse((await page.locator('[data-metadata]').textContent()) ?? '');
      assert.deepEqual(metadata, target.metadata);
    };
    await check();
    await page.getByRole('link', { name: 'Devices' }).click();
    await page.waitForSelector('[data-view="devices"]');
    await page.goBack();
    await page.waitForSelector('[data-view="explorer"]');
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, path);
    await check();
    // A record that is not on the page (deep link to an old one) is fetched by id.
    const old = records[0] as { id: number };
    await page.goto(`${server.url}/explorer?record=${old.id}`);
    await page.waitForSelector('[data-panel="detail"] dl');
    assert.equal(await page.locator('#detail-title').textContent(), `Record ${old.id}`);
    await done(session, 'explorer-deep-link');
  });

  it('keyboard: the filter bar, the rows and the dialogs work without a mouse', async () => {
    const session = await open('/explorer');
    const { page } = session;
    await settled(page);
    await page.getByLabel('Action').focus();
    await page.keyboard.type('like');
    await page.keyboard.press('Enter');
    await page.waitForURL(/action_type=like/);
    await settled(page);
    const buttons = page.locator('button.row-open');
    await buttons.nth(0).focus();
    await page.keyboard.press('ArrowDown');
    const second = await page.locator('tbody tr[data-id]').nth(1).getAttribute('data-id');
    assert.equal(
      await page.evaluate(() =>
        (
          globalThis as unknown as {
            document: { activeElement: { closest(s: string): { getAttribute(n: string): string } } };
          }
        ).document.activeElement
          .closest('tr')
          .getAttribute('data-id'),
      ),
      second,
    );
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`record=${second}`));
    await page.waitForSelector('[data-panel="detail"] dl');
    // A dialog opens with focus on its safe choice and closes with Escape, focus returning.
    const exportButton = page.getByRole('button', { name: 'Export…' });
    await exportButton.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog[open]');
    assert.equal(
      await page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement
            .textContent,
      ),
      'Download CSV',
    );
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog[open]', { state: 'detached' });
    assert.equal(
      await page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement
            .textContent,
      ),
      'Export…',
    );
    await done(session, 'explorer-keyboard');
  });

  it('every control has a label, and dark mode follows the system', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const path of ['/', '/devices', '/accounts', '/explorer?range=custom&since=1&until=2000000000']) {
        const session = await open(path, { colorScheme });
        const { page } = session;
        await settled(page);
        const unlabelled = await page.evaluate(() => {
          const { document } = globalThis as unknown as {
            document: {
              querySelectorAll(s: string): Iterable<{
                outerHTML: string;
                labels?: { length: number } | null;
                getAttribute(n: string): string | null;
                textContent: string | null;
              }>;
            };
          };
          return [...document.querySelectorAll('input, select, button, a[href]')]
            .filter(
              (el) =>
                !(el.labels && el.labels.length > 0) &&
                !el.getAttribute('aria-label') &&
                !el.getAttribute('aria-labelledby') &&
                !el.textContent?.trim(),
            )
            .map((el) => el.outerHTML.slice(0, 120));
        });
        assert.deepEqual(unlabelled, [], `${path}: controls without a name`);
        const background = await page.evaluate(() => {
          const page = globalThis as unknown as {
            getComputedStyle(element: unknown): { backgroundColor: string };
            document: { documentElement: unknown };
          };
          return page.getComputedStyle(page.document.documentElement).backgroundColor;
        });
        const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number) as [number, number, number];
        const light = (r + g + b) / 3 > 128;
        assert.equal(light, colorScheme === 'light', `${path} in ${colorScheme}: background ${background}`);
        await done(session, `view-${path.split('?')[0]?.slice(1) || 'overview'}-${colorScheme}`);
      }
    }
  });

  it('exports the current filter as CSV and NDJSON through an authorised fetch', async () => {
    const session = await open('/explorer?platform=youtube');
    const { page } = session;
    await settled(page);
    const count = (await api<{ count: number }>(`${server.api}/count?platform=youtube`)).count;
    await page.getByRole('button', { name: 'Export…' }).click();
    for (const [button, lines] of [
      ['Download CSV', count + 1],
      ['Download NDJSON', count],
    ] as const) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: button }).click(),
      ]);
      const file = await download.path();
      const text = readFileSync(file, 'utf8');
      assert.equal(text.trimEnd().split('\n').length, lines, `${button}: ${lines} lines`);
      assert.match(download.suggestedFilename(), /^actlog-.*\.(csv|ndjson)$/);
      await page.waitForSelector('[data-export-status]:has-text("Saved")');
    }
    assert.ok(!session.urls.some((url) => url.includes('/export') && !url.includes('platform=youtube')));
    await done(session, 'explorer-export');
  });

  it("the overview's first render is measured from navigation start, and is not pathologically slow (small farm: best of three cold loads)", async () => {
    // The 1 s budget at 10M is a goal of `npm run bench` (bench/goals/dashboard.ts), judged
    // there with the machine's figures beside it. Here the same measurement runs on a small farm
    // with a regression guard of three times that budget: a render waiting on a slow request or
    // a stuck panel fails it on any machine; this machine's browser speed does not.
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await measureOverview(server.url));
    const best = runs.reduce((a, b) => (b.firstRenderMs < a.firstRenderMs ? b : a));
    console.log(
      `first render ${runs.map((r) => r.firstRenderMs).join(', ')} ms; slowest request of the best ${JSON.stringify(best.requests[0])}`,
    );
    assert.equal(best.measuredBy, 'page', 'timed by the page, from navigation start');
    assert.ok(best.firstRenderMs > 0 && best.firstRenderMs < 3000, `first render ${best.firstRenderMs} ms`);
    assert.ok(best.requests.length >= 10, 'the overview asked the API');
  });
});

describe('dashboard deletes in Chromium', { skip: unavailable }, () => {
  let browser: Browser;
  let server: TestServer;

  before(async () => {
    browser = await launchChromium();
    server = await startActlog();
    await postRecords(server.api, farmRecords({ now: now(), records: 300, days: 10, seed: 11 }));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('deletes one record, and what matches a filter after a confirmation that names how many', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const problems = collectProblems(page);
    const [newest] = await api<{ id: number; serial: string }[]>(`${server.api}?limit=1`);
    assert.ok(newest);
    await page.goto(`${server.url}/explorer?record=${newest.id}`);
    await page.getByRole('button', { name: 'Delete this record…' }).click();
    await page.waitForSelector('dialog[open]');
    assert.match((await page.locator('dialog h2').textContent()) ?? '', new RegExp(`Delete record ${newest.id}\\?`));
    await page.getByRole('button', { name: `Delete record ${newest.id}` }).click();
    await page.waitForSelector(`tr[data-id="${newest.id}"]`, { state: 'detached' });
    const gone = await fetch(`${server.api}/${newest.id}`, { method: 'DELETE' });
    assert.equal(gone.status, 404, 'the record is gone');

    const serial = newest.serial;
    const before = (await api<{ count: number }>(`${server.api}/count?serial=${serial}`)).count;
    const total = (await api<{ count: number }>(`${server.api}/count`)).count;
    await page.goto(`${server.url}/explorer?serial=${encodeURIComponent(serial)}`);
    await settled(page);
    await page.getByRole('button', { name: 'Delete matching…' }).click();
    await page.waitForSelector('[data-delete-count]');
    assert.equal(Number(await page.locator('[data-delete-count]').getAttribute('data-delete-count')), before);
    await screenshot(page, 'explorer-delete-matching');
    await page.getByRole('button', { name: new RegExp(`^Delete ${before} records?$`) }).click();
    await page.waitForSelector(`.notice:has-text("Deleted ${before} record")`);
    assert.equal((await api<{ count: number }>(`${server.api}/count?serial=${serial}`)).count, 0);
    assert.equal((await api<{ count: number }>(`${server.api}/count`)).count, total - before);
    await screenshot(page, 'explorer-deleted');
    await context.close();
    assert.deepEqual(problems, []);
  });

  it('offers no "delete matching" without a filter (the API needs one)', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/explorer`);
    await settled(page);
    assert.equal(await page.getByRole('button', { name: 'Delete matching…' }).count(), 0);
    await context.close();
  });
});

describe('dashboard access in Chromium', { skip: unavailable }, () => {
  let browser: Browser;
  let server: TestServer;

  before(async () => {
    browser = await launchChromium();
    server = await startActlog(['--token', TOKEN, '--read-token', READ_TOKEN]);
    await postRecords(server.api, farmRecords({ now: now(), records: 120, days: 3, seed: 5 }), {
      authorization: `Bearer ${TOKEN}`,
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(token: string) {
    const context = await newContext(browser);
    const page = await context.newPage();
    const problems = collectProblems(page);
    const urls: string[] = [];
    page.on('request', (request) => urls.push(request.url()));
    await page.goto(`${server.url}/`);
    await page.waitForSelector('[data-view="token"]');
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    return { context, page, problems, urls };
  }

  it('asks for the token once, says plainly when it is wrong, and keeps it out of URLs', async () => {
    const { context, page, problems, urls } = await signIn('not-the-right-token-000000');
    await page.waitForSelector('[data-token-error]');
    assert.match((await page.locator('[data-token-error]').textContent()) ?? '', /not accepted.*40101/);
    await screenshot(page, 'token-wrong');
    await page.getByLabel('Token').fill(TOKEN);
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    await page.waitForSelector('[data-view="overview"][data-ready="true"]');
    // Kept for the tab: a reload does not ask again.
    await page.reload();
    await page.waitForSelector('[data-view="overview"][data-ready="true"]');
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.getItem('actlog.token')),
      TOKEN,
    );
    await page.goto(`${server.url}/explorer`);
    await settled(page);
    assert.equal(await page.getByRole('button', { name: 'Export…' }).count(), 1);
    assert.ok(urls.length > 10);
    for (const url of urls) assert.ok(!url.includes(TOKEN) && !url.includes('wrong-token'), `token in ${url}`);
    await context.close();
    assert.deepEqual(problems, []);
  });

  it('with the read-only token: everything shows, delete is hidden, and the page says why', async () => {
    const { context, page, problems } = await signIn(READ_TOKEN);
    await page.waitForSelector('[data-view="overview"][data-ready="true"]');
    await page.waitForSelector('[data-access="read-only"] .badge');
    const [newest] = await api<{ id: number }[]>(`${server.api}?limit=1`, {
      headers: { authorization: `Bearer ${READ_TOKEN}` },
    });
    assert.ok(newest);
    await page.getByRole('link', { name: 'Explorer' }).click();
    await page.waitForSelector('[data-notice="read-only"]');
    await page.getByLabel('Platform').fill('tiktok');
    await page.keyboard.press('Enter');
    await page.waitForURL(/platform=tiktok/);
    await settled(page);
    assert.equal(await page.getByRole('button', { name: 'Delete matching…' }).count(), 0);
    await page.locator('button.row-open').first().click();
    await page.waitForSelector('[data-panel="detail"] dl');
    assert.equal(await page.getByRole('button', { name: 'Delete this record…' }).count(), 0);
    await screenshot(page, 'read-only');
    await context.close();
    assert.deepEqual(problems, []);
  });

  it('with the full token, delete is offered', async () => {
    const { context, page } = await signIn(TOKEN);
    await page.waitForSelector('[data-view="overview"][data-ready="true"]');
    await page.goto(`${server.url}/explorer?platform=tiktok`);
    // The reload checks access again: the table can settle before the probe that tells a full
    // token from a read-only one has answered, and until then delete is not offered.
    await page.waitForSelector('[data-access="full"]');
    await settled(page);
    assert.equal(await page.getByRole('button', { name: 'Delete matching…' }).count(), 1);
    await context.close();
  });
});

describe('dashboard on an empty install in Chromium', { skip: unavailable }, () => {
  let browser: Browser;
  let server: TestServer;

  before(async () => {
    browser = await launchChromium();
    server = await startActlog();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the one curl command that posts a first record, then the overview once it arrives', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto(`${server.url}/`);
    await page.waitForSelector('[data-panel="empty"]');
    const command = (await page.locator('[data-panel="empty"] pre').textContent()) ?? '';
    assert.match(command, new RegExp(`curl -s -X POST ${server.url}/api/v1/activity_log`));
    await screenshot(page, 'empty-state');
    // Run what the command sends.
    const body = /-d '(.+)'/.exec(command)?.[1];
    assert.ok(body);
    await api(server.api, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await page.waitForSelector('[data-kpi="today"][data-count="1"]', { timeout: 10_000 });
    await screenshot(page, 'empty-state-first-record');
    await context.close();
    assert.deepEqual(problems, []);
  });
});
