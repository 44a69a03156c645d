import { Ajv, type ValidateFunction } from 'ajv';
import { type Document, OpenAPIBackend, type Operation } from 'openapi-backend';

/**
 * Checks answers against the OpenAPI document the server itself serves, with a real OpenAPI
 * validator (openapi-backend: it matches the request to an operation and validates the JSON
 * body against that operation's response schema for the status, ranges like 4XX included).
 * Every answer of `call()`/`postJson()` (test/helpers/server.ts) and every live-tail connection
 * of `SseClient` (test/helpers/sse.ts) against a server from `startServer` goes through it, so
 * every HTTP suite checks the document on every store.
 *
 * What is checked: the status is documented for the operation (exactly or as 2XX/4XX/5XX); the
 * Content-Type is one the document lists for it; a JSON body matches the schema; an NDJSON
 * export holds one documented ActivityRecord per line; a live tail's `record` events carry one.
 * A request that matches no operation (an unknown route, a wrong method) must be answered with
 * the documented ErrorEnvelope.
 *
 * Not checked, on purpose: HEAD and OPTIONS (no body; CORS preflights are not API operations);
 * paths outside the API that the document leaves out (`/`, `/docs`, `/openapi.json`, `/healthz`,
 * `/readyz`, `/metrics`); the cells of a CSV export (the document describes CSV as text; the
 * export suite checks the header and the round trip through `fromCsvRow`).
 */
export class AnswerChecker {
  private static readonly cache = new Map<string, Promise<AnswerChecker>>();

  private constructor(
    private readonly api: OpenAPIBackend,
    private readonly validRecord: ValidateFunction,
    private readonly validError: ValidateFunction,
  ) {}

  /** The checker for the document served at `url` (one per distinct document). */
  static async forServer(url: string): Promise<AnswerChecker> {
    const text = await (await fetch(`${url}/openapi.json`)).text();
    let checker = AnswerChecker.cache.get(text);
    if (!checker) {
      checker = AnswerChecker.build(JSON.parse(text));
      AnswerChecker.cache.set(text, checker);
    }
    return checker;
  }

  private static async build(document: Record<string, unknown>): Promise<AnswerChecker> {
    const api = new OpenAPIBackend({
      definition: document as unknown as Document,
      strict: true,
      quick: false,
      validate: true,
    });
    await api.init();
    const schemas = (api.definition.components?.schemas ?? {}) as Record<string, object>;
    const ajv = new Ajv({ strict: false, allErrors: true });
    return new AnswerChecker(
      api,
      ajv.compile(schemas.ActivityRecord as object),
      ajv.compile(schemas.ErrorEnvelope as object),
    );
  }

  /** A sentence naming the route, status and what is wrong, or undefined when the answer is as documented. */
  check(answer: { method: string; url: string; status: number; contentType: string | null; text: string }) {
    const method = answer.method.toUpperCase();
    const url = new URL(answer.url);
    if (method === 'HEAD' || method === 'OPTIONS' || !url.pathname.startsWith('/api/')) return undefined;
    const where = `${method} ${url.pathname} answered ${answer.status}`;
    const operation = this.api.router.matchOperation({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: {},
    }) as Operation | undefined;
    if (!operation) {
      // No such operation: an unknown route, which must still answer in the envelope.
      const body = parseJson(answer.text);
      if (answer.status < 400 || !this.validError(body)) {
        return `${where} for a route the document does not have, not with the ErrorEnvelope: ${answer.text.slice(0, 200)}`;
      }
      return undefined;
    }
    const name = `${where} (${operation.operationId})`;
    const responses = (operation.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>;
    const documented =
      responses[String(answer.status)] ?? responses[`${Math.floor(answer.status / 100)}XX`] ?? responses.default;
    if (!documented) return `${name}: status ${answer.status} is not documented`;
    const type = (answer.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const types = Object.keys(documented.content ?? {});
    if (answer.text === '' && types.length === 0) return undefined;
    if (!types.includes(type)) return `${name}: Content-Type ${type || '(none)'} is not one of ${types.join(', ')}`;
    if (type === 'application/json') {
      const body = parseJson(answer.text);
      if (body === undefined) return `${name}: the body is not JSON: ${answer.text.slice(0, 200)}`;
      const result = this.api.validator.validateResponse(body, operation, answer.status);
      if (result.errors?.length) return `${name}: ${describe(result.errors)}; body ${answer.text.slice(0, 300)}`;
    } else if (type === 'application/x-ndjson') {
      const lines = answer.text.split('\n');
      if (lines.pop() !== '') return `${name}: NDJSON does not end with a newline`;
      for (const [i, line] of lines.entries()) {
        if (!this.validRecord(parseJson(line))) {
          return `${name}: line ${i + 1} is not an ActivityRecord: ${describe(this.validRecord.errors ?? [])}`;
        }
      }
    }
    return undefined;
  }

  /** The data of a live tail's `record` event must be an ActivityRecord. */
  checkStreamRecord(data: string): string | undefined {
    return this.validRecord(parseJson(data))
      ? undefined
      : `GET /api/v1/activity_log/stream (streamRecords): a record event is not an ActivityRecord: ${describe(this.validRecord.errors ?? [])}; data ${data.slice(0, 300)}`;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const describe = (errors: readonly { instancePath?: string; message?: string }[]) =>
  errors.map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`).join('; ');
