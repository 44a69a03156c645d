import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from '../../src/http/app.js';
import type { Store } from '../../src/store/store.js';

export interface RunningServer {
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** `${url}/api/v1/activity_log` */
  api: string;
  close: () => Promise<void>;
}

/** The real HTTP server on a real (free) port, over the given store; closing it closes the store. */
export async function startServer(store: Store, options: Partial<AppOptions> = {}): Promise<RunningServer> {
  const app = await buildApp({ store, ...options });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url, api: `${url}/api/v1/activity_log`, close: () => app.close() };
}

export interface Answer {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON of any shape
  body: any;
}

/** One request; returns the status, the exact body text and its parse. */
export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, text, body };
}

export const postJson = (api: string, value: unknown, headers: Record<string, string> = {}) =>
  call(api, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof value === 'string' ? value : JSON.stringify(value),
  });
