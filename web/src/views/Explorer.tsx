import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Dialog } from '../components/Dialog.js';
import { ErrorMessage, Skeleton } from '../components/Panel.js';
import { ApiError, open, request, useAccess } from '../lib/api.js';
import {
  apiFilter,
  describeFilters,
  FIELD_LABELS,
  FILTER_FIELDS,
  type FilterField,
  type Filters,
  filtersToParams,
  hasAnyFilter,
  MAX_FIELD_CHARS,
  MAX_QUERY_CHARS,
  parseFilters,
  RANGES,
  type RangeKey,
  STATUSES,
} from '../lib/filters.js';
import { formatBytes, formatDuration, plural } from '../lib/format.js';
import { type ActivityRecord, type LiveStatus, useLiveTail } from '../lib/live.js';
import { useLoad } from '../lib/load.js';
import { href, navigate } from '../lib/route.js';
import { count, keyOf, stats } from '../lib/stats.js';
import { formatAgo, formatDateTime, formatShort, fromLocalInput, toLocalInput, toSeconds } from '../lib/time.js';

const PAGE_SIZE = 50;
/** Rows kept on screen while live; older ones are paged to with "Older". */
const MAX_LIVE_ROWS = 1000;
/** Suggestions offered for a filter field (from statistics over all records). */
const MAX_SUGGESTIONS = 1000;

