import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorMessage } from './components/Panel.js';
import { TokenPrompt } from './components/TokenPrompt.js';
import { checkAccess, forgetToken, hasToken, useAccess } from './lib/api.js';
import { useLocation } from './lib/route.js';
import { Entities } from './views/Entities.js';
import { Explorer } from './views/Explorer.js';
import { Overview } from './views/Overview.js';

const VIEWS = [
  { path: '/', title: 'Overview' },
  { path: '/devices', title: 'Devices' },
  { path: '/accounts', title: 'Accounts' },
  { path: '/explorer', title: 'Explorer' },
] as const;

export function App() {
  const location = useLocation();
  const access = useAccess();
  const [startError, setStartError] = useState<Error | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    setStartError(null);
    checkAccess().catch((error: unknown) => setStartError(error instanceof Error ? error : new Error(String(error))));
  }, [attempt]);

  const view = VIEWS.find((v) => v.path === location.path);
  useEffect(() => {
    document.title = `${view?.title ?? 'Not found'} · actlog`;
  }, [view]);

  // After a navigation (not the first load), focus moves to the new view's heading.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    (document.querySelector('main h1') as HTMLElement | null)?.focus();
  }, [location.path]);

  // While access is being checked the view already loads: with no token needed (or a stored,
  // valid one) that saves a round trip; a 401 on any request switches to the token prompt.
  let content: preact.ComponentChildren;
  if (startError) content = <ErrorMessage error={startError} retry={() => setAttempt((n) => n + 1)} />;
  else if (access.state === 'needs-token') content = <TokenPrompt wrong={access.wrong} />;
  else if (access.state === 'refused') {
    content = (
      <div class="error" role="alert">
        <h1>This page may not use the API</h1>
        <p>{access.message}</p>
      </div>
    );
  } else if (location.path === '/') content = <Overview params={location.params} />;
  else if (location.path === '/devices') content = <Entities key="serial" field="serial" params={location.params} />;
  else if (location.path === '/accounts')
    content = <Entities key="username" field="username" params={location.params} />;
  else if (location.path === '/explorer') content = <Explorer params={location.params} />;
  else {
    content = (
      <div data-view="not-found">
        <h1 tabIndex={-1}>Nothing here</h1>
        <p>
          There is no page at <code>{location.path}</code>. Start from the <a href="/">overview</a>.
        </p>
      </div>
    );
  }

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="/" aria-label="actlog overview">
          actlog
        </a>
        <nav aria-label="Views">
          <ul>
            {VIEWS.map((v) => (
              <li key={v.path}>
                <a href={v.path} aria-current={v.path === location.path ? 'page' : undefined}>
                  {v.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="access" data-access={access.state}>
          {access.state === 'read-only' && (
            <span class="badge" title="This token may look and export, not delete">
              read-only
            </span>
          )}
          {hasToken() && (access.state === 'full' || access.state === 'read-only') && (
            <button type="button" class="link-button" onClick={forgetToken}>
              Forget token
            </button>
          )}
          <a href="/docs" class="muted">
            API
          </a>
        </div>
      </header>
      <main id="main">{content}</main>
    </>
  );
}
