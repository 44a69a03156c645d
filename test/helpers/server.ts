import { AssertionError } from 'node:assert';
import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from '../../src/http/app.js';
import type { Store } from '../../src/store/store.js';
import { AnswerChecker } from './openapi.js';

export interface RunningServer {
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** `${url}/api/v1/activity_log` */
  api: string;
  close: () => Promise<void>;
}

/** Servers whose answers are checked against their own OpenAPI document, by origin. */
const checkers = new Map<string, AnswerChecker>();

/** The checker of the server at `url`, if it was started by `startServer`. */
export const checkerFor = (url: string) => checkers.get(new URL(url).origin);

/**
 * The real HTTP server on a real (free) port, over the given store; closing it closes the store.
 * Every answer `call` gets from it is checked against the OpenAPI document it serves.
 */
export async function startServer(store: Store, options: Partial<AppOptions> = {}): Promise<RunningServer> {
  const app = await buildApp({ store, ...options });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  checkers.set(new URL(url).origin, await AnswerChecker.forServer(url));
  return {
    app,
    url,
    api: `${url}/api/v1/activity_log`,
    close: async () => {
      checkers.delete(new URL(url).origin);
      await app.close();
    },
  };
}

export interface Answer {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON of any shape
  body: any;
  headers: Headers;
}

/**
 * One request; returns the status, the exact body text and its parse. An answer of a server
 * from `startServer` that the OpenAPI document does not describe fails the test, naming the
 * route and the status.
 */
export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const failure = checkerFor(url)?.check({
    method: init.method ?? 'GET',
    url,
    status: response.status,
    contentType: response.headers.get('content-type'),
    text,
  });
  if (failure) throw new AssertionError({ message: `answer not as the OpenAPI document says: ${failure}` });
  return { status: response.status, text, body, headers: response.headers };
}

export const postJson = (api: string, value: unknown, headers: Record<string, string> = {}) =>
  call(api, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof value === 'string' ? value : JSON.stringify(value),
  });