export function Explorer({ params }: { params: URLSearchParams }) {
  const filters = useMemo(() => parseFilters(params), [params]);
  const filterKey = filtersToParams(filters).toString();
  const before = Number(params.get('before')) || undefined;
  const live = params.get('live') === '1';
  const selectedId = Number(params.get('record')) || undefined;
  const access = useAccess();
  const canDelete = access.state === 'full';

  const setParams = (changes: Record<string, string | undefined>, replace = false, state?: unknown) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) next.delete(name);
      else next.set(name, value);
    }
    navigate(href('/explorer', next), { replace, state });
  };

  // The page: newest first, paged by cursor (before_id = the last id of the page before).
  const page = useLoad(`page:${filterKey}:${before ?? ''}`, async (signal) => {
    const query = {
      ...apiFilter(filters, new Date()),
      limit: String(PAGE_SIZE),
      before_id: before ? String(before) : undefined,
    };
    const [rows, newest] = await Promise.all([
      request<ActivityRecord[]>('', { query, signal }),
      // Where the live tail starts when this page is empty: the newest id of the whole log.
      before ? Promise.resolve([]) : request<ActivityRecord[]>('', { query: { limit: '1' }, signal }),
    ]);
    return { rows, watermark: Math.max(rows[0]?.id ?? 0, newest[0]?.id ?? 0) };
  });
  // Counting text matches reads every match, so with `q` the count waits for a click.
  const [countedFilter, setCountedFilter] = useState('');
  const countable = !filters.q || countedFilter === filterKey;
  const total = useLoad(`count:${filterKey}:${countable}`, (signal) =>
    countable ? count(apiFilter(filters, new Date()), signal) : Promise.resolve(undefined),
  );

  // Live rows arrive on top of the first page; deletes seen live are hidden.
  const [liveRows, setLiveRows] = useState<ActivityRecord[]>([]);
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const [gone, setGone] = useState<Set<number>>(new Set());
  const [announce, setAnnounce] = useState('');
  useEffect(() => {
    setLiveRows([]);
    setFresh(new Set());
    setGone(new Set());
  }, [filterKey, before, page.data]);

  const status = useLiveTail(live && !before, filterKey, () => apiFilter(filters, new Date()), page.data?.watermark, {
    record: (record) => {
      setLiveRows((rows) => [record, ...rows].slice(0, MAX_LIVE_ROWS));
      setFresh((ids) => new Set(ids).add(record.id));
      setAnnounce((text) => `${Number(text.split(' ')[0]) + 1 || 1} new records`);
    },
    delete: (id) => setGone((ids) => new Set(ids).add(id)),
    // Everything went: ask again (an empty page, a count of 0), the stream goes on.
    deleteAll: () => {
      page.reload();
      total.reload();
    },
  });
  // The announcement is a burst counter: it is cleared a moment after it was read out.
  useEffect(() => {
    if (!announce) return;
    const timer = setTimeout(() => setAnnounce(''), 3000);
    return () => clearTimeout(timer);
  }, [announce]);

  const view = useMemo(() => {
    if (!page.data) return undefined;
    const seen = new Set<number>();
    let hidden = 0;
    const shown = [...liveRows, ...page.data.rows].filter((row) => {
      if (seen.has(row.id)) return false;
      seen.add(row.id);
      if (gone.has(row.id)) hidden++;
      return !gone.has(row.id);
    });
    return { rows: shown.slice(0, MAX_LIVE_ROWS + PAGE_SIZE), hidden };
  }, [page.data, liveRows, gone]);
  const rows = view?.rows;

  const selected = rows?.find((row) => row.id === selectedId);
  const [dialog, setDialog] = useState<'delete-matching' | 'export' | { deleteOne: ActivityRecord } | null>(null);
  const [notice, setNotice] = useState<string>('');

  const removed = (ids: number[], message: string) => {
    setGone((set) => {
      const next = new Set(set);
      for (const id of ids) next.add(id);
      return next;
    });
    setNotice(message);
  };

  const lastRow = rows?.[rows.length - 1];
  const liveCount = liveRows.length;
  // The count as of the page's load, plus what arrived live since, minus shown rows deleted since.
  const shownTotal = total.data === undefined ? undefined : Math.max(0, total.data + liveCount - (view?.hidden ?? 0));
  return (
    <div data-view="explorer" class={selectedId ? 'with-detail' : ''}>
      <div class="view-head">
        <h1 tabIndex={-1}>Explorer</h1>
        <p class="view-summary" data-summary>
          {describeFilters(filters, formatShort)}
        </p>
      </div>
      <FilterBar
        filters={filters}
        onApply={(next) => navigate(href('/explorer', withLive(filtersToParams(next), live)))}
      />

      <div class="results-head">
        <p class="result-count" aria-live="polite" data-count={shownTotal}>
          {shownTotal !== undefined ? (
            <strong>{plural(shownTotal, 'matching record')}</strong>
          ) : total.error ? (
            <span class="error">Could not count: {total.error.message}</span>
          ) : !countable ? (
            <button type="button" class="link-button" onClick={() => setCountedFilter(filterKey)}>
              Count matches
            </button>
          ) : (
            <span class="muted">Counting…</span>
          )}
        </p>
        <LiveSwitch
          on={live}
          status={status}
          disabled={!!before}
          onToggle={() => setParams({ live: live ? undefined : '1', before: undefined }, true)}
        />
        <div class="actions">
          <button type="button" class="button" onClick={() => setDialog('export')}>
            Export…
          </button>
          {canDelete && hasAnyFilter(filters) && (
            <button type="button" class="button danger" onClick={() => setDialog('delete-matching')}>
              Delete matching…
            </button>
          )}
        </div>
      </div>
      {access.state === 'read-only' && (
        <p class="notice" data-notice="read-only">
          Read-only token: you can look at and export every record; deleting needs the full token.
        </p>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}{' '}
          <button type="button" class="link-button" onClick={() => setNotice('')}>
            Dismiss
          </button>
        </p>
      )}
      <p class="visually-hidden" aria-live="polite">
        {announce}
      </p>

      <div class="explorer-body">
        <section class="panel records" aria-labelledby="records-title" aria-busy={page.loading} data-panel="records">
          <h2 id="records-title" class="visually-hidden">
            Records
          </h2>
          {rows ? (
            rows.length === 0 ? (
              <p class="muted empty-rows">
                {hasAnyFilter(filters) ? 'No record matches these filters.' : 'No records yet.'}
                {live && ' New matching records will appear here as they arrive.'}
              </p>
            ) : (
              <RecordTable
                rows={rows}
                fresh={fresh}
                selectedId={selectedId}
                onSelect={(id) => setParams({ record: id === selectedId ? undefined : String(id) }, true)}
              />
            )
          ) : page.error ? (
            <ErrorMessage error={page.error} retry={page.reload} />
          ) : (
            <Skeleton rows={12} />
          )}
          <nav class="pager" aria-label="Pages">
            <button
              type="button"
              class="button"
              disabled={!before}
              onClick={() => setParams({ before: undefined, record: undefined })}
            >
              Newest
            </button>
            <button
              type="button"
              class="button"
              disabled={!before}
              onClick={() => {
                // Reached by "Older": the page before is one step back in history; else start over.
                if ((window.history.state as { paged?: boolean } | null)?.paged) window.history.back();
                else setParams({ before: undefined, record: undefined });
              }}
              title="The page before this one"
            >
              ← Newer
            </button>
            <button
              type="button"
              class="button"
              disabled={!lastRow || (page.data?.rows.length ?? 0) < PAGE_SIZE}
              onClick={() =>
                lastRow &&
                setParams({ before: String(lastRow.id), live: undefined, record: undefined }, false, { paged: true })
              }
            >
              Older →
            </button>
            {liveCount > 0 && <span class="muted">{plural(liveCount, 'new record')} since the page loaded</span>}
          </nav>
        </section>
        {selectedId && (
          <RecordDetail
            id={selectedId}
            record={selected}
            canDelete={canDelete}
            onClose={() => setParams({ record: undefined }, true)}
            onDelete={(record) => setDialog({ deleteOne: record })}
          />
        )}
      </div>

      {dialog === 'export' && <ExportDialog filters={filters} onClose={() => setDialog(null)} />}
      {dialog === 'delete-matching' && (
        <DeleteMatchingDialog
          filters={filters}
          onClose={() => setDialog(null)}
          onDeleted={(n) => {
            setDialog(null);
            setNotice(`Deleted ${plural(n, 'record')}.`);
            page.reload();
            total.reload();
          }}
        />
      )}
      {dialog !== null && typeof dialog === 'object' && (
        <DeleteOneDialog
          record={dialog.deleteOne}
          onClose={() => setDialog(null)}
          onDeleted={() => {
            setDialog(null);
            removed([dialog.deleteOne.id], `Deleted record ${dialog.deleteOne.id}.`);
            setParams({ record: undefined }, true);
          }}
        />
      )}
    </div>
  );
}

