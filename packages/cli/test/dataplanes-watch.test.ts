// dataplanes and policy watch against the real control plane.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, test } from 'node:test';
import { pollAsDataPlane, type RunningControlPlane, startControlPlane } from '@hfi/testkit';
import { cli, explain, spawnCli } from './support/cli.js';
import { assertGolden } from './support/golden.js';

let cp: RunningControlPlane;
const children: ChildProcess[] = [];

before(async () => {
  cp = await startControlPlane();
});
after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await cp?.stop();
});

test('dataplanes (dp) lists what polled: table, json, yaml', async () => {
  const empty = await cli(['dataplanes'], { server: cp.url });
  assert.equal(empty.code, 0, explain(empty));
  assert.equal(empty.stderr, 'No data planes have connected.\n');

  await pollAsDataPlane(cp.url, { instance: 'frontend-7d9f.demo', service: 'frontend', namespace: 'demo', pod: 'frontend-7d9f' });
  await pollAsDataPlane(cp.url, { instance: 'checkout-1', service: 'checkout', namespace: 'shop', pod: null });

  const table = await cli(['dp'], { server: cp.url });
  assert.equal(table.code, 0, explain(table));
  assert.match(table.stdout, /^INSTANCE +SERVICE +NAMESPACE +POD +VERSION +LAST SEEN +CONNECTED$/m);
  assert.match(table.stdout, /^frontend-7d9f\.demo +frontend +demo +frontend-7d9f +\d+ +\d+s ago +no$/m);
  assertGolden('dataplanes.txt', table.stdout, { table: true });

  const json = await cli(['dataplanes', '-o', 'json'], { server: cp.url });
  const planes = JSON.parse(json.stdout) as Array<{ instance: string }>;
  assert.deepEqual(
    planes.map((p) => p.instance),
    ['checkout-1', 'frontend-7d9f.demo'],
  );
  assertGolden('dataplanes.json', json.stdout);
  const yaml = await cli(['dp', '-o', 'yaml'], { server: cp.url });
  assertGolden('dataplanes.yaml', yaml.stdout);

  const wide = await cli(['dp', '-o', 'wide'], { server: cp.url });
  assert.equal(wide.code, 2, explain(wide));
});

/** Collects stdout lines of a running child and waits for one that matches. */
function lineWaiter(child: ChildProcess) {
  let buffer = '';
  const lines: string[] = [];
  const waiting: Array<{ re: RegExp; resolve: (line: string) => void }> = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      for (const w of [...waiting]) if (w.re.test(line)) waiting.splice(waiting.indexOf(w), 1), w.resolve(line);
    }
  });
  return {
    lines,
    next(re: RegExp, timeoutMs = 15_000): Promise<string> {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${re} within ${timeoutMs}ms; got:\n${lines.join('\n')}`)),
          timeoutMs,
        );
        waiting.push({ re, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      });
    },
  };
}

test('policy watch prints every rule-set change until Ctrl-C, then exits 0', async () => {
  const watch = spawnCli(['policy', 'watch'], { server: cp.url });
  children.push(watch);
  watch.stdin?.end();
  let stderr = '';
  watch.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const out = lineWaiter(watch);

  const first = await out.next(/ version \d+: /);
  assert.match(first, /^\S+Z version \d+: 0 rules from 0 policies$/);

  const applied = await cli(['policy', 'apply', '-f', 'testdata/policies/checkout.yaml'], { server: cp.url });
  assert.equal(applied.code, 0, explain(applied));
  await out.next(/2 rules from 2 policies: checkout-abort \(v\d+\), everything-slow \(v\d+\)/);

  await cli(['policy', 'delete', 'everything-slow'], { server: cp.url });
  const removed = await out.next(/removed everything-slow/);
  assert.match(removed, / version \d+: 1 rule from 1 policy: checkout-abort \(v\d+\) \[removed everything-slow\]$/);

  const exited = new Promise<number | null>((resolve) => watch.once('exit', (code) => resolve(code)));
  watch.kill('SIGINT');
  assert.equal(await exited, 0, stderr);
  assert.match(stderr, new RegExp(`watching ${cp.url.replace(/\./g, '\\.')} for rule-set changes`));
});

test('policy watch -o json prints one compiled rule set per line', async () => {
  const watch = spawnCli(['policy', 'watch', '-o', 'json'], { server: cp.url });
  children.push(watch);
  watch.stdin?.end();
  const out = lineWaiter(watch);
  const line = await out.next(/^\{/);
  const set = JSON.parse(line) as { wireVersion: number; dfas?: unknown[]; rules: Array<{ policy: string }> };
  assert.equal(set.wireVersion, 4, "checkout-abort's regex makes the set version 4: its table is in dfas");
  assert.equal(set.dfas?.length, 1);
  assert.deepEqual(
    set.rules.map((r) => r.policy),
    ['checkout-abort'],
  );
  const exited = new Promise<number | null>((resolve) => watch.once('exit', (code) => resolve(code)));
  watch.kill('SIGINT');
  assert.equal(await exited, 0);
});
