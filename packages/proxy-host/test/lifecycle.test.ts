// Lifecycle order as Envoy drives it: base VM, canary, workers; context ids; config buffer windows.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestHost } from '../src/index.js';
import { ld, outBytes, Strings, slot, slotAddr, st, wasmModule } from './wat.js';

const GET: [string, string][] = [
  [':method', 'GET'],
  [':path', '/a'],
  [':authority', 'h'],
];

function lifecycleModule(): Uint8Array {
  const S = new Strings();
  const log = (m: string) => `(drop (call $log (i32.const 2) ${S.s(m)}))`;
  return wasmModule(
    `
  (func (export "_initialize") ${log('init')})
  (func (export "proxy_on_context_create") (param $id i32) (param $parent i32)
    ${log('create')}
    (if (i32.eqz (local.get $parent))
      (then ${st(0, '(local.get $id)')})
      (else ${st(1, '(local.get $id)')} ${st(2, '(local.get $parent)')})))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) ${log('vm_start')} (i32.const 1))
  (func (export "proxy_on_configure") (param $root i32) (param $size i32) (result i32)
    ${log('configure')}
    ${st(5, `(call $get_buffer_bytes (i32.const 7) (i32.const 0) (local.get $size) ${slotAddr(3)} ${slotAddr(4)})`)}
    (i32.const 1))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    ${log('request_headers')}
    ${st(6, `(call $get_buffer_bytes (i32.const 7) (i32.const 0) (i32.const 10) ${slotAddr(7)} ${slotAddr(8)})`)}
    (i32.const 0))
  (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32) ${log('response_headers')} (i32.const 0))
  (func (export "proxy_on_done") (param i32) (result i32) ${log('done')} (i32.const 1))
  (func (export "proxy_on_log") (param i32) ${log('log')})
  (func (export "proxy_on_delete") (param i32) ${log('delete')})`,
    { strings: S },
  );
}

test('base, canary, then one VM per worker: _initialize 1+1+N times, configure 1+N times', async () => {
  const host = await createTestHost({ wasm: lifecycleModule(), pluginConfig: '{"a":1}', workers: 2 });
  assert.equal(host.loadError, null);
  const seq = (w: number) => host.logs.filter((l) => l.worker === w).map((l) => l.message);
  assert.deepEqual(seq(-1), ['init', 'init', 'create', 'vm_start', 'configure']);
  assert.deepEqual(seq(0), ['init', 'create', 'vm_start', 'configure']);
  assert.deepEqual(seq(1), ['init', 'create', 'vm_start', 'configure']);
  assert.equal(host.vms.length, 2);
  // The root context takes the first id of each VM's counter.
  for (const w of [0, 1]) {
    assert.equal(slot(host, 0, w), 1);
    assert.equal(host.vms[w]!.rootContextId, 1);
    assert.equal(outBytes(host, 3, 4, w).toString(), '{"a":1}', 'plugin config readable in on_configure');
    assert.equal(slot(host, 5, w), 0);
  }
  host.close();
});

test('stream contexts: lazy create at request headers, ids from the per-VM counter, on_done -> on_log -> on_delete', async () => {
  const host = await createTestHost({ wasm: lifecycleModule(), workers: 2 });
  const before = host.logs.length;
  const s = host.newHttpStream({ worker: 0 });
  assert.equal(host.logs.length, before, 'no callback before request headers');
  assert.equal(s.sendRequestHeaders(GET, true), 'continue');
  assert.equal(slot(host, 1, 0), 2);
  assert.equal(slot(host, 2, 0), 1, 'parent is the root context');
  assert.equal(slot(host, 6, 0), 1, 'plugin configuration is NotFound outside on_configure');
  s.sendResponseHeaders([[':status', '200']], true);
  s.complete();
  assert.deepEqual(
    host.logs.slice(before).map((l) => l.message),
    ['create', 'request_headers', 'response_headers', 'done', 'log', 'delete'],
  );
  const s2 = host.newHttpStream({ worker: 0 });
  s2.sendRequestHeaders(GET, true);
  assert.equal(slot(host, 1, 0), 3, 'a stream context id is never reused');
  const s3 = host.newHttpStream({ worker: 1 });
  s3.sendRequestHeaders(GET, true);
  assert.equal(slot(host, 1, 1), 2, 'each VM has its own counter');
  s2.reset();
  assert.equal(host.logs.at(-1)!.message, 'delete', 'a reset stream is torn down like Envoy does');
  host.close();
});

