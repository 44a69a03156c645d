import type { Database } from 'better-sqlite3';
import { asciiLower, type Filter, hasTimeRange, isEmptyFilter } from '../../domain/filter.js';
import { HOUR } from '../cells.js';
import { choosePlan, type Driver, type DriverCosts } from '../plan.js';
import { ALL, type RecentIds, RING_SIZE, type Rollup } from '../rollup.js';
import { type SeriesRegistry, type SeriesSelection, sortedIndex } from '../series.js';
import { type RecordRow, ROW_SELECT } from '../sql/records.js';
import type { TaskTotals } from '../task-totals.js';
import { HourRecords, type KeptRange, SERIES_SPAN, totalsOfKept } from './hour-records.js';
import { MEMBER_BYTE_SQL, MemberFunction, memberBytes } from './member-function.js';
import { EMPTY, MaxHeap, type MergeCursor, MergeTiers } from './merge-heap.js';
import { LATEST_IN_OF_SQL, LATEST_IN_SQL } from './schema.js';
import { TrigramQuery } from './trigram-query.js';

/** A candidate as the drivers read it: id, label set, timestamp, task, and (for `q`) the text fields. */
type Candidate = readonly unknown[];
const ID = 0;
const SERIES = 1;
const TIMESTAMP = 2;
const TASK = 3;
const DETAIL = 4;
const ERROR = 5;

const PLAIN = 'id, series_id, timestamp, task_id';
const WITH_TEXT = `${PLAIN}, action_detail, error`;
/** Rows a walk reads per statement at first; doubled up to the maximum while nothing matches. */
const FIRST_CHUNK = 128;
const MAX_CHUNK = 4096;
/**
 * A walk over a label selection reads at most this many times the rows its share of all records
 * predicts (and at least WALK_TRIAL_ROWS) before the merge takes over.
 */
const WALK_TRIAL_FACTOR = 4;
const WALK_TRIAL_ROWS = 4_096;
/** A task filter is counted up to this many records to estimate its selectivity. */
const TASK_COUNT_CAP = 5_000;
/**
 * A page with a task filter first walks the task's records, reading at most this many (or
 * four times the page, if more): a task is usually small, and then that walk is the page,
 * with no count before it. Only a task larger than this goes to the planner.
 */
const TASK_TRIAL_ROWS = 1_024;
/**
 * Label sets passed to SQLite as a list (json_each) for a count over the time index; more are
 * passed as a blob with a byte per label set (MEMBER_BYTE_SQL). Measured on 10M over a cut hour
 * (~3,000 records): 1 label set 150 µs against 211; 200, 200 against 205; 900, 298 against 209.
 */
const IN_LIST_MAX = 200;
/** Membership arrays kept (memberOf): one byte per label set each, ~21 KB at 10M. */
const MEMBERS_KEPT = 16;
/**
 * Measured through HTTP on 10M records, each driver forced (docs/decisions.md, "Merge: label
 * sets join by head"): a merge passes over a label set for ~0.06 µs (its head in a flat array),
 * and a walk SQLite filters by label set starts at ~0.4 ms over the merge's fixed cost.
 */
const SQLITE_COSTS: DriverCosts = { mergeSet: 0.06, labelWalkStart: 400 };
const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER + 1;
/** Beyond every timestamp a record can have (they are safe integers), for an open time range in SQL. */
const TIMESTAMP_BOUND = 2 ** 53;

/**
 * The read side of the SQLite store over its read connection: the page drivers the planner
 * chooses from (src/store/plan.ts), and the record scans statistics need.
 */
export class SqliteReads {
  private readonly statements: ReturnType<typeof prepare>;
  private readonly member: MemberFunction;
  private readonly trigrams: TrigramQuery;
  /** The time index of hours counted lately, for the parts of hours a range cuts (the store reports changes to it). */
  readonly hours: HourRecords;
  /** Membership arrays of recent selections, least recently used first (memberOf). */
  private readonly members = new Map<readonly number[], { length: number; member: Uint8Array }>();

  constructor(
    db: Database,
    private readonly registry: SeriesRegistry,
    private readonly rollup: Rollup,
    private readonly recent: RecentIds,
    /** Records up to this id are in the text index (the writer's watermark). */
    private readonly textIndexedThrough: () => number,
  ) {
    this.member = new MemberFunction(db);
    this.trigrams = new TrigramQuery(db);
    this.statements = prepare(db);
    const hourText = this.statements.hourRecords;
    this.hours = new HourRecords((from, to) => hourText.get(from, from, to) as string | null);
  }

