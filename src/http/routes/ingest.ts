import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { batchItems, isNdjson, MAX_BATCH_BYTES, MAX_BATCH_RECORDS } from '../../api/batch.js';
import { EXAMPLE_BATCH_RESULT } from '../../api/examples.js';
import { checkRecordInput } from '../../api/validation.js';
import { AppError, ErrorCode, invalid } from '../../domain/errors.js';
import type { NewRecord } from '../../domain/fields.js';
import { toNewRecord } from '../../domain/record.js';
import type { Store } from '../../store/store.js';
import { ByteBudget } from '../byte-budget.js';
import { envelopeResponses, JSON_TYPE, ok } from '../envelope.js';
import { JSON_BODY_TYPES, NDJSON_BODY_TYPES, operation } from '../openapi.js';

/** Items parsed, checked and submitted together: the batch's memory is about this many records. */
const STEP = 1_000;
/**
 * Batch bodies in memory at once, across all clients: two of the largest. More clients wait
 * with their bodies unread, so memory stays bounded however many send 16 MiB batches; parsing
 * one batch still overlaps the commit of another.
 */
const BATCH_BYTES_IN_FLIGHT = 2 * MAX_BATCH_BYTES;
const utf8 = new TextDecoder('utf-8', { fatal: true });

type ItemResult = { id: number; duplicate?: true } | { code: number; message: string };

const ItemResultSchema = Type.Union([
  Type.Object(
    { id: Type.Integer({ minimum: 1 }), duplicate: Type.Optional(Type.Boolean()) },
    { description: 'Stored (or, with duplicate, already stored under this event_id)', additionalProperties: false },
  ),
  Type.Object(
    { code: Type.Integer(), message: Type.String() },
    { description: 'Not stored: why, naming the item', additionalProperties: false },
  ),
]);

const arrayBody = {
  schema: Type.Array(Type.Ref('RecordInput'), { maxItems: MAX_BATCH_RECORDS }),
};
const ndjsonBody = {
  schema: Type.String({ description: 'One record object per line; blank lines are ignored' }),
};

/**
 * Batch ingest (extensions §3): a JSON array, or NDJSON, of up to 10,000 records and 16 MiB.
 * One result per item in input order; a bad item fails alone; ids increase in input order;
 * when the answer is sent every added record is durable. Items go to the store in steps of
 * STEP through the same group commit as single writes (sharing their transactions).
 */
export const ingestRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  const budget = new ByteBudget(BATCH_BYTES_IN_FLIGHT);
  const shares = new WeakMap<object, () => void>();
  const giveBack = async (request: object) => shares.get(request)?.();
  // The body is kept as bytes and cut into items here: this plugin's own parser.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BATCH_BYTES }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    '/activity_log/batch',
    {
      bodyLimit: MAX_BATCH_BYTES,
      schema: {
        tags: ['activity log'],
        ...operation(
          'addRecords',
          'write',
          'Add many records at once (a JSON array, or NDJSON)',
          `At most ${MAX_BATCH_RECORDS} records and ${MAX_BATCH_BYTES / 1024 / 1024} MiB. NDJSON with an NDJSON Content-Type (application/x-ndjson and its aliases); any other Content-Type is read as a JSON array. One result per item, in input order: a bad item fails alone, valid items are stored, and every added record is durable when the answer is sent.`,
        ),
        body: {
          content: {
            ...Object.fromEntries(JSON_BODY_TYPES.map((type) => [type, arrayBody])),
            ...Object.fromEntries(NDJSON_BODY_TYPES.map((type) => [type, ndjsonBody])),
          },
        },
        response: envelopeResponses(
          Type.Object({
            added: Type.Integer({ minimum: 0 }),
            duplicates: Type.Integer({ minimum: 0 }),
            failed: Type.Integer({ minimum: 0 }),
            results: Type.Array(ItemResultSchema),
          }),
          { description: 'One result per item, in input order', example: EXAMPLE_BATCH_RESULT },
        ),
      },
      // The bytes are checked here, item by item; a schema over the whole body would parse it all at once.
      validatorCompiler: () => () => true,
      // After access checks, before the body is read: wait for room in the budget (a body without
      // a length counts as the largest allowed). Given back once answered, or when the client goes.
      preParsing: async (request) => {
        const length = Number(request.headers['content-length']);
        shares.set(request, await budget.take(Number.isFinite(length) ? length : MAX_BATCH_BYTES));
      },
      onResponse: giveBack,
      onRequestAbort: giveBack,
    },
    async (request, reply) => {
      const body = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
      const ndjson = isNdjson(request.headers['content-type']);
      const items = batchItems(body, ndjson);
      const text = (i: number) => {
        const [start, end] = items[i] as [number, number];
        return utf8.decode(body.subarray(start, end));
      };
      if (!ndjson) {
        // An array is one JSON text: if any item is malformed, the body is, and nothing is stored.
        for (let i = 0; i < items.length; i++) {
          try {
            JSON.parse(text(i));
          } catch {
            throw invalid('body is not valid JSON');
          }
        }
      }
      const results: ItemResult[] = new Array(items.length);
      for (let from = 0; from < items.length; from += STEP) {
        const pending: Promise<void>[] = [];
        for (let i = from; i < Math.min(from + STEP, items.length); i++) {
          let record: NewRecord;
          try {
            let value: unknown;
            try {
              value = JSON.parse(text(i));
            } catch {
              throw invalid(`item ${i}: not valid JSON`);
            }
            record = toNewRecord(checkRecordInput(value, i));
          } catch (error) {
            results[i] = itemError(error, i);
            continue;
          }
          pending.push(
            store.add(record).then(
              ({ id, duplicate }) => {
                results[i] = duplicate ? { id, duplicate } : { id };
              },
              (error: unknown) => {
                results[i] = itemError(error, i);
              },
            ),
          );
        }
        await Promise.all(pending);
      }
      const added = results.filter((r) => 'id' in r && !r.duplicate).length;
      const duplicates = results.filter((r) => 'id' in r && r.duplicate).length;
      const data = { added, duplicates, failed: results.length - added - duplicates, results };
      return reply.type(JSON_TYPE).send(JSON.stringify(ok(data)));
    },
  );
};

/** An item's failure as its result; a field error names the item, an internal one says so without internals. */
function itemError(error: unknown, item: number): { code: number; message: string } {
  if (error instanceof AppError && error.status < 500) {
    const message = error.message.startsWith('item ') ? error.message : `item ${item}: ${error.message}`;
    return { code: error.code, message };
  }
  return { code: ErrorCode.internal, message: `item ${item}: internal error: the record could not be stored` };
}
