import { Ajv, type ErrorObject } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { TEXT_PATTERN } from '../api/schemas.js';

/**
 * Query strings and path parameters arrive as text, so their numbers are coerced
 * ("50" → 50). Bodies are JSON and keep their types: `"timestamp": "123"` is a wrong
 * type, not a number, as the contract says.
 */
export function registerValidators(app: FastifyInstance): void {
  const common = { allErrors: false, strict: false } as const;
  const coercing = new Ajv({ ...common, coerceTypes: 'array', useDefaults: true });
  const strict = new Ajv({ ...common, coerceTypes: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
}

const patternMeaning: Record<string, string> = {
  [TEXT_PATTERN]: 'must not contain NUL characters',
  '^[0-9]+$': 'must be a positive whole number',
};

const typeName: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  object: 'a JSON object',
  array: 'an array',
  boolean: 'true or false',
};

/** One plain sentence naming the field, from the first schema error. */
export function describeValidationError(errors: readonly ErrorObject[], part: string): string {
  // In `anyOf` (a field that may also be null) the first error is the informative one.
  const error = errors.find((e) => e.keyword !== 'anyOf' && e.keyword !== 'null') ?? errors[0];
  if (!error) return `${part} is invalid`;
  const field = error.instancePath.split('/').filter(Boolean).join('.');
  const name = field || (part === 'body' ? 'body' : part);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${String(p.missingProperty)} is required`;
    case 'type': {
      const types = String(p.type).split(',');
      return `${name} must be ${types.map((t) => typeName[t] ?? t).join(' or ')}`;
    }
    case 'minLength':
      return p.limit === 1 ? `${name} must not be empty` : `${name} must be at least ${p.limit} characters`;
    case 'maxLength':
      return `${name} must be at most ${p.limit} characters`;
    case 'minimum':
      return `${name} must be ${p.comparison} ${p.limit}`;
    case 'maximum':
      return `${name} must be ${p.comparison} ${p.limit}`;
    case 'enum':
      return `${name} must be one of ${(p.allowedValues as string[]).join(', ')}`;
    case 'pattern':
      return `${name} ${patternMeaning[String(p.pattern)] ?? `must match ${p.pattern}`}`;
    default:
      return `${name} ${error.message ?? 'is invalid'}`;
  }
}
