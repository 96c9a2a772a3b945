// The page: a header with the kill switch and the connection, the navigation from the view registry, the
// current view, and the notices. Without an accepted token it shows the sign-in form instead.
import { useEffect } from 'preact/hooks';
import { KillSwitch } from './components/kill-switch.js';
import { SignIn } from './components/sign-in.js';
import { type Dashboard, DashboardContext } from './context.js';
import { dismiss, notices } from './state/notices.js';
import { route } from './state/router.js';
import { resolveView, VIEWS } from './views/registry.js';

const CONNECTION_TEXT = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  'signed-out': 'signed out',
} as const;

export function App({ dashboard }: { dashboard: Dashboard }) {
  const { live, session } = dashboard;
  const connection = live.connection.value;
  const resolved = resolveView(route.value);
  const title = resolved ? resolved.view.title(resolved.params) : 'Not found';
  useEffect(() => {
    document.title = `${title} · HFI`;
  }, [title]);
  return (
    <DashboardContext.Provider value={dashboard}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="brand">
          <strong>HFI</strong> fault injection
        </div>
        <nav aria-label="Views">
          {VIEWS.filter((v) => v.nav).map((v) => (
            <a key={v.id} href={`#${v.nav!.path}`} aria-current={resolved?.view.id === v.id ? 'page' : undefined}>
              {v.nav!.label}
            </a>
          ))}
        </nav>
        <KillSwitch />
        <div class="session">
          <span class={`connection connection-${connection}`} role="status">
            {CONNECTION_TEXT[connection]}
          </span>
          {session.token.value !== '' && (
            <button type="button" class="link" onClick={() => session.signOut()}>
              Sign out
            </button>
          )}
        </div>
      </header>
      <div class="notices" role="alert">
        {notices.value.map((n) => (
          <p key={n.id} class={`notice notice-${n.kind}`}>
            {n.text}{' '}
            <button type="button" class="link" onClick={() => dismiss(n.id)} aria-label="Dismiss this message">
              ×
            </button>
          </p>
        ))}
      </div>
      <main id="main">
        {connection === 'signed-out' ? (
          <SignIn />
        ) : resolved ? (
          <resolved.view.component params={resolved.params} />
        ) : (
          <section class="view">
            <h1>Not found</h1>
            <a href="#/policies">All policies</a>
          </section>
        )}
      </main>
    </DashboardContext.Provider>
  );
}
