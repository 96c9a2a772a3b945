// End to end: a fleet of plugins of different wire versions behind one control plane (docs/wire-format.md "Which
// form a data plane gets"). Each poll is answered in the newest form its plugin reads, so an old plugin applies a
// regex policy too (tables inline), and the current one gets the compact form.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPolicy, request, startControlPlane, startHfiProxy, waitFor, wire3PluginWasm } from '@hfi/testkit';
import { policy } from './support/policies.js';
import { teardownAfterAll } from './support/teardown.js';

const teardown = teardownAfterAll();

test('an old plugin (wire version 3) and the current one (5) behind one control plane both apply a plain and a regex policy', async () => {
  const upstream = await teardown.upstream();
  const cp = teardown.own(await startControlPlane());
  const current = teardown.own(await startHfiProxy({ upstream: upstream.url, controlPlane: cp.url, service: 'frontend' }));
  const old = teardown.own(
    await startHfiProxy({
      upstream: upstream.url,
      controlPlane: cp.url,
      service: 'frontend',
      args: ['--plugin', wire3PluginWasm],
    }),
  );
  await applyPolicy(
    cp.url,
    policy('plain', 'frontend', [{ match: { path: { prefix: '/plain' } }, fault: { percentage: 100, abort: { httpStatus: 503 } } }]),
  );
  await applyPolicy(
    cp.url,
    policy('tabled', 'frontend', [{ match: { path: { regex: '/items/[0-9]+' } }, fault: { percentage: 100, abort: { httpStatus: 429 } } }]),
  );
  for (const [name, proxy] of [
    ['current', current],
    ['old', old],
  ] as const) {
    await waitFor(
      async () => (await request(`${proxy.url}/plain`)).status === 503 && (await request(`${proxy.url}/items/12`)).status === 429,
      {
        timeoutMs: 10_000,
        what: `the ${name} plugin to apply both policies`,
      },
    );
    assert.equal((await request(`${proxy.url}/items/x`)).status, 200, `${name}: the regex matches whole values only`);
  }
  const refusals = /rule set refused/;
  assert.doesNotMatch(old.output(), refusals, 'the old plugin refused no set');
  assert.doesNotMatch(current.output(), refusals);
});
