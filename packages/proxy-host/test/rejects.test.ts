// "Rejects what Envoy rejects": load-time checks with Envoy's own error texts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestHost } from '../src/index.js';
import { STANDARD_IMPORTS, wasmModule } from './wat.js';

const load = async (bytes: Uint8Array) => (await createTestHost({ wasm: bytes })).loadError;

test('a module without an ABI marker is refused', async () => {
  assert.equal(await load(wasmModule('', { abi: null })), 'Missing or unknown Proxy-Wasm ABI version');
});

test('a minimal well-formed module loads under every ABI version', async () => {
  for (const abi of ['0_1_0', '0_2_0', '0_2_1'] as const) {
    assert.equal(await load(wasmModule('', { abi, imports: '' })), null, abi);
  }
});

test('AssemblyScript default imports (env.abort) are a missing import', async () => {
  const imports = `(import "env" "abort" (func (param i32 i32 i32 i32)))`;
  assert.equal(await load(wasmModule('', { imports })), 'Failed to load Wasm module due to a missing import: env.abort');
});

test('ABI-specific imports: clear_route_cache and get_configuration only exist for 0.1.0', async () => {
  const imports = `(import "env" "proxy_clear_route_cache" (func (result i32)))`;
  assert.equal(await load(wasmModule('', { imports })), 'Failed to load Wasm module due to a missing import: env.proxy_clear_route_cache');
  assert.equal(await load(wasmModule('', { imports, abi: '0_1_0' })), null);
  const cfg = `(import "env" "proxy_get_configuration" (func (param i32 i32) (result i32)))`;
  assert.match((await load(wasmModule('', { imports: cfg, abi: '0_2_0' })))!, /missing import: env.proxy_get_configuration/);
});

test('proxy_get_log_level exists for 0.2.1 only; continue_stream not for 0.1.0', async () => {
  const lvl = `(import "env" "proxy_get_log_level" (func (param i32) (result i32)))`;
  assert.equal(await load(wasmModule('', { imports: lvl, abi: '0_2_1' })), null);
  assert.match((await load(wasmModule('', { imports: lvl, abi: '0_2_0' })))!, /missing import: env.proxy_get_log_level/);
  const cont = `(import "env" "proxy_continue_stream" (func (param i32) (result i32)))`;
  assert.match((await load(wasmModule('', { imports: cont, abi: '0_1_0' })))!, /missing import: env.proxy_continue_stream/);
});

test('an import with the wrong signature is a type mismatch, as V8 reports it', async () => {
  const imports = `(import "env" "proxy_get_buffer_status" (func (param i32 i32 i32 i32 i32) (result i32)))`;
  assert.equal(
    await load(wasmModule('', { imports })),
    'Failed to load Wasm module due to an import type mismatch: env.proxy_get_buffer_status, want: i32 i32 i32 i32 i32 -> i32, but host exports: i32 i32 i32 -> i32',
  );
  const i64 = `(import "env" "proxy_increment_metric" (func (param i32 i32) (result i32)))`;
  assert.match((await load(wasmModule('', { imports: i64 })))!, /want: i32 i32 -> i32, but host exports: i32 i64 -> i32/);
});

test('a callback exported with the wrong signature fails the VM', async () => {
  const body = `(func (export "proxy_on_request_headers") (param i32 i32) (result i32) (i32.const 0))`;
  assert.equal(
    await load(wasmModule(body, { imports: '' })),
    'Bad function signature for: proxy_on_request_headers, want: i32 i32 i32 -> i32, but the module exports: i32 i32 -> i32',
  );
  // ...which is the right shape for ABI 0.1.0.
  assert.equal(await load(wasmModule(body, { imports: '', abi: '0_1_0' })), null);
  const tick = `(func (export "proxy_on_tick") (param i32) (result i32) (i32.const 0))`;
  assert.equal(
    await load(wasmModule(tick, { imports: '' })),
    'Bad function signature for: proxy_on_tick, want: i32 -> void, but the module exports: i32 -> i32',
  );
});

test('a module without malloc is refused; proxy_on_memory_allocate stands in for it', async () => {
  assert.equal(await load(wasmModule('', { imports: '', malloc: false })), 'Wasm module is missing malloc function.');
  const alloc = `(func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 8192))`;
  assert.equal(await load(wasmModule(alloc, { imports: '', malloc: false })), null);
});

test('the 2021 WASI set links under both wasi_snapshot_preview1 and wasi_unstable; later additions do not', async () => {
  const both = `
    (import "wasi_unstable" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i64 i32) (result i32)))
    (import "wasi_unstable" "proc_exit" (func (param i32)))`;
  assert.equal(await load(wasmModule('', { imports: both })), null);
  const later = `(import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))`;
  assert.equal(
    await load(wasmModule('', { imports: later })),
    'Failed to load Wasm module due to a missing import: wasi_snapshot_preview1.sched_yield',
  );
});

test('imported globals are refused; the standard import set is accepted', async () => {
  const g = `(import "env" "g" (global i32))`;
  assert.equal(await load(wasmModule('', { imports: g })), 'Failed to load Wasm module due to a missing import: env.g');
  assert.equal(await load(wasmModule('', { imports: STANDARD_IMPORTS })), null);
});

test('a start section may run, but a host call inside instantiation fails the load', async () => {
  const quiet = `(global $x (mut i32) (i32.const 0)) (func $s (global.set $x (i32.const 1))) (start $s)`;
  assert.equal(await load(wasmModule(quiet)), null);
  const noisy = `(func $s (drop (call $log (i32.const 2) (i32.const 0) (i32.const 0)))) (start $s)`;
  assert.equal(await load(wasmModule(noisy)), 'Failed to create new Wasm instance');
});

test('_initialize runs under the restricted call set: proxy_log and WASI pass, anything else traps', async () => {
  const ok = `(func (export "_initialize")
      (drop (call $log (i32.const 2) (i32.const 0) (i32.const 0)))
      (drop (call $random_get (i32.const 64) (i32.const 8))))`;
  assert.equal(await load(wasmModule(ok)), null);
  const bad = `(func (export "_initialize")
      (drop (call $get_property (i32.const 0) (i32.const 0) (i32.const 64) (i32.const 68))))`;
  const err = await load(wasmModule(bad));
  assert.match(err!, /^Function: _initialize failed: .*restricted_callback/);
});

test('a malformed binary is a clear load error, not a crash', async () => {
  assert.match((await load(Uint8Array.of(1, 2, 3)))!, /Failed to load Wasm code: not a wasm binary/);
});
