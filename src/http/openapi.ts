import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { EXAMPLE_BATCH, EXAMPLE_INPUT, EXAMPLE_NDJSON } from '../api/examples.js';

/** What the server reads as JSON whatever the Content-Type says (body-parser.ts); listed so tools send any of them. */
export const JSON_BODY_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded'] as const;
/** What the batch endpoint reads as NDJSON (src/api/batch.ts, isNdjson). */
export const NDJSON_BODY_TYPES = [
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonlines',
] as const;

const ACCESS = `Without \`--token\` and \`--read-token\` the server needs no token (it then listens on loopback only).
With them, every call under \`/api/\` needs \`Authorization: Bearer <token>\`:

- the **full token** (\`--token\`, \`ACTLOG_TOKEN\`) may do everything;
- the **read-only token** (\`--read-token\`, \`ACTLOG_READ_TOKEN\`) may list, count, read statistics, export and
  stream; adding and deleting answer 403 with code 40301.

No or a wrong token: 401 with code 40101. A token never goes in a URL.`;

/** Who may call an operation when the server has tokens; shown in its description. */
export type Access = 'read' | 'write';

/**
 * The documentation fields of an operation: its operationId (the name generated clients use),
 * summary, and a description that ends with which token it needs.
 */
export function operation(operationId: string, access: Access, summary: string, description = '') {
  const needs =
    access === 'read'
      ? '**Token:** the read-only token or the full token, when the server has tokens.'
      : '**Token:** the full token, when the server has tokens (the read-only token gets 403, code 40301).';
  return { operationId, summary, description: description ? `${description}\n\n${needs}` : needs };
}

/** Request body examples by operationId: what "Try it out" pre-fills, per content type. */
const REQUEST_EXAMPLES: Record<string, Record<string, unknown>> = {
  addRecord: Object.fromEntries(JSON_BODY_TYPES.map((type) => [type, EXAMPLE_INPUT])),
  addRecords: {
    ...Object.fromEntries(JSON_BODY_TYPES.map((type) => [type, EXAMPLE_BATCH])),
    ...Object.fromEntries(NDJSON_BODY_TYPES.map((type) => [type, EXAMPLE_NDJSON])),
  },
};

type Json = Record<string, unknown>;

/**
 * What the route schemas cannot say, added to the generated document: request body examples,
 * and that an empty query parameter counts as absent (every query route normalises them,
 * src/http/query.ts).
 */
export function finishDocument(document: Json): Json {
  for (const path of Object.values((document.paths ?? {}) as Record<string, Record<string, Json>>)) {
    for (const op of Object.values(path)) {
      const examples = REQUEST_EXAMPLES[op.operationId as string];
      const content = (op.requestBody as { content?: Record<string, Json> } | undefined)?.content;
      if (examples && content) {
        for (const [type, media] of Object.entries(content)) {
          // The media objects of one body may be one shared object: give each its own.
          content[type] = { ...media, ...(type in examples ? { example: examples[type] } : {}) };
        }
      }
      for (const parameter of (op.parameters ?? []) as Json[]) {
        if (parameter.in !== 'query') continue;
        parameter.allowEmptyValue = true;
        const description = (parameter.description as string | undefined) ?? '';
        if (!/empty/i.test(description))
          parameter.description = `${description}${description ? '. ' : ''}Empty means not given.`;
      }
    }
  }
  return document;
}

/** The OpenAPI document is generated from the route schemas, so it cannot drift from them. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'actlog — Activity Log API',
        description: `A drop-in replacement for the TikMatrix Activity Log API. Every answer is the envelope \`{ code, message, data }\`.

${ACCESS}`,
        version,
        license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
      },
      servers: [{ url: '/', description: 'this server' }],
      tags: [
        { name: 'activity log', description: 'The original API (add, list, count, delete) and its extensions' },
        { name: 'statistics', description: 'Counts by device, account, action, status, task, day or hour' },
        { name: 'live', description: 'A live tail of new records (server-sent events)' },
        { name: 'export', description: 'Every matching record as a file' },
      ],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: ACCESS },
        },
      },
      // The empty requirement says what is true of a server started without tokens: none is needed.
      security: [{ bearer: [] }, {}],
    },
    // Shared schemas are components named by their $id (ActivityRecord, RecordInput, …), not def-0.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) ?? `def-${i}` },
    transformObject: (documents) => finishDocument((documents as unknown as { openapiObject: Json }).openapiObject),
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // The token typed into Authorize is kept in the page only, never in the browser's storage.
    uiConfig: { persistAuthorization: false, displayOperationId: true },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