  /** The page's rows, newest first, ready for rowToRecord/rowToJson. */
  page(filter: Filter, offset: number, limit: number, beforeId?: number): RecordRow[] {
    if (isEmptyFilter(filter)) {
      // Nothing to check: the rows themselves, newest first, in one read of the primary key
      // (not candidates first and the rows by id after, which reads each row twice).
      return (this.statements.descendingRows.all(beforeId ?? NO_UPPER_BOUND, offset + limit) as RecordRow[]).slice(
        offset,
      );
    }
    return this.rowsById(this.pageIds(filter, offset, limit, beforeId));
  }

  /** The ids page() would return rows of, newest first, read without the rows. */
  pageIds(filter: Filter, offset: number, limit: number, beforeId?: number): number[] {
    if (isEmptyFilter(filter)) {
      return (this.statements.descendingIds.all(beforeId ?? NO_UPPER_BOUND, offset + limit) as number[]).slice(offset);
    }
    const ids: number[] = [];
    this.scan(filter, offset + limit, beforeId, (candidate) => {
      ids.push(candidate[ID] as number);
      return true;
    });
    return ids.slice(offset);
  }

  /**
   * Up to `limit` matching rows with ids above `afterId`, oldest first: the primary key (or the
   * task index) walked upwards within the zone map's window, each candidate checked. Its cost is
   * the records of the window it passes, so an export of a rare label over all time reads them all.
   */
  ascending(filter: Filter, afterId: number, limit: number): RecordRow[] {
    const s = this.statements;
    if (isEmptyFilter(filter)) return s.ascendingRows.all(afterId, limit) as RecordRow[];
    const selection = this.registry.select(filter);
    if (!selection.all && selection.ids.length === 0) return [];
    let lo = afterId + 1;
    let hi = NO_UPPER_BOUND;
    if (hasTimeRange(filter)) {
      const range = this.rollup.zones.idRange(filter.since ?? 0, filter.until ?? NO_UPPER_BOUND);
      if (!range) return [];
      lo = Math.max(lo, range.from);
      hi = range.to;
    }
    const check = candidateCheck(filter, this.memberOf(selection));
    const statement =
      filter.task_id === undefined ? s.upward(filter.q !== undefined) : s.taskUpward(filter.q !== undefined);
    const params = filter.task_id === undefined ? [] : [filter.task_id];
    const ids: number[] = [];
    let chunk = FIRST_CHUNK;
    while (ids.length < limit && lo < hi) {
      const rows = statement.all(...params, lo, hi, chunk) as Candidate[];
      for (const row of rows) {
        if (check(row)) ids.push(row[ID] as number);
        if (ids.length >= limit) break;
      }
      if (rows.length < chunk) break;
      lo = ((rows[rows.length - 1] as Candidate)[ID] as number) + 1;
      chunk = Math.min(chunk * 2, MAX_CHUNK);
    }
    return ids.length === 0 ? [] : (s.byIdsAscending.all(JSON.stringify(ids)) as RecordRow[]);
  }

  /** Visits every matching record (id, label set, timestamp, task), newest first; stops when visit returns false. */
  forEach(filter: Filter, visit: (candidate: Candidate) => boolean, beforeId?: number): void {
    this.scan(filter, Number.POSITIVE_INFINITY, beforeId, visit);
  }

  /** Records of a label selection with from <= timestamp < to (a kept hour, or the time index, covering). */
  recordsBetween(
    selection: SeriesSelection,
    from: number,
    to: number,
    visit: (series: number, ts: number) => void,
  ): void {
    const member = this.memberOf(selection);
    const kept = this.keptRange(from, to);
    if (kept) {
      const { entries, lo, hi, start } = kept;
      for (let i = lo; i < hi; i++) {
        const series = entries.series[i] as number;
        if (!member || member[series] === 1) visit(series, start + (entries.seconds[i] as number));
      }
      return;
    }
    for (const [series, timestamp] of this.statements.between.iterate(from, to) as Iterable<[number, number]>) {
      if (!member || member[series]) visit(series, timestamp);
    }
  }

