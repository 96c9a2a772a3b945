// The real hfi-control-plane, started with the rendered ConfigMap's config.yaml and the Deployment's
// environment, serves the paths the probes and the ServiceMonitor use; production's token setup is
// enforced, over a real etcd; the placeholder token Secret refuses to start.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type EtcdProcess, type RunningControlPlane, runControlPlaneToExit, startControlPlane, startEtcd } from '@hfi/testkit';
import { parse } from 'yaml';
import { type K8sObject, render } from './support/kubectl.js';
import { type Any, envOf, one } from './support/manifests.js';
import { kubernetesRoot, repoRoot } from './support/paths.js';

const work = mkdtempSync(join(tmpdir(), 'hfi-deploy-'));
const running: RunningControlPlane[] = [];
let etcd: EtcdProcess | undefined;
after(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await etcd?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The control plane container as the overlay renders it: --config file written out, literal env values. */
function launchSpec(overlay: string): { args: string[]; env: Record<string, string>; probes: Any[] } {
  const objects: K8sObject[] = render(join(kubernetesRoot, 'overlays', overlay)).objects;
  const deployment = one(objects, 'Deployment', 'hfi-control-plane');
  const container = deployment.spec.template.spec.containers[0];
  const configIndex = container.args.indexOf('--config');
  assert.ok(configIndex >= 0, 'the container passes --config');
  const configPath = container.args[configIndex + 1];
  const mount = container.volumeMounts.find((m: Any) => m.mountPath === configPath);
  assert.ok(mount, `nothing is mounted at ${configPath}`);
  const volume = deployment.spec.template.spec.volumes.find((v: Any) => v.name === mount.name);
  const configMap = one(objects, 'ConfigMap', volume.configMap.name);
  const file = join(work, `${overlay}-config.yaml`);
  writeFileSync(file, configMap.data[mount.subPath]);
  const env: Record<string, string> = {};
  for (const [name, e] of envOf(container)) if (typeof e.value === 'string') env[name] = e.value;
  const args = [...container.args];
  args[configIndex + 1] = file;
  return { args, env, probes: [container.livenessProbe, container.readinessProbe, container.startupProbe] };
}

async function get(url: string, token?: string): Promise<Response> {
  return fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

async function assertProbesAndMetrics(cp: RunningControlPlane, probes: Any[]): Promise<void> {
  for (const probe of probes) {
    const res = await get(`${cp.url}${probe.httpGet.path}`);
    assert.equal(res.status, 200, `probe path ${probe.httpGet.path} answered ${res.status}`);
  }
  const metrics = await get(`${cp.url}/v1/metrics`);
  assert.equal(metrics.status, 200, '/v1/metrics (ServiceMonitor path) without a token');
  assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
  assert.match(await metrics.text(), /^# (HELP|TYPE) /m);
}

test('dev overlay: the server starts from the rendered config and env, and serves /health, /ready, /v1/metrics', async () => {
  const spec = launchSpec('dev');
  const cp = await startControlPlane({ args: spec.args, env: spec.env });
  running.push(cp);
  await assertProbesAndMetrics(cp, spec.probes);
  for (const path of ['/health', '/ready']) assert.equal((await get(`${cp.url}${path}`)).status, 200, path);
  const policies = await get(`${cp.url}/v1/policies`);
  assert.equal(policies.status, 200, 'dev runs open: the API answers without a token');
});

/** Starts the bin as the cluster would, listening on all interfaces, expecting it to refuse. */
function refusesToStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return runControlPlaneToExit({ env: { CONTROL_PLANE_ADDR: '0.0.0.0:0', ...env } });
}

/** The policy stored under the etcd store's default prefix, read back through etcd's own v3 JSON API. */
async function etcdValue(etcdUrl: string, key: string): Promise<unknown> {
  const res = await fetch(`${etcdUrl}/v3/kv/range`, {
    method: 'POST',
    body: JSON.stringify({ key: Buffer.from(key).toString('base64') }),
  });
  assert.equal(res.status, 200, `etcd range ${key}`);
  const { kvs } = (await res.json()) as { kvs?: { value: string }[] };
  return kvs && kvs.length > 0 ? JSON.parse(Buffer.from(kvs[0]!.value, 'base64').toString('utf8')) : undefined;
}

test("production overlay: over a real etcd, tokens in the Secret's format are enforced and writes land in etcd; probes and metrics stay public", async () => {
  const spec = launchSpec('production');
  const tokensPath = spec.env.HFI_TOKEN_FILE;
  assert.ok(tokensPath, 'production sets HFI_TOKEN_FILE');
  const admin = 'a'.repeat(64);
  const read = 'b'.repeat(64);
  // Same shape as `make tokens` writes into the Secret.
  const tokens = join(work, 'tokens.yaml');
  writeFileSync(tokens, `admin: "${admin}"\nread:\n  - "${read}"\n`);
  etcd = await startEtcd();
  const etcdUrl = etcd.endpoint;
  // In-cluster member names do not resolve here: point the same config at the local etcd.
  const cp = await startControlPlane({ args: spec.args, env: { ...spec.env, HFI_TOKEN_FILE: tokens, ETCD_ENDPOINTS: etcdUrl } });
  running.push(cp);
  await assertProbesAndMetrics(cp, spec.probes);
  assert.equal((await get(`${cp.url}/v1/policies`)).status, 401, 'reads need a token');
  assert.equal((await get(`${cp.url}/v1/policies`, read)).status, 200, 'the read token reads');
  const write = await fetch(`${cp.url}/v1/policies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${read}`, 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(write.status, 403, 'a read token may not write');
  const created = await fetch(`${cp.url}/v1/policies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/yaml' },
    body: readFileSync(join(repoRoot, 'examples/abort.yaml'), 'utf8'),
  });
  assert.equal(created.status, 201, `the admin token writes: ${await created.text()}`);
  const stored = (await etcdValue(etcdUrl, '/hfi/policies/checkout-abort')) as Any;
  assert.equal(stored?.metadata?.name, 'checkout-abort', 'the policy is stored in etcd');
});

test('the placeholder token Secret makes the server refuse to start, naming HFI_TOKEN_FILE', async () => {
  const secret = parse(readFileSync(join(kubernetesRoot, 'base/tokens-secret.example.yaml'), 'utf8')) as Any;
  const tokens = join(work, 'placeholder-tokens.yaml');
  writeFileSync(tokens, secret.stringData['tokens.yaml']);
  const { code, output } = await refusesToStart({ HFI_TOKEN_FILE: tokens });
  assert.notEqual(code, 0, `the server started with placeholder tokens:\n${output}`);
  assert.match(output, /HFI_TOKEN_FILE/);
});

test('without the Secret and without HFI_ALLOW_UNAUTHENTICATED the server refuses to listen on 0.0.0.0', async () => {
  const { code, output } = await refusesToStart({});
  assert.notEqual(code, 0, output);
  assert.match(output, /HFI_ADMIN_TOKEN|HFI_ALLOW_UNAUTHENTICATED/);
});
