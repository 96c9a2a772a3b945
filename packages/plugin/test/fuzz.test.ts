// Nothing a control plane, a configuration or a client sends may trap the VM: bad input degrades to
// passing traffic (or keeping the last good rule set). Every property asserts no VM failed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRuleSet, type StoredPolicy, serializeCompactRuleSet } from '@hfi/policy';
import fc from 'fast-check';
import { advanceTo, send, startPlugin } from './harness.js';
import { abort503, rule, ruleSet, T0 } from './rules.js';

const policy: StoredPolicy = {
  apiVersion: 'v1',
  kind: 'FaultInjectionPolicy',
  metadata: { name: 'p', version: '1', createdAt: '2025-11-21T00:00:00Z', updatedAt: '2025-11-21T00:00:00Z' },
  spec: {
    selector: { service: '*', namespace: '*' },
    priority: 0,
    rules: [
      {
        match: {
          path: { regex: '/api/v[0-9]+/.*' },
          method: { exact: 'GET' },
          headers: [
            { name: 'x-user', prefix: 'te' },
            { name: 'x-b', present: false },
          ],
        },
        fault: {
          percentage: 50,
          delay: { fixed_delay_ms: 5 },
          abort: { httpStatus: 503, body: 'x', headers: { 'retry-after': '1' } },
          start_delay_ms: 0,
          duration_seconds: 0,
        },
      },
    ],
  },
};
const validSet = compileRuleSet([policy], { epoch: 'f', version: 2 });

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...paths(v, [...prefix, i]));
  } else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}
