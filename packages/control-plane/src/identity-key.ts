// Map keys for data-plane identities, spelled in one place so that every cache and grouping keyed by
// identity agrees. JSON arrays keep fields apart whatever they contain, and keep null (unknown) apart
// from any name.
import type { Identity } from '@hfi/policy';

/** The key of an identity's (service, namespace): data planes with equal keys get the same rule set. */
export function identityKey(identity: Pick<Identity, 'service' | 'namespace'>): string {
  return JSON.stringify([identity.service, identity.namespace]);
}

/**
 * The key of the sidecar a data plane belongs to: its pod when known (the worker VMs of one Envoy poll
 * separately, each as its own instance), otherwise the instance alone.
 */
export function podKey(plane: { instance: string; identity: { namespace: string | null; pod: string | null } }): string {
  const { namespace, pod } = plane.identity;
  return pod ? JSON.stringify(['pod', namespace ?? '', pod]) : JSON.stringify(['instance', plane.instance]);
}