const withLive = (params: URLSearchParams, live: boolean) => {
  if (live) params.set('live', '1');
  return params;
};

function FilterBar({ filters, onApply }: { filters: Filters; onApply: (filters: Filters) => void }) {
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [filters]);
  const set = (change: Partial<Filters>) => setDraft((d) => ({ ...d, ...change }));
  const setField = (name: FilterField, value: string) =>
    setDraft((d) => {
      const fields = { ...d.fields };
      if (value) fields[name] = value;
      else delete fields[name];
      return { ...d, fields };
    });
  const [problem, setProblem] = useState('');
  const apply = (next: Filters) => {
    // The API refuses since > until; say so here, next to the inputs.
    if (next.range === 'custom' && next.since !== undefined && next.until !== undefined && next.since > next.until) {
      setProblem('“From” must not be later than “To”.');
      return;
    }
    setProblem('');
    setDraft(next);
    onApply(next);
  };
  const now = toSeconds(new Date());
  return (
    <search aria-label="Filter records">
      <form
        class="filter-bar"
        onSubmit={(event) => {
          event.preventDefault();
          apply(draft);
        }}
      >
        {FILTER_FIELDS.map((name) =>
          name === 'status' ? (
            <label key={name}>
              {FIELD_LABELS[name]}
              <select
                name={name}
                value={draft.fields.status ?? ''}
                onChange={(event) => {
                  const value = (event.target as HTMLSelectElement).value;
                  const fields = { ...draft.fields };
                  if (value) fields.status = value;
                  else delete fields.status;
                  apply({ ...draft, fields });
                }}
              >
                <option value="">any</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <SuggestInput
              key={name}
              name={name}
              value={draft.fields[name] ?? ''}
              onInput={(value) => setField(name, value)}
            />
          ),
        )}
        <label class="grow">
          Text contains
          <input
            type="search"
            name="q"
            maxLength={MAX_QUERY_CHARS}
            value={draft.q ?? ''}
            placeholder="in detail or error, e.g. captcha"
            onInput={(event) => {
              const q = (event.target as HTMLInputElement).value;
              setDraft((d) => {
                const { q: _old, ...rest } = d;
                return q ? { ...rest, q } : rest;
              });
            }}
          />
        </label>
        <label>
          Time
          <select
            name="range"
            value={draft.range}
            onChange={(event) => {
              const range = (event.target as HTMLSelectElement).value as RangeKey;
              if (range === 'custom') {
                set({ range, since: draft.since ?? now - 86_400, until: draft.until ?? now });
              } else {
                const { since: _s, until: _u, ...rest } = draft;
                apply({ ...rest, range });
              }
            }}
          >
            {(Object.keys(RANGES) as RangeKey[]).map((key) => (
              <option key={key} value={key}>
                {RANGES[key]}
              </option>
            ))}
          </select>
        </label>
        {draft.range === 'custom' && (
          <>
            <label>
              From
              <input
                type="datetime-local"
                name="since"
                value={draft.since !== undefined ? toLocalInput(draft.since) : ''}
                onInput={(event) => set({ since: fromLocalInput((event.target as HTMLInputElement).value) })}
              />
            </label>
            <label>
              To
              <input
                type="datetime-local"
                name="until"
                value={draft.until !== undefined ? toLocalInput(draft.until) : ''}
                onInput={(event) => set({ until: fromLocalInput((event.target as HTMLInputElement).value) })}
              />
            </label>
          </>
        )}
        <div class="filter-buttons">
          <button type="submit" class="button primary">
            Apply
          </button>
          <button type="button" class="button" onClick={() => apply({ fields: {}, range: 'all' })}>
            Clear
          </button>
          {problem && (
            <p class="error" role="alert" data-filter-problem>
              {problem}
            </p>
          )}
        </div>
      </form>
    </search>
  );
}

