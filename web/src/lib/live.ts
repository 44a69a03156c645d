import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, open } from './api.js';
import { SseParser } from './sse.js';

export interface ActivityRecord {
  id: number;
  platform: string;
  serial: string;
  action_type: string;
  action_detail: string;
  username: string;
  timestamp: number;
  status?: string;
  error?: string;
  task_id?: string;
  duration_ms?: number;
  metadata?: Record<string, unknown>;
  event_id?: string;
}

export type LiveStatus =
  | { state: 'off' }
  | { state: 'connecting' }
  | { state: 'live' }
  | { state: 'reconnecting'; message: string }
  | { state: 'failed'; message: string };

export interface LiveHandlers {
  record: (record: ActivityRecord) => void;
  delete: (id: number) => void;
  deleteAll: () => void;
}

/** Waits before reconnecting: 1 s, 2 s, 4 s … at most 15 s. */
const backoff = (attempt: number) => Math.min(15_000, 1000 * 2 ** attempt);

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Follows the live tail (`GET /stream`, extensions §6) while `enabled`: fetch() with the token in
 * a header and the event stream parsed here, since EventSource cannot send headers. Starts after
 * `afterId` (the newest record already shown), and after a drop or an `overflow` resumes from the
 * last id received, so nothing is missed or shown twice.
 */
export function useLiveTail(
  enabled: boolean,
  /** Stands for the filters: a change restarts the stream. */
  key: string,
  query: () => Record<string, string>,
  afterId: number | undefined,
  handlers: LiveHandlers,
): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>({ state: 'off' });
  const saved = useRef({ query, handlers, afterId });
  saved.current = { query, handlers, afterId };

  useEffect(() => {
    if (!enabled || afterId === undefined) {
      setStatus({ state: 'off' });
      return;
    }
    const controller = new AbortController();
    const { signal } = controller;
    let lastId = saved.current.afterId ?? 0;
    let attempt = 0;
    setStatus({ state: 'connecting' });
    void (async () => {
      while (!signal.aborted) {
        try {
          const response = await open(
            '/stream',
            { ...saved.current.query(), after_id: String(lastId) },
            'text/event-stream',
            signal,
          );
          if (!response.body) throw new Error('the answer has no body');
          setStatus({ state: 'live' });
          attempt = 0;
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          const parser = new SseParser();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            for (const event of parser.push(value)) {
              if (event.event === 'record') {
                const record = JSON.parse(event.data) as ActivityRecord;
                if (record.id <= lastId) continue;
                lastId = record.id;
                saved.current.handlers.record(record);
              } else if (event.event === 'delete') {
                saved.current.handlers.delete((JSON.parse(event.data) as { id: number }).id);
              } else if (event.event === 'delete_all') {
                saved.current.handlers.deleteAll();
              }
              // `overflow`: the server ends the stream next; the loop resumes from lastId.
            }
          }
          if (signal.aborted) return;
          setStatus({ state: 'reconnecting', message: 'the stream ended' });
        } catch (error) {
          if (signal.aborted) return;
          if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
            setStatus({ state: 'failed', message: error.message });
            return;
          }
          if (error instanceof ApiError && error.status === 404) {
            setStatus({ state: 'failed', message: 'this server has no live tail (GET /api/v1/activity_log/stream)' });
            return;
          }
          setStatus({ state: 'reconnecting', message: error instanceof Error ? error.message : String(error) });
        }
        await sleep(backoff(attempt++), signal);
      }
    })();
    return () => controller.abort();
  }, [enabled, key, afterId === undefined]);

  return status;
}
