// Starting the real bins: ready when they say so, stopped cleanly, and a failed start explained by the
// program's own output.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startControlPlane } from '../src/control-plane.js';
import { startHfiProxy } from '../src/hfi-proxy.js';
import { closeAgent, request } from '../src/http.js';
import { freePort } from '../src/ports.js';
import { startUpstream } from '../src/upstream.js';

after(() => closeAgent());

test('the control plane is ready when started, on the port asked for, and exits 0 when stopped', async () => {
  const port = await freePort();
  const cp = await startControlPlane({ port });
  assert.equal(cp.url, `http://127.0.0.1:${port}`);
  assert.equal((await request(`${cp.url}/ready`)).status, 200);
  assert.equal(await cp.stop(), 0, cp.output());
});

test('a control plane that refuses to start fails the start with its output', async () => {
  await assert.rejects(
    startControlPlane({ env: { LOG_FORMAT: 'xml' } }),
    /hfi-control-plane exited \(2\) before it was ready[\s\S]*LOG_FORMAT/,
  );
});

test('hfi-proxy reports where it listens; requests reach the demo upstream unchanged', async () => {
  const upstream = await startUpstream();
  const proxy = await startHfiProxy({ upstream: upstream.url, args: ['--no-plugin'] });
  try {
    const r = await request(`${proxy.url}/hello?x=1`);
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { ok: true, path: '/hello?x=1' });
    assert.equal((await request(`${proxy.admin}/ready`)).status, 200);
  } finally {
    await proxy.stop();
    await upstream.close();
  }
});
