// What both stores do alike with halts: one halt per selector, stamped the same way.
import type { HaltRequest, Selector, StoredHalt } from '@hfi/policy';
import { isoTime } from './stamp.js';

/** The key of a halt's selector in a map (memory) or under the etcd prefix: service and namespace never hold "/". */
export function haltKey(selector: Selector): string {
  return `${selector.service}/${selector.namespace}`;
}

/** A halt as written: halting a selector again keeps when it was first halted, and takes the new reason and actor. */
export function stampHalt(request: HaltRequest, existing: StoredHalt | undefined, nowMs: number, version: string): StoredHalt {
  const { selector, reason, actor } = request;
  return {
    selector: { service: selector.service, namespace: selector.namespace },
    reason,
    createdAt: existing?.createdAt ?? isoTime(nowMs),
    ...(actor !== undefined ? { actor } : {}),
    version,
  };
}
