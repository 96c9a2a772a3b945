// policy history: the audit history against the real control plane, with named tokens (the actor is the name).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningControlPlane, startControlPlane } from '@hfi/testkit';
import { cli, explain } from './support/cli.js';

const ALICE = 'alice-secret-0123456789';
const BOB = 'bob-secret-0123456789';
let cp: RunningControlPlane;
let dir: string;

const policy = (percentage: number) => ({
  apiVersion: 'v1',
  kind: 'FaultInjectionPolicy',
  metadata: { name: 'checkout-abort' },
  spec: { selector: { service: 'checkout', namespace: 'demo' }, rules: [{ fault: { percentage, abort: { httpStatus: 503 } } }] },
});

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hfi-cli-history-'));
  writeFileSync(join(dir, 'tokens.yaml'), `admin:\n  alice: ${ALICE}\n  bob: ${BOB}\n`);
  cp = await startControlPlane({ env: { HFI_TOKEN_FILE: join(dir, 'tokens.yaml') } });
  const write = (token: string, method: string, path: string, body?: unknown) =>
    fetch(`${cp.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  await write(ALICE, 'POST', '/v1/policies', policy(10));
  await write(BOB, 'POST', '/v1/policies', policy(50));
  await write(BOB, 'POST', '/v1/halt', { selector: { service: 'checkout' }, reason: 'INC-9' });
  await write(ALICE, 'DELETE', '/v1/halt');
});
after(async () => {
  await cp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("policy history NAME: the policy's changes and the halts that covered it, newest first, with who and what", async () => {
  const r = await cli(['policy', 'history', 'checkout-abort'], { server: cp.url, env: { HFI_TOKEN: ALICE } });
  assert.equal(r.code, 0, explain(r));
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^AGE\s+KIND\s+ACTOR\s+TARGET\s+CHANGE$/);
  assert.match(lines[1]!, /^\d+s\s+resume\s+alice\s+checkout\.\*\s+lifted \(reason was "INC-9"\)$/);
  assert.match(lines[2]!, /^\d+s\s+halt\s+bob\s+checkout\.\*\s+reason "INC-9"$/);
  assert.match(lines[3]!, /^\d+s\s+update\s+bob\s+checkout-abort\s+version \d+ -> \d+ \(rules\)$/);
  assert.match(lines[4]!, /^\d+s\s+create\s+alice\s+checkout-abort\s+version \d+$/);
  assert.equal(lines.length, 5);
});

test('policy history --all: every change, halts too; --kind and --limit narrow it; -o json is the entries', async () => {
  const all = await cli(['policy', 'history', '--all'], { server: cp.url, env: { HFI_TOKEN: BOB } });
  assert.equal(all.code, 0, explain(all));
  assert.deepEqual(
    all.stdout
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/\s{3,}/).slice(1, 4)),
    [
      ['resume', 'alice', 'checkout.*'],
      ['halt', 'bob', 'checkout.*'],
      ['update', 'bob', 'checkout-abort'],
      ['create', 'alice', 'checkout-abort'],
    ],
  );
  assert.match(all.stdout, /halt\s+bob\s+checkout\.\*\s+reason "INC-9"/);
  const json = await cli(['policy', 'history', '--all', '--kind', 'halt', '--limit', '1', '-o', 'json'], {
    server: cp.url,
    env: { HFI_TOKEN: BOB },
  });
  assert.equal(json.code, 0, explain(json));
  const entries = JSON.parse(json.stdout);
  assert.equal(entries.length, 1);
  assert.equal(entries[0].kind, 'halt');
  assert.equal(entries[0].after.reason, 'INC-9');
});

test('policy history: neither a name nor --all (or both) is a usage error; an unknown kind too; no entries says so', async () => {
  for (const args of [
    ['policy', 'history'],
    ['policy', 'history', 'x', '--all'],
    ['policy', 'history', '--all', '--kind', 'rename'],
  ]) {
    const r = await cli(args, { server: cp.url, env: { HFI_TOKEN: ALICE } });
    assert.equal(r.code, 2, `${args.join(' ')}: ${explain(r)}`);
  }
  const none = await cli(['policy', 'history', 'never-written'], { server: cp.url, env: { HFI_TOKEN: ALICE } });
  assert.equal(none.code, 0, explain(none));
  assert.equal(none.stderr, 'No audit entries for policy "never-written".\n');
});
