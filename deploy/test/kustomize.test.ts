// Every kustomization under deploy/kubernetes renders with the real `kubectl kustomize`, without
// warnings, and every object it produces matches its Kubernetes / Istio / Prometheus Operator schema.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { type K8sObject, kubectlVersion, kustomizationDirs, render } from './support/kubectl.js';
import { kubernetesRoot } from './support/paths.js';
import { describe, validateObject } from './support/schemas.js';

const dirs = kustomizationDirs();

test('a kubectl with kustomize v4+ is available', () => {
  const major = /Kustomize Version: v(\d+)\./.exec(kubectlVersion())?.[1];
  assert.ok(major && Number(major) >= 4, `kustomize v${major ?? '?'}`);
});

test('the expected kustomizations exist', () => {
  const names = dirs.map((d) => relative(kubernetesRoot, d));
  for (const expected of [
    'base',
    'etcd',
    'wasm-server',
    'monitoring',
    'ingress',
    'istio/wasmplugin',
    'istio/wasmplugin-selector',
    'istio/wasmplugin-lease',
    'overlays/dev',
    'overlays/production',
  ]) {
    assert.ok(names.includes(expected), `deploy/kubernetes/${expected} missing (found: ${names.join(', ')})`);
  }
});

for (const dir of dirs) {
  const name = relative(kubernetesRoot, dir);
  test(`${name}: renders without warnings, every object valid`, () => {
    const { objects, stderr } = render(dir);
    assert.equal(stderr.trim(), '', `kubectl kustomize ${name} printed:\n${stderr}`);
    assert.ok(objects.length > 0, `${name} rendered nothing`);
    const seen = new Set<string>();
    for (const o of objects) {
      validateObject(o);
      const key = `${o.apiVersion} ${describe(o)}`;
      assert.ok(!seen.has(key), `${name}: ${key} rendered twice`);
      seen.add(key);
      if (o.kind !== 'Namespace') assert.ok(o.metadata.namespace, `${name}: ${describe(o)} has no namespace`);
      assert.equal(o.metadata.labels?.['app.kubernetes.io/part-of'], 'hfi', `${name}: ${describe(o)} lacks app.kubernetes.io/part-of=hfi`);
    }
  });
}

test('schema validation rejects what the API server would (the check can fail)', () => {
  const bad: K8sObject = {
    apiVersion: 'extensions.istio.io/v1alpha1',
    kind: 'WasmPlugin',
    metadata: { name: 'x', namespace: 'demo' },
    spec: { url: 'oci://r/p:1', failStrategy: 'FAIL_SOMETIMES' },
  };
  assert.throws(() => validateObject(bad), /failStrategy/);
  const badPort = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 'eighty' }] } } as K8sObject;
  assert.throws(() => validateObject(badPort), /port/);
  assert.throws(() => validateObject({ apiVersion: 'v9', kind: 'Gadget', metadata: { name: 'g' } }), /no schema known/);
});

test('the token Secret example is a valid Secret whose tokens.yaml parses', () => {
  const path = join(kubernetesRoot, 'base/tokens-secret.example.yaml');
  const secret = parse(readFileSync(path, 'utf8')) as K8sObject & { stringData: Record<string, string> };
  validateObject(secret);
  assert.equal(secret.metadata.name, 'hfi-control-plane-tokens');
  const tokens = parse(secret.stringData['tokens.yaml']!) as Record<string, unknown>;
  assert.deepEqual(Object.keys(tokens).sort(), ['admin', 'read']);
});
