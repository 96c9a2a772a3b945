// The built module's imports and exports, checked name by name and type by type against what Envoy
// links (docs/envoy-facts.md E1-E6): a module that fails this would be refused by Envoy/Istio at load time.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type FuncSig, readModuleShape } from '@hfi/proxy-host';
import { ABI_010_ONLY, ENVOY_CALLBACKS, ENVOY_ENV_IMPORTS, ENVOY_WASI_IMPORTS, WASI_MODULES } from './envoy-abi.fixture.js';
import { pluginWasmPath } from './paths.js';
import { wasm } from './webassembly.js';

const bytes = new Uint8Array(readFileSync(pluginWasmPath));
// The host's own section reader (the one hfi-proxy uses to refuse modules as Envoy does); wasm-objdump and
// Node's linker below check the same module independently.
const surface = readModuleShape(bytes);

function signature(sig: FuncSig | undefined): string {
  if (!sig) return '?';
  return `(${sig.params.join(', ')}) -> ${sig.results.length === 0 ? 'void' : sig.results.join(', ')}`;
}

test("every import is in Envoy's ABI 0.2.1 / 2021 WASI set with the exact signature", () => {
  assert.ok(surface.imports.length > 0);
  for (const imp of surface.imports) {
    const where = `${imp.module}.${imp.name}`;
    assert.equal(imp.kind, 'func', `${where}: Envoy rejects imported globals; only functions are expected`);
    let want: string | undefined;
    if (imp.module === 'env') want = ENVOY_ENV_IMPORTS[imp.name];
    else if (WASI_MODULES.includes(imp.module)) want = ENVOY_WASI_IMPORTS[imp.name];
    assert.ok(want, `${where} is not provided by Envoy: the module would fail with "missing import"`);
    assert.equal(signature(imp.sig), want, `${where} has the wrong type: Envoy reports "import type mismatch"`);
  }
});

test('no AssemblyScript default imports and no ABI 0.1.0-only imports', () => {
  const names = surface.imports.map((i) => `${i.module}.${i.name}`);
  for (const banned of ['env.abort', 'env.seed', 'env.trace', 'env.Date.now', 'env.console.log']) {
    assert.ok(!names.includes(banned), `${banned} is imported`);
  }
  for (const old of ABI_010_ONLY) assert.ok(!names.includes(`env.${old}`), `env.${old} exists only for ABI 0.1.0`);
});

test("exports the ABI marker, malloc, memory, _initialize and callbacks with Envoy's signatures", () => {
  const byName = new Map(surface.exports.map((e) => [e.name, e]));
  assert.equal(byName.get('memory')?.kind, 'memory');
  for (const name of [
    'proxy_abi_version_0_2_1',
    'malloc',
    '_initialize',
    'proxy_on_context_create',
    'proxy_on_configure',
    'proxy_on_vm_start',
    'proxy_on_tick',
    'proxy_on_http_call_response',
    'proxy_on_request_headers',
    'proxy_on_response_headers',
    'proxy_on_done',
    'proxy_on_delete',
  ]) {
    assert.ok(byName.has(name), `missing export ${name}`);
  }
  const markers = surface.exports.filter((e) => e.name.startsWith('proxy_abi_version_'));
  assert.deepEqual(
    markers.map((m) => m.name),
    ['proxy_abi_version_0_2_1'],
    'exactly one ABI marker (the first found decides)',
  );
  for (const e of surface.exports) {
    if (e.kind !== 'func' || e.name.startsWith('proxy_abi_version_')) continue;
    const want = ENVOY_CALLBACKS[e.name];
    assert.ok(want, `unexpected function export ${e.name}`);
    assert.equal(signature(e.sig), want, `${e.name}: Envoy fails the VM with "Bad function signature"`);
  }
});

test('no start section: top-level code runs from _initialize, when Envoy has a VM context', () => {
  assert.equal(surface.hasStartSection, false);
});

test('the module is within its 80 KB budget (docs/benchmarks.md)', () => {
  const size = statSync(pluginWasmPath).size;
  assert.ok(size < 80 * 1000, `hfi-fault-filter.wasm is ${size} bytes`);
});

test('wasm-objdump (wabt) agrees on the import list', () => {
  // wabt's own wasm-objdump (the npm package's build of WABT), run by this Node.
  const objdump = fileURLToPath(import.meta.resolve('wabt/bin/wasm-objdump'));
  const r = spawnSync(process.execPath, [objdump, '-x', '-j', 'Import', pluginWasmPath], { encoding: 'utf8' });
  assert.ifError(r.error ?? null);
  assert.equal(r.status, 0, r.stderr);
  const listed = [...r.stdout.matchAll(/<- ([\w.]+)\.(\w+)/g)].map((m) => `${m[1]}.${m[2]}`).sort();
  const ours = surface.imports.map((i) => `${i.module}.${i.name}`).sort();
  assert.deepEqual(listed, ours);
});

test("Node instantiates the module against exactly Envoy's import names", async () => {
  const env: Record<string, () => number> = {};
  for (const name of Object.keys(ENVOY_ENV_IMPORTS)) env[name] = () => 0;
  const wasi: Record<string, () => number> = {};
  for (const name of Object.keys(ENVOY_WASI_IMPORTS)) wasi[name] = () => 0;
  const { instance } = await wasm.instantiate(bytes, { env, wasi_snapshot_preview1: wasi, wasi_unstable: wasi });
  assert.equal(typeof instance.exports._initialize, 'function');
});
