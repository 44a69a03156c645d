import { StoreError } from '../../domain/errors.js';

/** The code of our own client-side deadline error. */
const DEADLINE = 'ACTLOG_DEADLINE';
/** The code of a connection the server closed before saying anything (see connection.ts). */
export const CLOSED_BEFORE_ANSWER = 'ACTLOG_CLOSED_BEFORE_ANSWER';

/** Node socket errors that mean "no usable connection to the server". */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_DESTROYED',
]);

/** The driver's own connection errors, and our deadline. */
const DRIVER_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  DEADLINE,
  CLOSED_BEFORE_ANSWER,
]);

/**
 * SQLSTATEs that mean the server is going away or cannot serve now: admin/crash shutdown,
 * "cannot connect now" (starting up, recovery), too many connections, and 57014, the
 * statement timeout (a server too slow to answer is, for a client, not there).
 */
const SERVER_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '57014', '53300']);

/** Conflicts between concurrent transactions: retrying succeeds. */
const SERVER_BUSY = new Set(['40001', '40P01', '55P03']);

/** The error a store operation rejects with when the database did not answer in time. */
export function deadlineError(ms: number): Error {
  return Object.assign(new Error(`no answer from PostgreSQL within ${Math.round(ms / 1000)} s`), {
    code: DEADLINE,
  });
}

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** Codes of the error and, for Node's multi-address connect failures (AggregateError), of its parts. */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  const own = codeOf(error);
  if (own) codes.push(own);
  if (error instanceof AggregateError) for (const inner of error.errors) codes.push(...codesOf(inner));
  return codes;
}

/** True when the failure is about reaching the server rather than about the statement. */
export function isUnreachable(error: unknown): boolean {
  return codesOf(error).some(
    (code) => SOCKET_CODES.has(code) || DRIVER_CODES.has(code) || code.startsWith('08') || SERVER_UNAVAILABLE.has(code),
  );
}

/**
 * The server answered, and said no: wrong password (28P01), or no such role or no
 * pg_hba.conf entry for it (28000). Not "cannot reach": the fix is in the credentials.
 */
export function isLoginRefused(error: unknown): boolean {
  return codesOf(error).some((code) => code === '28P01' || code === '28000');
}

/** The server answered: the database named in the URL does not exist. */
export const isMissingDatabase = (error: unknown) => codesOf(error).includes('3D000');

/** Codes of a connection that broke under a statement (not a timeout): another connection may well work. */
const LOST_CONNECTION = new Set(['CONNECTION_CLOSED', 'ECONNRESET', 'EPIPE', '57P01', '57P02']);

export function isLostConnection(error: unknown): boolean {
  return codesOf(error).some((code) => LOST_CONNECTION.has(code));
}

/**
 * Any driver error as a StoreError, whose message reaches clients and so names no
 * internals: unreachable is transient (503, retry), a conflict is transient too, the rest 500.
 */
export function toStoreError(cause: unknown, what: 'read' | 'write'): StoreError {
  if (cause instanceof StoreError) return cause;
  if (codesOf(cause).some((code) => code === '57014' || code === DEADLINE)) {
    return new StoreError('the database did not answer in time', { transient: true, cause });
  }
  if (isUnreachable(cause)) return new StoreError('the database is unreachable', { transient: true, cause });
  if (codesOf(cause).some((code) => SERVER_BUSY.has(code))) {
    return new StoreError('the database is busy, try again', { transient: true, cause });
  }
  return new StoreError(`the database could not ${what === 'read' ? 'be read' : 'complete the write'}`, { cause });
}

const READABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (temporary DNS failure)',
  CONNECTION_CLOSED: 'the server closed the connection',
  [CLOSED_BEFORE_ANSWER]: 'the connection was accepted, then closed without an answer',
  CONNECTION_DESTROYED: 'the connection was destroyed',
};

const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

/** Why a connection attempt failed, as a short phrase for the one-line startup error. */
export function connectFailureReason(error: unknown, connectTimeoutSeconds: number): string {
  const codes = codesOf(error);
  if (codes.includes('CONNECT_TIMEOUT') || codes.includes(DEADLINE)) {
    return `no answer within ${connectTimeoutSeconds} s (connection timed out)`;
  }
  for (const code of codes) {
    const readable = READABLE[code];
    if (readable) return `${readable} (${code})`;
  }
  // Server answers (auth failed, no such database, ...) carry a clear message and a SQLSTATE.
  const message = error instanceof Error && error.message ? oneLine(error.message) : oneLine(String(error));
  const code = codes[0];
  return code && !message.includes(code) ? `${message} (${code})` : message;
}
