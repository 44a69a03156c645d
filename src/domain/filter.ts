import { type Static, Type } from 'typebox';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, MAX_SAFE_INTEGER, MAX_SHORT_FIELD_CHARS } from './limits.js';
import { STORABLE_TEXT_PATTERN } from './record.js';

/** The fields a client can filter by: exact, case-sensitive, combined with AND. */
export const FILTER_FIELDS = ['platform', 'serial', 'action_type'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];
export type Filter = Partial<Record<FilterField, string>>;

const filterValue = (field: string) =>
  Type.Optional(
    Type.String({
      maxLength: MAX_SHORT_FIELD_CHARS,
      pattern: STORABLE_TEXT_PATTERN,
      description: `Only records whose ${field} is exactly this value; empty means no filter`,
    }),
  );

export const CountQuerySchema = Type.Object({
  platform: filterValue('platform'),
  serial: filterValue('serial'),
  action_type: filterValue('action_type'),
});
export type CountQuery = Static<typeof CountQuerySchema>;

export const ListQuerySchema = Type.Object({
  ...CountQuerySchema.properties,
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
      description: 'Extension: only records with an id below this one (cursor paging at constant cost)',
    }),
  ),
});
export type ListQuery = Static<typeof ListQuerySchema>;

/** Where a page starts: `offset` records into the filtered list, after the optional `beforeId` cursor. */
export interface Page {
  limit: number;
  offset: number;
  beforeId?: number;
}

/** An empty value means no filter (the contract's rule 6). */
export function toFilter(query: CountQuery): Filter {
  const filter: Filter = {};
  for (const field of FILTER_FIELDS) {
    const value = query[field];
    if (value !== undefined && value !== '') filter[field] = value;
  }
  return filter;
}

export function toPage(query: ListQuery): Page {
  const page: Page = {
    limit: Math.min(query.limit ?? DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT),
    offset: query.offset ?? 0,
  };
  if (query.before_id !== undefined) page.beforeId = query.before_id;
  return page;
}

/** The fields a filter actually constrains, in FILTER_FIELDS order: a stable key for prepared statements. */
export const activeFields = (filter: Filter): FilterField[] =>
  FILTER_FIELDS.filter((field) => filter[field] !== undefined);
