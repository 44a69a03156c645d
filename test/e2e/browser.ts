import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core (no browser download). `.ci/run` installs it;
 * ACTLOG_CHROMIUM points elsewhere.
 */
export const CHROMIUM = process.env.ACTLOG_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined. In CI a missing browser is an error. */
export function chromiumUnavailable(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `Chromium is not installed at ${CHROMIUM}; the dashboard's browser tests are skipped. Install it with \`apt-get install -y chromium\` (or set ACTLOG_CHROMIUM).`;
  if (process.env.CI) throw new Error(`CI requires Chromium: ${reason}`);
  process.stderr.write(`\n*** ${reason}\n\n`);
  return reason;
}

/**
 * Headless Chromium with nothing that reaches the network on its own. Playwright gives every
 * launch a fresh temporary profile (--user-data-dir), removed when the browser closes.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * The few browser globals that functions run in the page use: this build has no DOM types,
 * and a function passed to page.evaluate is sent as text, so it casts globalThis itself.
 */
export interface PageGlobals {
  document: { querySelectorAll(selector: string): { length: number } };
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  performance: { getEntriesByName(name: string): { startTime: number }[] };
  fetch: typeof fetch;
}

export interface ContextOptions {
  colorScheme?: 'light' | 'dark';
  timezoneId?: string;
  /** Put into session storage before the page's scripts run, as if typed into the prompt earlier. */
  token?: string;
  width?: number;
  height?: number;
}

export async function newContext(browser: Browser, options: ContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    colorScheme: options.colorScheme ?? 'light',
    timezoneId: options.timezoneId ?? 'Europe/Amsterdam',
    locale: 'en-GB',
    viewport: { width: options.width ?? 1400, height: options.height ?? 900 },
    deviceScaleFactor: 1,
    acceptDownloads: true,
  });
  if (options.token) {
    await context.addInitScript((token) => {
      const { sessionStorage } = globalThis as unknown as PageGlobals;
      if (!sessionStorage.getItem('actlog.token')) sessionStorage.setItem('actlog.token', token);
    }, options.token);
  }
  return context;
}

/** Page errors and Content-Security-Policy violations, which no test should produce. */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    const url = message.location().url;
    // Expected refusals: the read-only probe (400 or 403) and a token that is missing or wrong (401).
    if (/status of (400|403)/.test(text) && url.endsWith('/api/v1/activity_log/0')) return;
    if (/status of 401/.test(text)) return;
    problems.push(`console error: ${text} (${url})`);
  });
  return problems;
}
