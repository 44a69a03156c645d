import { activeFields, type Filter, type FilterField, type Page } from '../domain/filter.js';

/**
 * SQL shared by the SQL backends: the same statement shape for every filter
 * combination, with placeholders in each backend's style. Values are always bound,
 * never spliced: only column names from FILTER_FIELDS reach the text.
 */
export type Placeholder = (position: number) => string;

/** A record's columns in the contract's field order (the order clients see). */
export const RECORD_FIELDS = [
  'id',
  'platform',
  'serial',
  'action_type',
  'action_detail',
  'username',
  'timestamp',
] as const;
export const RECORD_COLUMNS = RECORD_FIELDS.join(', ');

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

/** The bound values of a page query, in placeholder order: filter values, cursor, limit, offset. */
export function pageParams(shape: Shape, filter: Filter, page: Page): (string | number)[] {
  const params: (string | number)[] = filterValues(shape, filter);
  if (page.beforeId !== undefined) params.push(page.beforeId);
  params.push(page.limit, page.offset);
  return params;
}

/** A statement cache key: the filtered columns, whether a cursor is given, and the output form. */
export const pageKey = (shape: Shape, page: Page, json: boolean) =>
  `${shape.key}:${page.beforeId !== undefined}:${json}`;
