import { invalid } from './errors.js';
import { EQUALITY_FIELDS, type EqualityName, FIELDS, type NewRecord } from './fields.js';

/**
 * Retention (extensions §8): `--retain-days N` keeps records for N days; `--retain-rule
 * FIELD=VALUE:DAYS` sets another age for records whose field has that value. When several
 * rules match one record the longest age wins: pruning never removes what any rule keeps.
 * Without --retain-days, records no rule matches are kept.
 */
export interface RetentionRule {
  field: EqualityName;
  value: string;
  days: number;
}

export interface Retention {
  /** Age in days for records no rule matches; undefined keeps them forever. */
  days?: number;
  rules: RetentionRule[];
}

/** The longest retention a flag may ask for: about 270 years, far beyond any timestamp's use. */
const MAX_DAYS = 100_000;
const DAY = 86_400;

export function parseRetentionDays(raw: string): number {
  const days = /^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(days >= 1 && days <= MAX_DAYS))
    throw invalid(`--retain-days must be a whole number of days from 1 to ${MAX_DAYS} (got "${raw}")`);
  return days;
}

/** `action_type=view:7` → { field: 'action_type', value: 'view', days: 7 }. */
export function parseRetentionRule(raw: string): RetentionRule {
  const match = /^([a-z_]+)=(.+):([0-9]+)$/.exec(raw);
  const usage = `--retain-rule must read FIELD=VALUE:DAYS, e.g. action_type=view:7 (got "${raw}")`;
  if (!match) throw invalid(usage);
  const [, field, value, days] = match as unknown as [string, string, string, string];
  if (!(EQUALITY_FIELDS as readonly string[]).includes(field)) {
    throw invalid(`--retain-rule: ${field} is not one of ${EQUALITY_FIELDS.join(', ')}`);
  }
  const spec = FIELDS[field as EqualityName];
  if (spec.kind === 'enum' && !(spec.values as readonly string[]).includes(value)) {
    throw invalid(`--retain-rule: ${field} must be one of ${spec.values.join(', ')}`);
  }
  return { field: field as EqualityName, value, days: parseRetentionDays(days) };
}

/** Whether anything is ever pruned. */
export const prunes = (retention: Retention) => retention.days !== undefined || retention.rules.length > 0;

/** The records older than this may be pruned (the shortest age of all); none if nothing prunes. */
export function oldestKept(retention: Retention, now: number): number | undefined {
  const ages = [...(retention.days === undefined ? [] : [retention.days]), ...retention.rules.map((r) => r.days)];
  return ages.length === 0 ? undefined : now - Math.min(...ages) * DAY;
}

/** The age in days that applies to a record, or undefined when it is kept forever. */
export function ageOf(retention: Retention, record: NewRecord): number | undefined {
  let days: number | undefined;
  for (const rule of retention.rules) {
    if (record[rule.field] === rule.value) days = Math.max(days ?? 0, rule.days);
  }
  return days ?? retention.days;
}

/** Whether a record is past its retention at `now` (Unix seconds). */
export function expired(retention: Retention, record: NewRecord, now: number): boolean {
  const days = ageOf(retention, record);
  return days !== undefined && record.timestamp < now - days * DAY;
}

/** Which rule (or the default) decides a record's age, for the dry run's report. */
export function decidingRule(retention: Retention, record: NewRecord): string {
  let best: RetentionRule | undefined;
  for (const rule of retention.rules) {
    if (record[rule.field] === rule.value && (!best || rule.days > best.days)) best = rule;
  }
  return best ? `${best.field}=${best.value}:${best.days}` : `--retain-days ${retention.days}`;
}
