import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ActivityRecord, NewRecord } from '../../src/domain/fields.js';
import { type Filter, matches } from '../../src/domain/filter.js';
import { type GroupKey, groupObjects } from '../../src/domain/stats.js';
import { parseTimeZone } from '../../src/domain/time-zone.js';
import type { Store } from '../../src/store/store.js';
import { expectedStats, selectRecords } from '../helpers/oracle.js';

/** The whole truth about a store, kept in memory: what every answer is checked against. */
interface Model {
  records: ActivityRecord[];
  highestId: number;
}

type Command = fc.AsyncCommand<Model, Store>;

const T0 = 1_792_886_400;
const value = <T>(values: T[]) => fc.constantFrom(...values);
const recordArb: fc.Arbitrary<NewRecord> = fc.record(
  {
    platform: value(['tiktok', 'instagram', 'TikTok']),
    serial: value(['s1', 's2', 's3']),
    action_type: value(['post', 'follow']),
    action_detail: fc.oneof(fc.string({ maxLength: 12 }), value(['Captcha!', 'captcha', 'Ärger'])),
    username: value(['', 'u1', 'u2']),
    timestamp: fc.integer({ min: T0 - 7200, max: T0 + 7200 }),
    status: value(['success', 'failed', 'skipped'] as const),
    error: value(['CAPTCHA', 'timeout']),
    task_id: value(['t1', 't2']),
    duration_ms: fc.nat({ max: 1000 }),
    event_id: value(['e1', 'e2', 'e3']),
  },
  { requiredKeys: ['platform', 'serial', 'action_type', 'action_detail', 'username', 'timestamp'] },
);
const filterArb: fc.Arbitrary<Filter> = fc
  .record(
    {
      platform: value(['tiktok', 'instagram', 'TikTok', 'none']),
      serial: value(['s1', 's2', 's3']),
      action_type: value(['post', 'follow']),
      username: value(['u1', 'u2']),
      status: value(['success', 'failed', 'skipped']),
      task_id: value(['t1', 't2']),
      since: fc.integer({ min: T0 - 7200, max: T0 + 7200 }),
      until: fc.integer({ min: T0 - 3600, max: T0 + 9000 }),
      q: value(['captcha', 'CAPTCHA', 'ä', 'timeout']),
    },
    { requiredKeys: [] },
  )
  .filter((f) => f.since === undefined || f.until === undefined || f.since <= f.until);

class Add implements Command {
  constructor(readonly records: NewRecord[]) {}
  check = () => true;
  async run(model: Model, store: Store) {
    // Submitted together: they share a group-commit batch.
    const outcomes = await Promise.all(this.records.map((record) => store.add(record)));
    for (const [i, { id, duplicate }] of outcomes.entries()) {
      const record = this.records[i] as NewRecord;
      const first =
        record.event_id === undefined ? undefined : model.records.find((r) => r.event_id === record.event_id);
      if (first) {
        assert.deepEqual({ id, duplicate }, { id: first.id, duplicate: true });
        continue;
      }
      assert.equal(duplicate, false);
      assert.ok(id > model.highestId, `id ${id} must exceed every earlier id (${model.highestId})`);
      model.highestId = id;
      model.records.push({ id, ...record } as ActivityRecord);
    }
  }
  toString = () => `add(${JSON.stringify(this.records)})`;
}

class List implements Command {
  constructor(
    readonly filter: Filter,
    readonly limit: number,
    readonly offset: number,
    readonly cursorFromNewest: number | null,
  ) {}
  check = () => true;
  async run(model: Model, store: Store) {
    const beforeId = this.cursorFromNewest === null ? undefined : model.highestId + 1 - this.cursorFromNewest;
    const expected = selectRecords(model.records, this.filter)
      .filter((r) => beforeId === undefined || r.id < beforeId)
      .slice(this.offset, this.offset + this.limit);
    const page = { limit: this.limit, offset: this.offset, ...(beforeId !== undefined ? { beforeId } : {}) };
    assert.deepEqual(await store.list(this.filter, page), expected);
  }
  toString = () => `list(${JSON.stringify(this.filter)}, ${this.limit}, ${this.offset}, ${this.cursorFromNewest})`;
}

class Stats implements Command {
  constructor(
    readonly filter: Filter,
    readonly groupBy: GroupKey[],
    readonly tz: string,
  ) {}
  check = () => true;
  async run(model: Model, store: Store) {
    const zone = parseTimeZone(this.tz);
    const result = await store.stats(this.filter, { groupBy: this.groupBy, zone, limit: 1000 });
    assert.deepEqual(
      { total: result.total, truncated: result.truncated, groups: groupObjects(result, this.groupBy) },
      expectedStats(model.records, this.filter, this.groupBy, zone, 1000),
    );
    assert.equal(await store.count(this.filter), model.records.filter((r) => matches(r, this.filter)).length);
  }
  toString = () => `stats(${JSON.stringify(this.filter)}, ${this.groupBy}, ${this.tz})`;
}

class Delete implements Command {
  constructor(readonly pick: number) {}
  check = () => true;
  async run(model: Model, store: Store) {
    // Half the picks name a stored record, the rest an id that is gone or never was.
    const target =
      model.records.length > 0 && this.pick % 2 === 0 ? model.records[this.pick % model.records.length] : undefined;
    const id = target?.id ?? model.highestId + 1 + this.pick;
    assert.equal(await store.delete(id), target !== undefined);
    if (target) model.records = model.records.filter((r) => r.id !== id);
  }
  toString = () => `delete(${this.pick})`;
}

class DeleteMatching implements Command {
  constructor(readonly filter: Filter) {}
  check = () => Object.keys(this.filter).length > 0;
  async run(model: Model, store: Store) {
    const gone = model.records.filter((r) => matches(r, this.filter));
    assert.equal(await store.deleteMatching(this.filter), gone.length);
    model.records = model.records.filter((r) => !matches(r, this.filter));
  }
  toString = () => `deleteMatching(${JSON.stringify(this.filter)})`;
}

class DeleteAll implements Command {
  check = () => true;
  async run(model: Model, store: Store) {
    await store.deleteAll();
    model.records = [];
  }
  toString = () => 'deleteAll()';
}

const groupByArb = fc.oneof(
  fc.constant([] as GroupKey[]),
  fc.constantFrom<GroupKey>('platform', 'serial', 'status', 'task_id', 'day', 'hour').map((k) => [k]),
  fc.constantFrom<GroupKey[]>(['hour', 'status'], ['serial', 'day'], ['username', 'task_id']),
);

export const commands = [
  fc.array(recordArb, { minLength: 1, maxLength: 8 }).map((records) => new Add(records)),
  fc
    .tuple(
      filterArb,
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 0, max: 6 }),
      fc.option(fc.integer({ min: 0, max: 20 })),
    )
    .map(([filter, limit, offset, cursor]) => new List(filter, limit, offset, cursor)),
  fc
    .tuple(filterArb, groupByArb, value(['UTC', 'Europe/Amsterdam', '+05:30']))
    .map(([filter, groupBy, tz]) => new Stats(filter, groupBy, tz)),
  fc.nat({ max: 50 }).map((pick) => new Delete(pick)),
  filterArb.map((filter) => new DeleteMatching(filter)),
  fc.constant(new DeleteAll()),
];

export const emptyModel = (): Model => ({ records: [], highestId: 0 });
