// A replica's cold start on 10,000 policies with 20,000 distinct regexes: process start -> /ready (the first
// rule set published), on etcd with the built tables stored beside the policies and without them, and on a
// memory store handed the same policies in-process (a memory store starts empty, so this is its equivalent).
// Run: node dist/bench/cold-start.bench.js (part of npm run bench -w @hfi/control-plane).
import { readFileSync } from 'node:fs';
import { policyRegexSources, type StoredPolicy, validatePolicy } from '@hfi/policy';
import { startControlPlane, startEtcd, waitFor } from '@hfi/testkit';
import { Etcd3 } from 'etcd3';
import { buildApp } from '../src/app.js';
import { DEFAULT_CONFIG } from '../src/config/config.js';
import { MemoryPolicyStore } from '../src/store/memory.js';

const POLICIES = Number(process.env.BENCH_POLICIES ?? 10_000);
const STAMP = '2026-01-01T00:00:00.000Z';

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

async function chunked<T>(items: T[], size: number, run: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

const policies = Array.from({ length: POLICIES }, (_, i) => {
  const r = validatePolicy(policyInput(i));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.policy;
});
const sources = policies.flatMap(policyRegexSources);
console.log(`\n== cold start: ${POLICIES} policies, ${sources.length} distinct regexes ==`);

// memory (in-process): the hub prepares every policy's DFAs on the worker pool.
{
  const store = new MemoryPolicyStore({ maxPolicies: POLICIES, randomHex: () => 'cafe' });
  for (const p of policies) await store.put(p, { nowMs: Date.parse(STAMP) });
  const started = performance.now();
  const app = await buildApp({
    config: { ...structuredClone(DEFAULT_CONFIG), port: 0, maxPolicies: POLICIES, logging: { level: 'silent', format: 'json' } },
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

const etcd = await startEtcd();
const client = new Etcd3({ hosts: etcd.endpoint });
try {
  await chunked(policies, 500, (p) => {
    const value: Omit<StoredPolicy, 'metadata'> & { metadata: object } = {
      ...p,
      metadata: { ...p.metadata, createdAt: STAMP, updatedAt: STAMP },
    };
    return client.put(`/hfi/policies/${p.metadata.name}`).value(JSON.stringify(value)).exec();
  });
  const startReplica = async (label: string, whileRunning: () => Promise<void> = async () => undefined) => {
    const started = performance.now();
    const server = await startControlPlane({
      env: { STORAGE_BACKEND: 'etcd', ETCD_ENDPOINTS: etcd.endpoint, MAX_POLICIES: String(POLICIES), LOG_LEVEL: 'error' },
      readyTimeoutMs: 300_000,
    });
    const ms = performance.now() - started;
    console.log(`etcd, ${label}: ready after ${ms.toFixed(0)} ms, RSS ${rssMb(server.child.pid!).toFixed(0)} MB`);
    await whileRunning();
    await server.stop();
  };
  await client.delete().prefix('/hfi/dfa/');
  // The replica stores what it built in the background: wait until all of it is there before stopping it.
  await startReplica('no stored tables (built on the pool, then stored)', () =>
    waitFor(async () => (await client.getAll().prefix('/hfi/dfa/v1/').count()) === sources.length, {
      what: 'the built tables to be stored',
      timeoutMs: 300_000,
      intervalMs: 1_000,
    }).then(() => console.log(`  tables stored by that replica: ${sources.length}`)),
  );
  await startReplica('tables stored beside the policies');
  await client.delete().prefix('/hfi/dfa/');
  await startReplica('no stored tables, again');
} finally {
  client.close();
  await etcd.stop();
}
