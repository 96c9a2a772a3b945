// How far a data plane is behind the rule set the control plane publishes now. Versions are store
// revisions, so the distance counts revisions (a write of any policy or halt is one), not publications.

export interface HeldRuleSet {
  epoch: string;
  version: number;
}

export type Lag = { kind: 'current' } | { kind: 'behind'; versions: number } | { kind: 'other-epoch' } | { kind: 'unknown' };

export function lagOf(held: HeldRuleSet, current: HeldRuleSet | undefined): Lag {
  if (!current) return { kind: 'unknown' };
  if (held.epoch !== current.epoch) return { kind: 'other-epoch' };
  return held.version >= current.version ? { kind: 'current' } : { kind: 'behind', versions: current.version - held.version };
}

export function describeLag(lag: Lag): string {
  switch (lag.kind) {
    case 'current':
      return 'up to date';
    case 'behind':
      return `${lag.versions} ${lag.versions === 1 ? 'revision' : 'revisions'} behind`;
    case 'other-epoch':
      return 'holds another epoch';
    case 'unknown':
      return '?';
  }
}
