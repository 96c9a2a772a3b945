// The reset kind: reset the stream instead of answering it (docs/policy.md "reset"), once any delay is over.
// `fault.reset: {}` takes no options; not with an abort (a fault answers or resets, not both).
import { childPath, describe, isRecord, own } from '../errors.js';
import { given, written } from '../fields.js';
import type { CompiledRule, Fault } from '../types.js';
import type { FaultKind } from './kind.js';

export const resetKind: FaultKind = {
  name: 'reset',
  inputKeys: ['reset'],
  isGiven: (input) => written(input, 'reset'),
  read(sink, faultPath, input) {
    if (!given(input, 'reset')) return {};
    const path = `${faultPath}.reset`;
    const value = own(input, 'reset');
    if (!isRecord(value)) {
      sink.add(path, `expected {} (a reset takes no options), found ${describe(value)}`);
      return undefined;
    }
    const before = sink.count;
    for (const key of Object.keys(value)) sink.add(childPath(path, key), 'unknown field (a reset takes no options: write reset: {})');
    if (given(input, 'abort')) sink.add(path, 'a fault either aborts or resets the request, not both: remove abort or reset');
    return sink.count > before ? undefined : { reset: {} };
  },
  compile: (fault: Fault): Pick<CompiledRule, 'reset'> => (fault.reset ? { reset: true } : {}),
  describe: (fault) => (fault.reset ? 'reset the stream (the caller gets no response: the connection closes)' : undefined),
  decision: (rule) => (rule.reset ? (_random, decision) => ({ ...decision, reset: true }) : undefined),
};
