// The fault every example injects: the frontend's checkout answers 503, as if its payment backend were down.
export const checkoutAbort = {
  metadata: { name: 'example-checkout-abort' },
  spec: {
    selector: { service: 'frontend', namespace: 'demo' },
    rules: [
      {
        match: { path: { prefix: '/api/checkout' } },
        fault: { abort: { httpStatus: 503, body: 'payment backend unavailable' }, duration_seconds: 300 },
      },
    ],
  },
};

/** Where the examples find HFI and the service under test (the e2e test sets both). */
export const HFI_SERVER = process.env.HFI_SERVER ?? 'http://127.0.0.1:8080';
export const SERVICE_URL = process.env.SERVICE_URL ?? 'http://127.0.0.1:10000';
