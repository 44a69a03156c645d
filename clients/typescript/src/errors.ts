/**
 * Failures as typed exceptions. The server answers every error in the envelope
 * `{ code, message, data: null }`; `ActlogError` carries that `code` and the HTTP status, and
 * each code has its own subclass, so callers can `catch (e) { if (e instanceof NotFoundError) … }`
 * or switch on `e.code`. A server that cannot be reached at all is an `ActlogConnectionError`.
 */
export class ActlogError extends Error {
  override name = 'ActlogError';
  constructor(
    /** The envelope's code: 40001, 40101, 40301, 40401, 41301, 42901 or 50001. */
    readonly code: number,
    message: string,
    /** The HTTP status it came with. */
    readonly status: number,
  ) {
    super(message);
  }
}

/** 40001: a parameter or the body is not acceptable (the message names it). */
export class InvalidRequestError extends ActlogError {
  override name = 'InvalidRequestError';
}
/** 40101: no token, or a wrong one. */
export class UnauthorizedError extends ActlogError {
  override name = 'UnauthorizedError';
}
/** 40301: the token may not do this (a read-only token that writes), or the Host is not allowed. */
export class ForbiddenError extends ActlogError {
  override name = 'ForbiddenError';
}
/** 40401: no such record, or no such route. */
export class NotFoundError extends ActlogError {
  override name = 'NotFoundError';
}
/** 41301: the body is larger than the server takes. */
export class PayloadTooLargeError extends ActlogError {
  override name = 'PayloadTooLargeError';
}
/** 42901: too many requests, or too many open streams; retried by the client. */
export class RateLimitedError extends ActlogError {
  override name = 'RateLimitedError';
}
/** 50001: the server or its database failed (503 when it is worth retrying); retried by the client. */
export class ServerError extends ActlogError {
  override name = 'ServerError';
}

const BY_CODE: Record<number, typeof ActlogError> = {
  40001: InvalidRequestError,
  40101: UnauthorizedError,
  40301: ForbiddenError,
  40401: NotFoundError,
  41301: PayloadTooLargeError,
  42901: RateLimitedError,
  50001: ServerError,
};

/** The typed error for an envelope (or, for an answer that is not one, for its status). */
export function errorFor(status: number, code: number | undefined, message: string | undefined): ActlogError {
  const fallback = status === 429 ? 42901 : status >= 500 ? 50001 : status === 404 ? 40401 : 40001;
  const known = code !== undefined && code !== 0 ? code : fallback;
  const Kind = BY_CODE[known] ?? ActlogError;
  return new Kind(known, message ?? `HTTP ${status}`, status);
}

/** The server could not be reached, or the connection broke, and retrying did not help. */
export class ActlogConnectionError extends Error {
  override name = 'ActlogConnectionError';
  /** Always `'UNREACHABLE'`, so that `e.code` can be switched on like an ActlogError's. */
  readonly code = 'UNREACHABLE';
  constructor(
    message: string,
    /** The URL that was called. */
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
