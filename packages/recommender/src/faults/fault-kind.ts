// What a fault kind contributes to the recommender: how its part of the space is read, which dimensions it adds,
// and which policy fault a candidate turns into. One module per kind, registered in faults/registry.ts.
import type { ErrorSink } from '@hfi/policy';
import type { Candidate, Dimension } from '../encoding/dimensions.js';

/** The kind-specific part of a policy's fault, as validatePolicy accepts it. */
type FaultPart = { delay: { fixed_delay_ms: number } } | { abort: { httpStatus: number } };

export interface FaultKind<Space> {
  name: string;
  /** Reads `faults.<name>` of the space file; errors name their field under `path`. */
  read(sink: ErrorSink, path: string, value: unknown): Space | undefined;
  dimensions(space: Space): Dimension[];
  fault(candidate: Candidate): FaultPart;
  /** One line for tables: "delay 412ms". */
  summary(candidate: Candidate): string;
}
