import { useEffect, useState } from 'preact/hooks';

/**
 * A small router over the History API: the path picks the view, the query holds its filters,
 * so every view is a link that can be shared and the back button works.
 */

export interface Location {
  path: string;
  params: URLSearchParams;
}

const listeners = new Set<() => void>();
const read = (): Location => ({ path: window.location.pathname, params: new URLSearchParams(window.location.search) });

window.addEventListener('popstate', () => {
  for (const listener of listeners) listener();
});

/**
 * Goes to `to` (path and query); `replace` for changes that should not add a history entry;
 * `state` is kept with the entry (e.g. that it was reached by paging, so "back" is "newer").
 */
export function navigate(to: string, options: { replace?: boolean; state?: unknown } = {}): void {
  const current = window.location.pathname + window.location.search;
  if (to === current) return;
  if (options.replace) window.history.replaceState(options.state ?? null, '', to);
  else window.history.pushState(options.state ?? null, '', to);
  for (const listener of listeners) listener();
}

export function useLocation(): Location {
  const [location, setLocation] = useState(read);
  useEffect(() => {
    const update = () => setLocation(read());
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return location;
}

/** `path?query` from a path and parameters, leaving out empty ones. */
export function href(path: string, params?: URLSearchParams | Record<string, string | undefined>): string {
  const search =
    params instanceof URLSearchParams
      ? new URLSearchParams(params)
      : new URLSearchParams(Object.entries(params ?? {}).filter((e): e is [string, string] => !!e[1]));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/** A plain left click on a same-origin link navigates in place; others (new tab, download) keep their meaning. */
export function followLink(event: MouseEvent): void {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  ) {
    return;
  }
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin || url.pathname.startsWith('/api/') || url.pathname === '/docs') return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}
