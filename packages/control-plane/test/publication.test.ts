// Rule-set publication under load: bursts of writes coalesce into one publication, the incremental
// assembly equals a full compile, versions only grow, held polls are answered from cached bytes and
// data planes end at the final set, and the list body is byte-identical to serialising the policies
// with their status.

import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  type CompactRuleSet,
  type CompiledRuleSet,
  compileRuleSet,
  expandRuleSet,
  inlineRuleSet,
  ruleSetForIdentity,
  type StoredPolicy,
  validatePolicy,
  WIRE_VERSION,
} from '@hfi/policy';
import { waitFor } from '@hfi/testkit';
import type { FastifyInstance } from 'fastify';
import { RuleSetHub } from '../src/distribution/hub.js';
import { LongPolls, type PollAnswer } from '../src/distribution/long-poll.js';
import { RULESET_VERSION_HEADER } from '../src/distribution/served-rule-sets.js';
import { stampPolicy } from '../src/store/stamp.js';
import { httpClient, listen, metric } from './helpers/client.js';
import { ManualClock, makeApp, policy, pollBody } from './helpers/fixtures.js';

function stored(name: string, version: number, o: Parameters<typeof policy>[1] = {}): StoredPolicy {
  const result = validatePolicy(policy(name, o));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return stampPolicy(result.policy, {
    version: String(version),
    createdAt: '2026-01-01T12:00:00.000Z',
    updatedAt: '2026-01-01T12:00:00.000Z',
  });
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('publication', () => {
  test('a burst of writes in one turn is one publication with the last version', async () => {
    const hub = new RuleSetHub({ clock: new ManualClock() });
    const published: CompiledRuleSet[] = [];
    hub.subscribe((set) => published.push(set));
    hub.apply({ kind: 'reset', epoch: 'e1', revision: 0, policies: [], halts: [] });
    hub.flush();
    published.length = 0;
    for (let v = 1; v <= 50; v++) hub.apply({ kind: 'put', revision: v, policy: stored(`p-${v % 7}`, v) });
    await nextTurn();
    await nextTurn();
    assert.equal(published.length, 1);
    assert.equal(published[0]!.version, 50);
    assert.equal(published[0]!.rules.length, 7);
  });

  test('incremental assembly equals a full compile, and versions only grow', async () => {
    const hub = new RuleSetHub({ clock: new ManualClock() });
    const versions: number[] = [];
    hub.subscribe((set) => versions.push(set.version));
    const mirror = new Map<string, StoredPolicy>();
    hub.apply({ kind: 'reset', epoch: 'e1', revision: 0, policies: [], halts: [] });
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let revision = 1; revision <= 300; revision++) {
      const name = `p-${random(40)}`;
      if (random(4) === 0) {
        mirror.delete(name);
        hub.apply({ kind: 'delete', revision, name });
      } else {
        const p = stored(name, revision, { priority: random(3), service: random(2) ? 'frontend' : '*', prefix: `/x${random(5)}` });
        mirror.set(name, p);
        hub.apply({ kind: 'put', revision, policy: p });
      }
      if (random(3) === 0) await nextTurn(); // publish some of the time, coalesce otherwise
      if (revision % 100 === 0) hub.apply({ kind: 'reset', epoch: 'e1', revision, policies: [...mirror.values()], halts: [] });
      const expected = compileRuleSet([...mirror.values()], { epoch: 'e1', version: revision });
      assert.deepEqual(hub.current(), expected, `after revision ${revision}`);
    }
    assert.ok(versions.length > 50);
    // A resync at the revision already held republishes that version (same contents); otherwise versions grow.
    for (let i = 1; i < versions.length; i++)
      assert.ok(versions[i]! >= versions[i - 1]!, `published ${versions[i - 1]} then ${versions[i]}`);
  });

  test('held polls of one identity are all answered with the same cached bytes', async () => {
    const hub = new RuleSetHub({ clock: new ManualClock() });
    hub.apply({ kind: 'reset', epoch: 'e1', revision: 1, policies: [stored('a', 1), stored('other', 1, { service: 'cart' })], halts: [] });
    const polls = new LongPolls(hub);
    const answers: PollAnswer[] = [];
    const identity = { service: 'frontend', namespace: 'demo' };
    for (let i = 0; i < 100; i++)
      polls.answer({ identity, wireVersion: WIRE_VERSION, held: { epoch: 'e1', version: 1 }, holdMs: 30_000 }, (a) => answers.push(a));
    assert.equal(polls.held, 100);
    for (let v = 2; v <= 10; v++) hub.apply({ kind: 'put', revision: v, policy: stored('a', v, { percentage: v }) });
    await nextTurn();
    assert.equal(answers.length, 100);
    assert.equal(polls.held, 0);
    const first = answers[0]!;
    assert.ok(first.kind === 'ruleset' && first.woken);
    for (const a of answers) assert.ok(a.kind === 'ruleset' && a.served.body === first.served.body);
    // A version-5 plugin's polls: the compact form.
    const set = expandRuleSet(JSON.parse(first.served.body.toString()) as CompactRuleSet);
    assert.equal(set.version, 10);
    assert.deepEqual(set, ruleSetForIdentity(hub.current()!, identity));
    assert.deepEqual(first.served.headers.slice(-2), [RULESET_VERSION_HEADER, '10']);
    polls.releaseAll();
  });

  test('polls of a mixed fleet are answered in the newest form each plugin reads, one serialisation per identity and form', async () => {
    const hub = new RuleSetHub({ clock: new ManualClock() });
    const checked = validatePolicy({
      metadata: { name: 'r' },
      spec: { rules: [{ match: { path: { regex: '/r/[0-9]+' } }, fault: { percentage: 100, abort: { httpStatus: 503 } } }] },
    });
    assert.ok(checked.ok);
    const regex = stampPolicy(checked.policy, {
      version: '1',
      createdAt: '2026-01-01T12:00:00.000Z',
      updatedAt: '2026-01-01T12:00:00.000Z',
    });
    hub.apply({ kind: 'reset', epoch: 'e1', revision: 1, policies: [stored('a', 1), regex], halts: [] });
    const polls = new LongPolls(hub);
    const identity = { service: 'frontend', namespace: 'demo' };
    const answers = new Map<number, PollAnswer[]>();
    for (const wireVersion of [5, 4, 3, 5, 4, 3]) {
      polls.answer({ identity, wireVersion, held: { epoch: 'e1', version: 0 }, holdMs: 30_000 }, (a) =>
        answers.set(wireVersion, [...(answers.get(wireVersion) ?? []), a]),
      );
    }
    const own = ruleSetForIdentity(hub.current()!, identity);
    const body = (wireVersion: number): string => {
      const [a, b] = answers.get(wireVersion)!;
      assert.ok(a?.kind === 'ruleset' && b?.kind === 'ruleset');
      assert.equal(a.served.body, b.served.body, `version ${wireVersion}: the same cached bytes`);
      return a.served.body.toString();
    };
    const compact = JSON.parse(body(5)) as CompactRuleSet;
    assert.equal(compact.wireVersion, 5);
    assert.deepEqual(expandRuleSet(compact), own);
    assert.equal(body(4), JSON.stringify(own), 'version 4: the rule form with shared tables');
    const inline = JSON.parse(body(3)) as CompiledRuleSet;
    assert.equal(inline.wireVersion, 1, 'version 3: tables inline, the lowest version that expresses it');
    assert.equal(inline.dfas, undefined);
    assert.deepEqual(inline, inlineRuleSet(own));
    polls.releaseAll();
  });

  test('a poll arriving while a publication is pending is held, then woken by it', async () => {
    const hub = new RuleSetHub({ clock: new ManualClock() });
    hub.apply({ kind: 'reset', epoch: 'e1', revision: 1, policies: [], halts: [] });
    hub.flush();
    const polls = new LongPolls(hub);
    hub.apply({ kind: 'put', revision: 2, policy: stored('a', 2) });
    const answers: PollAnswer[] = [];
    polls.answer(
      {
        identity: { service: 'frontend', namespace: 'demo' },
        wireVersion: WIRE_VERSION,
        held: { epoch: 'e1', version: 1 },
        holdMs: 30_000,
      },
      (a) => answers.push(a),
    );
    assert.equal(answers.length, 0, 'held until the pending publication');
    await nextTurn();
    assert.equal(answers.length, 1);
    assert.ok(answers[0]!.kind === 'ruleset' && answers[0]!.served.ruleSet.version === 2);
    // Readers of /v1/ruleset still see every write at once.
    hub.apply({ kind: 'put', revision: 3, policy: stored('b', 3) });
    assert.equal(hub.serve(undefined)!.ruleSet.version, 3);
    polls.releaseAll();
  });

  test('a cancelled poll is never answered', async () => {
    const hub = new RuleSetHub({ clock: new ManualClock() });
    hub.apply({ kind: 'reset', epoch: 'e1', revision: 1, policies: [], halts: [] });
    const polls = new LongPolls(hub);
    let answered = 0;
    const cancel = polls.answer(
      { identity: { service: null, namespace: null }, wireVersion: WIRE_VERSION, held: { epoch: 'e1', version: 1 }, holdMs: 30_000 },
      () => answered++,
    );
    cancel!();
    hub.apply({ kind: 'put', revision: 2, policy: stored('a', 2) });
    await nextTurn();
    assert.equal(answered, 0);
    assert.equal(polls.held, 0);
  });
});