/** Suggestions for a field come from statistics (every distinct value), asked for on first focus. */
function SuggestInput({ name, value, onInput }: { name: FilterField; value: string; onInput: (v: string) => void }) {
  const [options, setOptions] = useState<string[] | null>(null);
  const asked = useRef(false);
  // task_id has no aggregate (grouping by it reads every record), so it gets no suggestions.
  const suggest = name !== 'task_id';
  const load = () => {
    if (!suggest || asked.current) return;
    asked.current = true;
    stats(name, {}, { limit: MAX_SUGGESTIONS })
      .then((data) => setOptions(data.groups.map((g) => keyOf(g, name) ?? '').filter((v) => v !== '')))
      .catch(() => setOptions([]));
  };
  return (
    <label>
      {FIELD_LABELS[name]}
      <input
        type="text"
        name={name}
        value={value}
        maxLength={MAX_FIELD_CHARS}
        list={suggest ? `suggest-${name}` : undefined}
        autoComplete="off"
        spellcheck={false}
        onFocus={load}
        onInput={(event) => onInput((event.target as HTMLInputElement).value)}
      />
      {suggest && (
        <datalist id={`suggest-${name}`}>
          {(options ?? []).map((option) => (
            <option key={option} value={option} />
          ))}
        </datalist>
      )}
    </label>
  );
}

