import { Ajv, type ErrorObject } from 'ajv';
import { invalid } from '../domain/errors.js';
import { MAX_SAFE_INTEGER } from '../domain/limits.js';
import type { RecordInput } from '../domain/record.js';
import { RECORD_ID_PATTERN, RecordInputSchema, TEXT_PATTERN } from './schemas.js';

const common = { allErrors: false, strict: false } as const;
/** Bodies are JSON and keep their types: `"timestamp": "123"` is a wrong type, not a number. */
export const bodyValidator = new Ajv({ ...common, coerceTypes: false });
/**
 * Query strings and path parameters are text: their numbers are coerced ("50" → 50). Errors
 * carry the value (`verbose`), so a too-large id can be told from one that is not a number.
 */
export const queryValidator = new Ajv({ ...common, coerceTypes: 'array', useDefaults: true, verbose: true });

/** Also registers `RecordInput` with the body validator, for the routes that refer to it by $ref. */
const validRecordInput = bodyValidator.compile(RecordInputSchema);

/** One record body (as in a batch item), checked as POST checks it; the error names the field. */
export function checkRecordInput(value: unknown, item: number): RecordInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`item ${item}: must be a JSON object`);
  }
  if (!validRecordInput(value)) {
    throw invalid(`item ${item}: ${describeValidationError(validRecordInput.errors ?? [], 'body')}`);
  }
  return value as RecordInput;
}

const patternMeaning: Record<string, string> = {
  [TEXT_PATTERN]: 'must not contain NUL characters',
  [RECORD_ID_PATTERN]: 'must be a positive whole number',
  '^[0-9]{1,16}$': 'must be a record id (a whole number)',
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
      // Digits, but more than the largest id: say so rather than "not a number".
      if (p.pattern === RECORD_ID_PATTERN && /^[0-9]*[1-9][0-9]*$/.test(String(error.data))) {
        return `${name} must be at most ${MAX_SAFE_INTEGER}`;
      }
      return `${name} ${patternMeaning[String(p.pattern)] ?? `must match ${p.pattern}`}`;
    default:
      return `${name} ${error.message ?? 'is invalid'}`;
  }
}
