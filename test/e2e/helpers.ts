import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { type CliProcess, startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import type { PageGlobals } from './browser.js';

/** Where the browser tests save their screenshots (not committed; CI may keep them as artefacts). */
export const SCREENSHOT_DIR =
  process.env.ACTLOG_E2E_SCREENSHOTS ?? fileURLToPath(new URL('../../../.tmp/e2e-screenshots/', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

export interface TestServer extends CliProcess {
  close: () => Promise<void>;
}

/** A real `actlog serve` process on a free port over a fresh SQLite file. */
export async function startActlog(flags: string[] = []): Promise<TestServer> {
  const dir = tempDir('actlog-e2e-');
  const server = await startCli(['--port', '0', '--db', join(dir.path, 'actlog.db'), '--log-level', 'warn', ...flags]);
  return Object.assign(server, {
    close: async () => {
      await server.stop();
      dir.remove();
    },
  });
}

/** An API call from the test (not the browser), returning the envelope's data. */
export async function api<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, init);
  const body = (await response.json()) as { code: number; message: string; data: T };
  if (body.code !== 0) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${body.message}`);
  return body.data;
}

/** Waits until no panel of the view is loading any more. */
export async function settled(page: Page): Promise<void> {
  await page.waitForSelector('main [data-view]');
  await page.waitForFunction(
    () =>
      (globalThis as unknown as PageGlobals).document.querySelectorAll('[aria-busy="true"], .skeleton').length === 0,
  );
}
