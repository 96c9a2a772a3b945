// A typed client for the control plane's REST API (docs/api.md), over fetch. Shapes come from @hfi/api,
// the contract the server's routes carry; errors are HfiApiError / HfiUnreachableError with a `code`.
import type {
  AppliedPolicy,
  ApplyResult,
  AuditEntry,
  AuditKind,
  AuditList,
  CompiledRuleSet,
  DataPlane,
  DataPlaneList,
  DeletedSkippedKey,
  FaultInjectionPolicy,
  HaltList,
  HaltRequestBody,
  Health,
  PolicyDocument,
  PolicyList,
  PolicyStatus,
  PolicyStatusItem,
  PolicyStatusList,
  PolicyWithStatus,
  Ready,
  Resumed,
  ResumeQuery,
  StoredHalt,
  WorkloadList,
} from '@hfi/api';
import { type StreamEvent, streamEvents } from './events.js';
import { type InjectedFault, type InjectOptions, injectFault, withInjectedFault } from './faults.js';
import { readJson, Transport } from './transport.js';

export interface HfiClientOptions {
  /** Base URL of the control plane, e.g. http://127.0.0.1:8080. */
  server: string;
  /** A bearer token (admin for writes; read for reads), when the server requires one. */
  token?: string | undefined;
  /** Per request (for streams: until the response headers arrive). Default 10 s. */
  timeoutMs?: number;
  /** Defaults to the global fetch (Node 20's, or the browser's). */
  fetch?: typeof fetch;
  /** Sent as user-agent. */
  userAgent?: string;
  /** The clock `applied()` measures its timeout with; defaults to Date.now. */
  now?: () => number;
}

/** A policy to write: any form users write (YAML parsed to an object, or the canonical form). */
export type PolicyInput = PolicyDocument | FaultInjectionPolicy;

export interface ApplyOutcome {
  /** What the server did (response header hfi-result). */
  result: ApplyResult;
  policy: AppliedPolicy;
}

/** What to halt: no selector = everything; a selector field left out = "*". `reason` and `actor` are free text. */
export type HaltInput = HaltRequestBody;

export interface HaltOutcome {
  /** `created`: the selector was not halted; `configured`: it was, and its reason and actor are updated. */
  result: 'created' | 'configured';
  halt: StoredHalt;
}

/** Which halt to lift: neither field = every halt; a field left out = "*". */
export type HaltSelector = ResumeQuery;

export interface ResumeOutcome {
  /** The halts lifted (none when nothing was halted). */
  removed: StoredHalt[];
  /** Halt keys removed whose values were not valid halts (skipped by the control plane, listed in /ready). */
  skipped: DeletedSkippedKey[];
  /** The rule-set version after the resume: a data plane holding it is no longer halted. */
  version: number;
}

/** Which audit entries: one policy's, one kind, the newest `limit` (default 100, at most 1000). */
export interface AuditFilter {
  policy?: string;
  kind?: AuditKind;
  limit?: number;
}

/** Which workloads' figures, over which window (a duration such as "30s"; the server's default is 1m). */
export interface WorkloadFilter {
  window?: string;
  service?: string;
  namespace?: string;
}

/** Which data plane's view of the rule set: neither field = the whole set; one left out = unknown. */
export interface IdentitySelector {
  service?: string;
  namespace?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class HfiClient {
  readonly server: string;
  private readonly transport: Transport;
  /** @internal the clock for helpers' deadlines. */
  readonly now: () => number;

  constructor(options: HfiClientOptions) {
    this.server = options.server.replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
    this.transport = new Transport({
      server: this.server,
      token: options.token,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      // Bound: a browser's fetch throws when called as a method of another object.
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      userAgent: options.userAgent,
    });
  }

  /** GET /v1/health: liveness and the server's version. */
  health(): Promise<Health> {
    return this.transport.json('GET', '/v1/health');
  }

  /** GET /ready: resolves while the store answers and a rule set is compiled; HFI_STORE_UNAVAILABLE / HFI_NO_RULE_SET otherwise. */
  ready(): Promise<Ready> {
    return this.transport.json('GET', '/ready');
  }

  /** POST /v1/policies: creates or updates one policy. */
  applyPolicy(policy: PolicyInput, options: { dryRun?: boolean } = {}): Promise<ApplyOutcome> {
    return this.write(JSON.stringify(policy), 'application/json', options.dryRun === true);
  }

  /** POST /v1/policies?dryRun=true: validates, checks the version and the limit; writes nothing. */
  dryRunPolicy(policy: PolicyInput): Promise<ApplyOutcome> {
    return this.write(JSON.stringify(policy), 'application/json', true);
  }

  /**
   * POST /v1/policies with the policy as the user wrote it (one YAML or JSON document), so that the
   * server's errors name the fields of that text (an editor shows them at their lines).
   */
  applyPolicyText(
    text: string,
    options: { dryRun?: boolean; contentType?: 'application/yaml' | 'application/json' } = {},
  ): Promise<ApplyOutcome> {
    return this.write(text, options.contentType ?? 'application/yaml', options.dryRun === true);
  }

  /** GET /v1/policies: every policy with its status, sorted by name. */
  async listPolicies(): Promise<PolicyWithStatus[]> {
    return (await this.transport.json<PolicyList>('GET', '/v1/policies')).items;
  }

  /** GET /v1/policies/{name}; HFI_NOT_FOUND when there is none. */
  getPolicy(name: string): Promise<PolicyWithStatus> {
    return this.transport.json('GET', `/v1/policies/${encodeURIComponent(name)}`);
  }