  /** Per label set of the selection: count and latest timestamp of records in [from, to), by the time index. */
  totalsBetween(
    selection: SeriesSelection,
    perSeries: boolean,
    from: number,
    to: number,
    visit: (series: number, count: number, latest: number) => void,
  ): void {
    const kept = this.keptRange(from, to);
    if (kept) {
      totalsOfKept(kept, selection.all ? null : this.memberOf(selection), perSeries, (series, count, latest) =>
        visit(perSeries ? series : selection.all ? ALL : (selection.ids[0] as number), count, latest),
      );
      return;
    }
    if (!perSeries && (selection.all || selection.ids.length <= IN_LIST_MAX)) {
      // One number is enough: a count over the covering time index, no grouping (tens of µs).
      const [count, latest] = (
        selection.all
          ? this.statements.countBetween.get(from, to)
          : this.statements.countBetweenOf.get(from, to, JSON.stringify(selection.ids))
      ) as [number, number | null];
      if (count > 0) visit(selection.all ? ALL : (selection.ids[0] as number), count, latest ?? -1);
      return;
    }
    // Many label sets: SQLite checks each record's label set itself (a byte of the selection, bound
    // as a blob), rather than grouping every record of the range and handing each group over.
    const member = this.memberOf(selection);
    if (!perSeries && !selection.all && member !== null) {
      const [count, latest] = this.statements.countBetweenMember.get(from, to, memberBytes(member)) as [
        number,
        number | null,
      ];
      if (count > 0) visit(selection.ids[0] as number, count, latest ?? -1);
      return;
    }
    const rows = (
      member === null
        ? this.statements.totalsBetweenAll.all(from, to)
        : this.statements.totalsBetween.all(from, to, memberBytes(member))
    ) as [number, number, number][];
    for (const [series, count, latest] of rows) visit(series, count, latest);
  }

  /**
   * Per label set of the selection: count and latest timestamp of a task's records within the
   * filter's time range, grouped by the database over the task index alone (it covers both).
   * Without a time range, from `known` where it holds the task, else read and kept there.
   */
  taskTotals(
    filter: Filter,
    selection: SeriesSelection,
    visit: (series: number, count: number, latest: number) => void,
    known?: TaskTotals,
  ): void {
    const task = filter.task_id as string;
    const member = this.memberOf(selection);
    if (known && !hasTimeRange(filter)) {
      const totals = known.get(task) ?? known.fill(task, this.taskRows(task, 0, NO_UPPER_BOUND));
      for (const [series, [count, latest]] of totals) if (!member || member[series]) visit(series, count, latest);
      return;
    }
    const rows = this.taskRows(task, filter.since ?? 0, Math.min(filter.until ?? NO_UPPER_BOUND, NO_UPPER_BOUND));
    for (const [series, count, latest] of rows) if (!member || member[series]) visit(series, count, latest);
  }

  /**
   * A task's totals per label set in [since, until). With a range, only the task's entries in
   * the id blocks the zone map gives for it are read (ids follow time closely: a week of a
   * 90-day task is a tenth of its entries), the timestamp checked on each as before.
   */
  private taskRows(task: string, since: number, until: number): [number, number, number][] {
    let from = 0;
    let to = NO_UPPER_BOUND;
    if (since > 0 || until < NO_UPPER_BOUND) {
      const range = this.rollup.zones.idRange(since, until);
      if (!range) return [];
      ({ from, to } = range);
    }
    return this.statements.taskTotals.all(task, from, to, since, until) as [number, number, number][];
  }

  /** The latest timestamp in [from, to) of a label set (or of all records), after a delete. */
  latestIn(series: number, from: number, to: number): number | null {
    const s = this.statements;
    return (series === ALL ? s.latestIn.get(from, to) : s.latestInOf.get(from, to, series)) as number | null;
  }

  /** An id larger than every id issued so far. */
  nextId(): number {
    return ((this.statements.highest.get() as number | null) ?? 0) + 1;
  }

  rowsById(ids: readonly number[]): RecordRow[] {
    if (ids.length === 0) return [];
    return this.statements.byIds.all(JSON.stringify(ids)) as RecordRow[];
  }

  /** Fills the rings of label sets not loaded yet, a few at a time (in the background after start). */
  warmRings(from: number, count: number): number {
    let id = from;
    for (; id < this.registry.bound && count > 0; id++) {
      if (this.registry.labels(id) && !this.recent.get(id)) {
        this.recent.set(id, this.statements.newestOf.all(id, NO_UPPER_BOUND, RING_SIZE) as number[]);
        count--;
      }
    }
    return id;
  }

