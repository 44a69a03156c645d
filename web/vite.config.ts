import { defineConfig } from 'vite';

/**
 * The dashboard's build: `vite build web --config web/vite.config.ts` (part of `npm run build`)
 * writes dist/ui/, which the server's ui route serves. `npm run dev:web` serves it with hot
 * reload and forwards /api to an actlog on 127.0.0.1:50809.
 */
export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    target: 'es2022',
    // Every browser that runs the app supports modulepreload; no polyfill in the bundle.
    modulePreload: { polyfill: false },
    // Nothing inlined as data: URLs, so the page's Content-Security-Policy can stay strict.
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:50809' },
  },
});
