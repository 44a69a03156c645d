import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode, notFound, StoreError } from '../domain/errors.js';
import { failure } from './envelope.js';
import type { Metrics } from './operations.js';
import { describeValidationError } from './validation.js';

/**
 * The one place where failures become answers: every error, whoever raised it, leaves
 * as the envelope with a fitting HTTP status. A 5xx never shows its internal message;
 * it is logged with the request id instead.
 */
export function registerErrorHandling(app: FastifyInstance, bodyLimit: number, metrics: Metrics): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    // A route may allow more than the server's default (the batch endpoint: 16 MiB).
    const { status, code, message } = classify(error, request.routeOptions.bodyLimit ?? bodyLimit);
    if (error instanceof StoreError) metrics.storeError();
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(status).send(failure(code, message));
  });

  const routeNotFound = (request: FastifyRequest) =>
    notFound(`route ${request.method} ${request.url.split('?')[0]} not found`);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(failure(ErrorCode.notFound, routeNotFound(request).message)),
  );
  // Fastify refuses a QUERY without Content-Type (RFC 10008) before the not-found handler
  // runs. No route takes QUERY, so such a request is an unknown route like any other.
  // preParsing: after onRequest, so that access control has had its say as for any route.
  app.addHook('preParsing', async (request) => {
    if (request.is404 && request.method === 'QUERY' && request.headers['content-type'] === undefined) {
      throw routeNotFound(request);
    }
  });
}

/** Errors Fastify raises before a handler runs (bad URL encoding and the like). */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  reply.status(400).send(failure(ErrorCode.invalidParameters, plainFrameworkMessage(error)));
}

/**
 * Malformed HTTP (bad framing, oversized headers, a request that timed out) never
 * reaches Fastify's routing; it is answered here, still in the envelope, and the
 * connection is closed since its framing can no longer be trusted.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'the request did not arrive in time']
        : [400, 'Bad Request', 'malformed HTTP request'];
  const body = JSON.stringify(failure(ErrorCode.invalidParameters, message));
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function classify(thrown: unknown, bodyLimit: number): { status: number; code: number; message: string } {
  if (thrown instanceof AppError) {
    return {
      status: thrown.status,
      code: thrown.code,
      message: thrown.status >= 500 ? internalMessage(thrown) : thrown.message,
    };
  }
  const error = thrown as FastifyError;
  if (error.validation) {
    const message = describeValidationError(error.validation as never, error.validationContext ?? 'request');
    return { status: 400, code: ErrorCode.invalidParameters, message };
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
    return {
      status: 413,
      code: ErrorCode.payloadTooLarge,
      message: `body is larger than the limit of ${bodyLimit} bytes`,
    };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return { status: 400, code: ErrorCode.invalidParameters, message: plainFrameworkMessage(error) };
  }
  return { status: 500, code: ErrorCode.internal, message: 'internal error' };
}

function internalMessage(error: AppError): string {
  return `internal error: ${error.message}`;
}

function plainFrameworkMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return 'the URL is not valid (bad percent-encoding)';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'body must be a JSON object';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'Content-Length does not match the body';
    default:
      return error.message || 'invalid request';
  }
}
