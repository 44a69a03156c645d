import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isLoopbackHost } from '../config.js';
import { AppError, ErrorCode } from '../domain/errors.js';

export interface AccessOptions {
  /** Full access: read, add and delete. */
  token?: string;
  /** May list and count, but not add or delete. */
  readToken?: string;
  /** Bound to a loopback address: refuse requests whose Host is not a loopback name (DNS rebinding). */
  loopbackHostsOnly?: boolean;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/** Paths that hold data; the rest (health, readiness, the API description) are public. */
const isProtected = (url: string) => url.startsWith('/api/') || url === '/metrics' || url.startsWith('/metrics?');

/** Equal-length digests make the comparison constant-time whatever the token lengths. */
const digest = (text: string) => createHash('sha256').update(text).digest();
const sameSecret = (given: Buffer, expected: Buffer) => timingSafeEqual(given, expected);

/** The host name of a Host header, without port or IPv6 brackets. */
function hostName(header: string): string {
  if (header.startsWith('[')) return header.slice(1, header.indexOf(']'));
  const colon = header.lastIndexOf(':');
  return colon === -1 ? header : header.slice(0, colon);
}

export function registerAccessControl(app: FastifyInstance, options: AccessOptions): void {
  if (options.loopbackHostsOnly) {
    app.addHook('onRequest', async (request) => {
      const host = request.headers.host ?? '';
      if (!isLoopbackHost(hostName(host))) {
        throw new AppError(
          ErrorCode.forbidden,
          `Host "${host.slice(0, 100)}" is not allowed: this server listens on loopback and answers only loopback host names`,
        );
      }
    });
  }

  const full = options.token ? digest(options.token) : undefined;
  const readOnly = options.readToken ? digest(options.readToken) : undefined;
  if (!full && !readOnly) return;

  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (request.method === 'OPTIONS' || !isProtected(request.url)) return;
    const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
    const given = match ? digest((match[1] as string).trim()) : undefined;
    if (given && full && sameSecret(given, full)) return;
    if (given && readOnly && sameSecret(given, readOnly)) {
      if (READ_METHODS.has(request.method)) return;
      throw new AppError(
        ErrorCode.forbidden,
        'this token may read (list, count, statistics, export, live tail) but not add or delete',
      );
    }
    throw new AppError(
      ErrorCode.unauthorized,
      given ? 'the access token is not valid' : 'an access token is required: send "Authorization: Bearer <token>"',
    );
  });
}
