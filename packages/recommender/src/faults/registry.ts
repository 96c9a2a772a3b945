// The fault kinds the recommender searches over, by the name they have under `faults:` in a space file.
import type { FaultKindName, FaultKinds } from '../space/types.js';
import { abortKind } from './abort.js';
import { delayKind } from './delay.js';
import type { FaultKind } from './fault-kind.js';

export const FAULT_KINDS: { readonly [K in FaultKindName]-?: FaultKind<NonNullable<FaultKinds[K]>> } = {
  delay: delayKind,
  abort: abortKind,
};

export const FAULT_KIND_NAMES = Object.keys(FAULT_KINDS) as FaultKindName[];

export function faultKind(name: string): FaultKind<unknown> {
  const kind = (FAULT_KINDS as Record<string, FaultKind<unknown>>)[name];
  if (!kind) throw new Error(`unknown fault kind "${name}"`);
  return kind;
}
