import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  /** True while a request is on its way (also during a refresh, when the old data stays shown). */
  loading: boolean;
  reload: () => void;
}

/** Calls every `refreshMs` while the tab is visible, and at once when it becomes visible again. */
export function useInterval(callback: () => void, refreshMs: number | undefined): void {
  const saved = useRef(callback);
  saved.current = callback;
  useEffect(() => {
    if (!refreshMs) return;
    const tick = () => {
      if (document.visibilityState === 'visible') saved.current();
    };
    const timer = window.setInterval(tick, refreshMs);
    const onVisible = () => {
      if (document.visibilityState === 'visible') saved.current();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [refreshMs]);
}

/**
 * Loads data for a panel: again whenever `key` changes (the request it stands for), and every
 * `refreshMs` while the tab is visible. A newer load aborts an older one; a refresh keeps the
 * old data on screen until the new arrives, so panels never blank out.
 */
export function useLoad<T>(key: string, load: (signal: AbortSignal) => Promise<T>, refreshMs?: number): Loaded<T> {
  const [state, setState] = useState<{ key: string; data?: T; error?: Error; loading: boolean }>({
    key,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  loader.current = load;

  // A layout effect: the request leaves right after the render, not a frame later.
  useLayoutEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({
      key,
      // A new request (other filters) shows its skeleton; a refresh of the same one keeps the data.
      ...(previous.key === key && previous.data !== undefined ? { data: previous.data } : {}),
      loading: true,
    }));
    loader
      .current(controller.signal)
      .then((data) => {
        if (!controller.signal.aborted) setState({ key, data, loading: false });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setState((previous) => ({
          key,
          ...(previous.key === key && previous.data !== undefined ? { data: previous.data } : {}),
          error: error instanceof Error ? error : new Error(String(error)),
          loading: false,
        }));
      });
    return () => controller.abort();
  }, [key, tick]);

  useInterval(() => setTick((n) => n + 1), refreshMs);

  return {
    data: state.key === key ? state.data : undefined,
    error: state.key === key ? state.error : undefined,
    loading: state.key !== key || state.loading,
    reload: () => setTick((n) => n + 1),
  };
}
