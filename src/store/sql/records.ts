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

/**
 * Where each field of a record comes from, worked out once from the registry: the id column, a
 * label of the label set, or a row column; how it is written; and its JSON key, pre-quoted.
 * Rows are turned into records, JSON and CSV cells by walking this list (the hot path of pages
 * and exports), not by looking each field up again per row.
 */
interface FieldAccess {
  name: FieldName;
  /** `"name":` */
  key: string;
  from: 'id' | 'label' | 'column';
  at: number;
  kind: (typeof FIELDS)[FieldName]['kind'];
  /** An absent extension label (status) is '' in its label set; contract labels are always there. */
  emptyIsAbsent: boolean;
}

const ACCESS: readonly FieldAccess[] = FIELD_NAMES.map((name) => {
  const label = LABEL_AT.get(name);
  return {
    name,
    key: `${JSON.stringify(name)}:`,
    from: name === 'id' ? 'id' : label !== undefined ? 'label' : 'column',
    at: name === 'id' ? 0 : (label ?? (COLUMN_AT.get(name) as number)),
    kind: FIELDS[name].kind,
    emptyIsAbsent: label !== undefined && FIELDS[name].origin === 'extension',
  };
});

/** A field's value in a row: undefined where absent; object fields as their stored JSON text. */
function valueIn(field: FieldAccess, row: RecordRow, labels: Labels): unknown {
  if (field.from === 'label') {
    const value = labels[field.at];
    return field.emptyIsAbsent && value === ABSENT ? undefined : value;
  }
  const value = row[field.at];
  if (value === null || value === undefined) return undefined;
  return typeof value === 'bigint' ? Number(value) : value;
}

/** A row and its labels as the record clients see, fields in registry order. */
export function rowToRecord(row: RecordRow, labels: Labels): ActivityRecord {
  const out: Record<string, unknown> = {};
  for (const field of ACCESS) {
    const value = valueIn(field, row, labels);
    if (value === undefined) continue;
    out[field.name] = field.kind === 'object' ? JSON.parse(value as string) : value;
  }
  return out as ActivityRecord;
}

/**
 * The same record as JSON text, byte for byte what JSON.stringify(rowToRecord(...)) gives
 * (a property test checks it), without making an object per row. Stored object fields are
 * already compact JSON and are copied as they are; integers are written as they are.
 */
export function rowToJson(row: RecordRow, labels: Labels): string {
  let out = '';
  for (const field of ACCESS) {
    const value = valueIn(field, row, labels);
    if (value === undefined) continue;
    const text =
      field.kind === 'object' ? (value as string) : typeof value === 'number' ? String(value) : JSON.stringify(value);
    out += out === '' ? `{${field.key}${text}` : `,${field.key}${text}`;
  }
  return out === '' ? '{}' : `${out}}`;
}

/**
 * A row's field values in record order (undefined where absent, object fields as their JSON
 * text), each passed through `as` on the way, so that an export writes its cells in one pass.
 */
export function rowValues<T = unknown>(row: RecordRow, labels: Labels, as?: (value: unknown) => T): T[] {
  const out = new Array<T>(ACCESS.length);
  for (let i = 0; i < ACCESS.length; i++) {
    const value = valueIn(ACCESS[i] as FieldAccess, row, labels);
    out[i] = as ? as(value) : (value as T);
  }
  return out;
}

/** Text with `%`, `_` and the escape character escaped, for `LIKE ... ESCAPE '\'`. */
export const likeContaining = (needle: string) => `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
