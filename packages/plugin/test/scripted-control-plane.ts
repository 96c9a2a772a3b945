// A control plane the plugin polls, answering from a script: what the stopping and dry-run tests talk to.
import assert from 'node:assert/strict';
import type { CompiledRule, Halt } from '@hfi/policy';
import type { HttpCallRequest, HttpCallResult, TestHost } from '@hfi/proxy-host';
import { advanceTo, CLUSTER, type PendingRequest, startPlugin } from './harness.js';
import { ruleSet, T0 } from './rules.js';

const decoder = new TextDecoder();

/** A control plane that answers each poll from a script, and with `idle` when the script is empty. */
export class ScriptedControlPlane {
  readonly polls: { atMs: number; body: any }[] = [];
  private readonly script: HttpCallResult[] = [];
  idle: HttpCallResult = { status: 304 };
  host: TestHost | undefined;

  readonly handler = (request: HttpCallRequest): HttpCallResult => {
    // Outcome reports go beside the polls (docs/outcomes.md): taken, and not part of the script.
    if (request.path === '/v1/dataplane/report') return { status: 204 };
    this.polls.push({ atMs: this.host?.now() ?? T0, body: JSON.parse(decoder.decode(request.body)) });
    return this.script.shift() ?? this.idle;
  };

  answer(...results: HttpCallResult[]): void {
    this.script.push(...results);
  }

  /** How many polls have been made; `untilPolls` advances the clock until there are `n`. */
  async untilPolls(n: number, pending: PendingRequest[] = []): Promise<void> {
    const host = this.host!;
    for (let i = 0; i < 600 && this.polls.length < n; i++) await advanceTo(host, host.now() + 100, pending);
    assert.ok(this.polls.length >= n, `expected ${n} polls, got ${this.polls.length}`);
  }

  get last(): any {
    return this.polls.at(-1)?.body;
  }
}

export const set = (rules: CompiledRule[], version: number, extra: { epoch?: string; halts?: Halt[] } = {}): HttpCallResult => ({
  status: 200,
  body: JSON.stringify({ ...ruleSet(rules, version, extra.epoch ?? 'e1'), ...(extra.halts ? { halts: extra.halts } : {}) }),
});

export async function start(cp: ScriptedControlPlane, config: Record<string, unknown> = {}, vmSeed?: bigint): Promise<TestHost> {
  const host = await startPlugin({
    startTimeMs: T0,
    ...(vmSeed !== undefined ? { vmSeed } : {}),
    controlPlane: cp.handler,
    pluginConfig: JSON.stringify({ control_plane_cluster: CLUSTER, retry_interval_sec: 1, ...config }),
  });
  cp.host = host;
  return host;
}
