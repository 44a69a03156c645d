import { activeFields, type Filter, type FilterField } from '../domain/filter.js';

/**
 * SQL shared by the SQL backends: the same statement shape for every filter
 * combination, with placeholders in each backend's style. Values are always bound,
 * never spliced: only column names from FILTER_FIELDS reach the text.
 */
export type Placeholder = (position: number) => string;

export const RECORD_COLUMNS = 'id, platform, serial, action_type, action_detail, username, timestamp';

/** A short key naming the filtered columns, e.g. `ps` for platform+serial (also an index suffix). */
export const shapeKey = (fields: readonly FilterField[]) => fields.map((f) => f[0]).join('');

export interface Shape {
  key: string;
  fields: FilterField[];
}

export function shapeOf(filter: Filter): Shape {
  const fields = activeFields(filter);
  return { key: shapeKey(fields), fields };
}

export const filterValues = (shape: Shape, filter: Filter): string[] =>
  shape.fields.map((field) => filter[field] as string);

export function whereClause(conditions: string[]): string {
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
}

export const equalities = (fields: readonly FilterField[], placeholder: Placeholder) =>
  fields.map((field, i) => `${field} = ${placeholder(i + 1)}`);
