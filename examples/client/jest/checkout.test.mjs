// A resilience test with jest (ESM: run with node --experimental-vm-modules). inject() in beforeAll,
// remove() in afterAll: one fault for a whole describe block.
// Run: HFI_SERVER=... SERVICE_URL=... node --experimental-vm-modules node_modules/jest/bin/jest.js --rootDir jest

import { HfiClient } from '@hfi/client';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { checkoutAbort, HFI_SERVER, SERVICE_URL } from '../checkout-abort.mjs';

const hfi = new HfiClient({ server: HFI_SERVER, token: process.env.HFI_TOKEN });

describe('while the payment backend is down', () => {
  let fault;
  // applied() waits up to 10 s by default, longer than jest's 5 s hook timeout.
  beforeAll(async () => {
    fault = await hfi.inject(checkoutAbort);
    await fault.applied();
  }, 15_000);
  afterAll(() => fault?.remove());

  test('checkout answers 503 with the fault header', async () => {
    const checkout = await fetch(`${SERVICE_URL}/api/checkout`);
    expect(checkout.status).toBe(503);
    expect(checkout.headers.get('x-hfi-fault')).toBe('example-checkout-abort/0');
  });

  test('the catalogue still answers', async () => {
    expect((await fetch(`${SERVICE_URL}/api/catalog`)).status).toBe(200);
  });
});
