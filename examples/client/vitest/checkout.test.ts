// A resilience test with vitest (TypeScript, `await using`): the fault lasts exactly as long as the test.
// Run: HFI_SERVER=... SERVICE_URL=... npx vitest run --root vitest
import { HfiClient, isHfiError, type PolicyDocument } from '@hfi/client';
import { expect, test } from 'vitest';
import { checkoutAbort, HFI_SERVER, SERVICE_URL } from '../checkout-abort.mjs';

const hfi = new HfiClient({ server: HFI_SERVER, token: process.env.HFI_TOKEN });

test('checkout answers 503 while its payment backend is down', async () => {
  {
    await using fault = await hfi.inject(checkoutAbort as PolicyDocument);
    const status = await fault.applied();
    expect(status.appliedDataPlanes).toBeGreaterThan(0);
    const checkout = await fetch(`${SERVICE_URL}/api/checkout`);
    expect(checkout.status).toBe(503);
    expect(checkout.headers.get('x-hfi-fault')).toBe('example-checkout-abort/0');
  } // the policy is deleted here
  await expect(hfi.getPolicy(checkoutAbort.metadata.name)).rejects.toSatisfy((error) => isHfiError(error, 'HFI_NOT_FOUND'));
}, 15_000); // applied() waits up to 10 s by default, longer than vitest's 5 s test timeout
