import { useEffect, useState } from 'preact/hooks';
import { queryString } from './filters.js';

/**
 * The dashboard's only way to the server: every request goes to /api/v1/activity_log…, with
 * `Authorization: Bearer <token>` when a token is set. The token lives in this tab's session
 * storage and in the header, never in a URL.
 */

export const API = '/api/v1/activity_log';
const TOKEN_KEY = 'actlog.token';

/** An answer that was not a success: the HTTP status and the envelope's code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export type Access =
  /** Not known yet (the first request is on its way). */
  | { state: 'checking' }
  /** Everything works: no token needed, or the full token. */
  | { state: 'full'; token: boolean }
  /** A read-only token: look, but not delete. */
  | { state: 'read-only' }
  /** The server wants a token; `wrong` when the one sent was refused. */
  | { state: 'needs-token'; wrong: boolean }
  /** The server refused this page for another reason (e.g. its Host check); the message says why. */
  | { state: 'refused'; message: string };

let token: string | null = readStoredToken();
let access: Access = { state: 'checking' };
const listeners = new Set<() => void>();

function readStoredToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export const currentAccess = (): Access => access;
export const hasToken = (): boolean => token !== null;

export function onAccessChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setAccess(next: Access): void {
  access = next;
  for (const listener of listeners) listener();
}

export function forgetToken(): void {
  token = null;
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage may be unavailable (private modes); the token was in memory only then.
  }
  setAccess({ state: 'needs-token', wrong: false });
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
}

/** Reads an error envelope from a failed answer; keeps track of what it says about access. */
async function failure(response: Response): Promise<ApiError> {
  let code = 0;
  let message = `the server answered HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { code?: number; message?: string };
    if (typeof body.code === 'number') code = body.code;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // Not an envelope (a proxy's error page): keep the status line.
  }
  const error = new ApiError(response.status, code, message);
  noteAccess(error);
  return error;
}

function noteAccess(error: ApiError): void {
  if (error.status === 401) setAccess({ state: 'needs-token', wrong: token !== null });
  else if (error.status === 403 && /Host/.test(error.message)) setAccess({ state: 'refused', message: error.message });
  else if (error.status === 403 && error.code === 40301 && access.state === 'full') setAccess({ state: 'read-only' });
}

const unreachable = () =>
  new ApiError(0, 0, 'the server did not answer: is actlog running, and is this the right address?');

/** Sends a request to `${API}${path}` and returns the envelope's `data`. */
export async function request<T>(
  path: string,
  options: { method?: string; query?: Record<string, string | number | undefined>; signal?: AbortSignal } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${API}${path}${queryString(options.query ?? {})}`, {
      method: options.method ?? 'GET',
      headers: headers({ accept: 'application/json' }),
      signal: options.signal ?? null,
      cache: 'no-store',
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw unreachable();
  }
  if (!response.ok) throw await failure(response);
  const body = (await response.json()) as { code: number; message: string; data: T };
  return body.data;
}

/** A request whose answer is a stream (the live tail, exports); errors are read as for request(). */
export async function open(
  path: string,
  query: Record<string, string | number | undefined>,
  accept: string,
  signal: AbortSignal,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${API}${path}${queryString(query)}`, {
      headers: headers({ accept }),
      signal,
      cache: 'no-store',
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw unreachable();
  }
  if (!response.ok) throw await failure(response);
  return response;
}

/**
 * Finds out what this browser may do, without side effects. `GET /count` tells whether a token
 * is needed and whether the one held is valid. Only when a token is held, a probe tells a
 * read-only token from the full one: `DELETE /api/v1/activity_log/0` deletes nothing with any
 * token, because 0 is never an id (the full token gets 400, code 40001), while the access check,
 * which runs before routing, refuses a read-only token's DELETE with 403, code 40301.
 */
export async function checkAccess(candidate?: string): Promise<Access> {
  const previous = token;
  if (candidate !== undefined) token = candidate;
  try {
    await request<{ count: number }>('/count');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      if (candidate !== undefined) token = previous;
      setAccess({ state: 'needs-token', wrong: candidate !== undefined || previous !== null });
      return access;
    }
    if (error instanceof ApiError && error.status === 403) {
      setAccess({ state: 'refused', message: error.message });
      return access;
    }
    throw error;
  }
  if (candidate !== undefined) {
    try {
      sessionStorage.setItem(TOKEN_KEY, candidate);
    } catch {
      // Kept in memory for this page only.
    }
  }
  if (token === null) {
    setAccess({ state: 'full', token: false });
    return access;
  }
  const probe = await fetch(`${API}/0`, { method: 'DELETE', headers: headers({ accept: 'application/json' }) });
  setAccess(probe.status === 403 ? { state: 'read-only' } : { state: 'full', token: true });
  return access;
}

/** What this browser may do, re-rendering when it changes. */
export function useAccess(): Access {
  const [value, setValue] = useState(access);
  useEffect(() => {
    setValue(access);
    return onAccessChange(() => setValue(access));
  }, []);
  return value;
}
