// The rendered overlays agree with themselves and with the other parts of HFI: selectors select,
// ports line up, the WasmPlugin names the control plane's Istio cluster, env and config keys exist.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { knownEnvNames } from './support/control-plane-env.js';
import { type K8sObject, render } from './support/kubectl.js';
import { type Any, all, containerPorts, envOf, one, selects, workloads } from './support/manifests.js';
import { kubernetesRoot, repoRoot } from './support/paths.js';
import { pluginConfigErrors } from './support/plugin.js';
import { describe } from './support/schemas.js';

const overlays = {
  dev: render(join(kubernetesRoot, 'overlays/dev')).objects,
  production: render(join(kubernetesRoot, 'overlays/production')).objects,
};
/** Objects created outside kustomize on purpose, with the Makefile command that creates each (targets `tokens`, `wasm-configmap`). */
const EXTERNAL = new Map<string, RegExp>([
  ['Secret hfi-system/hfi-control-plane-tokens', /-n \$\(NAMESPACE\) create secret generic hfi-control-plane-tokens\b/],
  ['ConfigMap hfi-system/hfi-wasm-plugin', /-n \$\(NAMESPACE\) create configmap hfi-wasm-plugin\b/],
]);
const makefile = readFileSync(join(repoRoot, 'Makefile'), 'utf8');
/** The namespace those Makefile targets create them in, by default. */
const makeNamespace = /^NAMESPACE\s*\?=\s*(\S+)/m.exec(makefile)?.[1];

function controlPlane(objects: K8sObject[]): { deployment: Any; container: Any } {
  const deployment = one(objects, 'Deployment', 'hfi-control-plane');
  const container = deployment.spec.template.spec.containers.find((c: Any) => c.name === 'hfi-control-plane');
  assert.ok(container, 'no container hfi-control-plane');
  return { deployment, container };
}

/** The control plane's settings as the server would resolve them: config.yaml, then the environment. */
function effectiveConfig(objects: K8sObject[]): { backend: string; endpoints: string[]; port: number; env: Map<string, Any> } {
  const { deployment, container } = controlPlane(objects);
  const volume = deployment.spec.template.spec.volumes.find((v: Any) => v.name === 'config');
  const configMap = one(objects, 'ConfigMap', volume.configMap.name);
  const file = parse(configMap.data['config.yaml']) as Any;
  const env = envOf(container);
  const addr = env.get('CONTROL_PLANE_ADDR')?.value as string | undefined;
  const port = Number(addr?.split(':')[1] ?? env.get('CONTROL_PLANE_PORT')?.value ?? file.server?.port ?? 8080);
  return {
    backend: env.get('STORAGE_BACKEND')?.value ?? file.storage?.backend ?? 'memory',
    endpoints: env.get('ETCD_ENDPOINTS')?.value?.split(',') ?? file.storage?.etcd?.endpoints ?? [],
    port,
    env,
  };
}

