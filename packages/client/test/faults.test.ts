// The resilience-test helpers: a fault applied for the length of a scope, and `applied()` waiting until
// every targeted data plane holds it. Data planes are stood in for by polls, as the plugin sends them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pollAsDataPlane, type RunningControlPlane, startControlPlane } from '@hfi/testkit';
import { FaultNotAppliedError, HfiClient, isHfiError } from '../src/index.js';
import { delayPolicy } from './policies.js';

let cp: RunningControlPlane;
let hfi: HfiClient;
before(async () => {
  cp = await startControlPlane();
  hfi = new HfiClient({ server: cp.url });
});
after(async () => {
  await cp?.stop();
});

const exists = async (name: string) =>
  hfi.getPolicy(name).then(
    () => true,
    (e: unknown) => (isHfiError(e, 'HFI_NOT_FOUND') ? false : Promise.reject(e)),
  );

test('applied() fails naming the policy and the counts while no data plane is targeted', async () => {
  await using fault = await hfi.inject(delayPolicy('nobody-there', 'ghost'));
  const error = await fault.applied({ timeoutMs: 300 }).catch((e: unknown) => e);
  assert.ok(error instanceof FaultNotAppliedError);
  assert.equal(error.policy, 'nobody-there');
  assert.match(
    error.message,
    /policy "nobody-there" is not applied after 300 ms: applied on 0 of 0 targeted data planes: no data plane matches/,
  );
});

test('applied() resolves once every targeted data plane holds the write; the scope end removes the policy', async () => {
  {
    await using fault = await hfi.inject(delayPolicy('scoped'));
    assert.equal(fault.name, 'scoped');
    await pollAsDataPlane(cp.url, { instance: 'frontend-a/vm', service: 'frontend', namespace: 'demo', pod: 'frontend-a' });
    const status = await fault.applied({ timeoutMs: 5000 });
    assert.equal(status.appliedDataPlanes, 1);
    assert.equal(status.targetedDataPlanes, 1);
    assert.ok(await exists('scoped'));
  }
  assert.equal(await exists('scoped'), false, 'disposed at the end of the block');
});

test('applied() does not resolve while a targeted data plane holds an older rule set', async () => {
  await pollAsDataPlane(cp.url, { instance: 'frontend-b/vm', service: 'frontend', namespace: 'demo', pod: 'frontend-b' });
  await using fault = await hfi.inject(delayPolicy('late'));
  const early = await fault.applied({ timeoutMs: 300 }).catch((e: unknown) => e);
  assert.ok(early instanceof FaultNotAppliedError, 'no data plane has polled since the write');
  assert.equal(early.status?.appliedDataPlanes, 0);
  assert.equal(early.status?.targetedDataPlanes, 2);
  await pollAsDataPlane(cp.url, { instance: 'frontend-a/vm', service: 'frontend', namespace: 'demo', pod: 'frontend-a' });
  await pollAsDataPlane(cp.url, { instance: 'frontend-b/vm', service: 'frontend', namespace: 'demo', pod: 'frontend-b' });
  assert.equal((await fault.applied({ timeoutMs: 5000 })).appliedDataPlanes, 2);
});

test('withFault removes the policy when the callback throws, and passes its result otherwise', async () => {
  await assert.rejects(
    hfi.withFault(delayPolicy('with-throw'), async () => {
      assert.ok(await exists('with-throw'));
      throw new Error('the test failed');
    }),
    /the test failed/,
  );
  assert.equal(await exists('with-throw'), false);
  assert.equal(await hfi.withFault(delayPolicy('with-value'), (fault) => fault.name), 'with-value');
  assert.equal(await exists('with-value'), false);
});

test('remove() can be called again, and after someone else deleted the policy', async () => {
  const fault = await hfi.inject(delayPolicy('removed-twice'));
  await hfi.deletePolicy('removed-twice');
  await fault.remove();
  await fault.remove();
  await fault[Symbol.asyncDispose]();
});
