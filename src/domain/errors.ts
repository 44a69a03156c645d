/** The envelope's error codes (docs/api.md), each with the HTTP status it travels with. */
export const ErrorCode = {
  invalidParameters: 40001,
  unauthorized: 40101,
  forbidden: 40301,
  notFound: 40401,
  payloadTooLarge: 41301,
  rateLimited: 42901,
  internal: 50001,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const statusOf: Record<ErrorCode, number> = {
  40001: 400,
  40101: 401,
  40301: 403,
  40401: 404,
  41301: 413,
  42901: 429,
  50001: 500,
};

/**
 * The one error type of actlog: raised anywhere, turned into the envelope by the
 * HTTP layer's error handler. `message` is shown to clients, so it never holds internals.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, status = statusOf[code]) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
  }
}

export const invalid = (message: string) => new AppError(ErrorCode.invalidParameters, message);
export const notFound = (message: string) => new AppError(ErrorCode.notFound, message);

/**
 * The store could not do its work (disk full, database gone). `transient` errors
 * (a lost connection) are answered with 503 so that clients and balancers retry.
 */
export class StoreError extends AppError {
  constructor(message: string, options: { transient?: boolean; cause?: unknown } = {}) {
    super(ErrorCode.internal, message, options.transient ? 503 : 500);
    this.name = 'StoreError';
    if (options.cause !== undefined) this.cause = options.cause;
  }
}
