// Per-request cost of the plugin's on_request_headers with 0/10/100/1,000/5,000 rules, matching and not,
// beside an empty filter (the floor); 100 rules of the issue-14 kinds (jitter, log-normal, limits, reset);
// the cost of a response whose request no rule faulted; the cost of observing outcomes (a whole stream with
// report_outcomes on and off, alternating batches); one figure through the full test host; memory with 1,000 and 5,000 rules through five updates.
// Run: npm run bench -w @hfi/plugin   (records go to docs/benchmarks/plugin.md)
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileRuleSet, type Rule, type StoredPolicy } from '@hfi/policy';
import { createTestHost } from '@hfi/proxy-host';
import { MinimalHost } from './minimal-host.js';

const pluginWasm = fileURLToPath(new URL('../../build/hfi-fault-filter.wasm', import.meta.url));
const emptyWasm = fileURLToPath(new URL('../../build/empty-filter.wasm', import.meta.url));
const CONFIG = JSON.stringify({ control_plane_cluster: 'hfi-control-plane' });
const UPDATED = '2025-11-21T00:00:00Z';

const PLAIN = { percentage: 100, abort: { httpStatus: 503 }, start_delay_ms: 0, duration_seconds: 0 };
/** Faults of the issue-14 kinds, in turn: a jittered delay, a log-normal delay, a counted abort, a reset, a response-phase abort. */
const NEW_KINDS: Rule['fault'][] = [
  { percentage: 100, delay: { fixed_delay_ms: 200, jitter_ms: 50 }, start_delay_ms: 0, duration_seconds: 0 },
  { percentage: 50, delay: { quantiles_ms: { p50: 100, p99: 1200 } }, maxActive: 10, start_delay_ms: 0, duration_seconds: 0 },
  { ...PLAIN, limit: { firstRequests: 3, perSecond: 5 } },
  { percentage: 100, reset: {}, start_delay_ms: 0, duration_seconds: 0 },
  { percentage: 100, phase: 'response', abort: { httpStatus: 503 }, start_delay_ms: 0, duration_seconds: 0 },
];

/**
 * `n` rules mixing prefix, exact, regex and header matchers; the last (in evaluation order) matches /target.
 * `newKinds`: the rules' faults are of the issue-14 kinds instead of plain aborts.
 */
function ruleSetJson(n: number, newKinds = false): string {
  const rules: Rule[] = [];
  for (let i = 0; i < Math.max(0, n - 1); i++) {
    const fault = newKinds ? NEW_KINDS[i % NEW_KINDS.length]! : PLAIN;
    const kind = i % 4;
    if (kind === 0) rules.push({ match: { path: { prefix: `/svc${i}/` } }, fault });
    else if (kind === 1) rules.push({ match: { path: { exact: `/exact/${i}` }, method: { exact: 'POST' } }, fault });
    else if (kind === 2) rules.push({ match: { path: { regex: `/r${i}/v[0-9]+/.*` } }, fault });
    else rules.push({ match: { path: { prefix: '/' }, headers: [{ name: 'x-tenant', exact: `t${i}` }] }, fault });
  }
  const policies: StoredPolicy[] = [];
  for (let i = 0; i < rules.length; i += 100) policies.push(policy(`p${String(i).padStart(5, '0')}`, rules.slice(i, i + 100)));
  if (n > 0) {
    policies.push(
      policy('zzz-target', [
        {
          match: { path: { exact: '/target' } },
          fault: { percentage: 100, abort: { httpStatus: 503 }, start_delay_ms: 0, duration_seconds: 0 },
        },
      ]),
    );
  }
  return JSON.stringify(compileRuleSet(policies, { epoch: 'bench', version: 1 }));
}

/** A ruleSetJson() body as a later version of the set, without compiling it again. */
function atVersion(json: string, version: number): string {
  return json.replace('"version":1,', `"version":${version},`);
}

function policy(name: string, rules: Rule[]): StoredPolicy {
  return {
    apiVersion: 'v1',
    kind: 'FaultInjectionPolicy',
    metadata: { name, version: '1', createdAt: UPDATED, updatedAt: UPDATED },
    spec: { selector: { service: '*', namespace: '*' }, priority: 0, rules },
  };
}

const HEADERS: [string, string][] = [
  [':authority', 'frontend'],
  [':scheme', 'http'],
  ['user-agent', 'bench'],
  ['x-tenant', 'nobody'],
  ['accept', '*/*'],
];

/** Median ns per call over `batches` batches. */
function measure(fn: () => void, batches = 25, perBatch = 20_000): number {
  for (let i = 0; i < perBatch; i++) fn();
  const samples: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) fn();
    samples.push(Number(process.hrtime.bigint() - t0) / perBatch);
  }
  samples.sort((a, c) => a - c);
  return samples[Math.floor(samples.length / 2)]!;
}

