// Policies the client tests apply.
import type { PolicyDocument } from '../src/index.js';

/** Delays half of frontend.demo's /api requests by 100 ms, for a minute. */
export function delayPolicy(name: string, service = 'frontend'): PolicyDocument {
  return {
    metadata: { name },
    spec: {
      selector: { service, namespace: 'demo' },
      rules: [{ match: { path: { prefix: '/api' } }, fault: { percentage: 50, delay: { fixed_delay_ms: 100 }, duration_seconds: 60 } }],
    },
  };
}
