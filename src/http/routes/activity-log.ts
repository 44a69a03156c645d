import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../../domain/errors.js';
import { CountQuerySchema, ListQuerySchema, toFilter, toPage } from '../../domain/filter.js';
import {
  ActivityRecordSchema,
  NewRecordBodySchema,
  parseRecordId,
  RecordIdParamSchema,
  toNewRecord,
} from '../../domain/record.js';
import type { Store } from '../../store/store.js';
import { envelopeResponses, JSON_TYPE, ok, okJson } from '../envelope.js';
import { normalizeQuery } from '../query.js';

const tags = ['activity log'];

/** The five endpoints of the TikMatrix Activity Log API (docs/api.md), under /api/v1. */
export const activityLogRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.post(
    '/activity_log',
    {
      schema: {
        tags,
        summary: 'Add a record',
        body: NewRecordBodySchema,
        response: envelopeResponses(Type.Object({ id: Type.Integer() })),
      },
    },
    async (request) => ok({ id: await store.add(toNewRecord(request.body)) }),
  );

  app.get(
    '/activity_log',
    {
      preValidation: normalizeQuery(Object.keys(ListQuerySchema.properties)),
      schema: {
        tags,
        summary: 'List records, newest first',
        querystring: ListQuerySchema,
        response: envelopeResponses(Type.Array(ActivityRecordSchema)),
      },
    },
    // The store hands over the page as JSON text: no object per row on the hot path.
    async (request, reply) =>
      reply.type(JSON_TYPE).send(okJson(await store.listJson(toFilter(request.query), toPage(request.query)))),
  );

  app.get(
    '/activity_log/count',
    {
      preValidation: normalizeQuery(Object.keys(CountQuerySchema.properties)),
      schema: {
        tags,
        summary: 'Count records matching the filters',
        querystring: CountQuerySchema,
        response: envelopeResponses(Type.Object({ count: Type.Integer() })),
      },
    },
    async (request) => ok({ count: await store.count(toFilter(request.query)) }),
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

  // `count` is a literal path, never an id: DELETE on it is an unknown route, not a bad id.
  app.delete('/activity_log/count', { schema: { hide: true } }, (_request, reply) => reply.callNotFound());

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
