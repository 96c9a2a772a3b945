// deploy/envoy: the bootstrap parses, the plugin's configuration JSON uses only keys the plugin reads,
// the names it uses exist, and compose.yaml mounts the module where envoy.yaml loads it from.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pluginWasm } from '@hfi/testkit';
import { parse } from 'yaml';
import type { Any } from './support/manifests.js';
import { envoyRoot, repoRoot } from './support/paths.js';
import { pluginConfigErrors } from './support/plugin.js';

const envoy = parse(readFileSync(join(envoyRoot, 'envoy.yaml'), 'utf8')) as Any;
const compose = parse(readFileSync(join(envoyRoot, 'compose.yaml'), 'utf8')) as Any;
const WASM_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm';
const HCM_TYPE = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

const listener = envoy.static_resources.listeners.find((l: Any) => l.address.socket_address.port_value === 10000);
const hcm = listener.filter_chains[0].filters.find((f: Any) => f.typed_config['@type'] === HCM_TYPE).typed_config;
const wasmFilter = hcm.http_filters.find((f: Any) => f.name === 'envoy.filters.http.wasm');
const pluginConfig = wasmFilter.typed_config.config;
const configuration = JSON.parse(pluginConfig.configuration.value) as Record<string, unknown>;
const clusters = new Map<string, Any>(envoy.static_resources.clusters.map((c: Any) => [c.name, c]));

test('listener 10000 runs the wasm filter (typed v3 Wasm, V8, local file) before the router', () => {
  assert.equal(wasmFilter.typed_config['@type'], WASM_TYPE);
  assert.equal(pluginConfig.vm_config.runtime, 'envoy.wasm.runtime.v8');
  assert.match(pluginConfig.vm_config.code?.local?.filename ?? '', /\.wasm$/, 'the module comes from a local file');
  assert.equal(pluginConfig.root_id, '', "the plugin's default root context");
  assert.equal(pluginConfig.configuration['@type'], 'type.googleapis.com/google.protobuf.StringValue');
  const names = hcm.http_filters.map((f: Any) => f.name);
  assert.equal(names.at(-1), 'envoy.filters.http.router');
  assert.ok(names.indexOf('envoy.filters.http.wasm') < names.indexOf('envoy.filters.http.router'));
  assert.equal(envoy.admin.address.socket_address.port_value, 9901);
});

test('the plugin configuration fits the PluginConfig schema, with a poll timeout above the hold', () => {
  assert.deepEqual(pluginConfigErrors(configuration), []);
  assert.ok(Number(configuration.poll_timeout_sec) > Number(configuration.poll_hold_sec));
});

test('control_plane_cluster exists, resolves to the compose control plane, and the authority names it', () => {
  const cluster = clusters.get(String(configuration.control_plane_cluster));
  assert.ok(cluster, `cluster ${String(configuration.control_plane_cluster)} is not defined`);
  const address = cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
  assert.equal(cluster.load_assignment.cluster_name, cluster.name);
  assert.equal(configuration.control_plane_authority, `${address.address}:${address.port_value}`);
  const service = compose.services[address.address];
  assert.ok(service, `compose has no service ${address.address}`);
  assert.equal(service.environment.CONTROL_PLANE_ADDR, `0.0.0.0:${address.port_value}`);
});

test('the route sends everything to the backend cluster, which is the compose backend', () => {
  const route = hcm.route_config.virtual_hosts[0].routes[0];
  assert.equal(route.match.prefix, '/');
  const backend = clusters.get(route.route.cluster);
  assert.ok(backend, `route cluster ${route.route.cluster} is not defined`);
  const address = backend.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
  const service = compose.services[address.address];
  assert.ok(service, `compose has no service ${address.address}`);
  assert.ok(
    service.command.some((a: string) => a === `-listen=:${address.port_value}`),
    'the backend listens where the cluster sends',
  );
});

test('node metadata carries the identity keys Istio uses (WORKLOAD_NAME, NAMESPACE, NAME)', () => {
  for (const key of ['WORKLOAD_NAME', 'NAMESPACE', 'NAME']) {
    assert.equal(typeof envoy.node.metadata[key], 'string', `node.metadata.${key}`);
  }
});

test('compose mounts the built module at the filename envoy.yaml loads, and envoy.yaml at -c', () => {
  const service = compose.services.envoy;
  const mounts = new Map<string, string>(
    service.volumes.map((v: string) => {
      const [source, target] = v.split(':');
      return [target!, resolve(envoyRoot, source!)];
    }),
  );
  assert.equal(mounts.get(pluginConfig.vm_config.code.local.filename), pluginWasm);
  const configPath = service.command[service.command.indexOf('-c') + 1];
  assert.equal(mounts.get(configPath), join(envoyRoot, 'envoy.yaml'));
  assert.ok(service.ports.includes('127.0.0.1:10000:10000'));
  const version = /envoyproxy\/envoy:v1\.(\d+)/.exec(service.image);
  assert.ok(version && Number(version[1]) >= 29, 'Envoy 1.29+ (xds node attributes)');
  const build = compose.services['hfi-control-plane'].build;
  assert.equal(resolve(envoyRoot, build.context), repoRoot.replace(/\/$/, ''));
});
