// The response phase's shapes (docs/policy.md "Response phase"): `fault.phase: response` acts after the upstream
// answered; `match.responseStatus` (a status or a class such as "5xx") is allowed only with it.
// @hfi/policy src/faults/phase.ts validates and compiles them.
import { Type } from '@sinclair/typebox';
import { CLOSED } from '../schema.js';

/** Canonical: absent for the request phase (the default). */
export const FaultPhase = Type.Literal('response', { description: 'act on the response, after the upstream answered' });
export const FaultPhaseInput = Type.Union([Type.Literal('request'), Type.Literal('response')], {
  description: 'request (default): before the upstream; response: after it answered',
});

export const ResponseStatusMatch = Type.Union([
  Type.Integer({ minimum: 100, maximum: 599 }),
  Type.String({ pattern: '^[1-5]xx$', description: 'a class: "2xx" .. "5xx"' }),
]);

/** Wire version 2: the upstream status range a response-phase rule applies to, both ends included. */
export const CompiledResponseStatus = Type.Object(
  { min: Type.Integer({ minimum: 100, maximum: 599 }), max: Type.Integer({ minimum: 100, maximum: 599 }) },
  CLOSED,
);