  /**
   * The core: picks a driver, walks its candidates newest first within the id window of the
   * cursor and the zone map, checks every condition the driver does not guarantee, and hands
   * each match to `accept` until `need` were accepted or `accept` says stop.
   */
  private scan(
    filter: Filter,
    need: number,
    beforeId: number | undefined,
    accept: (c: Candidate) => boolean | undefined,
  ): void {
    const selection = this.registry.select(filter);
    // The selection's label sets as they are (a merge passes over those without records), and
    // how many hold records and how many records they hold: no array made per page.
    const labelSets = selection.all ? EMPTY : selection.ids;
    let nonEmpty = 0;
    let labelMatches = selection.all ? this.rollup.total : 0;
    for (const id of labelSets) {
      const count = this.rollup.count(id);
      labelMatches += count;
      if (count > 0) nonEmpty++;
    }
    if (!selection.all && nonEmpty === 0) return;
    let hi = beforeId ?? NO_UPPER_BOUND;
    let lo = 1;
    let timeMatches: number | undefined;
    if (hasTimeRange(filter)) {
      const since = filter.since ?? 0;
      const until = filter.until ?? NO_UPPER_BOUND;
      const range = this.rollup.zones.idRange(since, until);
      if (!range || since >= until) return;
      hi = Math.min(hi, range.to);
      lo = Math.max(lo, range.from);
      timeMatches = this.estimateTime(since, until);
    }
    if (lo >= hi) return;
    if (filter.task_id !== undefined && filter.q === undefined && Number.isFinite(need)) {
      const page = this.taskTrial(filter, selection, need, lo, hi);
      if (page) {
        for (const candidate of page) if (accept(candidate) === false) return;
        return;
      }
    }
    const total = this.rollup.total;
    const taskMatches =
      filter.task_id === undefined ? undefined : (this.statements.taskCount.get(filter.task_id, hi, lo) as number);
    const indexed = this.textIndexedThrough();
    const text = filter.q === undefined ? undefined : this.trigrams.plan(filter.q, indexed);
    const driver: Driver = choosePlan({
      filter,
      need,
      window: Math.min(total, hi - lo),
      labelMatches,
      labelSets: nonEmpty,
      labelled: !selection.all,
      total,
      ...(taskMatches === undefined ? {} : { taskMatches: taskMatches >= TASK_COUNT_CAP ? total : taskMatches }),
      ...(timeMatches === undefined ? {} : { timeMatches }),
      ...(text === undefined ? {} : { textMatches: text.share * total }),
      costs: SQLITE_COSTS,
    });
    if (driver === 'none') return;
    const withText = filter.q !== undefined;
    // A merge reads only the selection's label sets: no membership to check (nor to build).
    const check = candidateCheck(filter, selection.all || driver === 'merge' ? null : this.memberOf(selection));
    let accepted = 0;
    const offer = (candidate: Candidate): boolean => {
      if (!check(candidate)) return true;
      accepted++;
      return accept(candidate) !== false && accepted < need;
    };
    if (!withText && (driver === 'task' || (driver === 'walk' && filter.task_id === undefined))) {
      // SQLite checks the label set and time itself (actlog_member) and hands over matches only,
      // still chunk by chunk: a delete step or statistics may visit millions of them.
      const { member, params } = this.inSql(filter, selection);
      const [statement, first] =
        driver === 'task'
          ? [this.statements.taskFiltered, [filter.task_id, ...params]]
          : [this.statements.walkFiltered, params];
      // A walk over some label sets bets that their matches are as dense among the newest records
      // as among all of them. Past a few times the rows that bet expects (a device that stopped
      // long ago), the merge takes over below the last row the walk read.
      const budget =
        driver === 'walk' && !selection.all && Number.isFinite(need)
          ? Math.max(WALK_TRIAL_ROWS, (WALK_TRIAL_FACTOR * need * Math.min(total, hi - lo)) / labelMatches)
          : Number.POSITIVE_INFINITY;
      let left = budget;
      const stoppedAt = this.walk(
        (upper, chunk) => {
          const rows = this.member.during(member, left, () => statement.all(...first, upper, lo, chunk)) as
            | Candidate[]
            | undefined;
          left -= this.member.rowsRead;
          return rows;
        },
        hi,
        offer,
      );
      if (stoppedAt !== undefined) this.merge(labelSets, lo, stoppedAt, hasTimeRange(filter), false, offer);
      return;
    }
    switch (driver) {
      case 'walk':
        this.walk((upper, chunk) => this.statements.walk(withText).all(upper, lo, chunk) as Candidate[], hi, offer);
        break;
      case 'task':
        this.walk(
          (upper, chunk) => this.statements.taskWithText.all(filter.task_id, upper, lo, chunk) as Candidate[],
          hi,
          offer,
        );
        break;
      case 'text':
        this.text((text as { match: string }).match, indexed, lo, hi, offer);
        break;
      case 'merge':
        this.merge(
          labelSets,
          lo,
          hi,
          withText || hasTimeRange(filter) || filter.task_id !== undefined,
          withText,
          offer,
        );
        break;
    }
  }

