/**
 * The screenshots in docs/ and the README: every view of the dashboard, light and dark, taken
 * from a real server over a freshly seeded farm.
 *
 *   npm run build && node dist/test/e2e/screenshots.js [--out docs/screenshots]
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { chromiumUnavailable, launchChromium, newContext, type PageGlobals } from './browser.js';
import { farmRecords, postRecords } from './farm.js';

export const DOCS_SCREENSHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

export interface Shot {
  name: string;
  path: string;
  /** Waits until the view shows its data, and does what the shot should show (open a record…). */
  prepare: (page: Page) => Promise<void>;
}

export const waitForPanels = async (page: Page) => {
  await page.waitForSelector('main [data-view]');
  await page.waitForFunction(
    () =>
      (globalThis as unknown as PageGlobals).document.querySelectorAll('[aria-busy="true"], .skeleton').length === 0,
  );
};

export const SHOTS: Shot[] = [
  {
    name: 'overview',
    path: '/',
    prepare: async (page) => {
      await page.waitForSelector('[data-view="overview"][data-ready="true"]');
      await waitForPanels(page);
    },
  },
  { name: 'devices', path: '/devices', prepare: waitForPanels },
  { name: 'accounts', path: '/accounts', prepare: waitForPanels },
  {
    name: 'explorer',
    path: '/explorer?range=7d',
    prepare: async (page) => {
      await waitForPanels(page);
      // Open the newest record that carries metadata, to show the detail panel.
      const id = await page.evaluate(async () => {
        const { fetch } = globalThis as unknown as PageGlobals;
        const answer = (await fetch('/api/v1/activity_log?limit=200').then((r) => r.json())) as {
          data: { id: number; metadata?: object }[];
        };
        return answer.data.find((r) => r.metadata)?.id;
      });
      if (id) {
        await page.click(`tr[data-id="${id}"] button.row-open`);
        await page.waitForSelector('[data-panel="detail"] [data-metadata]');
      }
    },
  },
];

/** Takes every shot in both colour schemes into `out`; returns the files written. */
export async function takeScreenshots(baseUrl: string, out: string): Promise<string[]> {
  mkdirSync(out, { recursive: true });
  const browser = await launchChromium();
  const files: string[] = [];
  try {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await newContext(browser, { colorScheme, height: 1000 });
      const page = await context.newPage();
      for (const shot of SHOTS) {
        await page.goto(baseUrl + shot.path);
        await shot.prepare(page);
        // Charts are drawn on resize observation; give them a frame.
        await page.waitForTimeout(150);
        const file = join(out, `${shot.name}-${colorScheme}.png`);
        await page.screenshot({ path: file });
        files.push(file);
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return files;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string', default: DOCS_SCREENSHOTS } } });
  if (chromiumUnavailable()) process.exit(1);
  const dir = tempDir('actlog-shots-');
  const server = await startCli(['--port', '0', '--db', join(dir.path, 'actlog.db'), '--log-level', 'warn']);
  try {
    const now = Math.floor(Date.now() / 1000);
    await postRecords(server.api, farmRecords({ now, records: 25_000, days: 70 }));
    const files = await takeScreenshots(server.url, values.out as string);
    for (const file of files) console.log(file);
  } finally {
    await server.stop();
    dir.remove();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
