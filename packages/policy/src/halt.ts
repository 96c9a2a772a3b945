// Halts, the kill switch: what a halt request may hold, and which data planes and policies a halt covers.
// A halt's selector reads like a policy's: '*' in a field matches anything.

import { checkKeys, describe, ErrorSink, isRecord, own } from './errors.js';
import { LIMITS } from './limits.js';
import { readSelector, selects } from './selector.js';
import type { FieldError, HaltRequest, Identity, Selector } from './types.js';

const HALT_KEYS = ['selector', 'reason', 'actor'] as const;

/**
 * A POST /v1/halt body (no body at all = halt everything), normalised; every problem names its field. Null is
 * refused, the body's and every field's, as in policies: leaving a field out gives its default.
 */
export function validateHaltRequest(input: unknown): { ok: true; request: HaltRequest } | { ok: false; errors: FieldError[] } {
  const sink = new ErrorSink();
  if (input === undefined) return { ok: true, request: { selector: { service: '*', namespace: '*' }, reason: '' } };
  if (!isRecord(input))
    return { ok: false, errors: [{ path: '', message: `expected an object {reason, selector} (or no body), found ${describe(input)}` }] };
  checkKeys(sink, '', input, HALT_KEYS);
  const selector = readSelector(sink, 'selector', own(input, 'selector'));
  const reason = readText(sink, 'reason', own(input, 'reason'), LIMITS.haltReasonLength);
  const actor = readText(sink, 'actor', own(input, 'actor'), LIMITS.haltActorLength);
  if (sink.count > 0 || !selector || reason === undefined || actor === undefined) return { ok: false, errors: sink.errors };
  return { ok: true, request: { selector, reason, ...(actor !== '' ? { actor } : {}) } };
}

function readText(sink: ErrorSink, path: string, value: unknown, max: number): string | undefined {
  if (value === undefined) return '';
  if (value === null) return undefined; // refused by checkKeys
  if (typeof value !== 'string' || value.length > max) {
    sink.add(path, `expected a string of at most ${max} characters, found ${describe(value)}`);
    return undefined;
  }
  return value;
}

/** Whether a halt stops the data plane `identity`: each selector field is '*' or equals the known identity field. */
export function haltCovers(halt: { selector: Selector }, identity: Pick<Identity, 'service' | 'namespace'>): boolean {
  return selects(halt.selector.service, identity.service) && selects(halt.selector.namespace, identity.namespace);
}

/**
 * How much of a policy's scope a halt covers: `whole` when every data plane the policy selects is halted
 * (each halt field '*' or equal to the policy's), `part` when only some are (policy `service: "*"`, halt
 * `service: frontend`), `none` when they share no data plane.
 */
export function haltScope(halt: { selector: Selector }, policy: Selector): 'whole' | 'part' | 'none' {
  const field = (h: string, p: string): 'whole' | 'part' | 'none' => (h === '*' || h === p ? 'whole' : p === '*' ? 'part' : 'none');
  const service = field(halt.selector.service, policy.service);
  const namespace = field(halt.selector.namespace, policy.namespace);
  if (service === 'none' || namespace === 'none') return 'none';
  return service === 'whole' && namespace === 'whole' ? 'whole' : 'part';
}

/** Halts in the order they are listed and sent: by service, then namespace. */
export function byHaltSelector(a: { selector: Selector }, b: { selector: Selector }): number {
  const x = a.selector;
  const y = b.selector;
  if (x.service !== y.service) return x.service < y.service ? -1 : 1;
  return x.namespace < y.namespace ? -1 : x.namespace > y.namespace ? 1 : 0;
}
