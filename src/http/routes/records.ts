import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { type QueryInput, requireFilter, toFilter, toPage } from '../../api/query.js';
import {
  FilterQuerySchema,
  ListQuerySchema,
  RecordIdParamSchema,
  RecordInputSchema,
  RecordSchema,
} from '../../api/schemas.js';
import { notFound } from '../../domain/errors.js';
import { parseRecordId, type RecordInput, toNewRecord } from '../../domain/record.js';
import type { Store } from '../../store/store.js';
import { envelopeResponses, JSON_TYPE, ok, okJson } from '../envelope.js';
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
        summary: 'Add a record',
        body: RecordInputSchema,
        response: envelopeResponses(
          Type.Object({
            id: Type.Integer(),
            duplicate: Type.Optional(
              Type.Boolean({ description: 'Present (true) when the event_id was already taken' }),
            ),
          }),
        ),
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
        summary: 'List records, newest first',
        querystring: ListQuerySchema,
        response: envelopeResponses(Type.Array(RecordSchema)),
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
        summary: 'Count records matching the filters',
        querystring: FilterQuerySchema,
        response: envelopeResponses(Type.Object({ count: Type.Integer() })),
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
        summary: 'Delete every record matching the filters (at least one)',
        querystring: FilterQuerySchema,
        response: envelopeResponses(Type.Object({ deleted: Type.Boolean(), count: Type.Integer() })),
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
        summary: 'Delete every record (ids keep counting up)',
        response: envelopeResponses(Type.Object({ deleted: Type.Boolean(), message: Type.String() })),
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
        summary: 'Delete one record by id',
        params: RecordIdParamSchema,
        response: envelopeResponses(Type.Object({ deleted: Type.Boolean(), id: Type.Integer() })),
      },
    },
    async (request) => {
      const id = parseRecordId(request.params.id);
      if (!(await store.delete(id))) throw notFound(`no activity log with id ${id}`);
      return ok({ deleted: true, id });
    },
  );
};
