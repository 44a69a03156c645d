import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CSV_HEADER, csvCell, csvLines } from '../../api/csv.js';
import { type QueryInput, toFilter } from '../../api/query.js';
import { FILTER_PROPERTIES } from '../../api/schemas.js';
import type { Filter } from '../../domain/filter.js';
import type { Labels } from '../../store/series.js';
import { type RecordRow, rowToJson, rowValues } from '../../store/sql/records.js';
import type { RowRenderer, Store } from '../../store/store.js';
import { operation } from '../openapi.js';
import { normalizeQuery } from '../query.js';

/**
 * Records read per step: enough to keep the socket busy, little enough that a step's rows and
 * text die young. A step's rows live until its text has been handed on, which can take several
 * turns of the event loop while the socket drains. At 2,000 records they outlived the cheap
 * collections, so each step was copied into the old generation and stayed until a full one.
 * Exporting 10M records, the heap went from 44 to ~205 MB and back between full collections,
 * and RSS peaked at ~440 MB. At 250 records a step (~40 KB of CSV, ~70 KB of NDJSON), they die
 * in the young generation, and the extra queries cost less than the collections did.
 */
const EXPORT_STEP = 250;

const FORMATS = {
  ndjson: { type: 'application/x-ndjson; charset=utf-8', extension: 'ndjson' },
  csv: { type: 'text/csv; charset=utf-8', extension: 'csv' },
} as const;
type Format = keyof typeof FORMATS;

export const ExportQuerySchema = Type.Object({
  ...FILTER_PROPERTIES,
  format: Type.Optional(
    Type.Unsafe<Format>({ type: 'string', enum: Object.keys(FORMATS), description: 'ndjson (default) or csv' }),
  ),
});

/**
 * Export (extensions §7): every matching record, oldest first, streamed with backpressure (the
 * next step is read only when the socket has taken the last), so memory stays flat whatever the
 * size. If the store fails midway the connection is aborted, so a partial file never looks whole.
 */
export const exportRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/activity_log/export',
    {
      preValidation: normalizeQuery(Object.keys(ExportQuerySchema.properties)),
      schema: {
        tags: ['export'],
        ...operation(
          'exportRecords',
          'read',
          'Download every matching record as NDJSON or CSV, oldest first',
          'Streamed with constant memory, as an attachment. If it fails midway the connection is aborted, so a partial file never looks whole. `actlog import` reads either format back to the same records (new ids).',
        ),
        querystring: ExportQuerySchema,
        response: {
          200: {
            description: 'The records, one per line (NDJSON) or row (CSV, with a header row)',
            content: {
              'application/x-ndjson': {
                schema: Type.String({
                  example:
                    '{"id":1,"platform":"tiktok","serial":"device_serial_123","action_type":"follow","action_detail":"","username":"user123","timestamp":1707725000}\n',
                }),
              },
              'text/csv': {
                schema: Type.String({
                  example:
                    'id,platform,serial,action_type,action_detail,username,timestamp,status,error,task_id,duration_ms,metadata,event_id\r\n1,tiktok,device_serial_123,follow,,user123,1707725000,,,,,,\r\n',
                }),
              },
            },
          },
          '4xx': Type.Ref('ErrorEnvelope'),
          '5xx': Type.Ref('ErrorEnvelope'),
        },
      },
    },
    async (request, reply) => {
      const query = request.query as QueryInput & { format?: Format };
      const format = query.format ?? 'ndjson';
      const filter = toFilter(query);
      const { type, extension } = FORMATS[format];
      const stamp = new Date()
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z');
      return reply
        .type(type)
        .header('content-disposition', `attachment; filename="actlog-${stamp}.${extension}"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(exportText(store, filter, format)));
    },
  );
};

async function* exportText(store: Store, filter: Filter, format: Format): AsyncGenerator<string> {
  if (format === 'csv') yield CSV_HEADER;
  let after = 0;
  // Each row is written as it is read, to one line of text (no object per row); the last id
  // read is where the next step starts.
  const line =
    format === 'csv' ? (row: RecordRow, labels: Labels) => rowValues(row, labels, csvCell).join(',') : rowToJson;
  const write: RowRenderer<string> = (row, labels) => {
    after = Math.max(after, row[0] as number);
    return line(row, labels);
  };
  for (;;) {
    const step = await store.ascending(filter, after, EXPORT_STEP, write);
    if (step.length === 0) return;
    yield format === 'csv' ? csvLines(step) : `${step.join('\n')}\n`;
    if (step.length < EXPORT_STEP) return;
  }
}
