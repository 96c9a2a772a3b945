// The response phase (docs/policy.md "Response phase"): `fault.phase: response` makes the delay hold the
// upstream's response before it reaches the caller, and the abort replace it (the upstream did the work; the
// caller sees a failure). `match.responseStatus` (a status or a class such as "5xx") narrows it to some answers.
// The rule is matched and drawn for at request time, like every rule (request headers are gone by the
// response); the status is the one condition checked when the response arrives (responseFaulted).

import { describe, type ErrorSink, own } from '../errors.js';
import { written } from '../fields.js';
import type { CompiledRule, Decision, Fault, RuleMatch } from '../types.js';
import type { FaultKind } from './kind.js';

type ResponseStatus = NonNullable<RuleMatch['responseStatus']>;
type CompiledResponseStatus = NonNullable<CompiledRule['responseStatus']>;

export const phaseKind: FaultKind = {
  name: 'phase',
  inputKeys: ['phase'],
  // Not a fault on its own: a rule still needs a delay or an abort.
  isGiven: () => false,
  read(sink, faultPath, input) {
    const value = own(input, 'phase');
    if (value === undefined || value === null) return {}; // null: refused by checkKeys
    const path = `${faultPath}.phase`;
    if (value !== 'request' && value !== 'response') {
      sink.add(path, `expected "request" (the default: before the upstream) or "response" (after it answered), found ${describe(value)}`);
      return undefined;
    }
    if (value === 'request') return {};
    if (written(input, 'reset')) {
      sink.add(path, 'a reset acts on the request only: remove phase: response, or the reset');
      return undefined;
    }
    return { phase: 'response' };
  },
  compile: (fault: Fault): Pick<CompiledRule, 'phase'> => (fault.phase ? { phase: 'response' } : {}),
  describe: () => undefined,
  decision(rule) {
    if (rule.phase !== 'response') return undefined;
    const status = rule.responseStatus;
    return (_random, decision) => ({ ...decision, phase: 'response', ...(status ? { responseStatus: status } : {}) });
  },
};

/** `match.responseStatus`: 100..599, or a class "1xx".."5xx". */
export function readResponseStatus(sink: ErrorSink, path: string, value: unknown): ResponseStatus | undefined {
  if (value === null) return undefined; // refused by checkKeys
  if (typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599) return value;
  if (typeof value === 'string' && /^[1-5]xx$/.test(value)) return value;
  sink.add(path, `expected an HTTP status from 100 to 599 or a class such as "5xx", found ${describe(value)}`);
  return undefined;
}

export function compileResponseStatus(status: ResponseStatus): CompiledResponseStatus {
  if (typeof status === 'number') return { min: status, max: status };
  const hundreds = Number(status[0]) * 100;
  return { min: hundreds, max: hundreds + 99 };
}

/** The words for a response-phase fault, before what it does (`hfi-cli policy describe`). */
export function describePhase(fault: Fault): string | undefined {
  return fault.phase === 'response' ? 'after the upstream answered: ' : undefined;
}

/**
 * Whether a decision taken at request time faults the response the upstream gave with `status`: a request-phase
 * decision is unaffected; a response-phase one applies when the status is in its range (any, without one).
 */
export function responseFaulted(decision: Decision, status: number): Decision {
  if (decision.action !== 'fault' || decision.phase !== 'response') return decision;
  const range = decision.responseStatus;
  if (range && (status < range.min || status > range.max)) return { action: 'pass' };
  return decision;
}
