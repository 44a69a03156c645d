import { type TSchema, Type } from 'typebox';
import {
  EQUALITY_FIELDS,
  type EqualityName,
  FIELD_NAMES,
  FIELDS,
  type FieldName,
  type FieldSpec,
} from '../domain/fields.js';
import {
  DEFAULT_PAGE_LIMIT,
  DEFAULT_STATS_LIMIT,
  MAX_PAGE_LIMIT,
  MAX_QUERY_CHARS,
  MAX_SAFE_INTEGER,
  MAX_STATS_LIMIT,
} from '../domain/limits.js';
import { GROUP_KEYS } from '../domain/stats.js';

/**
 * The wire schemas of the API, derived from the field registry (src/domain/fields.ts): request
 * bodies, query strings and answers. They drive validation, the OpenAPI document and the types.
 */

/**
 * No NUL in text (PostgreSQL cannot store it). Written so that every JSON-Schema engine compiles
 * it and it accepts emoji: `\x00` is an escape that ECMAScript (with and without the `u` flag),
 * RE2, PCRE, Python, Java and .NET all read the same way (`\u0000` is not: RE2 and PCRE refuse
 * it), and the class has no surrogate ranges, so it holds whether an engine counts UTF-16 units
 * or code points. Unpaired surrogates are refused in code.
 */
export const TEXT_PATTERN = '^[^\\x00]*$';

/**
 * A regular expression for the decimal numbers from 1 to `max`, leading zeros allowed: exactly
 * what `parseRecordId` accepts, so that validators that read the OpenAPI document agree with the
 * server (a string with `^[0-9]+$` and a maximum cannot be said in JSON Schema; an integer would
 * let validators coerce `1e3` or `0x10`, which the server refuses). Only constructs every engine
 * has: anchors, groups, alternation, classes and counted repeats.
 */
export function decimalAtMostPattern(max: number): string {
  const digits = String(max);
  const n = digits.length;
  const alternatives: string[] = [];
  if (n > 1) alternatives.push(`[1-9]${n > 2 ? `[0-9]{0,${n - 2}}` : ''}`);
  for (let i = 0; i < n; i++) {
    const low = i === 0 ? 1 : 0;
    const high = Number(digits[i]) - 1;
    if (high < low) continue;
    const range = low === high ? String(low) : `[${low}-${high}]`;
    const rest = n - i - 1;
    alternatives.push(`${digits.slice(0, i)}${range}${rest === 0 ? '' : rest === 1 ? '[0-9]' : `[0-9]{${rest}}`}`);
  }
  alternatives.push(digits);
  return `^0*(${alternatives.join('|')})$`;
}

/** The path's `{id}`: 1 … 2^53−1 in decimal digits. */
export const RECORD_ID_PATTERN = decimalAtMostPattern(MAX_SAFE_INTEGER);

function valueSchema(name: FieldName, spec: FieldSpec): TSchema {
  const common = { description: spec.description, examples: [spec.example] };
  switch (spec.kind) {
    case 'id':
      return Type.Integer({ minimum: 1, maximum: MAX_SAFE_INTEGER, ...common });
    case 'text':
      return Type.String({
        ...(spec.minChars > 0 ? { minLength: spec.minChars } : {}),
        maxLength: spec.maxChars,
        pattern: TEXT_PATTERN,
        ...common,
      });
    case 'enum':
      return Type.Unsafe<string>({ type: 'string', enum: [...spec.values], ...common });
    case 'integer':
      return Type.Integer({ minimum: spec.min, maximum: spec.max, ...common });
    case 'object':
      return Type.Object({}, { additionalProperties: true, ...common, description: `${name}: ${spec.description}` });
  }
}

/**
 * The body of `POST /api/v1/activity_log` (and each item of a batch): required fields as they
 * are, every other field optional and nullable (`null` means not given, as JSON encoders write
 * for unset values). Unknown fields are allowed and ignored.
 */
export const RecordInputSchema = Type.Object(
  Object.fromEntries(
    FIELD_NAMES.filter((name) => name !== 'id').map((name) => {
      const spec = FIELDS[name];
      const schema = valueSchema(name, spec);
      return [name, 'required' in spec && spec.required ? schema : Type.Optional(Type.Union([schema, Type.Null()]))];
    }),
  ),
  {
    $id: 'RecordInput',
    description:
      'A record to add: platform, serial and action_type are required; every other field is optional, and null means not given. Unknown fields are ignored.',
  },
);

