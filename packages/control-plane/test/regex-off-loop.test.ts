// Regex DFAs are built on worker threads: a request whose patterns take seconds of CPU is refused within its
// time budget naming each field, the event loop keeps answering meanwhile, and store events wait for their
// DFAs (built off the loop) before they reach the mirror, in order.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildRegex, type RegexResult, type StoredPolicy, validatePolicy } from '@hfi/policy';
import type { FastifyInstance } from 'fastify';
import { RuleSetHub } from '../src/distribution/hub.js';
import { stampPolicy } from '../src/store/stamp.js';
import type { DfaTableStore } from '../src/store/types.js';
import { PolicyWorkers } from '../src/workers/pool.js';
import { RegexCompiler } from '../src/workers/regex-compiler.js';
import { httpClient, listen, type TestClient } from './helpers/client.js';
import { ManualClock, makeApp, testConfig } from './helpers/fixtures.js';

/** Each takes a few hundred ms to be refused (its subset construction exceeds LIMITS.dfaMaxBuildStates). */
const costly = (i: number): string => `.*(.{0,9}a|.{0,9}b){1,${20 + i}}`;

function policyWithRegexes(name: string, patterns: readonly string[]) {
  return { metadata: { name }, spec: { rules: patterns.map((regex) => ({ match: { path: { regex } }, fault: { delay_ms: 1 } })) } };
}