function replaceAt(root: Json, path: (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (replacement === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = replacement;
  return copy;
}

/** A body for the second poll; `noRuleSet` when it cannot be a rule set whatever the plugin's checks. */
interface Answer {
  body: string;
  noRuleSet: boolean;
}

/** Mutations of `validJson`: a value replaced or removed, the text cut short or spliced, or unrelated input. */
function mutatedBodies(validJson: string): fc.Arbitrary<Answer> {
  const allPaths = paths(JSON.parse(validJson) as Json);
  return fc.oneof(
    fc
      .tuple(fc.nat(allPaths.length - 1), fc.option(fc.jsonValue() as fc.Arbitrary<Json>, { nil: undefined }))
      .map(([i, v]) => ({ body: JSON.stringify(replaceAt(JSON.parse(validJson) as Json, allPaths[i]!, v)), noRuleSet: false })),
    // A strict prefix of a JSON object is never whole JSON.
    fc.nat(validJson.length - 1).map((n) => ({ body: validJson.slice(0, n), noRuleSet: true })),
    fc
      .tuple(fc.nat(validJson.length), fc.string({ maxLength: 4 }))
      .map(([n, s]) => ({ body: validJson.slice(0, n) + s + validJson.slice(n), noRuleSet: false })),
    // Arbitrary JSON or bytes lack wireVersion 1, epoch, version and rules.
    fc.json().map((body) => ({ body, noRuleSet: true })),
    fc.string({ unit: 'binary', maxLength: 200 }).map((body) => ({ body, noRuleSet: true })),
  );
}

for (const [form, validJson] of [
  ['rule form', JSON.stringify(validSet)],
  ['compact form', serializeCompactRuleSet(validSet)],
] as const) {
  test(`fuzz (${form}): malformed or mutated rule sets never trap; a refused set keeps the last good one`, async (t) => {
    const outcomes = { refused: 0, replaced: 0, keptOlder: 0 };
    await fc.assert(
      fc.asyncProperty(mutatedBodies(validJson), async ({ body, noRuleSet }) => {
        const answers = [
          { status: 200, body: JSON.stringify(ruleSet([rule('good/0', { abort: abort503 })], 1, 'f')) },
          { status: 200, body },
        ];
        const host = await startPlugin({ startTimeMs: T0, controlPlane: () => answers.shift() ?? { hold: true } });
        try {
          await advanceTo(host, host.now() + 1_500, []);
          assert.equal(answers.length, 0, 'both polls were answered');
          const requests = [
            send(host, { method: 'GET', path: '/api/v2/x', headers: [['x-user', 'tester']] }),
            send(host, { method: 'GET', path: '/zzz' }),
          ];
          await advanceTo(host, host.now() + 20, requests);
          const seen = requests.map((r) => r.observe());
          assert.ok(
            host.vms.every((vm) => !vm.failed),
            host.vms.map((v) => v.failMessage).join(),
          );
          // A refusal counts a control plane error; taking a newer set counts a second update.
          const refused = host.metric('wasmcustom_hfi_control_plane_errors_total') === 1;
          const replaced = host.metric('wasmcustom_hfi_ruleset_updates_total') === 2;
          assert.ok(!(refused && replaced), 'a set is either refused or taken');
          if (noRuleSet) assert.ok(refused, 'a body that cannot be a rule set is refused');
          if (replaced) assert.notEqual(seen[1]!.ruleId, 'good/0', 'a newer set replaces the last good one');
          else assert.equal(seen[1]!.ruleId, 'good/0', 'the last good set still applies');
          outcomes[refused ? 'refused' : replaced ? 'replaced' : 'keptOlder']++;
        } finally {
          host.close();
        }
      }),
      { numRuns: 300, seed: 7 },
    );
    t.diagnostic(`outcomes: ${JSON.stringify(outcomes)}`);
    // Most runs must be refusals, or the claim was hardly tested; some mutations must still be taken.
    assert.ok(outcomes.refused >= 150 && outcomes.replaced > 0, JSON.stringify(outcomes));
  });
}

test('fuzz: any plugin configuration loads without trapping', async () => {
  const config = fc.oneof(
    fc.json(),
    fc.string({ unit: 'binary', maxLength: 100 }),
    fc
      .record(
        {
          control_plane_addr: fc.oneof(fc.string(), fc.webUrl(), fc.integer()),
          poll_hold_sec: fc.oneof(fc.double(), fc.string(), fc.integer({ min: -5, max: 1000 })),
          retry_interval_sec: fc.oneof(fc.double(), fc.constant('5')),
          debug: fc.oneof(fc.boolean(), fc.string()),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
  );
  await fc.assert(
    fc.asyncProperty(config, async (pluginConfig) => {
      const host = await startPlugin({ pluginConfig, ruleSet: ruleSet([rule('a/0', { abort: abort503 })]) });
      try {
        const r = send(host, { method: 'GET', path: '/' }).observe();
        assert.ok(r.action === 'pass' || r.ruleId === 'a/0');
        assert.ok(
          host.vms.every((vm) => !vm.failed),
          host.vms.map((v) => v.failMessage).join(),
        );
      } finally {
        host.close();
      }
    }),
    { numRuns: 200, seed: 11 },
  );
});

test('fuzz: any request (odd paths, binary header values, many headers) never traps', async () => {
  const host = await startPlugin({ ruleSet: validSet, startTimeMs: T0 });
  try {
    const header = fc.tuple(fc.constantFrom('x-user', 'x-b', 'x-other', 'cookie'), fc.string({ unit: 'binary', maxLength: 300 }));
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method: fc.oneof(fc.constantFrom('GET', 'POST', ''), fc.string({ maxLength: 10 })),
          path: fc.oneof(fc.string({ unit: 'binary', maxLength: 5000 }), fc.webPath(), fc.constant(`/api/v1/${'a'.repeat(20_000)}`)),
          headers: fc.array(header, { maxLength: 40 }),
        }),
        async (req) => {
          const r = send(host, { method: req.method || 'GET', path: `/${req.path}`, headers: req.headers });
          await advanceTo(host, host.now() + 10, [r]);
          r.observe();
          assert.ok(
            host.vms.every((vm) => !vm.failed),
            host.vms.map((v) => v.failMessage).join(),
          );
        },
      ),
      { numRuns: 400, seed: 3 },
    );
  } finally {
    host.close();
  }
});
