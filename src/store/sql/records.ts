import {
  type ActivityRecord,
  COLUMN_FIELDS,
  type ColumnName,
  FIELD_NAMES,
  FIELDS,
  type FieldName,
  LABEL_FIELDS,
  type NewRecord,
} from '../../domain/fields.js';
import { compactJson } from '../../domain/record.js';
import { ABSENT, type Labels } from '../series.js';

/**
 * How records meet SQL in both stores, derived from the field registry: a record row is the id,
 * the label set's id, then the `stored: 'column'` fields in registry order; labels come from
 * the label set. A new column field is a registry entry and a migration, nothing here.
 */
export const ROW_COLUMNS: readonly string[] = ['id', 'series_id', ...COLUMN_FIELDS];
export const ROW_SELECT = ROW_COLUMNS.join(', ');
/** The columns an insert writes (the id is assigned by the database). */
export const INSERT_COLUMNS: readonly string[] = ['series_id', ...COLUMN_FIELDS];

/** A row as the drivers return it in array mode, in ROW_COLUMNS order. */
export type RecordRow = readonly unknown[];

const COLUMN_AT = new Map(COLUMN_FIELDS.map((name, i) => [name as FieldName, i + 2]));
const LABEL_AT = new Map(LABEL_FIELDS.map((name, i) => [name as FieldName, i]));

/** The values of INSERT_COLUMNS for a record: absent extension fields are NULL, objects compact JSON. */
export function insertValues(record: NewRecord, seriesId: number): unknown[] {
  return [
    seriesId,
    ...COLUMN_FIELDS.map((name: ColumnName) => {
      const value = record[name];
      if (value === undefined) return null;
      return FIELDS[name].kind === 'object' ? compactJson(value as Record<string, unknown>) : value;
    }),
  ];
}

/** A row and its labels as the record clients see, fields in registry order. */
export function rowToRecord(row: RecordRow, labels: Labels): ActivityRecord {
  const out: Record<string, unknown> = {};
  for (const name of FIELD_NAMES) {
    const value = fieldValue(name, row, labels);
    if (value === undefined) continue;
    out[name] = FIELDS[name].kind === 'object' ? JSON.parse(value as string) : value;
  }
  return out as ActivityRecord;
}

/**
 * The same record as JSON text, byte for byte what JSON.stringify(rowToRecord(...)) gives
 * (a property test checks it), without making an object per row. Stored object fields are
 * already compact JSON and are copied as they are.
 */
export function rowToJson(row: RecordRow, labels: Labels): string {
  let out = '{';
  for (const name of FIELD_NAMES) {
    const value = fieldValue(name, row, labels);
    if (value === undefined) continue;
    if (out.length > 1) out += ',';
    out += `"${name}":${FIELDS[name].kind === 'object' ? value : JSON.stringify(value)}`;
  }
  return `${out}}`;
}

/** A row's field values in record order: undefined where absent, object fields as their JSON text. */
export const rowValues = (row: RecordRow, labels: Labels): unknown[] =>
  FIELD_NAMES.map((name) => fieldValue(name, row, labels));

function fieldValue(name: FieldName, row: RecordRow, labels: Labels): unknown {
  if (name === 'id') return Number(row[0]);
  const label = LABEL_AT.get(name);
  if (label !== undefined) {
    const value = labels[label] as string;
    // An absent extension label (status) is '' in its label set; contract labels are always there.
    return value === ABSENT && FIELDS[name].origin === 'extension' ? undefined : value;
  }
  const value = row[COLUMN_AT.get(name) as number];
  if (value === null || value === undefined) return undefined;
  return typeof value === 'bigint' ? Number(value) : value;
}

/** Text with `%`, `_` and the escape character escaped, for `LIKE ... ESCAPE '\'`. */
export const likeContaining = (needle: string) => `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