/** A stored record as answers show it: the contract's fields always, extension fields when given. */
export const RecordSchema = Type.Object(
  Object.fromEntries(
    FIELD_NAMES.map((name) => {
      const spec = FIELDS[name];
      const schema = valueSchema(name, spec);
      return [name, spec.origin === 'contract' ? schema : Type.Optional(schema)];
    }),
  ),
  {
    $id: 'ActivityRecord',
    additionalProperties: false,
    description:
      "A stored record: the contract's seven fields always, in this order, then the extension fields that were given",
  },
);

function equalitySchema(name: EqualityName): TSchema {
  const spec = FIELDS[name];
  const description = `Only records whose ${name} is exactly this value; empty means no filter`;
  if (spec.kind === 'enum') return Type.Unsafe<string>({ type: 'string', enum: [...spec.values], description });
  return Type.String({ maxLength: spec.maxChars, pattern: TEXT_PATTERN, description });
}

const time = (description: string) =>
  Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_SAFE_INTEGER, description }));

/** The filters of extensions §2, shared by every endpoint that selects records. */
export const FILTER_PROPERTIES = {
  ...(Object.fromEntries(
    EQUALITY_FIELDS.map((name) => [name, Type.Optional(equalitySchema(name))]),
  ) as unknown as Record<EqualityName, TSchema>),
  since: time('Only records with timestamp >= since (Unix seconds)'),
  until: time('Only records with timestamp < until (Unix seconds)'),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: MAX_QUERY_CHARS,
      pattern: TEXT_PATTERN,
      description: 'A substring of action_detail or error; ASCII letters match in any case',
    }),
  ),
};
export const FilterQuerySchema = Type.Object(FILTER_PROPERTIES);

export const ListQuerySchema = Type.Object({
  ...FILTER_PROPERTIES,
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: `Records per page (default ${DEFAULT_PAGE_LIMIT}; values above ${MAX_PAGE_LIMIT} are clamped)`,
    }),
  ),
  offset: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: MAX_SAFE_INTEGER,
      description: 'Records to skip; its cost grows with its size, prefer before_id for deep pages',
    }),
  ),
  before_id: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_SAFE_INTEGER,
      description: 'Only records with an id below this one (cursor paging at constant cost)',
    }),
  ),
});

export const StatsQuerySchema = Type.Object({
  ...FILTER_PROPERTIES,
  group_by: Type.Optional(
    Type.String({
      maxLength: 100,
      description: `None, one or two of ${GROUP_KEYS.join(', ')}, comma-separated`,
    }),
  ),
  tz: Type.Optional(
    Type.String({
      maxLength: 64,
      description:
        'Where day and hour buckets begin: an IANA zone (Europe/Amsterdam) or an offset (+05:30); default UTC',
    }),
  ),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: `Groups returned (default ${DEFAULT_STATS_LIMIT}; values above ${MAX_STATS_LIMIT} are clamped)`,
    }),
  ),
});

const nullableKey = Type.Union([Type.String(), Type.Null()]);
export const StatsSchema = Type.Object(
  {
    total: Type.Integer({ description: 'Every matching record (equal to count with the same filters)' }),
    truncated: Type.Boolean({ description: 'More groups matched than limit' }),
    groups: Type.Array(
      Type.Object(
        {
          ...(Object.fromEntries(GROUP_KEYS.map((key) => [key, Type.Optional(nullableKey)])) as Record<
            string,
            TSchema
          >),
          count: Type.Integer(),
          last_timestamp: Type.Integer({ description: 'The largest timestamp in the group' }),
        },
        {
          description:
            'The group_by keys in the order given (null where a record lacks the field), then count and last_timestamp',
        },
      ),
    ),
  },
  { $id: 'Stats', description: 'Counts by up to two keys (extensions §4)' },
);

/** Schemas with an `$id`: shared by the routes, components of the OpenAPI document and of the client's types. */
export const SHARED_SCHEMAS = [RecordInputSchema, RecordSchema, StatsSchema] as const;

/** The `{id}` of `DELETE /api/v1/activity_log/{id}`: digits only, so `1e3`, `0x10` or ` 5` are refused. */
export const RecordIdParamSchema = Type.Object({
  id: Type.String({
    pattern: RECORD_ID_PATTERN,
    description: `A record id: decimal digits only, from 1 to ${MAX_SAFE_INTEGER}`,
    examples: ['1'],
  }),
});