function LiveSwitch(props: { on: boolean; status: LiveStatus; disabled: boolean; onToggle: () => void }) {
  const { on, status } = props;
  const text =
    status.state === 'live'
      ? 'live'
      : status.state === 'connecting'
        ? 'connecting…'
        : status.state === 'reconnecting'
          ? `reconnecting (${status.message})`
          : status.state === 'failed'
            ? status.message
            : props.disabled
              ? 'on the newest page only'
              : 'off';
  return (
    <div class="live">
      <button
        type="button"
        role="switch"
        aria-checked={on}
        class={`switch ${on ? 'on' : ''}`}
        disabled={props.disabled && !on}
        onClick={props.onToggle}
        aria-describedby="live-state"
      >
        <span class="switch-knob" aria-hidden="true" />
        Live
      </button>
      <span id="live-state" class={`live-state ${status.state}`} data-live={status.state}>
        {text}
      </span>
    </div>
  );
}

function RecordTable(props: {
  rows: ActivityRecord[];
  fresh: Set<number>;
  selectedId: number | undefined;
  onSelect: (id: number) => void;
}) {
  const now = toSeconds(new Date());
  // Arrow keys move between rows; Enter or Space opens one (each row's first cell is a button).
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = [...(event.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('button.row-open')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at === -1) return;
    event.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, at + (event.key === 'ArrowDown' ? 1 : -1)))]?.focus();
  };
  return (
    <div class="table-scroll">
      <table class="records-table" onKeyDown={onKeyDown}>
        <caption class="visually-hidden">
          Matching records, newest first. Use the arrow keys to move between rows.
        </caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Device</th>
            <th scope="col">Account</th>
            <th scope="col">Platform</th>
            <th scope="col">Action</th>
            <th scope="col">Status</th>
            <th scope="col">Detail</th>
            <th scope="col" class="num">
              Id
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr
              key={row.id}
              data-id={row.id}
              class={`${props.fresh.has(row.id) ? 'fresh' : ''} ${row.id === props.selectedId ? 'selected' : ''}`}
              aria-selected={row.id === props.selectedId}
            >
              <td>
                <button
                  type="button"
                  class="row-open"
                  aria-expanded={row.id === props.selectedId}
                  aria-controls="record-detail"
                  title={formatDateTime(row.timestamp)}
                  onClick={() => props.onSelect(row.id)}
                >
                  <time dateTime={new Date(row.timestamp * 1000).toISOString()}>{formatShort(row.timestamp)}</time>
                  <span class="visually-hidden"> ({formatAgo(row.timestamp, now)}), details</span>
                </button>
              </td>
              <td>{row.serial}</td>
              <td>{row.username || <span class="muted">—</span>}</td>
              <td>{row.platform}</td>
              <td>{row.action_type}</td>
              <td>
                {row.status ? <span class={`status ${row.status}`}>{row.status}</span> : <span class="muted">—</span>}
              </td>
              <td class="detail-cell">{row.error ? <span class="failed">{row.error}</span> : row.action_detail}</td>
              <td class="num muted">{row.id}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RecordDetail(props: {
  id: number;
  record: ActivityRecord | undefined;
  canDelete: boolean;
  onClose: () => void;
  onDelete: (record: ActivityRecord) => void;
}) {
  // A shared link may name a record that is not on the page: fetch it (the one record below id + 1).
  const loaded = useLoad(`record:${props.id}:${props.record ? 'have' : 'fetch'}`, async (signal) => {
    if (props.record) return props.record;
    const [found] = await request<ActivityRecord[]>('', {
      query: { before_id: String(props.id + 1), limit: '1' },
      signal,
    });
    if (!found || found.id !== props.id)
      throw new Error(`record ${props.id} does not exist (it may have been deleted)`);
    return found;
  });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [props.id]);
  const record = loaded.data;
  return (
    <aside id="record-detail" class="panel detail" aria-labelledby="detail-title" data-panel="detail">
      <header class="panel-head">
        <h2 id="detail-title" tabIndex={-1} ref={heading}>
          Record {props.id}
        </h2>
        <button type="button" class="button" onClick={props.onClose} aria-label="Close the record's details">
          Close
        </button>
      </header>
      {record ? (
        <>
          <dl class="fields">
            <dt>Time</dt>
            <dd>
              {formatDateTime(record.timestamp)}{' '}
              <span class="muted">
                ({formatAgo(record.timestamp, toSeconds(new Date()))}, {record.timestamp})
              </span>
            </dd>
            <dt>Device</dt>
            <dd>
              <a href={href('/explorer', { serial: record.serial })}>{record.serial}</a>
            </dd>
            <dt>Account</dt>
            <dd>
              {record.username ? (
                <a href={href('/explorer', { username: record.username })}>{record.username}</a>
              ) : (
                <span class="muted">none</span>
              )}
            </dd>
            <dt>Platform</dt>
            <dd>{record.platform}</dd>
            <dt>Action</dt>
            <dd>{record.action_type}</dd>
            {record.status && (
              <>
                <dt>Status</dt>
                <dd>
                  <span class={`status ${record.status}`}>{record.status}</span>
                </dd>
              </>
            )}
            {record.duration_ms !== undefined && (
              <>
                <dt>Duration</dt>
                <dd>{formatDuration(record.duration_ms)}</dd>
              </>
            )}
            {record.task_id && (
              <>
                <dt>Task</dt>
                <dd>
                  <a href={href('/explorer', { task_id: record.task_id })}>{record.task_id}</a>
                </dd>
              </>
            )}
            {record.event_id && (
              <>
                <dt>Event id</dt>
                <dd class="mono">{record.event_id}</dd>
              </>
            )}
          </dl>
          {record.action_detail && (
            <>
              <h3>Detail</h3>
              <p class="prose-text">{record.action_detail}</p>
            </>
          )}
          {record.error && (
            <>
              <h3>Error</h3>
              <p class="prose-text failed">{record.error}</p>
            </>
          )}
          {record.metadata && (
            <>
              <h3>Metadata</h3>
              <pre class="json" data-metadata>
                {JSON.stringify(record.metadata, null, 2)}
              </pre>
            </>
          )}
          <div class="detail-actions">
            <button
              type="button"
              class="button"
              onClick={() => void navigator.clipboard?.writeText(JSON.stringify(record, null, 2))}
            >
              Copy as JSON
            </button>
            {props.canDelete && (
              <button type="button" class="button danger" onClick={() => props.onDelete(record)}>
                Delete this record…
              </button>
            )}
          </div>
        </>
      ) : loaded.error ? (
        <ErrorMessage error={loaded.error} />
      ) : (
        <Skeleton rows={6} />
      )}
    </aside>
  );
}

