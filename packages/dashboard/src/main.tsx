// The dashboard's entry point: the one place that reads the real clock, the tab's session storage and the
// page's origin, and starts the live data for the token the tab has.
import './styles.css';
import { effect, signal } from '@preact/signals';
import { render } from 'preact';
import { App } from './app.js';
import type { Dashboard } from './context.js';
import { createActions } from './state/actions.js';
import { LiveData } from './state/live.js';
import { notify } from './state/notices.js';
import { startRouter } from './state/router.js';
import { createSession } from './state/session.js';

const clock = { now: () => Date.now() };
const now = signal(clock.now());
setInterval(() => (now.value = clock.now()), 1000);

startRouter();
const session = createSession(window.sessionStorage, window.location.origin);
const root = document.getElementById('app')!;
let running: LiveData | undefined;

// A new token (signing in, signing out) starts the live data again with a client that sends it.
effect(() => {
  const client = session.client.value;
  running?.stop();
  const live = new LiveData(client, { now: clock.now, pollMs: 2000, maxRetryMs: 10_000, onError: (text) => notify('error', text) });
  running = live;
  const dashboard: Dashboard = { live, actions: createActions(client, live), session, now };
  live.start();
  render(<App dashboard={dashboard} />, root);
});