  /**
   * The task's records newest first, checked, until `need` match or the task ends within the
   * window: the whole answer, unless more than the trial's budget of rows had to be read
   * (undefined: a large task, left to the planner). Its cost is bounded by the budget and does
   * not grow with the store, where counting the task first would grow with the task.
   */
  private taskTrial(
    filter: Filter,
    selection: SeriesSelection,
    need: number,
    lo: number,
    hi: number,
  ): Candidate[] | undefined {
    const budget = Math.max(TASK_TRIAL_ROWS, need * 4);
    // One statement: SQLite reads the task's index entries newest first and keeps those of the
    // selection's label sets within the time range, up to the page; past the budget, it stops.
    const { member, params } = this.inSql(filter, selection);
    return this.member.during(
      member,
      budget,
      () => this.statements.taskFiltered.all(filter.task_id, ...params, hi, lo, need) as Candidate[],
    );
  }

  /** What the filtered statements check in SQL: the selection's label sets, and the time range (since, until). */
  private inSql(filter: Filter, selection: SeriesSelection): { member: Uint8Array | null; params: number[] } {
    const { since = -TIMESTAMP_BOUND, until = TIMESTAMP_BOUND } = filter;
    return { member: selection.all ? null : this.memberOf(selection), params: [since, until] };
  }

  /**
   * Reads candidates newest first below `hi` with `read(upper, chunk)`, chunk by chunk, until
   * `offer` says stop. A read that gives up (undefined) ends the walk: the result is then the
   * id below which nothing was offered yet; otherwise undefined.
   */
  private walk(
    read: (upper: number, chunk: number) => Candidate[] | undefined,
    hi: number,
    offer: (c: Candidate) => boolean,
  ): number | undefined {
    let upper = hi;
    let chunk = FIRST_CHUNK;
    for (;;) {
      const rows = read(upper, chunk);
      if (rows === undefined) return upper;
      for (const row of rows) if (!offer(row)) return undefined;
      if (rows.length < chunk) return undefined;
      upper = (rows[rows.length - 1] as Candidate)[ID] as number;
      chunk = Math.min(chunk * 2, MAX_CHUNK);
    }
  }

  /** Text search: records above the text watermark (`indexed`) are walked; below it, the candidates of `match`. */
  private text(match: string, indexed: number, lo: number, hi: number, offer: (c: Candidate) => boolean): void {
    let stopped = false;
    const guarded = (c: Candidate) => {
      stopped = !offer(c);
      return !stopped;
    };
    const above = Math.max(lo, indexed + 1);
    if (hi > indexed + 1) {
      this.walk((upper, chunk) => this.statements.walk(true).all(upper, above, chunk) as Candidate[], hi, guarded);
    }
    if (stopped || lo > indexed) return;
    let upper = Math.min(hi, indexed + 1);
    let chunk = FIRST_CHUNK;
    for (;;) {
      const ids = this.statements.textCandidates.all(match, upper, lo, chunk) as number[];
      if (ids.length === 0) return;
      for (const row of this.statements.candidatesById(true).all(JSON.stringify(ids)) as Candidate[]) {
        if (!offer(row)) return;
      }
      if (ids.length < chunk) return;
      upper = ids[ids.length - 1] as number;
      chunk = Math.min(chunk * 2, MAX_CHUNK);
    }
  }

  /**
   * A heap over the label sets, each walking its (series_id, id) range newest first. Heads
   * come from the rings where known; an index read is made only for a label set whose next id
   * is unknown and could be the largest. Label sets join the heap in tiers, largest heads first
   * (MergeTiers): a page of 100 over thousands of label sets needs the hundred or so with the
   * newest records, not a cursor for each (docs/decisions.md, "Merge: label sets join by head").
   */
  private merge(
    labelSets: readonly number[],
    lo: number,
    hi: number,
    needsColumns: boolean,
    withText: boolean,
    offer: (c: Candidate) => boolean,
  ): void {
    const heads = new Float64Array(labelSets.length);
    let unknown = 0;
    for (let i = 0; i < labelSets.length; i++) {
      const head = this.headBelow(labelSets[i] as number, hi);
      heads[i] = head;
      if (head === UNKNOWN_HEAD) unknown++;
    }
    if (unknown > 0) this.settleHeads(labelSets, heads, unknown, hi);
    // The tiers mark the heads they let in: a cursor takes its head from a copy.
    const settled = unknown > 0 ? heads.slice() : undefined;
    const tiers = new MergeTiers(heads, MERGE_FIRST_TIER);
    const heap = new MaxHeap();
    const pending: Candidate[] = [];
    const flush = (): boolean => {
      const batch = pending.splice(0);
      const rows = needsColumns
        ? (this.statements.candidatesById(withText).all(JSON.stringify(batch.map((c) => c[ID]))) as Candidate[])
        : batch;
      for (const row of rows) if (!offer(row)) return false;
      return true;
    };
    for (;;) {
      // A label set outside the heap may hold the next id: let the next tier in first.
      let top = heap.peek();
      while (tiers.boundary >= lo && (!top || top.head <= tiers.boundary)) {
        for (const i of tiers.next()) heap.push(this.cursorBelow(labelSets[i] as number, hi, settled?.[i] ?? hi - 1));
        top = heap.peek();
      }
      if (!top || top.head < lo) break;
      if (!top.exact) {
        // The only index read: this label set's next ids, in a growing batch.
        const want = RING_SIZE * 2 ** Math.min(++top.fetches, 8);
        top.buffer = this.statements.newestOf.all(top.series, top.head + 1, want) as number[];
        top.at = 0;
        top.more = top.buffer.length === want;
        if (top.buffer.length > 0) heap.replaceTop(top.buffer[0] as number, true);
        else heap.pop();
        continue;
      }
      pending.push([top.head, top.series]);
      top.at++;
      if (top.at < top.buffer.length) heap.replaceTop(top.buffer[top.at] as number, true);
      else if (top.more) heap.replaceTop(top.head - 1, false);
      else heap.pop();
      // Without further conditions every merged id is a match: hand it over at once.
      if ((!needsColumns || pending.length >= FIRST_CHUNK) && !flush()) return;
    }
    if (pending.length > 0) flush();
  }