for (const [name, objects] of Object.entries(overlays)) {
  test(`${name}: every Service selects pods and its target ports exist on them`, () => {
    for (const svc of all(objects, 'Service')) {
      const pods = workloads(objects).filter(
        (w) =>
          w.metadata.namespace === svc.metadata.namespace && selects({ matchLabels: svc.spec.selector }, w.spec.template.metadata.labels),
      );
      assert.ok(pods.length > 0, `${describe(svc)} selects no pod template`);
      for (const port of svc.spec.ports) {
        const target = port.targetPort ?? port.port;
        const found = pods.some((w) => containerPorts(w).some((p: Any) => p.name === target || p.containerPort === target));
        assert.ok(found, `${describe(svc)} port ${port.name}: targetPort ${target} is no container port of its pods`);
      }
    }
  });

  test(`${name}: workload selectors match their templates; PDBs and NetworkPolicies select pods`, () => {
    for (const w of workloads(objects)) {
      assert.ok(selects(w.spec.selector, w.spec.template.metadata.labels), `${describe(w)}: selector does not match its template`);
    }
    for (const pdb of all(objects, 'PodDisruptionBudget')) {
      const target = workloads(objects).find((w) => selects(pdb.spec.selector, w.spec.template.metadata.labels));
      assert.ok(target, `${describe(pdb)} selects no pods`);
      if (pdb.spec.minAvailable !== undefined) {
        assert.ok(
          pdb.spec.minAvailable < target.spec.replicas,
          `${describe(pdb)}: minAvailable ${pdb.spec.minAvailable} blocks every eviction`,
        );
      }
    }
    for (const np of all(objects, 'NetworkPolicy')) {
      const target = workloads(objects).find((w) => selects(np.spec.podSelector, w.spec.template.metadata.labels));
      assert.ok(target, `${describe(np)} selects no pods`);
      const names = new Set(containerPorts(target).map((p: Any) => p.name));
      for (const rule of np.spec.ingress) {
        for (const p of rule.ports) assert.ok(names.has(p.port), `${describe(np)}: port ${p.port} is not a port of ${describe(target)}`);
      }
    }
  });

  test(`${name}: every ConfigMap, Secret and ServiceAccount a pod uses is rendered, or created by a Makefile target`, () => {
    const rendered = new Set(objects.map((o) => describe(o)));
    for (const w of workloads(objects)) {
      const ns = w.metadata.namespace;
      const spec = w.spec.template.spec;
      const refs: string[] = [];
      for (const v of spec.volumes ?? []) {
        if (v.configMap) refs.push(`ConfigMap ${ns}/${v.configMap.name}`);
        if (v.secret) refs.push(`Secret ${ns}/${v.secret.secretName}`);
      }
      if (spec.serviceAccountName) refs.push(`ServiceAccount ${ns}/${spec.serviceAccountName}`);
      for (const ref of refs) {
        if (rendered.has(ref)) continue;
        const command = EXTERNAL.get(ref);
        assert.ok(command, `${describe(w)} uses ${ref}, which is not rendered`);
        assert.match(makefile, command, `${describe(w)} uses ${ref}, which no Makefile target creates`);
        assert.equal(ns, makeNamespace, `${ref}: the Makefile creates it in namespace ${makeNamespace}`);
      }
      for (const c of spec.containers) {
        for (const m of c.volumeMounts ?? []) {
          const claims = (w.spec.volumeClaimTemplates ?? []).map((t: Any) => t.metadata.name);
          const known = (spec.volumes ?? []).some((v: Any) => v.name === m.name) || claims.includes(m.name);
          assert.ok(known, `${describe(w)}: mount of unknown volume ${m.name}`);
        }
      }
    }
  });

  test(`${name}: every pod is hardened (non-root, seccomp, no privilege escalation, read-only root, no capabilities, memory request and limit)`, () => {
    for (const w of workloads(objects)) {
      const spec = w.spec.template.spec;
      assert.equal(spec.securityContext?.runAsNonRoot, true, `${describe(w)}: runAsNonRoot`);
      assert.equal(spec.securityContext?.seccompProfile?.type, 'RuntimeDefault', `${describe(w)}: seccomp`);
      assert.equal(spec.automountServiceAccountToken, false, `${describe(w)}: mounts an API token it does not use`);
      for (const c of spec.containers) {
        const sc = c.securityContext ?? {};
        assert.equal(sc.allowPrivilegeEscalation, false, `${describe(w)}/${c.name}: allowPrivilegeEscalation`);
        assert.equal(sc.readOnlyRootFilesystem, true, `${describe(w)}/${c.name}: readOnlyRootFilesystem`);
        assert.deepEqual(sc.capabilities?.drop, ['ALL'], `${describe(w)}/${c.name}: capabilities.drop`);
        assert.ok(c.resources?.requests?.memory && c.resources?.limits?.memory, `${describe(w)}/${c.name}: memory request and limit`);
      }
    }
  });

  test(`${name}: the control plane's probes, port, env and grace period fit the server`, () => {
    const { deployment, container } = controlPlane(objects);
    const config = effectiveConfig(objects);
    const http = container.ports.find((p: Any) => p.name === 'http');
    assert.equal(http?.containerPort, config.port, 'containerPort http must be the port the server listens on');
    assert.equal(container.livenessProbe.httpGet.path, '/health');
    assert.equal(container.readinessProbe.httpGet.path, '/ready');
    assert.equal(container.startupProbe.httpGet.path, '/health');
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe])
      assert.equal(probe.httpGet.port, 'http');
    assert.equal(config.env.get('CONTROL_PLANE_ADDR')?.value, `0.0.0.0:${config.port}`, 'must listen beyond loopback in a pod');
    const known = knownEnvNames();
    for (const envName of config.env.keys())
      assert.ok(known.has(envName), `${envName} is not read by the control plane (known: ${[...known].join(', ')})`);
    // preStop sleep + a held long-poll (30 s) must fit in the grace period.
    assert.ok(deployment.spec.template.spec.terminationGracePeriodSeconds >= 35, 'terminationGracePeriodSeconds < 35');
    const sa = one(objects, 'ServiceAccount', deployment.spec.template.spec.serviceAccountName);
    assert.equal(sa.automountServiceAccountToken, false);
    assert.equal(
      all(objects, 'ClusterRole').length + all(objects, 'ClusterRoleBinding').length + all(objects, 'Role').length,
      0,
      'the control plane needs no RBAC',
    );
  });

  test(`${name}: more than one replica only over a shared store (etcd)`, () => {
    const { deployment } = controlPlane(objects);
    const { backend } = effectiveConfig(objects);
    if (deployment.spec.replicas > 1)
      assert.equal(backend, 'etcd', `${deployment.spec.replicas} replicas over a ${backend} store would each hold different policies`);
  });

  test(`${name}: the WasmPlugin points at the control plane's Service through Istio's cluster name`, () => {
    const plugin = one(objects, 'WasmPlugin', 'hfi-fault-injection');
    const svc = one(objects, 'Service', 'hfi-control-plane');
    const port = svc.spec.ports.find((p: Any) => p.name === 'http').port;
    const fqdn = `${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local`;
    const config = plugin.spec.pluginConfig;
    assert.equal(config.control_plane_cluster, `outbound|${port}||${fqdn}`);
    assert.equal(config.control_plane_authority, `${fqdn}:${port}`);
    assert.ok(config.poll_timeout_sec > config.poll_hold_sec, 'the poll call must time out after the server stops holding it');
    assert.deepEqual(pluginConfigErrors(config), [], 'pluginConfig fits the PluginConfig schema');
    assert.equal(plugin.spec.phase, 'AUTHN');
    assert.equal(plugin.spec.failStrategy, 'FAIL_OPEN');
    assert.equal(plugin.spec.targetRefs, undefined);
    assert.equal(plugin.spec.targetRef, undefined);
    assert.equal(plugin.spec.pluginName, undefined, 'root_id must stay "" (the plugin\'s default root context)');
    assert.deepEqual(plugin.spec.match, [{ mode: 'SERVER' }]);
  });

  test(`${name}: the NetworkPolicy lets meshed namespaces reach the control plane`, () => {
    const { deployment } = controlPlane(objects);
    const np = one(objects, 'NetworkPolicy', 'hfi-control-plane');
    assert.ok(selects(np.spec.podSelector, deployment.spec.template.metadata.labels));
    const peers = np.spec.ingress.flatMap((r: Any) => r.from);
    assert.ok(
      peers.some((p: Any) => p.namespaceSelector && selects(p.namespaceSelector, { 'istio-injection': 'enabled' })),
      'istio-injection=enabled namespaces',
    );
    assert.ok(
      peers.some((p: Any) => p.namespaceSelector && selects(p.namespaceSelector, { 'istio.io/rev': 'stable' })),
      'istio.io/rev namespaces',
    );
    assert.ok(
      !peers.some((p: Any) => p.namespaceSelector && selects(p.namespaceSelector, { 'kubernetes.io/metadata.name': 'random' })),
      'any namespace at all',
    );
  });
}

