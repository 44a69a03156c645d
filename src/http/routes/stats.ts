import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { EXAMPLE_STATS } from '../../api/examples.js';
import { type QueryInput, toFilter, toStatsQuery } from '../../api/query.js';
import { StatsQuerySchema } from '../../api/schemas.js';
import { groupObjects } from '../../domain/stats.js';
import type { Store } from '../../store/store.js';
import { envelopeResponses, JSON_TYPE, ok } from '../envelope.js';
import { operation } from '../openapi.js';
import { normalizeQuery } from '../query.js';

/** Statistics (extensions §4): counts and latest timestamps by up to two keys, from aggregates. */
export const statsRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/activity_log/stats',
    {
      preValidation: normalizeQuery(Object.keys(StatsQuerySchema.properties)),
      schema: {
        tags: ['statistics'],
        ...operation(
          'getStats',
          'read',
          'Count records by up to two keys (fields, local day or hour)',
          'With `group_by=day,action_type&tz=Europe/Amsterdam`: per local day and action, the count and the latest timestamp. Counts are exact (the same as count with the same filters).',
        ),
        querystring: StatsQuerySchema,
        response: envelopeResponses(Type.Ref('Stats'), {
          description: 'The total and the groups',
          example: EXAMPLE_STATS,
        }),
      },
    },
    async (request, reply) => {
      const query = request.query as QueryInput;
      const stats = toStatsQuery(query);
      const result = await store.stats(toFilter(query), stats);
      // Serialised here: a group's keys come in group_by order, which a fixed schema order would lose.
      const data = { total: result.total, truncated: result.truncated, groups: groupObjects(result, stats.groupBy) };
      return reply.type(JSON_TYPE).send(JSON.stringify(ok(data)));
    },
  );
};
