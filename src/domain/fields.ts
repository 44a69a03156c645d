import { MAX_SAFE_INTEGER } from './limits.js';

/**
 * The field registry: every field of a record, once, in the order clients see them. The wire
 * schemas (src/api), validation, the SQL of both stores, the filters, statistics and the
 * contract suite are derived from it, so the next field is one entry here.
 *
 * - `origin`: `contract` fields are always in a record (with their default when not given);
 *   `extension` fields (extensions §1) only when given, so a client of the original contract
 *   reads exactly the bytes it always did.
 * - `filter`: `equality` (exact match on `?name=`), `search` (the `q` substring search),
 *   `time` (the `since`/`until` range).
 * - `stored`: `label` fields form the record's label set (src/store/series.ts), stored once per
 *   distinct set; `column` fields are stored with each record.
 */

export const STATUSES = ['success', 'failed', 'skipped'] as const;
export type Status = (typeof STATUSES)[number];

interface Common {
  readonly origin: 'contract' | 'extension';
  readonly description: string;
  readonly example: unknown;
}
export interface TextField extends Common {
  readonly kind: 'text';
  readonly minChars: number;
  readonly maxChars: number;
  readonly required?: true;
  readonly filter?: 'equality' | 'search';
  readonly stored: 'label' | 'column';
}
export interface EnumField extends Common {
  readonly kind: 'enum';
  readonly values: readonly string[];
  readonly filter: 'equality';
  readonly stored: 'label';
}
export interface IntegerField extends Common {
  readonly kind: 'integer';
  readonly min: number;
  readonly max: number;
  readonly filter?: 'time';
  readonly stored: 'column';
}
export interface ObjectField extends Common {
  readonly kind: 'object';
  /** Size of the compact JSON text, in UTF-8 bytes. */
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly stored: 'column';
}
export interface IdField extends Common {
  readonly kind: 'id';
}
export type FieldSpec = TextField | EnumField | IntegerField | ObjectField | IdField;

/** Short fields are what people filter and group by; 255 keeps every index entry small. */
const SHORT = 255;

export const FIELDS = {
  id: {
    kind: 'id',
    origin: 'contract',
    description: 'Assigned by the server: unique, increasing, never reused',
    example: 123,
  },
  platform: {
    kind: 'text',
    origin: 'contract',
    minChars: 1,
    maxChars: SHORT,
    required: true,
    filter: 'equality',
    stored: 'label',
    description: 'The social platform, e.g. tiktok',
    example: 'tiktok',
  },
  serial: {
    kind: 'text',
    origin: 'contract',
    minChars: 1,
    maxChars: SHORT,
    required: true,
    filter: 'equality',
    stored: 'label',
    description: 'The device serial',
    example: 'device_serial_123',
  },
  action_type: {
    kind: 'text',
    origin: 'contract',
    minChars: 1,
    maxChars: SHORT,
    required: true,
    filter: 'equality',
    stored: 'label',
    description: 'What was done, e.g. post, follow, comment',
    example: 'post',
  },
  action_detail: {
    kind: 'text',
    origin: 'contract',
    minChars: 0,
    maxChars: 64 * 1024,
    filter: 'search',
    stored: 'column',
    description: 'Free text about the action; "" when not given',
    example: 'Published video successfully',
  },
  username: {
    kind: 'text',
    origin: 'contract',
    minChars: 0,
    maxChars: SHORT,
    filter: 'equality',
    stored: 'label',
    description: 'The account; "" when not given',
    example: 'user123',
  },
  timestamp: {
    kind: 'integer',
    origin: 'contract',
    min: 0,
    max: MAX_SAFE_INTEGER,
    filter: 'time',
    stored: 'column',
    description: 'Unix time in seconds; the server time when not given',
    example: 1707725000,
  },
  status: {
    kind: 'enum',
    origin: 'extension',
    values: STATUSES,
    filter: 'equality',
    stored: 'label',
    description: 'Outcome of the action',
    example: 'success',
  },
  error: {
    kind: 'text',
    origin: 'extension',
    minChars: 1,
    maxChars: 4096,
    filter: 'search',
    stored: 'column',
    description: 'What went wrong (usually with status failed)',
    example: 'Network timeout after 30 s',
  },
  task_id: {
    kind: 'text',
    origin: 'extension',
    minChars: 1,
    maxChars: SHORT,
    filter: 'equality',
    stored: 'column',
    description: 'The automation task or campaign the action belongs to',
    example: 'campaign-42',
  },
  duration_ms: {
    kind: 'integer',
    origin: 'extension',
    min: 0,
    max: 2_147_483_647,
    stored: 'column',
    description: 'How long the action took, in milliseconds',
    example: 5300,
  },
  metadata: {
    kind: 'object',
    origin: 'extension',
    maxBytes: 8 * 1024,
    maxDepth: 8,
    stored: 'column',
    description: 'Anything else, as a JSON object (at most 8 KiB as compact JSON, nesting depth at most 8)',
    example: { video_id: '7300000000000000123', app_version: '34.1.2' },
  },
  event_id: {
    kind: 'text',
    origin: 'extension',
    minChars: 1,
    maxChars: 128,
    stored: 'column',
    description: "The client's idempotency key: a repeat with the same event_id adds nothing",
    example: '0190c6d2-5a3b-7c1e-9f00-2b1d4e6f8a90',
  },
} as const satisfies Record<string, FieldSpec>;

