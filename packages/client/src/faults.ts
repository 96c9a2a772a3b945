// Helpers for resilience tests in any runner: a fault that is applied for the length of a scope.
//   await using fault = await hfi.inject(policy);   // removed when the scope ends
//   await fault.applied();                          // every targeted data plane holds it
import type { AppliedPolicy, PolicyStatus } from '@hfi/api';
import type { HfiClient, PolicyInput } from './client.js';
import { isHfiError } from './errors.js';

export interface InjectOptions {
  /** How long `applied()` waits by default. Default 10 s. */
  appliedTimeoutMs?: number;
  /** How often `applied()` reads the policy's status. Default 100 ms. */
  pollIntervalMs?: number;
}

export interface AppliedOptions {
  timeoutMs?: number;
  /** Wait until at least this many data planes are targeted (default 1: a policy no data plane matches never applies). */
  minDataPlanes?: number;
}

/** Raised when `applied()` gives up: names the policy and how far it got. */
export class FaultNotAppliedError extends Error {
  constructor(
    readonly policy: string,
    readonly status: PolicyStatus | undefined,
    timeoutMs: number,
  ) {
    const counts = status
      ? `applied on ${status.appliedDataPlanes} of ${status.targetedDataPlanes} targeted data planes`
      : 'its status could not be read';
    const hint =
      status && status.targetedDataPlanes === 0
        ? ': no data plane matches its selector (is the sidecar running, with the service and namespace the selector names?)'
        : '';
    super(`policy "${policy}" is not applied after ${timeoutMs} ms: ${counts}${hint}`);
    this.name = 'FaultNotAppliedError';
  }
}

/** A policy applied for a test. `remove()` (or disposal) deletes it; both are safe to repeat. */
export interface InjectedFault extends AsyncDisposable {
  readonly name: string;
  /** What the write answered (canonical form, version, status). */
  readonly policy: AppliedPolicy;
  /** Resolves with the status once every targeted data plane (at least `minDataPlanes`) holds this write. */
  applied(options?: AppliedOptions): Promise<PolicyStatus>;
  remove(): Promise<void>;
}

export async function injectFault(client: HfiClient, input: PolicyInput, options: InjectOptions): Promise<InjectedFault> {
  const { policy } = await client.applyPolicy(input);
  const name = policy.metadata.name;
  const interval = options.pollIntervalMs ?? 100;
  let removed: Promise<void> | undefined;
  const remove = (): Promise<void> => {
    removed ??= client.deletePolicy(name).then(
      () => undefined,
      (error: unknown) => {
        if (!isHfiError(error, 'HFI_NOT_FOUND')) throw error; // already gone: what remove() wants
      },
    );
    return removed;
  };
  return {
    name,
    policy,
    remove,
    [Symbol.asyncDispose]: remove,
    async applied({ timeoutMs = options.appliedTimeoutMs ?? 10_000, minDataPlanes = 1 } = {}) {
      const deadline = client.now() + timeoutMs;
      let status: PolicyStatus | undefined;
      for (;;) {
        status = await client.policyStatus(name);
        const { appliedDataPlanes: applied, targetedDataPlanes: targeted } = status;
        if (targeted >= minDataPlanes && applied === targeted) return status;
        if (client.now() + interval > deadline) throw new FaultNotAppliedError(name, status, timeoutMs);
        await new Promise((resolve) => setTimeout(resolve, interval));
      }
    },
  };
}

export async function withInjectedFault<T>(
  client: HfiClient,
  policy: PolicyInput,
  fn: (fault: InjectedFault) => Promise<T> | T,
  options: InjectOptions,
): Promise<T> {
  const fault = await injectFault(client, policy, options);
  try {
    return await fn(fault);
  } finally {
    await fault.remove();
  }
}
