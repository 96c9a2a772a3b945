// halt, halts, resume, and how a halted policy reads in `policy list` and `describe`, against the real control plane.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { applyPolicy, type RunningControlPlane, startControlPlane } from '@hfi/testkit';
import { cli, explain } from './support/cli.js';

let cp: RunningControlPlane;

const policy = (name: string, service: string) => ({
  apiVersion: 'v1',
  kind: 'FaultInjectionPolicy',
  metadata: { name },
  spec: { selector: { service, namespace: 'demo' }, rules: [{ fault: { percentage: 100, abort: { httpStatus: 503 } } }] },
});

before(async () => {
  cp = await startControlPlane();
  await applyPolicy(cp.url, policy('front-abort', 'frontend'));
  await applyPolicy(cp.url, policy('any-abort', '*'));
});
after(async () => {
  await cp?.stop();
});
afterEach(async () => {
  await fetch(`${cp.url}/v1/halt`, { method: 'DELETE' });
});

test('halt with no flags halts everything; halts lists it; resume lifts it', async () => {
  const halted = await cli(['halt', '--reason', 'INC-42'], { server: cp.url, env: { USER: 'ana' } });
  assert.equal(halted.code, 0, explain(halted));
  assert.equal(halted.stdout, 'halted: every service in every namespace ("INC-42")\n');
  const again = await cli(['halt', '--reason', 'INC-42, still'], { server: cp.url });
  assert.equal(again.stdout, 'halt updated: every service in every namespace ("INC-42, still")\n');

  const list = await cli(['halts'], { server: cp.url });
  assert.equal(list.code, 0, explain(list));
  assert.match(list.stdout, /^SELECTOR\s+REASON\s+ACTOR\s+AGE\n\*\s+INC-42, still\s+-\s+\d+s\n$/);
  const json = JSON.parse((await cli(['halts', '-o', 'json'], { server: cp.url })).stdout);
  assert.deepEqual(json[0].selector, { service: '*', namespace: '*' });

  const resumed = await cli(['resume'], { server: cp.url });
  assert.equal(resumed.code, 0, explain(resumed));
  assert.equal(resumed.stdout, 'resumed: every service in every namespace\n');
  const none = await cli(['resume'], { server: cp.url });
  assert.equal(none.code, 0);
  assert.equal(none.stderr, 'No active halts.\n');
  assert.equal((await cli(['halts'], { server: cp.url })).stderr, 'No active halts.\n');
});

test('a scoped halt: policy list shows Halted for the policies it covers whole; describe names the halt and its reason', async () => {
  const halted = await cli(['halt', '--service', 'frontend', '--reason', 'pager'], { server: cp.url, env: { USER: 'ana' } });
  assert.equal(halted.stdout, 'halted: service "frontend" in every namespace ("pager")\n');
  const list = await cli(['policy', 'list'], { server: cp.url });
  assert.match(list.stdout, /^front-abort\s+frontend\.demo\s+1\s+Halted\s/m);
  assert.doesNotMatch(
    list.stdout,
    /^any-abort\s+\*\.demo\s+1\s+Halted/m,
    'a halt of one service covers only part of a policy for every service',
  );
  const described = await cli(['policy', 'describe', 'front-abort'], { server: cp.url });
  assert.match(described.stdout, /^Status:\s+Halted$/m);
  assert.match(described.stdout, /^Halted by:\s+service "frontend" in every namespace \("pager" by ana, \d+s ago\)$/m);
  const partly = await cli(['policy', 'describe', 'any-abort'], { server: cp.url });
  assert.match(partly.stdout, /^Partial halt:\s+service "frontend" in every namespace/m);
  const resumed = await cli(['resume', '--service', 'frontend'], { server: cp.url });
  assert.equal(resumed.stdout, 'resumed: service "frontend" in every namespace\n');
});

test('resuming a selector that is not halted exits 3; a bad selector is refused naming the field (exit 1)', async () => {
  const missing = await cli(['resume', '--service', 'nobody', '--namespace', 'demo'], { server: cp.url });
  assert.equal(missing.code, 3, explain(missing));
  assert.match(missing.stderr, /^error: no halt for nobody\.demo$/m);
  const bad = await cli(['halt', '--namespace', 'Not_A_Namespace'], { server: cp.url });
  assert.equal(bad.code, 1, explain(bad));
  assert.match(bad.stderr, /selector\.namespace: expected "\*" or a namespace/);
});
