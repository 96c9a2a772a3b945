// A replica's cold start on N policies with 2N distinct regexes (3,000 and 10,000 by default; BENCH_POLICIES
// takes a comma list): process start -> /ready (the first rule set published) of the real bin on etcd, with
// the built tables stored beside the policies and without them, and the bin's boot on an empty etcd (what
// any start costs). A memory store starts empty, so its equivalent is the app built in-process on a memory
// store handed the same policies (DFAs built on the pool, as in the bin).
// Run: node dist/bench/cold-start.bench.js (part of npm run bench -w @hfi/control-plane).
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { type FaultInjectionPolicy, policyRegexSources, type StoredPolicy, validatePolicy } from '@hfi/policy';
import { startControlPlane, startEtcd, waitFor } from '@hfi/testkit';
import { Etcd3 } from 'etcd3';
import { buildApp } from '../src/app.js';
import { DEFAULT_CONFIG } from '../src/config/config.js';
import { MemoryPolicyStore } from '../src/store/memory.js';

const SIZES = (process.env.BENCH_POLICIES ?? '3000,10000').split(',').map(Number);
const STAMP = '2026-01-01T00:00:00.000Z';
const TABLES = '/hfi/dfa/v1/';
const READY_TIMEOUT_MS = 300_000;

function policyInput(i: number) {
  return {
    metadata: { name: `policy-${i}` },
    spec: {
      selector: { service: `svc-${i % 10}`, namespace: 'demo' },
      rules: [
        {
          match: {
            path: { regex: `/api/v[0-9]+/p${i}/[a-z0-9-]+(/items/[0-9]+)?` },
            headers: [{ name: 'x-tenant', regex: `tenant-${i}-[0-9]{1,4}` }],
          },
          fault: { percentage: 1, delay_ms: 5 },
        },
      ],
    },
  };
}

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

const load = () => loadavg()[0]!.toFixed(1);

async function chunked<T>(items: T[], size: number, run: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

async function memoryInProcess(policies: FaultInjectionPolicy[]): Promise<void> {
  const store = new MemoryPolicyStore({ maxPolicies: policies.length, randomHex: () => 'cafe', audit: DEFAULT_CONFIG.audit });
  for (const p of policies) await store.put(p, { nowMs: Date.parse(STAMP) });
  const started = performance.now();
  const app = await buildApp({
    config: { ...structuredClone(DEFAULT_CONFIG), port: 0, maxPolicies: policies.length, logging: { level: 'silent', format: 'json' } },
    clock: { now: () => Date.now() },
    randomHex: () => 'cafe',
    version: 'bench',
    logger: false,
    store,
  });
  await app.ready();
  const rules = (await app.inject({ method: 'GET', url: '/v1/ruleset' })).json().rules.length;
  console.log(
    `memory store (in-process), DFAs built on the pool: ready after ${(performance.now() - started).toFixed(0)} ms (${rules} rules)`,
  );
  await app.close();
}

async function onEtcd(policies: FaultInjectionPolicy[], sources: number): Promise<void> {
  const etcd = await startEtcd();
  const client = new Etcd3({ hosts: etcd.endpoint });
  const startReplica = async (label: string, whileRunning: (readyAt: number) => Promise<void> = async () => undefined) => {
    const started = performance.now();
    const server = await startControlPlane({
      env: { STORAGE_BACKEND: 'etcd', ETCD_ENDPOINTS: etcd.endpoint, MAX_POLICIES: String(policies.length), LOG_LEVEL: 'error' },
      readyTimeoutMs: READY_TIMEOUT_MS,
    });
    const readyAt = performance.now();
    console.log(
      `etcd, ${label}: ready after ${(readyAt - started).toFixed(0)} ms, RSS ${rssMb(server.child.pid!).toFixed(0)} MB (load ${load()})`,
    );
    await whileRunning(readyAt);
    await server.stop();
  };
  try {
    await startReplica('empty store (the boot alone)');
    await chunked(policies, 500, (p) => {
      const value: Omit<StoredPolicy, 'metadata'> & { metadata: object } = {
        ...p,
        metadata: { ...p.metadata, createdAt: STAMP, updatedAt: STAMP },
      };
      return client.put(`/hfi/policies/${p.metadata.name}`).value(JSON.stringify(value)).exec();
    });
    // The replica stores what it built in the background: wait until all of it is there before stopping it.
    await startReplica('no stored tables (built on the pool, then stored)', async (readyAt) => {
      await waitFor(async () => (await client.getAll().prefix(TABLES).count()) === sources, {
        what: 'the built tables to be stored',
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 250,
      });
      console.log(`  all ${sources} tables stored ${(performance.now() - readyAt).toFixed(0)} ms after ready`);
    });
    await startReplica('tables stored beside the policies');
    await client.delete().prefix(TABLES);
    await startReplica('no stored tables, again');
  } finally {
    client.close();
    await etcd.stop();
  }
}

for (const size of SIZES) {
  const policies = Array.from({ length: size }, (_, i) => {
    const r = validatePolicy(policyInput(i));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.policy;
  });
  const sources = policies.flatMap(policyRegexSources).length;
  console.log(`\n== cold start: ${size} policies, ${sources} distinct regexes (load ${load()}) ==`);
  await memoryInProcess(policies);
  await onEtcd(policies, sources);
}
