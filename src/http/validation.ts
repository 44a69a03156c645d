import type { FastifyInstance } from 'fastify';
import { bodyValidator, queryValidator } from '../api/validation.js';

export { describeValidationError } from '../api/validation.js';

/**
 * Query strings and path parameters arrive as text, so their numbers are coerced
 * ("50" → 50). Bodies are JSON and keep their types: `"timestamp": "123"` is a wrong
 * type, not a number, as the contract says.
 */
export function registerValidators(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyValidator : queryValidator).compile(schema),
  );
}
