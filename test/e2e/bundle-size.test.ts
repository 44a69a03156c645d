import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { UI_ROOT } from '../../src/http/routes/ui.js';

/** The dashboard's JavaScript budget (issue 10): at most 150 KB gzipped, all chunks together. */
const MAX_GZIPPED_JS = 150 * 1024;

it(`the dashboard's JavaScript is at most ${MAX_GZIPPED_JS / 1024} KB gzipped`, () => {
  const assets = join(UI_ROOT, 'assets');
  const scripts = readdirSync(assets).filter((name) => name.endsWith('.js'));
  assert.ok(scripts.length > 0, 'npm run build wrote the dashboard');
  const sizes = scripts.map((name) => {
    const bytes = readFileSync(join(assets, name));
    return { name, raw: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
  });
  const total = sizes.reduce((sum, s) => sum + s.gzipped, 0);
  console.log(sizes.map((s) => `${s.name}: ${s.raw} B, ${s.gzipped} B gzipped`).join('\n'));
  assert.ok(total <= MAX_GZIPPED_JS, `${total} B gzipped`);
});