  /**
   * A label set's head below `hi`: its newest id there where its ring knows it, -1 when it has
   * none, else UNKNOWN_HEAD (older ids may exist below a cursor: settleHeads).
   */
  private headBelow(series: number, hi: number): number {
    // Most label sets' newest id is below the window's top (always, on a first page).
    const newest = this.recent.newest(series);
    if (newest >= 0 && newest < hi) return newest;
    const count = this.rollup.count(series);
    if (count === 0) return -1;
    const ring = this.recent.get(series);
    if (ring) {
      const at = ringStart(ring, hi);
      if (at < ring.length) return ring[at] as number;
      if (ring.length >= count) return -1;
    }
    return UNKNOWN_HEAD;
  }

  /**
   * Gives the label sets whose head headBelow could not tell one: below a cursor past their
   * rings, many label sets at once are each sought in one statement (~1 µs each inside SQLite,
   * against ~3 µs a statement from here), so that tiers let in only the label sets with the
   * newest ids; a few are given the upper bound hi - 1 and sought when they reach the top.
   */
  private settleHeads(labelSets: readonly number[], heads: Float64Array, unknown: number, hi: number): void {
    if (unknown < HEADS_SOUGHT_MIN) {
      for (let i = 0; i < heads.length; i++) if (heads[i] === UNKNOWN_HEAD) heads[i] = hi - 1;
      return;
    }
    const at: number[] = [];
    for (let i = 0; i < heads.length; i++) if (heads[i] === UNKNOWN_HEAD) at.push(i);
    const found = this.statements.headsBelow.all(hi, JSON.stringify(at.map((i) => labelSets[i]))) as (number | null)[];
    at.forEach((i, k) => {
      heads[i] = found[k] ?? -1;
    });
  }

  /**
   * The merge cursor of a label set with ids below `hi`: from its ring where the ring holds its
   * head, else to be read from `head` (its newest id below `hi`, or the upper bound hi - 1).
   */
  private cursorBelow(series: number, hi: number, head: number): MergeCursor {
    const ring = this.recent.get(series);
    const at = ring ? ringStart(ring, hi) : 0;
    if (ring && at < ring.length) {
      const more = ring.length < this.rollup.count(series);
      return { series, buffer: ring, at, more, fetches: 0, head: ring[at] as number, exact: true };
    }
    // Its next ids are not known yet.
    return { series, buffer: EMPTY, at: 0, more: true, fetches: 0, head, exact: false };
  }

  /**
   * [from, to) in the records of its hour when it lies within one hour that HourRecords keeps,
   * or loads now; undefined: read through the time index.
   */
  private keptRange(from: number, to: number): KeptRange | undefined {
    const hour = Math.floor(from / HOUR);
    const start = hour * HOUR;
    if (to > start + HOUR || this.registry.bound > SERIES_SPAN) return undefined;
    const entries = this.hours.get(hour, this.rollup.all.countIn(hour));
    if (!entries) return undefined;
    return {
      entries,
      start,
      lo: sortedIndex(entries.seconds, from - start),
      hi: sortedIndex(entries.seconds, to - start),
    };
  }

