import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { EXAMPLE_RECORDS } from '../../api/examples.js';
import { type QueryInput, requireFilter, toFilter, toPage } from '../../api/query.js';
import { FilterQuerySchema, ListQuerySchema, RecordIdParamSchema } from '../../api/schemas.js';
import { notFound } from '../../domain/errors.js';
import { parseRecordId, type RecordInput, toNewRecord } from '../../domain/record.js';
import type { Store } from '../../store/store.js';
import { envelopeResponses, JSON_TYPE, ok, okJson } from '../envelope.js';
import { JSON_BODY_TYPES, operation } from '../openapi.js';
import { normalizeQuery } from '../query.js';

const tags = ['activity log'];

/**
 * The five endpoints of the TikMatrix Activity Log API (docs/api.md), with the extensions'
 * filters (extensions §2), idempotency keys (§3) and delete-matching (§5), under /api/v1.
 */
export const recordRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.post(
    '/activity_log',
    {
      schema: {
        tags,
        ...operation(
          'addRecord',
          'write',
          'Add a record',
          'The body is JSON whatever the Content-Type says (clients send it as application/json, text/plain or the form type `curl -d` uses). With an `event_id` that a stored record already has, nothing is added and the answer names that record with `"duplicate": true`.',
        ),
        consumes: JSON_BODY_TYPES,
        body: Type.Ref('RecordInput'),
        response: envelopeResponses(
          Type.Object({
            id: Type.Integer({
              minimum: 1,
              description: 'The id of the new record (or of the one with this event_id)',
            }),
            duplicate: Type.Optional(
              Type.Boolean({ description: 'Present (true) when the event_id was already taken' }),
            ),
          }),
          { description: 'The record is stored (durable) and has this id', example: { id: 1 } },
        ),
      },
      links: {
        200: {
          deleteRecord: {
            operationId: 'deleteRecord',
            parameters: { id: '$response.body#/data/id' },
            description: 'Delete the record just added',
          },
          listOlder: {
            operationId: 'listRecords',
            parameters: { before_id: '$response.body#/data/id' },
            description: 'List the records added before this one (the page that follows it, newest first)',
          },
          streamAfter: {
            operationId: 'streamRecords',
            parameters: { after_id: '$response.body#/data/id' },
            description: 'Stream every record added after this one',
          },
        },
      },
    },
    async (request) => {
      const { id, duplicate } = await store.add(toNewRecord(request.body as RecordInput));
      // A first write answers exactly as the original API does: `{"id": N}`.
      return ok(duplicate ? { id, duplicate } : { id });
    },
  );

  app.get(
    '/activity_log',
    {
      preValidation: normalizeQuery(Object.keys(ListQuerySchema.properties)),
      schema: {
        tags,
        ...operation(
          'listRecords',
          'read',
          'List records, newest first',
          'Filters combine with AND; an empty filter is no filter. For deep pages pass the last id of a page as `before_id` (constant cost) rather than a growing `offset`.',
        ),
        querystring: ListQuerySchema,
        response: envelopeResponses(Type.Array(Type.Ref('ActivityRecord')), {
          description: 'A page of records, newest first (empty past the end)',
          example: EXAMPLE_RECORDS,
        }),
      },
    },
    // The store hands over the page as JSON text: no object per row on the hot path.
    async (request, reply) => {
      const query = request.query as QueryInput;
      return reply.type(JSON_TYPE).send(okJson(await store.listJson(toFilter(query), toPage(query))));
    },
  );

  app.get(
    '/activity_log/count',
    {
      preValidation: normalizeQuery(Object.keys(FilterQuerySchema.properties)),
      schema: {
        tags,
        ...operation('countRecords', 'read', 'Count records matching the filters'),
        querystring: FilterQuerySchema,
        response: envelopeResponses(Type.Object({ count: Type.Integer({ minimum: 0 }) }), {
          description: 'How many records match',
          example: { count: 2 },
        }),
      },
    },
    async (request) => ok({ count: await store.count(toFilter(request.query as QueryInput)) }),
  );

  app.delete(
    '/activity_log',
    {
      preValidation: normalizeQuery(Object.keys(FilterQuerySchema.properties)),
      schema: {
        tags,
        ...operation(
          'deleteMatching',
          'write',
          'Delete every record matching the filters (at least one)',
          'Without any filter the answer is 40001; to delete everything use `DELETE /api/v1/activity_log/all`. Works in bounded steps, so other requests are served meanwhile.',
        ),
        querystring: FilterQuerySchema,
        response: envelopeResponses(Type.Object({ deleted: Type.Boolean(), count: Type.Integer({ minimum: 0 }) }), {
          description: 'How many records were deleted',
          example: { deleted: true, count: 2 },
        }),
      },
    },
    async (request) => {
      const filter = requireFilter(toFilter(request.query as QueryInput));
      return ok({ deleted: true, count: await store.deleteMatching(filter) });
    },
  );

  app.delete(
    '/activity_log/all',
    {
      schema: {
        tags,
        ...operation('deleteAllRecords', 'write', 'Delete every record (ids keep counting up)'),
        response: envelopeResponses(Type.Object({ deleted: Type.Boolean(), message: Type.String() }), {
          description: 'Every record is gone',
          example: { deleted: true, message: 'All activity logs deleted' },
        }),
      },
    },
    async () => {
      await store.deleteAll();
      return ok({ deleted: true, message: 'All activity logs deleted' });
    },
  );

  // `count` and `stats` are literal paths, never ids: DELETE on them is an unknown route, not a bad id.
  for (const literal of ['count', 'stats']) {
    app.delete(`/activity_log/${literal}`, { schema: { hide: true } }, (_request, reply) => reply.callNotFound());
  }

  app.delete(
    '/activity_log/:id',
    {
      schema: {
        tags,
        ...operation(
          'deleteRecord',
          'write',
          'Delete one record by id',
          'An id that does not exist (any more) is 404 with code 40401.',
        ),
        params: RecordIdParamSchema,
        response: envelopeResponses(Type.Object({ deleted: Type.Boolean(), id: Type.Integer({ minimum: 1 }) }), {
          description: 'The record is deleted',
          example: { deleted: true, id: 1 },
        }),
      },
    },
    async (request) => {
      const id = parseRecordId(request.params.id);
      if (!(await store.delete(id))) throw notFound(`no activity log with id ${id}`);
      return ok({ deleted: true, id });
    },
  );
};
