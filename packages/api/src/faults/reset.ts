// The reset kind's shapes (docs/policy.md "reset"): `fault.reset: {}` takes no options; compiled, `reset: true`.
// @hfi/policy src/faults/reset.ts validates and compiles it.
import { Type } from '@sinclair/typebox';
import { CLOSED } from '../schema.js';

export const ResetFault = Type.Object({}, { ...CLOSED, description: 'reset the stream instead of answering: takes no options' });

/** Wire version 2, absent unless the rule resets. */
export const CompiledReset = Type.Literal(true, { description: 'reset the stream (proxy_close_stream) once any delay is over' });
