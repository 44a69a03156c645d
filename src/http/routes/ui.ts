import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/**
 * The dashboard (web/, built by Vite into dist/ui/) served by the server itself: no second
 * process, no CDN. Hashed files under /assets/ are cached for a year; every other GET that is
 * not an API or operations path gets index.html, so the app's own paths (deep links) work.
 * The app holds no data, so it is public; it calls the API with the token in a header.
 */

/** dist/ui, seen from this file's place in the build (dist/src/http/routes/ui.js). */
export const UI_ROOT = fileURLToPath(new URL('../../../ui/', import.meta.url));

/**
 * What the page may load and do: only its own scripts, styles and API. No inline script, no
 * framing (the delete buttons must not be clickjacked), no plugins, no base-URL tricks.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // The page names the current hashed files: always ask again (answered from disk, ~1 KB).
  'cache-control': 'no-cache',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

/** Paths the app never answers: the API keeps its JSON 404s, missing assets are 404s too. */
const isReserved = (path: string) => path === '/api' || path.startsWith('/api/') || path.startsWith('/assets/');

/** The path as the router reads it (`/%61pi/x` is `/api/x`); undecodable escapes stay as they are. */
function decodedPath(url: string): string {
  const path = url.split('?')[0] as string;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export const uiRoutes: FastifyPluginAsync<{ root?: string }> = async (app, options) => {
  const root = options.root ?? UI_ROOT;
  const assets = join(root, 'assets');
  if (existsSync(assets)) {
    await app.register(fastifyStatic, {
      root: assets,
      prefix: '/assets/',
      // Looked up per request, so a rebuild while the server runs is served at once.
      wildcard: true,
      index: false,
      decorateReply: false,
      maxAge: '365d',
      immutable: true,
      setHeaders: (reply) => reply.header('x-content-type-options', 'nosniff'),
    });
  }

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    if (isReserved(decodedPath(request.url))) return reply.callNotFound();
    let page: Buffer;
    try {
      page = await readFile(join(root, 'index.html'));
    } catch {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The dashboard is not built: run `npm run build` (the API under /api/v1 works without it).\n');
    }
    return reply.headers(PAGE_HEADERS).send(page);
  });
};