type Fields = typeof FIELDS;
export type FieldName = keyof Fields;

type ValueOf<F> = F extends { kind: 'integer' | 'id' }
  ? number
  : F extends { kind: 'enum'; values: readonly (infer V)[] }
    ? V
    : F extends { kind: 'object' }
      ? Record<string, unknown>
      : string;
type ContractName = { [K in FieldName]: Fields[K]['origin'] extends 'contract' ? K : never }[FieldName];
type ExtensionName = Exclude<FieldName, ContractName>;

/** A stored record: the contract's fields always, the extension fields when they were given. */
export type ActivityRecord = { [K in ContractName]: ValueOf<Fields[K]> } & {
  [K in ExtensionName]?: ValueOf<Fields[K]>;
};
/** What a store is asked to keep: defaults applied, the id still to be assigned. */
export type NewRecord = Omit<ActivityRecord, 'id'>;

const entries = Object.entries(FIELDS) as [FieldName, FieldSpec][];
const namesWhere = <N extends FieldName>(test: (spec: FieldSpec) => boolean) =>
  entries.filter(([, spec]) => test(spec)).map(([name]) => name) as N[];

/** Every field, in record (output) order. */
export const FIELD_NAMES: readonly FieldName[] = entries.map(([name]) => name);
export const EXTENSION_FIELDS: readonly ExtensionName[] = namesWhere((s) => s.origin === 'extension');

/** The fields that form a record's label set, in record order. */
export type LabelName = { [K in FieldName]: Fields[K] extends { stored: 'label' } ? K : never }[FieldName];
export const LABEL_FIELDS: readonly LabelName[] = namesWhere((s) => 'stored' in s && s.stored === 'label');

/** Fields stored with each record (not in its label set), in record order, the id excluded. */
export type ColumnName = { [K in FieldName]: Fields[K] extends { stored: 'column' } ? K : never }[FieldName];
export const COLUMN_FIELDS: readonly ColumnName[] = namesWhere((s) => 'stored' in s && s.stored === 'column');

/** Fields a filter can name for an exact match (`?platform=tiktok`). */
export type EqualityName = { [K in FieldName]: Fields[K] extends { filter: 'equality' } ? K : never }[FieldName];
export const EQUALITY_FIELDS: readonly EqualityName[] = namesWhere((s) => 'filter' in s && s.filter === 'equality');

/** Fields the `q` text search looks in. */
export const SEARCH_FIELDS = namesWhere((s) => 'filter' in s && s.filter === 'search') as ('action_detail' | 'error')[];

export const fieldSpec = <N extends FieldName>(name: N): Fields[N] => FIELDS[name];
