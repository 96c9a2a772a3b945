// Policies for the end-to-end tests: one FaultInjectionPolicy in namespace demo, as a user writes it.

export function policy(name: string, service: string, rules: unknown[], priority = 0) {
  return {
    apiVersion: 'v1',
    kind: 'FaultInjectionPolicy',
    metadata: { name },
    spec: { selector: { service, namespace: 'demo' }, priority, rules },
  };
}