function DeleteOneDialog(props: { record: ActivityRecord; onClose: () => void; onDeleted: () => void }) {
  const [error, setError] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const { record } = props;
  return (
    <Dialog title={`Delete record ${record.id}?`} onClose={props.onClose}>
      <p>
        {record.action_type} by {record.username || record.serial} on {record.serial},{' '}
        {formatDateTime(record.timestamp)}. This cannot be undone.
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-buttons">
        <button type="button" class="button" data-autofocus onClick={props.onClose}>
          Cancel
        </button>
        <button
          type="button"
          class="button danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await request(`/${record.id}`, { method: 'DELETE' });
              props.onDeleted();
            } catch (e) {
              setError(deleteError(e));
              setBusy(false);
            }
          }}
        >
          Delete record {record.id}
        </button>
      </div>
    </Dialog>
  );
}

const deleteError = (error: unknown): string =>
  error instanceof ApiError && error.status === 403
    ? 'This token is read-only: deleting needs the full token.'
    : error instanceof ApiError && error.status === 404
      ? 'It was already deleted.'
      : `Could not delete: ${error instanceof Error ? error.message : String(error)}`;

function DeleteMatchingDialog(props: { filters: Filters; onClose: () => void; onDeleted: (n: number) => void }) {
  // The filter is fixed when the dialog opens: the count shown and the delete use the same range.
  const [query] = useState(() => apiFilter(props.filters, new Date()));
  const matching = useLoad(`delete-count:${JSON.stringify(query)}`, (signal) => count(query, signal));
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const description = describeFilters(props.filters, formatShort);
  const n = matching.data;
  return (
    <Dialog title="Delete matching records?" onClose={props.onClose}>
      {n === undefined ? (
        matching.error ? (
          <ErrorMessage error={matching.error} retry={matching.reload} />
        ) : (
          <p role="status">Counting the records that match {description}…</p>
        )
      ) : n === 0 ? (
        <p>No record matches {description}: nothing to delete.</p>
      ) : (
        <p data-delete-count={n}>
          This deletes <strong>{plural(n, 'record')}</strong> matching {description}. It cannot be undone.
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-buttons">
        <button type="button" class="button" data-autofocus onClick={props.onClose}>
          Cancel
        </button>
        {n !== undefined && n > 0 && (
          <button
            type="button"
            class="button danger"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              try {
                const result = await request<{ deleted: boolean; count: number }>('', { method: 'DELETE', query });
                props.onDeleted(result.count);
              } catch (e) {
                setError(deleteError(e));
                setBusy(false);
              }
            }}
          >
            Delete {plural(n, 'record')}
          </button>
        )}
      </div>
    </Dialog>
  );
}

