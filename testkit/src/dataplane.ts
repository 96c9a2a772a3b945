// A data plane as the control plane sees it, without running one: one poll, the way the plugin sends it.

/** Counter reports are numbered per instance; one growing number serves every instance. */
let seq = 0;

/**
 * Registers a data plane the way the plugin does: one poll holding nothing, answered at once (holdMs 0)
 * with the current rule set, which the control plane then counts as held by this instance. `counters`
 * go out as one new counter report.
 */
export async function pollAsDataPlane(
  url: string,
  poll: {
    instance: string;
    service: string | null;
    namespace: string | null;
    pod: string | null;
    counters?: Record<string, { aborts: number; delays: number }>;
  },
): Promise<void> {
  const rules = poll.counters ?? {};
  const totals = Object.values(rules).reduce((t, c) => ({ aborts: t.aborts + c.aborts, delays: t.delays + c.delays }), {
    aborts: 0,
    delays: 0,
  });
  const response = await fetch(`${url}/v1/dataplane/poll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      wireVersion: 1,
      identity: { service: poll.service, namespace: poll.namespace, pod: poll.pod },
      instance: poll.instance,
      epoch: '',
      version: 0,
      holdMs: 0,
      counters: { seq: ++seq, ...totals, rules },
    }),
  });
  await response.text();
  if (response.status !== 200 && response.status !== 304) throw new Error(`poll answered ${response.status}`);
}
