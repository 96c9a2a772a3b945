// The kill switch behind the API: halt a selector, list the halts, resume one or all. A halt is a store write
// like a policy write (it bumps the rule-set version and reaches data planes the same way); a write
// answers once its own change has reached this replica's mirror (read-your-writes).
import type { ResumeQuery } from '@hfi/api';
import { type Selector, type StoredHalt, validateHaltRequest } from '@hfi/policy';
import type { Clock } from './clock.js';
import type { RuleSetHub } from './distribution/hub.js';
import { fieldDetails, HfiError } from './errors.js';
import type { PolicyStore, SkippedKey } from './store/types.js';

/** How long a write waits for its own change to reach the mirror before answering. */
const READ_YOUR_WRITE_MS = 2000;

export interface HaltServiceOptions {
  store: PolicyStore;
  hub: RuleSetHub;
  clock: Clock;
}

export class HaltService {
  constructor(private readonly o: HaltServiceOptions) {}

  /** `actor`: who halts (the token's name), for the audit history; the halt's own `actor` is what the client said. */
  async halt(input: unknown, actor: string): Promise<{ halt: StoredHalt; created: boolean }> {
    const validation = validateHaltRequest(input);
    if (!validation.ok) {
      const first = validation.errors[0]!;
      throw new HfiError(
        'HFI_INVALID_REQUEST',
        `invalid halt: ${first.path || '(body)'}: ${first.message}`,
        fieldDetails(validation.errors),
      );
    }
    const written = await this.o.store.putHalt(validation.request, { nowMs: this.o.clock.now(), actor });
    await this.o.hub.waitForRevision(Number(written.halt.version), READ_YOUR_WRITE_MS);
    return written;
  }

  list(): StoredHalt[] {
    return this.o.hub.halts();
  }

  /**
   * Resumes one selector, or every halt; a selector that is not halted is HFI_NOT_FOUND. Halt keys whose values
   * were skipped (not valid halts) are removed alike: that is their repair.
   */
  async resume(selector: Selector | undefined, actor: string): Promise<{ removed: StoredHalt[]; skipped: SkippedKey[]; version: number }> {
    const { removed, skipped, revision } = await this.o.store.resume(selector, { nowMs: this.o.clock.now(), actor });
    if (selector && removed.length === 0 && skipped.length === 0) {
      throw new HfiError('HFI_NOT_FOUND', `no halt for service "${selector.service}" in namespace "${selector.namespace}"`);
    }
    await this.o.hub.waitForRevision(revision, READ_YOUR_WRITE_MS);
    return { removed, skipped, version: revision };
  }
}

/** `?service=&namespace=` of DELETE /v1/halt: neither = every halt; one alone means "*" for the other. */
export function resumeSelector(query: ResumeQuery): Selector | undefined {
  const { service, namespace } = query;
  if (service === undefined && namespace === undefined) return undefined;
  const validation = validateHaltRequest({ selector: { service, namespace } });
  if (!validation.ok) {
    const details = validation.errors.map((e) => ({ path: e.path.replace(/^selector\./, ''), message: e.message }));
    throw new HfiError('HFI_INVALID_REQUEST', `query parameter ${details[0]!.path}: ${details[0]!.message}`, details);
  }
  return validation.request.selector;
}