describe('publication over HTTP', () => {
  let app: FastifyInstance;
  let port: number;
  const call = () => httpClient(`http://127.0.0.1:${port}`);
  before(async () => {
    app = await makeApp({ clock: new ManualClock() });
    port = Number(new URL(await listen(app)).port);
  });
  after(() => app.close());

  /** One poll over its own connection; resolves with status, version header and body. */
  function poll(body: unknown): Promise<{ status: number; version: string | undefined; body: string }> {
    return new Promise((resolve, reject) => {
      const payload = JSON.stringify(body);
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/dataplane/poll',
          agent: false,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, version: res.headers[RULESET_VERSION_HEADER] as string | undefined, body: text }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  test('a burst of writes: one publication answers every held poll, and each data plane polling on ends at the final version', async () => {
    const set = (await call()('GET', '/v1/ruleset')).json();
    const held = Array.from({ length: 60 }, (_, i) =>
      poll(pollBody({ instance: `burst-${i}`, epoch: set.epoch, version: set.version, holdMs: 20_000 })),
    );
    await waitFor(async () => (await metric(call(), 'hfi_control_plane_longpolls_held')) === 60, { what: 'all 60 polls to be held' });
    const before = await metric(call(), 'hfi_control_plane_rulesets_published_total');
    // Written in-process within one turn, as a burst arriving together would be.
    const ctxWrites = await Promise.all(
      Array.from({ length: 10 }, (_, i) => app.inject({ method: 'POST', url: '/v1/policies', payload: policy(`burst-${i}`) })),
    );
    const finalVersion = Math.max(...ctxWrites.map((r) => Number(r.json().metadata.version)));
    const answers = await Promise.all(held);
    const published = await metric(call(), 'hfi_control_plane_rulesets_published_total');
    assert.ok(published - before < 10, `${published - before} publications for 10 writes`);
    assert.equal(new Set(answers.map((a) => a.version)).size, 1, 'one publication answered every held poll');
    for (const a of answers) {
      assert.equal(a.status, 200);
      const body = JSON.parse(a.body) as CompiledRuleSet;
      assert.equal(a.version, String(body.version));
      assert.ok(body.version > set.version && body.version <= finalVersion);
    }
    // That publication may have come before the last write; a data plane polls again with what it holds
    // (each poll held until something newer is published) and so reaches the final version.
    const ends = await Promise.all(
      answers.map(async (first, i) => {
        let holding = JSON.parse(first.body) as CompiledRuleSet;
        while (holding.version < finalVersion) {
          const next = await poll(pollBody({ instance: `burst-${i}`, epoch: holding.epoch, version: holding.version, holdMs: 20_000 }));
          assert.equal(next.status, 200);
          holding = JSON.parse(next.body) as CompiledRuleSet;
        }
        return holding.version;
      }),
    );
    assert.deepEqual(new Set(ends), new Set([finalVersion]));
    // A GET after the writes' answers sees all of them.
    const wholeResponse = await call()('GET', '/v1/ruleset');
    const whole = wholeResponse.json() as CompiledRuleSet;
    assert.equal(wholeResponse.headers[RULESET_VERSION_HEADER], String(whole.version));
    assert.equal(whole.version, finalVersion);
    for (let i = 0; i < 10; i++) assert.ok(whole.rules.some((r) => r.policy === `burst-${i}`));
  });

  test('the list body is exactly the policies with their status, serialised', async () => {
    const r = await call()('GET', '/v1/policies');
    assert.match(r.headers['content-type'] ?? '', /application\/json/);
    assert.equal(r.text, JSON.stringify(r.json()));
    const ctxList = (await app.inject({ method: 'GET', url: '/v1/policies/burst-3' })).json();
    const items = r.json().items as { metadata: { name: string } }[];
    assert.deepEqual(
      items.find((p) => p.metadata.name === 'burst-3'),
      ctxList,
    );
    assert.deepEqual(
      items.map((p) => p.metadata.name),
      [...items.map((p) => p.metadata.name)].sort(),
    );
  });
});
