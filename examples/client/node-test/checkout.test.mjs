// A resilience test with node:test (Node 20, plain JavaScript): inject a fault, wait until the sidecar
// holds it, call the service through the sidecar, assert what the fault does; the fault is removed after.
// Run: HFI_SERVER=http://127.0.0.1:8080 SERVICE_URL=http://127.0.0.1:10000 node --test node-test/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HfiClient, isHfiError } from '@hfi/client';
import { checkoutAbort, HFI_SERVER, SERVICE_URL } from '../checkout-abort.mjs';

const hfi = new HfiClient({ server: HFI_SERVER, token: process.env.HFI_TOKEN });

test('checkout answers 503 while its payment backend is down; other pages still work', async () => {
  // withFault removes the policy afterwards, also when an assertion fails. In TypeScript (5.2+):
  //   await using fault = await hfi.inject(checkoutAbort);
  await hfi.withFault(checkoutAbort, async (fault) => {
    await fault.applied();
    const checkout = await fetch(`${SERVICE_URL}/api/checkout`);
    assert.equal(checkout.status, 503);
    assert.equal(checkout.headers.get('x-hfi-fault'), 'example-checkout-abort/0');
    assert.equal(await checkout.text(), 'payment backend unavailable');
    assert.equal((await fetch(`${SERVICE_URL}/api/catalog`)).status, 200);
  });
  await assert.rejects(hfi.getPolicy(checkoutAbort.metadata.name), (error) => isHfiError(error, 'HFI_NOT_FOUND'));
});