/** Medians of `a` and `b` measured in alternating batches, so that both see the same machine load. */
function measurePair(a: () => void, b: () => void, batches = 25, perBatch = 20_000): [number, number] {
  for (let i = 0; i < perBatch; i++) a(), b();
  const samples: [number[], number[]] = [[], []];
  for (let k = 0; k < batches; k++) {
    [a, b].forEach((fn, which) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < perBatch; i++) fn();
      samples[which]!.push(Number(process.hrtime.bigint() - t0) / perBatch);
    });
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return [median(samples[0]), median(samples[1])];
}

async function pluginWith(n: number, newKinds = false, config = CONFIG): Promise<{ host: MinimalHost; jsonBytes: number }> {
  const host = new MinimalHost();
  await host.load(pluginWasm);
  const json = ruleSetJson(n, newKinds);
  host.configure(config, json);
  return { host, jsonBytes: json.length };
}

/** One unfaulted request's whole stream: what every request pays, observed or not. */
function streamLifecycle(host: MinimalHost): () => void {
  host.setRequest([[':method', 'GET'], [':path', '/nomatch/path'], ...HEADERS]);
  let id = 10;
  return () => {
    id++;
    host.call('proxy_on_context_create', id, 1);
    host.call('proxy_on_request_headers', id, 7, 1);
    host.call('proxy_on_response_headers', id, 3, 1);
    host.call('proxy_on_done', id);
    host.call('proxy_on_delete', id);
  };
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  const empty = new MinimalHost();
  await empty.load(emptyWasm);
  empty.call('proxy_on_context_create', 2, 1);
  const floor = measure(() => empty.call('proxy_on_request_headers', 2, 5, 1));
  rows.push(['empty filter (floor)', '-', floor.toFixed(0)]);

  let at100 = 0;
  let hitAt100 = 0;
  let at5000 = 0;
  let hitAt5000 = 0;
  for (const n of [0, 10, 100, 1000, 5000]) {
    const { host } = await pluginWith(n);
    host.call('proxy_on_context_create', 2, 1);
    host.setRequest([[':method', 'GET'], [':path', '/nomatch/path?q=1'], ...HEADERS]);
    const miss = measure(() => host.call('proxy_on_request_headers', 2, 7, 1), n >= 1000 ? 10 : 25, n >= 1000 ? 2_000 : 20_000);
    rows.push([`${n} rules, no match`, String(n), miss.toFixed(0)]);
    if (n === 100) at100 = miss;
    if (n === 5000) at5000 = miss;
    if (n > 0) {
      host.setRequest([[':method', 'GET'], [':path', '/target'], ...HEADERS]);
      let id = 10;
      // A match aborts: a full stream lifecycle per request so per-stream state is created and freed.
      const hit = measure(
        () => {
          id++;
          host.call('proxy_on_context_create', id, 1);
          host.call('proxy_on_request_headers', id, 7, 1);
          host.call('proxy_on_delete', id);
        },
        n >= 1000 ? 10 : 25,
        n >= 1000 ? 2_000 : 20_000,
      );
      rows.push([`${n} rules, last rule matches (abort)`, String(n), hit.toFixed(0)]);
      if (n === 100) hitAt100 = hit;
      if (n === 5000) hitAt5000 = hit;
    }
  }

  // The issue-14 kinds in the set: matching reads no more than before (their parts are off the hot path).
  const { host: kinds } = await pluginWith(100, true);
  kinds.call('proxy_on_context_create', 2, 1);
  kinds.setRequest([[':method', 'GET'], [':path', '/nomatch/path?q=1'], ...HEADERS]);
  const kindsMiss = measure(() => kinds.call('proxy_on_request_headers', 2, 7, 1));
  rows.push(['100 rules of the new kinds, no match', '100', kindsMiss.toFixed(0)]);
  kinds.setRequest([[':method', 'GET'], [':path', '/target'], ...HEADERS]);
  let kid = 10;
  const kindsHit = measure(() => {
    kid++;
    kinds.call('proxy_on_context_create', kid, 1);
    kinds.call('proxy_on_request_headers', kid, 7, 1);
    kinds.call('proxy_on_delete', kid);
  });
  rows.push(['100 rules of the new kinds, last rule matches (abort)', '100', kindsHit.toFixed(0)]);
  // A response whose request no rule faulted: what every response pays in on_response_headers.
  kinds.setRequest([[':method', 'GET'], [':path', '/nomatch/path'], ...HEADERS]);
  kinds.call('proxy_on_request_headers', 2, 7, 1);
  const response = measure(() => kinds.call('proxy_on_response_headers', 2, 3, 1));
  rows.push(['a response of an unfaulted request (on_response_headers)', '100', response.toFixed(0)]);

  // Outcome observation (docs/outcomes.md): the same stream with report_outcomes on and off, in one run.
  const { host: observed } = await pluginWith(100);
  const { host: unobserved } = await pluginWith(
    100,
    false,
    JSON.stringify({ control_plane_cluster: 'hfi-control-plane', report_outcomes: false }),
  );
  const [withOutcomes, withoutOutcomes] = measurePair(streamLifecycle(observed), streamLifecycle(unobserved));
  rows.push(['100 rules, no match, whole stream, outcomes observed', '100', withOutcomes.toFixed(0)]);
  rows.push(['100 rules, no match, whole stream, report_outcomes: false', '100', withoutOutcomes.toFixed(0)]);

  // Memory with n rules, after the first load and after each of five updates to other n-rule sets.
  const memory: string[] = [];
  for (const n of [1000, 5000]) {
    const { host: big, jsonBytes } = await pluginWith(n);
    const sizes = [big.exports.memory.buffer.byteLength];
    for (let v = 2; v <= 6; v++) {
      big.update(atVersion(ruleSetJson(n), v));
      sizes.push(big.exports.memory.buffer.byteLength);
    }
    const budget = n === 1000 ? 512 * 1024 : 2 * 1024 * 1024;
    const peak = Math.max(...sizes);
    memory.push(
      `linear memory with ${n} rules (rule set JSON ${jsonBytes} bytes), load and five updates: ${sizes.join(', ')} bytes (goal <= ${budget / 1024} KiB: ${(peak / budget).toFixed(2)} of budget)`,
    );
  }

  // A poll answer carrying a newer one-rule set: what each worker VM's plugin pays per change (the propagation
  // bench's per-VM share, without a host's sockets): read the answer, load and adopt the set, send the next poll.
  const { host: polled } = await pluginWith(1);
  const oneRule = ruleSetJson(1);
  let version = 1;
  const perAnswer = measure(() => polled.update(atVersion(oneRule, ++version)), 15, 2_000);

  const full = await createTestHost({
    wasm: pluginWasm,
    pluginConfig: CONFIG,
    workers: 1,
    clusters: {
      'hfi-control-plane': (() => {
        let sent = false;
        return () => (sent ? { hold: true as const } : ((sent = true), { status: 200, body: ruleSetJson(100) }));
      })(),
    },
  });
  await full.advance(2);
  await full.settle();
  const request: [string, string][] = [[':method', 'GET'], [':path', '/nomatch/path'], ...HEADERS];
  const viaHost = measure(
    () => {
      const s = full.newHttpStream({ worker: 0 });
      s.sendRequestHeaders(request, true);
      s.complete();
    },
    15,
    2_000,
  );
  full.close();
  rows.push(['100 rules, no match, through the full test host (stream lifecycle)', '100', viaHost.toFixed(0)]);

  console.log('| case | rules | median ns/request |');
  console.log('|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  const size = statSync(pluginWasm).size;
  console.log(`\nwasm size: ${size} bytes (goal <= 80 KB = 81920: ${(size / 81920).toFixed(2)} of budget)`);
  console.log(`goal: median <= 1000 ns at 100 rules, no match: ${at100.toFixed(0)} ns (${(at100 / 1000).toFixed(2)} of budget)`);
  console.log(
    `goal: median <= 1000 ns at 100 rules, last rule matches (abort; create + headers + delete): ${hitAt100.toFixed(0)} ns (${(hitAt100 / 1000).toFixed(2)} of budget)`,
  );
  console.log(
    `goal: median <= 1000 ns at 100 rules of the new kinds, no match: ${kindsMiss.toFixed(0)} ns (${(kindsMiss / 1000).toFixed(2)} of budget); last rule matches: ${kindsHit.toFixed(0)} ns (${(kindsHit / 1000).toFixed(2)})`,
  );
  console.log(
    `goal: a response with no response-phase rule adds <= 300 ns: ${response.toFixed(0)} ns in on_response_headers (${(response / 300).toFixed(2)} of budget; response-phase rules in the set, none for this request)`,
  );
  const observation = withOutcomes - withoutOutcomes;
  console.log(
    `goal: observing a request's outcome costs <= 300 ns: ${observation.toFixed(0)} ns (${withOutcomes.toFixed(0)} - ${withoutOutcomes.toFixed(0)}; ${(observation / 300).toFixed(2)} of budget)`,
  );
  console.log(
    `goal: median <= 1000 ns at 5,000 rules: no match ${at5000.toFixed(0)} ns (${(at5000 / 1000).toFixed(2)} of budget); last rule matches (create + headers + delete) ${hitAt5000.toFixed(0)} ns (${(hitAt5000 / 1000).toFixed(2)})`,
  );
  for (const line of memory) console.log(line);
  console.log(`a poll answer with a newer 1-rule set (load, adopt, re-poll): median ${(perAnswer / 1000).toFixed(1)} µs`);
}

await main();
