import { useState } from 'preact/hooks';
import { hasToken } from '../lib/api.js';
import { useInterval } from '../lib/load.js';

/** How often an empty store is asked again whether a first record has arrived. */
const POLL_MS = 5000;

/** What a fresh install shows: the one command that posts a first record. Polls until one arrives. */
export function EmptyState({ onRecords }: { onRecords: () => void }) {
  useInterval(onRecords, POLL_MS);
  const [copied, setCopied] = useState(false);
  const auth = hasToken() ? ` \\\n  -H "Authorization: Bearer $ACTLOG_TOKEN"` : '';
  const command =
    `curl -s -X POST ${window.location.origin}/api/v1/activity_log${auth} \\\n` +
    `  -H 'Content-Type: application/json' \\\n` +
    `  -d '{"platform":"tiktok","serial":"device_serial_123","action_type":"post","action_detail":"Published video successfully","username":"user123","status":"success"}'`;
  return (
    <section class="empty" aria-labelledby="empty-title" data-panel="empty">
      <h2 id="empty-title">No records yet</h2>
      <p>
        actlog is running and its log is empty. Point your automation at{' '}
        <code>{window.location.origin}/api/v1/activity_log</code> (the TikMatrix Activity Log API), or post a first
        record yourself:
      </p>
      <div class="code-block">
        <pre>
          <code>{command}</code>
        </pre>
        <button
          type="button"
          class="button"
          onClick={() => {
            void navigator.clipboard?.writeText(command.replace(/\\\n\s*/g, '')).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p class="muted" role="status">
        This page looks again every few seconds and shows the overview as soon as a record arrives.
        {hasToken() && ' Set ACTLOG_TOKEN to the token you entered here.'}
      </p>
    </section>
  );
}
