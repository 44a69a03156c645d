import { invalid } from './errors.js';
import {
  type ActivityRecord,
  EXTENSION_FIELDS,
  FIELDS,
  type FieldName,
  type NewRecord,
  type ObjectField,
  type TextField,
} from './fields.js';
import { MAX_SAFE_INTEGER } from './limits.js';

export type { ActivityRecord, NewRecord } from './fields.js';

/**
 * What a client may send for a record, after JSON Schema validation (src/api/schemas.ts): the
 * types and ranges are right, `null` stands for "not given", unknown fields are dropped.
 */
export type RecordInput = { [K in Exclude<FieldName, 'id'>]?: NewRecord[K] | null } & {
  platform: string;
  serial: string;
  action_type: string;
};

export const nowInSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Text must be storable unchanged by every backend: PostgreSQL text cannot hold NUL (refused by
 * the schema's pattern), and an unpaired UTF-16 surrogate has no UTF-8 form, so it would come
 * back altered. The surrogate rule is checked here, not in the schema, because no portable
 * JSON-Schema pattern can express it (engines without the `u` flag, or Rust's, cannot).
 */
/** With the `u` flag a valid pair is one code point, so only an unpaired surrogate is in category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

export function checkText(name: string, value: string): void {
  if (LONE_SURROGATE.test(value)) throw invalid(`${name} must not contain unpaired surrogates`);
  if (value.includes('\u0000')) throw invalid(`${name} must not contain NUL characters`);
}

/**
 * The record a store is asked to keep: the contract's defaults applied (`""`, the current
 * time), extension fields only when given, and the rules JSON Schema cannot state checked.
 */
export function toNewRecord(input: RecordInput, now: () => number = nowInSeconds): NewRecord {
  for (const [name, spec] of Object.entries(FIELDS)) {
    const value = (input as Record<string, unknown>)[name];
    if (typeof value === 'string' && spec.kind === 'text') checkText(name, value);
    if (value !== null && value !== undefined && spec.kind === 'object') checkObject(name, spec, value);
  }
  const record: NewRecord = {
    platform: input.platform,
    serial: input.serial,
    action_type: input.action_type,
    action_detail: input.action_detail ?? '',
    username: input.username ?? '',
    timestamp: input.timestamp ?? now(),
  };
  for (const name of EXTENSION_FIELDS) {
    const value = input[name];
    if (value !== null && value !== undefined) (record as Record<string, unknown>)[name] = value;
  }
  return record;
}

/** The compact JSON of an object field, as stored and returned. */
export const compactJson = (value: Record<string, unknown>) => JSON.stringify(value);

/**
 * `metadata`: at most `maxBytes` of compact JSON and `maxDepth` levels. Integers beyond 2^53-1
 * are refused rather than silently changed (JSON.parse already rounded them; a Python client
 * would read back a different number): large ids belong in strings.
 */
function checkObject(name: string, spec: ObjectField, value: unknown): void {
  const bytes = Buffer.byteLength(compactJson(value as Record<string, unknown>));
  if (bytes > spec.maxBytes) {
    throw invalid(`${name} must be at most ${spec.maxBytes} bytes as compact JSON (got ${bytes})`);
  }
  const walk = (node: unknown, depth: number, path: string): void => {
    if (typeof node === 'number' && Number.isInteger(node) && Math.abs(node) > MAX_SAFE_INTEGER) {
      throw invalid(`${path} is an integer beyond 2^53-1, which would lose precision; send it as a string`);
    }
    if (typeof node === 'string') checkText(path, node);
    if (node === null || typeof node !== 'object') return;
    if (depth > spec.maxDepth) throw invalid(`${name} must be nested at most ${spec.maxDepth} levels deep`);
    for (const [key, child] of Object.entries(node)) {
      checkText(`${path} key`, key);
      walk(child, depth + 1, Array.isArray(node) ? `${path}[${key}]` : `${path}.${key}`);
    }
  };
  walk(value, 1, name);
}

/** Field order of a record as clients see it: the registry's, extension fields only when present. */
export function orderedRecord(record: ActivityRecord): ActivityRecord {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(FIELDS)) {
    const value = (record as Record<string, unknown>)[name];
    if (value !== undefined) out[name] = value;
  }
  return out as ActivityRecord;
}

/** The `{id}` of `DELETE /api/v1/activity_log/{id}`: digits only, so `1e3`, `0x10` or ` 5` are refused. */
export function parseRecordId(raw: string): number {
  if (!/^[0-9]+$/.test(raw)) throw invalid('id must be a positive whole number');
  const id = Number(raw);
  if (id < 1) throw invalid('id must be a positive whole number');
  if (id > MAX_SAFE_INTEGER) throw invalid(`id must be at most ${MAX_SAFE_INTEGER}`);
  return id;
}

/** The text fields' limits, for messages and checks elsewhere. */
export const textSpec = (name: FieldName) => FIELDS[name] as TextField;
