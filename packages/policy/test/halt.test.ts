import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compileRuleSet,
  decideFault,
  type Halt,
  haltCovers,
  haltScope,
  LIMITS,
  ruleSetForIdentity,
  serializeRuleSet,
  validateHaltRequest,
} from '../src/index.js';
import { policy, stored, T0 } from './helpers.js';

const everything = { service: '*', namespace: '*' };
const halt = (service: string, namespace: string, reason = 'incident'): Halt => ({
  selector: { service, namespace },
  reason,
  createdAt: '2026-01-01T00:00:00.000Z',
});

test('a halt request: nothing at all halts everything; a partial selector means "*" for the rest', () => {
  assert.deepEqual(validateHaltRequest(undefined), { ok: true, request: { selector: everything, reason: '' } });
  assert.deepEqual(validateHaltRequest({}), { ok: true, request: { selector: everything, reason: '' } });
  assert.deepEqual(validateHaltRequest({ reason: 'pager', selector: { service: 'frontend' }, actor: 'ana' }), {
    ok: true,
    request: { selector: { service: 'frontend', namespace: '*' }, reason: 'pager', actor: 'ana' },
  });
});

test('a bad halt request names every field that is wrong', () => {
  const result = validateHaltRequest({
    reason: 'x'.repeat(LIMITS.haltReasonLength + 1),
    selector: { service: 'Front End', namespace: 'Demo' },
    actor: 7,
    why: 'typo',
  });
  assert.equal(result.ok, false);
  const paths = result.ok ? [] : result.errors.map((e) => e.path).sort();
  assert.deepEqual(paths, ['actor', 'reason', 'selector.namespace', 'selector.service', 'why']);
  assert.deepEqual(validateHaltRequest([1]), {
    ok: false,
    errors: [{ path: '', message: 'expected an object {reason, selector} (or no body), found a list' }],
  });
});

test('a halt request refuses null, the body and every field, as policies do (leaving it out gives the default)', () => {
  const result = validateHaltRequest({ reason: null, actor: null, selector: { service: null, namespace: 'demo' } });
  assert.equal(result.ok, false);
  const errors = result.ok ? [] : result.errors;
  assert.deepEqual(errors.map((e) => e.path).sort(), ['actor', 'reason', 'selector.service']);
  for (const error of errors) assert.match(error.message, /found null/);
  const nullSelector = validateHaltRequest({ selector: null });
  assert.deepEqual(nullSelector.ok ? [] : nullSelector.errors.map((e) => e.path), ['selector']);
  assert.deepEqual(validateHaltRequest(null), {
    ok: false,
    errors: [{ path: '', message: 'expected an object {reason, selector} (or no body), found null' }],
  });
});

test('a halt covers a data plane when each selector field is "*" or its own; unknown fields match only "*"', () => {
  const frontend = { service: 'frontend', namespace: 'demo' };
  assert.equal(haltCovers(halt('*', '*'), frontend), true);
  assert.equal(haltCovers(halt('frontend', '*'), frontend), true);
  assert.equal(haltCovers(halt('frontend', 'demo'), frontend), true);
  assert.equal(haltCovers(halt('backend', '*'), frontend), false);
  assert.equal(haltCovers(halt('*', 'prod'), frontend), false);
  assert.equal(haltCovers(halt('frontend', '*'), { service: null, namespace: 'demo' }), false);
  assert.equal(haltCovers(halt('*', '*'), { service: null, namespace: null }), true);
});

test("a halt covers a policy's whole scope, part of it, or none of it", () => {
  const policyFor = (service: string, namespace: string) => ({ service, namespace });
  assert.equal(haltScope(halt('*', '*'), policyFor('frontend', 'demo')), 'whole');
  assert.equal(haltScope(halt('frontend', '*'), policyFor('frontend', 'demo')), 'whole');
  assert.equal(haltScope(halt('frontend', 'demo'), policyFor('*', 'demo')), 'part');
  assert.equal(haltScope(halt('frontend', '*'), policyFor('*', '*')), 'part');
  assert.equal(haltScope(halt('backend', '*'), policyFor('frontend', '*')), 'none');
  assert.equal(haltScope(halt('*', 'prod'), policyFor('*', 'demo')), 'none');
});

const policies = [stored(policy('front', undefined, { selector: { service: 'frontend', namespace: 'demo' } })), stored(policy('anyone'))];

test('a data plane a halt covers gets no rules and the halts that cover it; others get their rules and no halts', () => {
  const set = compileRuleSet(policies, { epoch: 'e', version: 3, halts: [halt('frontend', '*'), halt('*', 'prod')] });
  assert.equal(set.rules.length, 2, 'the whole set keeps every rule');
  assert.deepEqual(
    set.halts?.map((h) => h.selector),
    [
      { service: '*', namespace: 'prod' },
      { service: 'frontend', namespace: '*' },
    ],
    'and lists every halt, by service then namespace',
  );

  const frontend = ruleSetForIdentity(set, { service: 'frontend', namespace: 'demo' });
  assert.deepEqual(frontend.rules, []);
  assert.deepEqual(frontend.halts, [halt('frontend', '*')]);
  assert.equal(frontend.version, 3);

  const backend = ruleSetForIdentity(set, { service: 'backend', namespace: 'demo' });
  assert.deepEqual(
    backend.rules.map((r) => r.id),
    ['anyone/0'],
  );
  assert.equal(backend.halts, undefined);
  assert.ok(!serializeRuleSet(backend).includes('halts'), 'a set without halts has no halts field');
});

test('serialised with halts, the body is JSON.stringify of the set; without halts it has no halts field', () => {
  const halted = compileRuleSet(policies, { epoch: 'e', version: 4, halts: [{ ...halt('*', '*'), actor: 'ana' }] });
  assert.equal(serializeRuleSet(halted), JSON.stringify(halted));
  const plain = compileRuleSet(policies, { epoch: 'e', version: 4, halts: [] });
  assert.equal(plain.halts, undefined);
  assert.equal(serializeRuleSet(plain), JSON.stringify(plain));
  assert.equal(plain.hash, halted.hash, 'the hash is over the rules only');
});

test('the reference decision passes every request of a data plane a halt in its set covers', () => {
  const set = compileRuleSet(policies, { epoch: 'e', version: 5, halts: [halt('frontend', '*')] });
  const request = { method: 'GET', path: '/', headers: [] };
  const draws = { drawPerMillion: () => 0, drawBelow: () => 0 };
  assert.equal(decideFault(set, request, { service: 'frontend', namespace: 'demo' }, T0, draws).action, 'pass');
  assert.equal(decideFault(set, request, { service: 'backend', namespace: 'demo' }, T0, draws).action, 'fault');
});
