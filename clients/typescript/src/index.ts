/**
 * The actlog client: `import { ActlogClient } from 'actlog/client'`. See docs/client.md.
 */
export { Batcher, type BatcherOptions, type BatcherStats } from './batcher.js';
export { ActlogClient, type CallOptions, type ClientOptions, DEFAULT_URL } from './client.js';
export {
  ActlogConnectionError,
  ActlogError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  ServerError,
  UnauthorizedError,
} from './errors.js';
export { withEventId } from './event-id.js';
export type { components, operations, paths } from './openapi.js';
export type { RetryOptions } from './retry.js';
export type * from './types.js';
