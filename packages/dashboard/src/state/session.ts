// The token this tab signed in with: entered once, kept in sessionStorage (this tab, until it closes;
// never in the URL, so it is in no log and no history), and sent as `authorization: Bearer` on every call.
import { HfiClient } from '@hfi/client';
import { computed, signal } from '@preact/signals';

const KEY = 'hfi.dashboard.token';

export interface Session {
  /** '' when the server runs open (no token configured) or none was entered yet. */
  readonly token: { value: string };
  readonly client: { readonly value: HfiClient };
  signIn(token: string): void;
  signOut(): void;
}

export function createSession(storage: Storage, server: string): Session {
  const token = signal(storage.getItem(KEY) ?? '');
  const client = computed(() => new HfiClient({ server, token: token.value || undefined, timeoutMs: 15_000 }));
  return {
    token,
    client,
    signIn(value) {
      storage.setItem(KEY, value.trim());
      token.value = value.trim();
    },
    signOut() {
      storage.removeItem(KEY);
      token.value = '';
    },
  };
}