test('empty plugin configuration is size 0 (Istio: empty pluginConfig)', async () => {
  const host = await createTestHost({ wasm: lifecycleModule(), pluginConfig: '' });
  assert.equal(slot(host, 5, 0), 0);
  assert.equal(outBytes(host, 3, 4, 0).length, 0);
  assert.equal(slot(host, 3, 0), 0, 'no malloc for empty data: pointer 0');
  host.close();
});

function tickModule(): Uint8Array {
  const S = new Strings();
  return wasmModule(
    `
  (global $paused (mut i32) (i32.const 0))
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (drop (call $set_tick (i32.const 100))) (i32.const 1))
  (func (export "proxy_on_request_headers") (param $id i32) (param i32 i32) (result i32)
    (global.set $paused (local.get $id)) (i32.const 1))
  (func (export "proxy_on_request_body") (param i32) (param $size i32) (param $eos i32) (result i32)
    ${st(0, '(local.get $size)')} ${st(9, '(local.get $eos)')}
    (drop (call $log (i32.const 2) ${S.s('body')})) (i32.const 0))
  (func (export "proxy_on_tick") (param $root i32)
    (drop (call $log (i32.const 2) ${S.s('tick')}))
    ${st(1, `(i32.add ${ld(1)} (i32.const 1))`)}
    ${st(4, '(local.get $root)')}
    (if (global.get $paused) (then
      ${st(2, '(call $set_effective_context (global.get $paused))')}
      ${st(3, '(call $continue_stream (i32.const 0))')}
      (global.set $paused (i32.const 0)))))`,
    { strings: S },
  );
}

test('pause at headers withholds the body until a tick resumes the stream via set_effective_context', async () => {
  const host = await createTestHost({ wasm: tickModule(), workers: 1, startTimeMs: 1_000_000 });
  const s = host.newHttpStream();
  assert.equal(s.sendRequestHeaders([...GET, [':method', 'POST']], false), 'pause');
  assert.equal(s.state, 'headers-paused');
  s.sendRequestBody('hello', true);
  assert.equal(host.logs.filter((l) => l.message === 'body').length, 0, 'no body callback while paused at headers');
  assert.equal(s.forwardedRequestHeaders, null);
  await host.advance(99);
  assert.equal(s.state, 'headers-paused', 'first tick comes one full period later');
  await host.advance(1);
  assert.equal(s.state, 'continued');
  assert.equal(s.resumedAtMs, 1_000_100);
  assert.equal(slot(host, 2), 0, 'set_effective_context Ok');
  assert.equal(slot(host, 3), 0, 'continue_stream Ok');
  assert.equal(slot(host, 4), 1, 'on_tick gets the root context id');
  assert.equal(slot(host, 0), 5, 'the withheld body is delivered after resume');
  assert.equal(slot(host, 9), 1);
  assert.equal(Buffer.concat(s.forwardedRequestBody).toString(), 'hello');
  await host.advance(300);
  assert.equal(slot(host, 1), 4, 'the timer re-arms after each tick');
  host.close();
});

test('the canary timer dies with the canary; each worker ticks on its own', async () => {
  const host = await createTestHost({ wasm: tickModule(), workers: 3 });
  await host.advance(250);
  assert.deepEqual(
    [0, 1, 2].map((w) => slot(host, 1, w)),
    [2, 2, 2],
  );
  // The canary set its tick period in on_configure too; it logs as worker -1 (as the base VM does).
  assert.equal(host.logs.filter((l) => l.message === 'tick' && l.worker === -1).length, 0, 'the canary never ticks');
  assert.equal(host.logs.filter((l) => l.message === 'tick').length, 6);
  host.close();
});

test('set_effective_context to a stream that is gone answers BadArgument', async () => {
  const host = await createTestHost({ wasm: tickModule(), workers: 1 });
  const s = host.newHttpStream();
  s.sendRequestHeaders(GET, false);
  s.reset();
  assert.equal(s.state, 'reset');
  await host.advance(100);
  assert.equal(slot(host, 2), 2);
  host.close();
});