test('dev: one open replica over memory, the plugin from the in-cluster wasm-server', () => {
  const objects = overlays.dev;
  const { deployment } = controlPlane(objects);
  const config = effectiveConfig(objects);
  assert.equal(deployment.spec.replicas, 1);
  assert.equal(config.backend, 'memory');
  assert.equal(config.env.get('HFI_ALLOW_UNAUTHENTICATED')?.value, 'true');
  assert.equal(config.env.has('HFI_TOKEN_FILE'), false);
  const url = new URL(one(objects, 'WasmPlugin', 'hfi-fault-injection').spec.url);
  const svc = one(objects, 'Service', 'wasm-server');
  assert.equal(url.protocol, 'http:');
  assert.equal(url.hostname, `${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local`);
  assert.equal(Number(url.port || 80), svc.spec.ports[0].port);
  assert.equal(url.pathname, '/plugin.wasm', 'the wasm-server serves the ConfigMap key plugin.wasm');
  const server = one(objects, 'Deployment', 'wasm-server');
  const volume = server.spec.template.spec.volumes.find((v: Any) => v.configMap);
  assert.equal(volume.configMap.name, 'hfi-wasm-plugin');
});

test('production: tokens required, etcd members and endpoints agree, OCI plugin, metrics scraped', () => {
  const objects = overlays.production;
  const { deployment, container } = controlPlane(objects);
  const config = effectiveConfig(objects);
  assert.ok(deployment.spec.replicas >= 2);
  assert.equal(config.env.has('HFI_ALLOW_UNAUTHENTICATED'), false);
  const tokenFile = config.env.get('HFI_TOKEN_FILE')?.value as string;
  const mount = container.volumeMounts.find((m: Any) => tokenFile.startsWith(`${m.mountPath}/`));
  const volume = deployment.spec.template.spec.volumes.find((v: Any) => v.name === mount?.name);
  assert.equal(volume?.secret?.secretName, 'hfi-control-plane-tokens', 'HFI_TOKEN_FILE must lie in the token Secret');

  const etcd = one(objects, 'StatefulSet', 'hfi-etcd');
  const headless = one(objects, 'Service', etcd.spec.serviceName);
  assert.equal(headless.spec.clusterIP, 'None');
  assert.equal(headless.spec.publishNotReadyAddresses, true);
  assert.equal(etcd.spec.replicas, 3);
  assert.equal(etcd.spec.podManagementPolicy, 'Parallel');
  const ns = etcd.metadata.namespace;
  const member = (i: number) => `${etcd.metadata.name}-${i}.${headless.metadata.name}.${ns}.svc.cluster.local`;
  const clientPort = containerPorts(etcd).find((p: Any) => p.name === 'client').containerPort;
  const peerPort = containerPorts(etcd).find((p: Any) => p.name === 'peer').containerPort;
  assert.deepEqual(
    config.endpoints,
    Array.from({ length: etcd.spec.replicas }, (_, i) => `http://${member(i)}:${clientPort}`),
    'the control plane must list every etcd member',
  );
  const args: string[] = etcd.spec.template.spec.containers[0].args;
  const initialCluster = args.find((a) => a.startsWith('--initial-cluster='))!.slice('--initial-cluster='.length);
  assert.equal(
    initialCluster,
    Array.from({ length: etcd.spec.replicas }, (_, i) => `${etcd.metadata.name}-${i}=http://${member(i)}:${peerPort}`).join(','),
  );
  assert.ok(etcd.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.length > 0);
  assert.ok(etcd.spec.volumeClaimTemplates.length > 0);

  const etcdPolicy = one(objects, 'NetworkPolicy', 'hfi-etcd');
  const clientRule = etcdPolicy.spec.ingress.find((r: Any) => r.ports.some((p: Any) => p.port === 'client'));
  assert.ok(
    clientRule.from.some((p: Any) => p.podSelector && selects(p.podSelector, deployment.spec.template.metadata.labels)),
    'the control plane reaches etcd',
  );
  assert.ok(
    etcdPolicy.spec.ingress.every((r: Any) => r.from.every((p: Any) => p.podSelector && !p.namespaceSelector)),
    'etcd admits pods of its own namespace only',
  );

  assert.match(one(objects, 'WasmPlugin', 'hfi-fault-injection').spec.url, /^oci:\/\/.+\/hfi-wasm-plugin:[\w.-]+$/);

  const monitor = one(objects, 'ServiceMonitor', 'hfi-control-plane');
  const svc = one(objects, 'Service', 'hfi-control-plane');
  assert.ok(selects(monitor.spec.selector, svc.metadata.labels), 'the ServiceMonitor selects the Service');
  assert.ok(monitor.spec.namespaceSelector.matchNames.includes(svc.metadata.namespace));
  for (const endpoint of monitor.spec.endpoints) {
    assert.ok(
      svc.spec.ports.some((p: Any) => p.name === endpoint.port),
      `ServiceMonitor port ${endpoint.port} is not a Service port name`,
    );
    assert.equal(endpoint.path, '/v1/metrics');
  }
  const scrape = one(objects, 'NetworkPolicy', 'hfi-control-plane-prometheus');
  assert.ok(selects(scrape.spec.podSelector, deployment.spec.template.metadata.labels));
});