/** The slowest /v1/health answer while `work` runs. */
async function worstHealthDuring<T>(call: TestClient, work: Promise<T>): Promise<{ result: T; worstMs: number }> {
  let done = false;
  let worstMs = 0;
  const probe = (async () => {
    while (!done) {
      const started = performance.now();
      assert.equal((await call('GET', '/v1/health')).status, 200);
      worstMs = Math.max(worstMs, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const result = await work;
  done = true;
  await probe;
  return { result, worstMs };
}

describe('regexes off the event loop', () => {
  let app: FastifyInstance;
  let call: TestClient;
  before(async () => {
    app = await makeApp({ config: testConfig({ regexBudgetMs: 300 }) });
    call = httpClient(await listen(app));
  });
  after(() => app.close());

  test('patterns over the time budget are 400 HFI_INVALID_POLICY naming every field "too complex"; health answers meanwhile', async () => {
    const patterns = Array.from({ length: 17 }, (_, i) => costly(i));
    const started = performance.now();
    const { result, worstMs } = await worstHealthDuring(
      call,
      call('POST', '/v1/policies', { body: policyWithRegexes('hostile', patterns) }),
    );
    const elapsed = performance.now() - started;
    assert.equal(result.status, 400);
    const body = result.json();
    assert.equal(body.code, 'HFI_INVALID_POLICY');
    assert.deepEqual(
      body.details.map((d: { path: string }) => d.path),
      patterns.map((_, i) => `spec.rules[${i}].match.path.regex`),
    );
    for (const d of body.details) assert.match(d.message, /^regex is too complex: /);
    assert.ok(
      body.details.some((d: { message: string }) => /not built within the time budget of 300 ms/.test(d.message)),
      JSON.stringify(body.details),
    );
    // 17 such patterns take several seconds of CPU; the answer comes with the budget, not after them.
    assert.ok(elapsed < 5_000, `answered after ${elapsed} ms`);
    assert.ok(worstMs < 1_000, `/v1/health waited ${worstMs} ms`);
    assert.equal((await call('GET', '/v1/policies/hostile')).status, 404);
  });

  test('an accepted policy with costly patterns is validated and compiled off the loop; its rules refer to the DFAs, shared in the set', async () => {
    // A roomy budget: this test is about acceptance, and a loaded machine starves the (niced) worker threads.
    const roomy = await makeApp({ config: testConfig({ regexBudgetMs: 60_000 }) });
    const call = httpClient(await listen(roomy));
    // Accepted, but each takes tens of ms: a minimal DFA of exactly 1024 states.
    const patterns = Array.from({ length: 6 }, (_, i) => `.*${String.fromCharCode(97 + i)}.{9}`);
    const written = await call('POST', '/v1/policies', { body: policyWithRegexes('costly-but-valid', patterns) });
    assert.equal(written.status, 201, written.text);
    const ruleSet = (await call('GET', '/v1/ruleset')).json();
    const rules = ruleSet.rules.filter((r: { policy: string }) => r.policy === 'costly-but-valid');
    assert.equal(rules.length, patterns.length);
    rules.forEach((rule: { path: { dfa: number } }, i: number) => {
      const built = buildRegex(patterns[i]!);
      assert.ok(built.ok);
      assert.deepEqual(ruleSet.dfas[rule.path.dfa], built.dfa);
    });
    await roomy.close();
  });
});

describe('store events wait for their DFAs', () => {
  function stored(name: string, version: number, regex: string): StoredPolicy {
    const result = validatePolicy(policyWithRegexes(name, [regex]));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return stampPolicy(result.policy, {
      version: String(version),
      createdAt: '2026-01-01T12:00:00.000Z',
      updatedAt: '2026-01-01T12:00:00.000Z',
    });
  }

  test('events are applied in order once prepared, and compiled with the prepared DFAs, not rebuilt', async () => {
    const requested: string[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const built = new Map<string, RegexResult>();
    const hub = new RuleSetHub({
      clock: new ManualClock(),
      dfas: {
        cached: (source) => built.get(source),
        prepare: async (sources) => {
          requested.push([...sources]);
          await gate;
          const results = new Map(sources.map((s) => [s, buildRegex(s)] as const));
          for (const [s, r] of results) built.set(s, r);
          return results;
        },
      },
    });
    hub.apply({ kind: 'reset', epoch: 'e1', revision: 1, policies: [stored('a', 1, '/a/[0-9]+')], halts: [] });
    hub.apply({ kind: 'put', revision: 2, policy: stored('b', 2, '/b/[0-9]+') });
    hub.apply({ kind: 'delete', revision: 3, name: 'a' });
    assert.deepEqual(hub.policies(), [], 'nothing reaches the mirror before its DFAs are built');
    assert.deepEqual(requested, [['/a/[0-9]+']]);
    release();
    await hub.settled();
    assert.deepEqual(requested, [['/a/[0-9]+'], ['/b/[0-9]+']]);
    assert.deepEqual(
      hub.policies().map((p) => p.metadata.name),
      ['b'],
    );
    const ruleSet = hub.current()!;
    assert.equal(ruleSet.version, 3);
    const dfa = built.get('/b/[0-9]+');
    assert.ok(dfa?.ok);
    const path = ruleSet.rules[0]!.path;
    assert.ok(path?.kind === 'regex' && typeof path.dfa === 'number');
    assert.equal(ruleSet.dfas?.[path.dfa], dfa.dfa, 'the prepared table object itself');
  });
});

describe('stored tables', () => {
  test('are used for every pattern of a cold start, even when there are more patterns than the cache holds', async () => {
    const sources = Array.from({ length: 50 }, (_, i) => `/p${i}/[a-z]+`);
    // Altered tables: a result equal to one of them was read, not built.
    const stored = new Map<string, RegexResult>(
      sources.map((source) => {
        const built = buildRegex(source);
        assert.ok(built.ok);
        return [source, { ok: true, dfa: { ...built.dfa, accept: [...built.dfa.accept, 0] } }];
      }),
    );
    const tables: DfaTableStore = {
      getTables: async (wanted) => new Map(wanted.flatMap((s) => (stored.has(s) ? [[s, stored.get(s)!] as const] : []))),
      putTables: async () => assert.fail('nothing was built, so nothing is stored'),
      deleteTables: async () => undefined,
    };
    const workers = new PolicyWorkers(1);
    try {
      const results = await new RegexCompiler(workers, tables, 10).prepare(sources);
      assert.equal(results.size, sources.length);
      for (const source of sources) assert.deepEqual(results.get(source), stored.get(source), source);
    } finally {
      await workers.close();
    }
  });
});