/**
 * Export (extensions §7) of the current filter, fetched with the token in a header and saved
 * from a Blob: the token never appears in a URL, not even a download link's.
 */
function ExportDialog(props: { filters: Filters; onClose: () => void }) {
  const [progress, setProgress] = useState<{ format: string; bytes: number } | null>(null);
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);
  const query = apiFilter(props.filters, new Date());
  const curlQuery = new URLSearchParams(query).toString();

  const run = async (format: 'csv' | 'ndjson') => {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    setError('');
    setDone('');
    setProgress({ format, bytes: 0 });
    try {
      const response = await open(
        '/export',
        { ...query, format },
        format === 'csv' ? 'text/csv' : 'application/x-ndjson',
        abort.signal,
      );
      const name =
        /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ??
        `actlog-export.${format}`;
      const reader = response.body?.getReader();
      const parts: Uint8Array[] = [];
      let bytes = 0;
      while (reader) {
        const { value, done: end } = await reader.read();
        if (end) break;
        parts.push(value);
        bytes += value.length;
        setProgress({ format, bytes });
      }
      const blob = new Blob(parts as BlobPart[], { type: format === 'csv' ? 'text/csv' : 'application/x-ndjson' });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setDone(`Saved ${name} (${formatBytes(bytes)}).`);
    } catch (e) {
      if (abort.signal.aborted) return;
      setError(
        e instanceof ApiError
          ? `The server refused the export: ${e.message}`
          : 'The export broke off before the end; nothing was saved. Try again.',
      );
    } finally {
      setProgress(null);
    }
  };

  return (
    <Dialog title="Export records" onClose={props.onClose}>
      <p>
        Every record matching {describeFilters(props.filters, formatShort)}, oldest first. The file is assembled in this
        browser; for millions of records, the command below streams straight to disk.
      </p>
      <div class="dialog-buttons start">
        <button type="button" class="button primary" data-autofocus disabled={!!progress} onClick={() => run('csv')}>
          Download CSV
        </button>
        <button type="button" class="button" disabled={!!progress} onClick={() => run('ndjson')}>
          Download NDJSON
        </button>
      </div>
      <p role="status" class="muted" data-export-status>
        {progress ? `Receiving ${progress.format.toUpperCase()}… ${formatBytes(progress.bytes)}` : done}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <details>
        <summary>The same export with curl</summary>
        <pre class="code">
          {`curl -sfo actlog-export.csv -H "Authorization: Bearer $ACTLOG_TOKEN" \\\n  '${window.location.origin}/api/v1/activity_log/export?format=csv${curlQuery ? `&${curlQuery}` : ''}'`}
        </pre>
      </details>
      <div class="dialog-buttons">
        <button type="button" class="button" onClick={props.onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