test('ingress: routes to the control plane Service port, with long read timeouts for long-polls and SSE', () => {
  const objects = [...render(join(kubernetesRoot, 'ingress')).objects, ...overlays.production];
  const ingress = one(objects, 'Ingress', 'hfi-control-plane');
  const backend = ingress.spec.rules[0].http.paths[0].backend.service;
  const svc = one(objects, 'Service', backend.name);
  assert.equal(svc.metadata.namespace, ingress.metadata.namespace);
  assert.ok(svc.spec.ports.some((p: Any) => p.name === backend.port.name));
  assert.ok(Number(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']) >= 120);
  assert.equal(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-buffering'], 'off');
  assert.ok(ingress.spec.tls.length > 0, 'the admin API goes over TLS');
  const { deployment } = controlPlane(overlays.production);
  const np = one(objects, 'NetworkPolicy', 'hfi-control-plane-ingress');
  assert.ok(selects(np.spec.podSelector, deployment.spec.template.metadata.labels));
});

test('istio/wasmplugin-lease adds fault_lease_sec and nothing else; a healthy held poll fits in half the lease', () => {
  const plain = one(render(join(kubernetesRoot, 'istio/wasmplugin')).objects, 'WasmPlugin', 'hfi-fault-injection');
  const leased = one(render(join(kubernetesRoot, 'istio/wasmplugin-lease')).objects, 'WasmPlugin', 'hfi-fault-injection');
  assert.equal(plain.spec.pluginConfig.fault_lease_sec, undefined, 'the lease is opt-in');
  const { fault_lease_sec: lease, ...rest } = leased.spec.pluginConfig;
  assert.deepEqual(rest, plain.spec.pluginConfig);
  assert.ok(lease >= 2 && rest.poll_hold_sec <= lease / 2, `hold ${rest.poll_hold_sec} s within half the lease of ${lease} s`);
  assert.deepEqual(pluginConfigErrors(leased.spec.pluginConfig), [], 'pluginConfig fits the PluginConfig schema');
  assert.deepEqual({ ...leased.spec, pluginConfig: undefined }, { ...plain.spec, pluginConfig: undefined });
});

test('istio/wasmplugin-selector narrows the plugin with matchLabels and nothing else', () => {
  const wide = one(render(join(kubernetesRoot, 'istio/wasmplugin')).objects, 'WasmPlugin', 'hfi-fault-injection');
  const narrow = one(render(join(kubernetesRoot, 'istio/wasmplugin-selector')).objects, 'WasmPlugin', 'hfi-fault-injection');
  assert.equal(wide.spec.selector, undefined);
  assert.deepEqual(narrow.spec.selector, { matchLabels: { app: 'frontend' } });
  assert.deepEqual({ ...narrow.spec, selector: undefined }, { ...wide.spec, selector: undefined });
});
