// The resilience-test examples of examples/client/ run as a user runs them, against the whole system: the
// real control plane, hfi-proxy with the compiled plugin in front of a demo service. Each injects a fault
// with @hfi/client, waits for applied(), asserts what the fault does through the proxy, and removes it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningSystem, repoRoot, startSystem } from '@hfi/testkit';

const examples = join(repoRoot, 'examples/client');
let system: RunningSystem;

before(async () => {
  system = await startSystem({ service: 'frontend' });
});
after(async () => {
  await system?.stop();
});

/** Runs one of the example package's scripts with the system's addresses; resolves with exit code and output. */
function runExample(script: string): Promise<{ code: number | null; output: string }> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const child = spawn(npm, ['run', '--silent', script], {
    cwd: examples,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HFI_SERVER: system.controlPlane.url,
      SERVICE_URL: system.proxy.url,
      CI: 'true',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c));
  child.stderr.on('data', (c: Buffer) => (output += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within 90 s\n${output}`));
    }, 90_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function assertPolicyGone(): Promise<void> {
  const r = await fetch(`${system.controlPlane.url}/v1/policies`);
  assert.deepEqual(((await r.json()) as { items: unknown[] }).items, [], 'the example removed its fault');
}

test('the node:test example passes: the fault is applied, seen through hfi-proxy, and removed', async () => {
  const r = await runExample('test:node');
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /# pass 1/);
  await assertPolicyGone();
});

test('the vitest example passes (TypeScript, await using)', async () => {
  const r = await runExample('test:vitest');
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /1 passed/);
  await assertPolicyGone();
});

test('the jest example passes (ESM, beforeAll / afterAll)', async () => {
  const r = await runExample('test:jest');
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /Tests:\s+2 passed, 2 total/);
  await assertPolicyGone();
});
