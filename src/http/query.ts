import type { FastifyRequest } from 'fastify';
import { invalid } from '../domain/errors.js';

/**
 * Query strings as people write them: a parameter with an empty value (`?limit=`,
 * `?platform=`) counts as absent, and one given twice is refused by name rather than
 * read as "either". Unknown parameters are left alone (and ignored by the schema).
 */
export function normalizeQuery(known: readonly string[]) {
  return async (request: FastifyRequest): Promise<void> => {
    const query = request.query as Record<string, unknown>;
    for (const name of known) {
      const value = query[name];
      if (Array.isArray(value)) throw invalid(`${name} must be given once`);
      if (value === '') delete query[name];
    }
  };
}
