import type { ComponentChildren } from 'preact';
import type { Loaded } from '../lib/load.js';

/** A titled section that shows a skeleton while loading, an error with a retry, or its content. */
export function Panel<T>(props: {
  id: string;
  title: ComponentChildren;
  loaded: Loaded<T>;
  children: (data: T) => ComponentChildren;
  actions?: ComponentChildren;
  class?: string;
  /** Height of the skeleton, in rows of text. */
  skeletonRows?: number;
}) {
  const { id, title, loaded, children, actions } = props;
  return (
    <section
      class={`panel ${props.class ?? ''}`}
      aria-labelledby={`${id}-title`}
      aria-busy={loaded.loading}
      data-panel={id}
      data-state={loaded.data !== undefined ? 'ready' : loaded.error ? 'error' : 'loading'}
    >
      <header class="panel-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {actions}
      </header>
      {loaded.data !== undefined ? (
        <>
          {loaded.error && <p class="stale">Could not refresh: {loaded.error.message}</p>}
          {children(loaded.data)}
        </>
      ) : loaded.error ? (
        <ErrorMessage error={loaded.error} retry={loaded.reload} />
      ) : (
        <Skeleton rows={props.skeletonRows ?? 4} />
      )}
    </section>
  );
}

export function Skeleton({ rows }: { rows: number }) {
  return (
    <div class="skeleton" role="status">
      <span class="visually-hidden">Loading…</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} class="skeleton-line" style={{ width: `${90 - ((i * 17) % 40)}%` }} />
      ))}
    </div>
  );
}

export function ErrorMessage({ error, retry }: { error: Error; retry?: () => void }) {
  return (
    <div class="error" role="alert">
      <p>Could not load this: {error.message}</p>
      {retry && (
        <button type="button" class="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}