  /** The status block of one policy. */
  async policyStatus(name: string): Promise<PolicyStatus> {
    return (await this.getPolicy(name)).status;
  }

  /**
   * DELETE /v1/policies/{name}: answers what was deleted (a store key whose value was not a valid policy is
   * deleted too, and answered as such); HFI_NOT_FOUND when there was none.
   */
  deletePolicy(name: string): Promise<PolicyWithStatus | DeletedSkippedKey> {
    return this.transport.json('DELETE', `/v1/policies/${encodeURIComponent(name)}`);
  }

  /**
   * POST /v1/policies/{name}/resume: resumes a policy a stop condition stopped (phase Halted, status.haltReason);
   * HFI_NOT_FOUND when there is no such policy or it is not stopped.
   */
  resumePolicy(name: string): Promise<PolicyWithStatus> {
    return this.transport.json('POST', `/v1/policies/${encodeURIComponent(name)}/resume`);
  }

  /** GET /v1/policies/status: the status of every policy. */
  async policyStatuses(): Promise<PolicyStatusItem[]> {
    return (await this.transport.json<PolicyStatusList>('GET', '/v1/policies/status')).items;
  }

  /**
   * POST /v1/halt: stops every fault on the data planes the selector matches (no selector: everywhere), from
   * the moment each has it, until `resume`. Requests they were delaying are released at once.
   */
  async halt(input: HaltInput = {}): Promise<HaltOutcome> {
    const response = await this.transport.request('POST', '/v1/halt', { body: JSON.stringify(input), contentType: 'application/json' });
    const halt = await readJson<StoredHalt>(response);
    return { result: response.status === 201 ? 'created' : 'configured', halt };
  }

  /** GET /v1/halt: the active halts, by service then namespace. */
  async listHalts(): Promise<StoredHalt[]> {
    return (await this.transport.json<HaltList>('GET', '/v1/halt')).items;
  }

  /** DELETE /v1/halt: lifts every halt, or the halt of one selector (HFI_NOT_FOUND when it is not halted). */
  async resume(selector: HaltSelector = {}): Promise<ResumeOutcome> {
    const { items, skipped, version } = await this.transport.json<Resumed>('DELETE', '/v1/halt', {
      query: { service: selector.service, namespace: selector.namespace },
    });
    return { removed: items, skipped: skipped ?? [], version };
  }

  /**
   * GET /v1/audit: who changed which policy or halt, when, and what it was before and after; newest first.
   */
  async audit(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const query = { policy: filter.policy, kind: filter.kind, limit: filter.limit === undefined ? undefined : String(filter.limit) };
    return (await this.transport.json<AuditList>('GET', '/v1/audit', { query })).items;
  }

  /**
   * GET /v1/workloads: traffic outcomes per workload over a sliding window (request rate, error rate, p50/p99,
   * faulted rate, data planes), from every data plane and replica.
   */
  workloads(filter: WorkloadFilter = {}): Promise<WorkloadList> {
    return this.transport.json<WorkloadList>('GET', '/v1/workloads', {
      query: { window: filter.window, service: filter.service, namespace: filter.namespace },
    });
  }

  /** GET /v1/dataplanes: the data planes seen polling in the last 5 minutes. */
  async listDataPlanes(): Promise<DataPlane[]> {
    return (await this.transport.json<DataPlaneList>('GET', '/v1/dataplanes')).items;
  }

  /** GET /v1/ruleset: the compiled rule set, or the subset one identity receives. */
  getRuleSet(identity: IdentitySelector = {}): Promise<CompiledRuleSet> {
    return this.transport.json('GET', '/v1/ruleset', { query: { service: identity.service, namespace: identity.namespace } });
  }

  /**
   * GET /v1/config/stream: the rule set at connect, then every new one, until `signal` aborts or the
   * server ends the stream. Resolves once connected (so a bad address or token fails here).
   */
  async watchRuleSets(signal: AbortSignal, identity: IdentitySelector = {}): Promise<AsyncIterable<StreamEvent>> {
    const response = await this.transport.request('GET', '/v1/config/stream', {
      accept: 'text/event-stream',
      query: { service: identity.service, namespace: identity.namespace },
      signal,
      streaming: true,
    });
    const body = response.body;
    if (body === null) return (async function* () {})();
    return streamEvents(body, signal, (error) => this.transport.unreachable(error, false));
  }

  /**
   * Applies `policy` for a resilience test; the handle's `applied()` waits until every targeted data
   * plane holds it, and disposing it (`await using`) or `remove()` deletes it.
   */
  inject(policy: PolicyInput, options: InjectOptions = {}): Promise<InjectedFault> {
    return injectFault(this, policy, options);
  }

  /** `inject`, run `fn`, then remove the policy whatever `fn` did: for runners without `await using`. */
  withFault<T>(policy: PolicyInput, fn: (fault: InjectedFault) => Promise<T> | T, options: InjectOptions = {}): Promise<T> {
    return withInjectedFault(this, policy, fn, options);
  }

  private async write(body: string, contentType: string, dryRun: boolean): Promise<ApplyOutcome> {
    const response = await this.transport.request('POST', '/v1/policies', {
      body,
      contentType,
      query: { dryRun: dryRun ? 'true' : undefined },
    });
    const policy = await readJson<AppliedPolicy>(response);
    const header = response.headers.get('hfi-result');
    const result: ApplyResult =
      header === 'created' || header === 'configured' || header === 'unchanged'
        ? header
        : response.status === 201
          ? 'created'
          : 'configured';
    return { result, policy };
  }
}
