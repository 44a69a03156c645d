import net from 'node:net';
import postgres from 'postgres';
import { CLOSED_BEFORE_ANSWER, deadlineError } from './errors.js';

/**
 * int8 (ids, timestamps, counts) arrives as a JS number. Every such value is at most
 * 2^53-1 (the id sequence is capped there, timestamps are validated), so none loses
 * precision; strings or BigInt would leak into the JSON the API returns.
 */
const int8 = {
  to: 20,
  from: [20],
  serialize: (value: number) => String(value),
  parse: (raw: string) => Number(raw),
} satisfies postgres.PostgresType<number>;

/** Double-quotes an identifier for SQL text. */
export const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

export type Sql = postgres.Sql<{ int8: number }>;
export type TransactionSql = postgres.TransactionSql<{ int8: number }>;

export interface PoolSettings {
  url: string;
  schema?: string;
  poolSize: number;
  connectTimeoutSeconds: number;
  statementTimeoutMs: number;
}

/** How long an idle pooled connection is kept before it is closed. */
const IDLE_TIMEOUT_SECONDS = 60;
/** A session left idle inside a transaction (a stalled client) is ended by the server, releasing its locks. */
const IDLE_IN_TRANSACTION_MS = 30_000;

export function createPool(settings: PoolSettings): Sql {
  const connection: Record<string, string | number> = {
    application_name: 'actlog',
    // Lists must come from an index in id order, never from a sort: with sorting disabled the
    // planner picks an ordered index scan even where its estimates would favour a bitmap scan
    // plus sort (which turns into a full sort when the estimates are wrong). No statement of
    // actlog needs a sort except the id numbering of an insert, which has no other plan.
    enable_sort: 'off',
    // JIT compilation costs ~100 ms and only pays off for long analytical queries; these are
    // short OLTP statements (and the disabled sort's inflated cost would otherwise trigger it).
    jit: 'off',
    statement_timeout: settings.statementTimeoutMs,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
  };
  if (settings.schema !== undefined) connection.search_path = quoteIdentifier(settings.schema);
  const options: postgres.Options<{ int8: typeof int8 }> & { socket: SocketFactory } = {
    max: settings.poolSize,
    connect_timeout: settings.connectTimeoutSeconds,
    idle_timeout: IDLE_TIMEOUT_SECONDS,
    // Reconnection delay after failures: the driver's default grows to 20 s, during which a
    // request waiting for a connection would hang; cap it at ~1 s so the pool notices a
    // returning server quickly and requests fail (or succeed) promptly.
    backoff: (attempt: number) => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** attempt, 1),
    // Array types are not needed (arrays are sent as text literals): skip the per-connection lookup.
    fetch_types: false,
    prepare: true,
    // Notices ("relation already exists, skipping") must not reach stdout.
    onnotice: () => {},
    types: { int8 },
    connection,
    socket: guardedSockets(),
  };
  return postgres(settings.url, options);
}

type SocketFactory = (options: { host: string[]; port: number[]; path: string | false }) => net.Socket;

/**
 * The driver's own sockets, plus one guard. With postgres 3.4.9, a server that accepts the
 * TCP connection and closes it cleanly before saying anything (a TCP proxy or load balancer
 * with no healthy backend, Docker's port proxy while the container starts) leaves the
 * pending query unsettled and the connection reconnecting in a zero-delay loop that no
 * timeout bounds (porsager/postgres#1193). Turning that close into a socket error makes the
 * driver reject the query and back off, as for a refused connection. A close after the
 * server has answered is left to the driver. The socket is returned while still connecting:
 * the driver's writes are buffered until it connects, and its connect_timeout covers both.
 */
function guardedSockets(): SocketFactory {
  let attempt = 0;
  return ({ host, port, path }) => {
    const i = attempt++ % Math.max(host.length, 1);
    const socket = path ? net.connect(path) : net.connect(port[i] ?? 5432, host[i]);
    // The driver names host and port in its connection errors from these.
    Object.assign(socket, { host: path || host[i], port: port[i] });
    socket.once('end', () => {
      if (socket.bytesRead === 0) {
        const where = path || `${host[i]}:${port[i]}`;
        socket.destroy(Object.assign(new Error(`closed before any answer ${where}`), { code: CLOSED_BEFORE_ANSWER }));
      }
    });
    return socket;
  };
}

/** What redactUrl shows for text that is not a URL at all (it could be a secret). */
export const UNPARSABLE_URL = '<not a URL>';

/**
 * The URL as it may appear in logs and errors: the password (and any `pass…` query
 * parameter) replaced by `***`. Err on the side of hiding: everything up to the last `@`
 * before the query string is treated as user information.
 */
export function redactUrl(url: string): string {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd < 0) return UNPARSABLE_URL;
  const scheme = url.slice(0, schemeEnd + 3);
  let rest = url.slice(schemeEnd + 3);
  let query = '';
  const queryStart = rest.indexOf('?');
  if (queryStart >= 0) {
    query = rest.slice(queryStart);
    rest = rest.slice(0, queryStart);
  }
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userInfo = rest.slice(0, at);
    const colon = userInfo.indexOf(':');
    rest = `${colon >= 0 ? `${userInfo.slice(0, colon)}:***` : userInfo}@${rest.slice(at + 1)}`;
  }
  query = query.replace(/([?&][^=&]*pass[^=&]*=)[^&#]*/gi, '$1***');
  return scheme + rest + query;
}

/** A PostgreSQL array literal of text, every element quoted: commas, braces, `NULL` stay text. */
export const textArray = (values: readonly (string | null)[]) =>
  `{${values.map((v) => (v === null ? 'NULL' : `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`)).join(',')}}`;

/** A PostgreSQL array literal of integers. */
export const intArray = (values: readonly (number | string)[]) => `{${values.join(',')}}`;

/** Runs a statement (prepared) and returns its rows as arrays. */
export async function values<Row extends readonly unknown[]>(
  db: Sql | TransactionSql,
  query: string,
  params: readonly unknown[] = [],
): Promise<Row[]> {
  return (await db.unsafe(query, params as never[], { prepare: true }).values()) as unknown as Row[];
}

/** Set once an operation's time is up, so that work still queued in the driver can stand down. */
export interface Deadline {
  expired: boolean;
}

/**
 * Rejects when `work` has not settled within `ms`, and marks `deadline` expired. Covers
 * what the driver's timeouts do not: a request queued behind connections that hang on a
 * silent network, or a server that never answers.
 */
export function withDeadline<T>(work: PromiseLike<T>, ms: number, deadline: Deadline): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      deadline.expired = true;
      reject(deadlineError(ms));
    }, ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
