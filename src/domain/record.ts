import { type Static, Type } from 'typebox';
import { invalid } from './errors.js';
import { MAX_DETAIL_CHARS, MAX_SAFE_INTEGER, MAX_SHORT_FIELD_CHARS } from './limits.js';

/**
 * Text must be storable unchanged by every backend: PostgreSQL text cannot hold NUL,
 * and an unpaired UTF-16 surrogate has no UTF-8 form, so either would come back altered.
 * (Validated with the `u` flag, under which a lone surrogate is a code point of its own.)
 */
export const STORABLE_TEXT_PATTERN = '^[^\\u0000\\uD800-\\uDFFF]*$';

const shortText = (options: { minLength?: number } = {}) =>
  Type.String({ ...options, maxLength: MAX_SHORT_FIELD_CHARS, pattern: STORABLE_TEXT_PATTERN });

/** A stored record, in the contract's field order (the order clients see). */
export const ActivityRecordSchema = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  platform: Type.String(),
  serial: Type.String(),
  action_type: Type.String(),
  action_detail: Type.String(),
  username: Type.String(),
  timestamp: Type.Integer({ description: 'Unix time in seconds' }),
});
export type ActivityRecord = Static<typeof ActivityRecordSchema>;

/**
 * The body of `POST /api/v1/activity_log`. Optional fields also accept `null`, which
 * JSON encoders emit for unset values (Python's None, serde's Option) and which the
 * original API reads as absent. Unknown fields are ignored.
 */
export const NewRecordBodySchema = Type.Object({
  platform: shortText({ minLength: 1 }),
  serial: shortText({ minLength: 1 }),
  action_type: shortText({ minLength: 1 }),
  action_detail: Type.Optional(
    Type.Union([Type.String({ maxLength: MAX_DETAIL_CHARS, pattern: STORABLE_TEXT_PATTERN }), Type.Null()]),
  ),
  username: Type.Optional(Type.Union([shortText(), Type.Null()])),
  timestamp: Type.Optional(
    Type.Union([
      Type.Integer({ minimum: 0, maximum: MAX_SAFE_INTEGER, description: 'Unix time in seconds; default: now' }),
      Type.Null(),
    ]),
  ),
});
export type NewRecordBody = Static<typeof NewRecordBodySchema>;

/** What a store is asked to keep: every field present, defaults applied. */
export type NewRecord = Omit<ActivityRecord, 'id'>;

export const nowInSeconds = () => Math.floor(Date.now() / 1000);

/** Applies the contract's defaults and drops fields the contract does not know. */
export function toNewRecord(body: NewRecordBody, now: () => number = nowInSeconds): NewRecord {
  return {
    platform: body.platform,
    serial: body.serial,
    action_type: body.action_type,
    action_detail: body.action_detail ?? '',
    username: body.username ?? '',
    timestamp: body.timestamp ?? now(),
  };
}

/** The `{id}` of `DELETE /api/v1/activity_log/{id}`: digits only, so `1e3`, `0x10` or ` 5` are refused. */
export const RecordIdParamSchema = Type.Object({
  id: Type.String({ pattern: '^[0-9]+$', description: 'A record id: a positive whole number' }),
});

export function parseRecordId(raw: string): number {
  if (!/^[0-9]+$/.test(raw)) throw invalid('id must be a positive whole number');
  const id = Number(raw);
  if (id < 1) throw invalid('id must be a positive whole number');
  if (id > MAX_SAFE_INTEGER) throw invalid(`id must be at most ${MAX_SAFE_INTEGER}`);
  return id;
}
