import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FILTER_FIELDS, type Filter } from '../../src/domain/filter.js';
import type { ActivityRecord, NewRecord } from '../../src/domain/record.js';
import type { Store } from '../../src/store/store.js';

/** The whole truth about a store, kept in memory: what every answer is checked against. */
interface Model {
  records: ActivityRecord[];
  highestId: number;
}

const matches = (record: NewRecord, filter: Filter) =>
  FILTER_FIELDS.every((field) => filter[field] === undefined || record[field] === filter[field]);
const newestFirst = (records: ActivityRecord[]) => [...records].sort((a, b) => b.id - a.id);

type Command = fc.AsyncCommand<Model, Store>;

const value = (values: string[]) => fc.constantFrom(...values);
const recordArb: fc.Arbitrary<NewRecord> = fc.record({
  platform: value(['tiktok', 'instagram', 'TikTok']),
  serial: value(['s1', 's2', 's3']),
  action_type: value(['post', 'follow']),
  action_detail: fc.string({ maxLength: 20 }),
  username: fc.string({ maxLength: 10 }),
  timestamp: fc.integer({ min: 0, max: 2_000_000_000 }),
});
const filterArb: fc.Arbitrary<Filter> = fc.record(
  {
    platform: value(['tiktok', 'instagram', 'TikTok', 'none']),
    serial: value(['s1', 's2', 's3']),
    action_type: value(['post', 'follow']),
  },
  { requiredKeys: [] },
);

class Add implements Command {
  constructor(readonly records: NewRecord[]) {}
  check = () => true;
  async run(model: Model, store: Store) {
    // Submitted together: they share a group-commit batch.
    const ids = await Promise.all(this.records.map((record) => store.add(record)));
    for (const [i, id] of ids.entries()) {
      assert.ok(id > model.highestId, `id ${id} must exceed every earlier id (${model.highestId})`);
      model.highestId = id;
      model.records.push({ id, ...(this.records[i] as NewRecord) });
    }
  }
  toString = () => `add(${this.records.length})`;
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
    const candidates = newestFirst(model.records.filter((r) => matches(r, this.filter)));
    const beforeId = this.cursorFromNewest === null ? undefined : model.highestId + 1 - this.cursorFromNewest;
    const expected = candidates
      .filter((r) => beforeId === undefined || r.id < beforeId)
      .slice(this.offset, this.offset + this.limit);
    const page = await store.list(this.filter, {
      limit: this.limit,
      offset: this.offset,
      ...(beforeId !== undefined ? { beforeId } : {}),
    });
    assert.deepEqual(page, expected);
  }
  toString = () => `list(${JSON.stringify(this.filter)}, ${this.limit}, ${this.offset}, ${this.cursorFromNewest})`;
}

class Count implements Command {
  constructor(readonly filter: Filter) {}
  check = () => true;
  async run(model: Model, store: Store) {
    assert.equal(await store.count(this.filter), model.records.filter((r) => matches(r, this.filter)).length);
  }
  toString = () => `count(${JSON.stringify(this.filter)})`;
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

class DeleteAll implements Command {
  check = () => true;
  async run(model: Model, store: Store) {
    await store.deleteAll();
    model.records = [];
  }
  toString = () => 'deleteAll()';
}

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
  filterArb.map((filter) => new Count(filter)),
  fc.nat({ max: 50 }).map((pick) => new Delete(pick)),
  fc.constant(new DeleteAll()),
];

export const emptyModel = (): Model => ({ records: [], highestId: 0 });