  /**
   * The selection as a membership array (1 for each label set in it), null for all. Kept for
   * the last MEMBERS_KEPT selections, by their id lists: the registry hands out the same list
   * for the same conditions and only ever lengthens one, so a list of the length seen before
   * holds the same ids. A label set newer than the array is outside it, as it is outside the
   * selection. Filling one costs ~15 µs for ~15,000 label sets, more than a kept hour's count.
   */
  private memberOf(selection: SeriesSelection): Uint8Array | null {
    if (selection.all) return null;
    const ids = selection.ids;
    const known = this.members.get(ids);
    if (known && known.length === ids.length) {
      this.members.delete(ids);
      this.members.set(ids, known);
      return known.member;
    }
    const member = new Uint8Array(this.registry.bound);
    for (const id of ids) member[id] = 1;
    this.members.delete(ids);
    this.members.set(ids, { length: ids.length, member });
    if (this.members.size > MEMBERS_KEPT) this.members.delete(this.members.keys().next().value as readonly number[]);
    return member;
  }

  /** Records with since <= timestamp < until, from the cells of all records (whole hours, an upper bound). */
  private estimateTime(since: number, until: number): number {
    let n = 0;
    this.rollup.all.forEach(
      Math.floor(since / HOUR),
      Math.ceil(Math.min(until, NO_UPPER_BOUND) / HOUR),
      (_h, count) => {
        n += count;
      },
    );
    return n;
  }
}

/** Where a ring's ids below `hi` begin (rings are descending). */
function ringStart(ring: readonly number[], hi: number): number {
  let at = 0;
  while (at < ring.length && (ring[at] as number) >= hi) at++;
  return at;
}

/** Label sets in a merge's first tier; each later tier is twice the one before. */
const MERGE_FIRST_TIER = 128;
/** headBelow: the label set may have ids below the window's top that no ring holds. */
const UNKNOWN_HEAD = -2;
/**
 * From this many unknown heads, a merge seeks them all in one statement first (settleHeads).
 * Measured on 10M, `platform=tiktok&status=failed` below id 5,000,000 (2,874 label sets): one
 * statement 2.3–2.6 ms, a statement each 8.5–10.3 ms.
 */
const HEADS_SOUGHT_MIN = 32;

/** The conditions a driver does not guarantee, checked on each candidate (label sets: where `member` is given). */
function candidateCheck(filter: Filter, member: Uint8Array | null): (c: Candidate) => boolean {
  const { since, until, task_id: task } = filter;
  const needle = filter.q === undefined ? undefined : asciiLower(filter.q);
  return (c) =>
    (member === null || member[c[SERIES] as number] === 1) &&
    (since === undefined || (c[TIMESTAMP] as number) >= since) &&
    (until === undefined || (c[TIMESTAMP] as number) < until) &&
    (task === undefined || c[TASK] === task) &&
    (needle === undefined ||
      asciiLower(c[DETAIL] as string).includes(needle) ||
      (c[ERROR] !== null && asciiLower(c[ERROR] as string).includes(needle)));
}

