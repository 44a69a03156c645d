import type { components, operations } from './openapi.js';

/** The wire types, as the served OpenAPI document (./openapi.ts, generated) defines them. */
export type ActivityRecord = components['schemas']['ActivityRecord'];
/** A record to add: platform, serial and action_type required, every other field optional. */
export type RecordInput = components['schemas']['RecordInput'];
export type Stats = components['schemas']['Stats'];
export type StatsGroup = Stats['groups'][number];

type Query<Id extends keyof operations> = NonNullable<operations[Id]['parameters']['query']>;
type Data<Id extends keyof operations> = operations[Id]['responses'][200]['content'] extends {
  'application/json': { data: infer D };
}
  ? D
  : never;

/** The filters every selecting endpoint takes (extensions §2). */
export type Filter = Query<'countRecords'>;
/** One page of `GET /api/v1/activity_log`: the filters, `limit`, `offset`, `before_id`. */
export type PageQuery = Query<'listRecords'>;
/** `group_by` may also be given as a list of keys. */
export type StatsQuery = Omit<Query<'getStats'>, 'group_by'> & { group_by?: string | readonly string[] };
export type ExportFormat = NonNullable<Query<'exportRecords'>['format']>;

export type AddResult = Data<'addRecord'>;
export type BatchResult = Data<'addRecords'>;
export type ItemResult = BatchResult['results'][number];

/** What a live tail delivers: a new record, or that records went away (deletes are not replayed on resume). */
export type TailEvent =
  | { type: 'record'; record: ActivityRecord }
  | { type: 'delete'; id: number }
  | { type: 'delete_all' };
