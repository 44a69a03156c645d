import { useEffect, useRef, useState } from 'preact/hooks';
import { checkAccess } from '../lib/api.js';

/** Asked once per browser tab when the server has a token; the token stays in session storage. */
export function TokenPrompt({ wrong }: { wrong: boolean }) {
  const [value, setValue] = useState('');
  const [show, setShow] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const input = useRef<HTMLInputElement>(null);
  // Shown or hidden by switching the field's type in place, so it keeps focus and caret.
  useEffect(() => {
    if (input.current) input.current.type = show ? 'text' : 'password';
  }, [show]);
  return (
    <div class="token-prompt" data-view="token">
      <h1 tabIndex={-1}>Access token</h1>
      <p>This actlog server needs an access token to show its log.</p>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          const token = value.trim();
          if (!token) return;
          setBusy(true);
          setError('');
          try {
            await checkAccess(token);
          } catch (e) {
            setError(e instanceof Error ? e.message : String(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        <label for="token">Token</label>
        <div class="token-row">
          <input
            id="token"
            name="token"
            ref={input}
            type="password"
            autoComplete="off"
            spellcheck={false}
            required
            value={value}
            aria-invalid={wrong}
            aria-describedby={wrong ? 'token-wrong token-help' : 'token-help'}
            onInput={(event) => setValue((event.target as HTMLInputElement).value)}
            // biome-ignore lint/a11y/noAutofocus: the prompt is the whole page; typing the token is the only task
            autoFocus
          />
          <button type="button" class="button" aria-pressed={show} onClick={() => setShow(!show)}>
            {show ? 'Hide' : 'Show'}
          </button>
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? 'Checking…' : 'Open the dashboard'}
          </button>
        </div>
        {wrong && (
          <p id="token-wrong" class="error" role="alert" data-token-error>
            That token was not accepted (HTTP 401, code 40101). Check it and try again.
          </p>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <p id="token-help" class="muted">
          It is the <code>--token</code> (or <code>ACTLOG_TOKEN</code>) the server was started with, or its{' '}
          <code>--read-token</code> to look without deleting. This tab keeps it in session storage and sends it in the{' '}
          <code>Authorization</code> header, never in a URL; closing the tab forgets it.
        </p>
      </form>
    </div>
  );
}