function prepare(db: Database) {
  const raw = (sql: string) => db.prepare(sql).raw();
  const pluck = (sql: string) => db.prepare(sql).pluck();
  const walk = [raw(wherePk(PLAIN, '')), raw(wherePk(WITH_TEXT, ''))] as const;
  const byIds = (columns: string) =>
    raw(`SELECT ${columns} FROM activity_log WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id DESC`);
  const candidates = [byIds(PLAIN), byIds(WITH_TEXT)] as const;
  const up = (columns: string, condition: string, index = '') =>
    raw(`SELECT ${columns} FROM activity_log ${index} WHERE ${condition} id >= ? AND id < ? ORDER BY id LIMIT ?`);
  const upward = [up(PLAIN, ''), up(WITH_TEXT, '')] as const;
  const taskUpward = [
    up(PLAIN, 'task_id = ? AND', 'INDEXED BY activity_log_by_task'),
    up(WITH_TEXT, 'task_id = ? AND', 'INDEXED BY activity_log_by_task'),
  ] as const;
  return {
    upward: (withText: boolean) => upward[withText ? 1 : 0],
    taskUpward: (withText: boolean) => taskUpward[withText ? 1 : 0],
    ascendingRows: raw(`SELECT ${ROW_SELECT} FROM activity_log WHERE id > ? ORDER BY id LIMIT ?`),
    descendingRows: raw(`SELECT ${ROW_SELECT} FROM activity_log WHERE id < ? ORDER BY id DESC LIMIT ?`),
    descendingIds: pluck('SELECT id FROM activity_log WHERE id < ? ORDER BY id DESC LIMIT ?'),
    byIdsAscending: raw(
      `SELECT ${ROW_SELECT} FROM activity_log WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    ),
    walk: (withText: boolean) => walk[withText ? 1 : 0],
    // With q the task driver checks the text in JavaScript (without, taskFiltered).
    taskWithText: raw(wherePk(WITH_TEXT, 'task_id = ? AND', 'INDEXED BY activity_log_by_task')),
    candidatesById: (withText: boolean) => candidates[withText ? 1 : 0],
    byIds: byIds(ROW_SELECT),
    // The newest id below a cursor of each label set of a JSON list, in the list's order (null: none).
    headsBelow: pluck(
      `SELECT (SELECT id FROM activity_log INDEXED BY activity_log_by_series
                WHERE series_id = j.value AND id < ? ORDER BY id DESC LIMIT 1)
         FROM json_each(?) j ORDER BY j.key`,
    ),
    newestOf: pluck(
      'SELECT id FROM activity_log INDEXED BY activity_log_by_series WHERE series_id = ? AND id < ? ORDER BY id DESC LIMIT ?',
    ),
    // The task's index entries (the trial, the task driver) or the primary key (the walk) newest
    // first, filtered in SQLite by label set and time range.
    // Parameters: (task,) since, until, then as every walk: upper, lo, limit.
    taskFiltered: raw(
      `SELECT ${PLAIN} FROM activity_log INDEXED BY activity_log_by_task
        WHERE task_id = ? AND ${MemberFunction.SQL_NAME}(series_id) AND timestamp >= ? AND timestamp < ?
          AND id < ? AND id >= ?
        ORDER BY id DESC LIMIT ?`,
    ),
    walkFiltered: raw(
      `SELECT ${PLAIN} FROM activity_log
        WHERE ${MemberFunction.SQL_NAME}(series_id) AND timestamp >= ? AND timestamp < ? AND id < ? AND id >= ?
        ORDER BY id DESC LIMIT ?`,
    ),
    taskCount: pluck(
      `SELECT count(*) FROM (SELECT 1 FROM activity_log INDEXED BY activity_log_by_task
         WHERE task_id = ? AND id < ? AND id >= ? LIMIT ${TASK_COUNT_CAP})`,
    ),
    taskTotals: raw(
      `SELECT series_id, count(*), max(timestamp) FROM activity_log INDEXED BY activity_log_by_task
         WHERE task_id = ? AND id >= ? AND id < ? AND timestamp >= ? AND timestamp < ? GROUP BY series_id`,
    ),
    textCandidates: pluck(
      'SELECT rowid FROM activity_text WHERE activity_text MATCH ? AND rowid < ? AND rowid >= ? ORDER BY rowid DESC LIMIT ?',
    ),
    between: raw(
      'SELECT series_id, timestamp FROM activity_log INDEXED BY activity_log_by_time WHERE timestamp >= ? AND timestamp < ?',
    ),
    // A kept hour (HourRecords): its records in time order, each `seconds into the hour * 2^22 + series`.
    hourRecords: pluck(
      `SELECT group_concat((timestamp - ?) * ${SERIES_SPAN} + series_id, ',' ORDER BY timestamp, series_id)
         FROM activity_log INDEXED BY activity_log_by_time WHERE timestamp >= ? AND timestamp < ?`,
    ),
    countBetween: raw(
      'SELECT count(*), max(timestamp) FROM activity_log INDEXED BY activity_log_by_time WHERE timestamp >= ? AND timestamp < ?',
    ),
    countBetweenOf: raw(
      `SELECT count(*), max(timestamp) FROM activity_log INDEXED BY activity_log_by_time
         WHERE timestamp >= ? AND timestamp < ? AND series_id IN (SELECT value FROM json_each(?))`,
    ),
    countBetweenMember: raw(
      `SELECT count(*), max(timestamp) FROM activity_log INDEXED BY activity_log_by_time
         WHERE timestamp >= ? AND timestamp < ? AND ${MEMBER_BYTE_SQL}`,
    ),
    totalsBetweenAll: raw(
      `SELECT series_id, count(*), max(timestamp) FROM activity_log INDEXED BY activity_log_by_time
         WHERE timestamp >= ? AND timestamp < ? GROUP BY series_id`,
    ),
    totalsBetween: raw(
      `SELECT series_id, count(*), max(timestamp) FROM activity_log INDEXED BY activity_log_by_time
         WHERE timestamp >= ? AND timestamp < ? AND ${MEMBER_BYTE_SQL} GROUP BY series_id`,
    ),
    highest: pluck("SELECT seq FROM sqlite_sequence WHERE name = 'activity_log'"),
    latestIn: pluck(LATEST_IN_SQL),
    latestInOf: pluck(LATEST_IN_OF_SQL),
  };
}

/** Newest first below an upper bound and from a lower bound, `limit` at a time. */
const wherePk = (columns: string, condition: string, index = '') =>
  `SELECT ${columns} FROM activity_log ${index} WHERE ${condition} id < ? AND id >= ? ORDER BY id DESC LIMIT ?`;
