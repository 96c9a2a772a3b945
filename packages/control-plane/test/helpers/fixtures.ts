// Policies, configuration and a controllable clock for tests.

import { WIRE_DFA_TABLES_VERSION } from '@hfi/policy';
import { type BuildOptions, buildApp } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';
import { type AuthConfig, type ControlPlaneConfig, DEFAULT_CONFIG } from '../../src/config/config.js';

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export class ManualClock implements Clock {
  constructor(public ms = T0) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

let counter = 0;
export const randomHex = (bytes: number): string => (++counter).toString(16).padStart(bytes * 2, '0');

/** What every store a test builds directly is given besides its bound on policies. */
export const storeDefaults = { randomHex, audit: DEFAULT_CONFIG.audit };

/** Tokens named as the environment names them: `admin`, `read-1`..., `dataplane`. */
export function authWith(o: { admin?: string; read?: string[]; dataplane?: string }): AuthConfig {
  return {
    tokens: {
      admin: o.admin ? [{ name: 'admin', token: o.admin }] : [],
      read: (o.read ?? []).map((token, i) => ({ name: `read-${i + 1}`, token })),
      dataplane: o.dataplane ? [{ name: 'dataplane', token: o.dataplane }] : [],
    },
    allowUnauthenticated: false,
  };
}

export function testConfig(overrides: Partial<ControlPlaneConfig> = {}): ControlPlaneConfig {
  return { ...structuredClone(DEFAULT_CONFIG), port: 0, logging: { level: 'silent', format: 'json' }, ...overrides };
}

export function makeApp(options: Partial<BuildOptions> = {}) {
  return buildApp({ config: testConfig(), clock: new ManualClock(), randomHex, version: '0.1.0-test', logger: false, ...options });
}

export interface PolicyOptions {
  service?: string;
  namespace?: string;
  percentage?: number;
  delayMs?: number;
  version?: string;
  durationSeconds?: number;
  priority?: number;
  prefix?: string;
}

export function policy(name: string, o: PolicyOptions = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'FaultInjectionPolicy',
    metadata: { name, ...(o.version !== undefined ? { version: o.version } : {}) },
    spec: {
      selector: { service: o.service ?? 'frontend', namespace: o.namespace ?? 'demo' },
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
      rules: [
        {
          match: { path: { prefix: o.prefix ?? '/api' } },
          fault: {
            percentage: o.percentage ?? 50,
            delay: { fixed_delay_ms: o.delayMs ?? 100 },
            ...(o.durationSeconds !== undefined ? { duration_seconds: o.durationSeconds } : {}),
          },
        },
      ],
    },
  };
}

export function pollBody(
  o: {
    instance?: string;
    pod?: string;
    service?: string | null;
    namespace?: string | null;
    epoch?: string;
    version?: number;
    holdMs?: number;
    counters?: unknown;
    /** Default 4: answered in the rule form, which most tests read (5: the compact form). */
    wireVersion?: number;
  } = {},
) {
  const instance = o.instance ?? 'pod-1/vm1';
  return {
    wireVersion: o.wireVersion ?? WIRE_DFA_TABLES_VERSION,
    // Plugins name an instance `<pod>/<vm id>`.
    identity: {
      service: o.service === undefined ? 'frontend' : o.service,
      namespace: o.namespace === undefined ? 'demo' : o.namespace,
      pod: o.pod ?? instance.split('/')[0],
    },
    instance,
    epoch: o.epoch ?? '',
    version: o.version ?? 0,
    holdMs: o.holdMs ?? 0,
    ...(o.counters !== undefined ? { counters: o.counters } : {}),
  };
}
