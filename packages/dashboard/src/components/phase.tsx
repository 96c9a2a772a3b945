// A policy's phase as a badge whose colour and word both say it.
import type { PolicyPhase } from '@hfi/client';

export function Phase({ phase }: { phase: PolicyPhase }) {
  return <span class={`phase phase-${phase.toLowerCase()}`}>{phase}</span>;
}
