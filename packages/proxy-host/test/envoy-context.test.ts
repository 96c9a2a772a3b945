// http_call, properties and metrics as Envoy's Context implements them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ClusterHandler, createTestHost } from '../src/index.js';
import { ld, outBytes, Strings, slot, slotAddr, st, wasmModule } from './wat.js';

const GET: [string, string][] = [
  [':method', 'GET'],
  [':path', '/a'],
  [':authority', 'h'],
];

function httpCallModule(timeoutMs: number): Uint8Array {
  const S = new Strings();
  const good = S.pairs([
    [':method', 'POST'],
    [':path', '/v1/poll'],
    [':authority', 'cp:8080'],
  ]);
  const noAuthority = S.pairs([
    [':method', 'GET'],
    [':path', '/x'],
  ]);
  return wasmModule(
    `
  (global $stream (mut i32) (i32.const 0))
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (drop (call $set_tick (i32.const 5000))) (i32.const 1))
  (func (export "proxy_on_request_headers") (param $id i32) (param i32 i32) (result i32)
    ${st(0, `(call $http_call ${S.s('cp')} ${good} ${S.s('{"x":1}')} (i32.const 0) (i32.const 0) (i32.const ${timeoutMs}) ${slotAddr(1)})`)}
    ${st(2, `(call $http_call ${S.s('nope')} ${good} (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) ${slotAddr(3)})`)}
    ${st(4, `(call $http_call ${S.s('cp')} ${noAuthority} (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) ${slotAddr(3)})`)}
    (global.set $stream (local.get $id))
    (i32.const 1))
  (func (export "proxy_on_http_call_response") (param $root i32) (param $token i32) (param $nh i32) (param $body i32) (param $nt i32)
    ${st(5, '(local.get $root)')} ${st(6, '(local.get $token)')} ${st(7, '(local.get $nh)')} ${st(8, '(local.get $body)')}
    ${st(9, `(call $get_buffer_bytes (i32.const 4) (i32.const 0) (local.get $body) ${slotAddr(10)} ${slotAddr(11)})`)}
    ${st(12, `(call $get_header (i32.const 6) ${S.s(':status')} ${slotAddr(13)} ${slotAddr(14)})`)}
    ${st(15, `(call $get_status ${slotAddr(16)} ${slotAddr(17)} ${slotAddr(18)})`)}
    ${st(19, '(call $set_effective_context (global.get $stream))')}
    (drop (call $continue_stream (i32.const 0))))
  (func (export "proxy_on_tick") (param i32)
    ${st(20, `(call $get_buffer_bytes (i32.const 4) (i32.const 0) (i32.const 10) ${slotAddr(21)} ${slotAddr(22)})`)})`,
    { strings: S },
  );
}

async function callWith(handler: ClusterHandler, timeoutMs = 1000) {
  const host = await createTestHost({ wasm: httpCallModule(timeoutMs), workers: 1, clusters: { cp: handler } });
  const s = host.newHttpStream();
  assert.equal(s.sendRequestHeaders(GET, true), 'pause');
  return { host, s };
}

test('http_call: argument checks, buffered response to the root context, readable only during the callback', async () => {
  const { host, s } = await callWith(async (req) => {
    assert.equal(req.method, 'POST');
    assert.equal(req.authority, 'cp:8080');
    assert.equal(Buffer.from(req.body).toString(), '{"x":1}');
    assert.ok(
      req.headers.some(([k, v]) => k === 'content-length' && v === '7'),
      'content-length added',
    );
    assert.equal(req.timeoutMs, 1000);
    return { status: 200, headers: [['Content-Type', 'application/json']], body: 'rules' };
  });
  assert.deepEqual([slot(host, 0), slot(host, 2), slot(host, 4)], [0, 2, 2], 'unknown cluster / missing :authority: BadArgument');
  assert.equal(slot(host, 7), 0, 'never delivered inside proxy_http_call');
  await host.settle();
  assert.equal(slot(host, 5), 1, 'delivered to the root context');
  assert.equal(slot(host, 6), slot(host, 1), 'with the token http_call wrote');
  assert.equal(slot(host, 7), 2);
  assert.equal(slot(host, 8), 5);
  assert.equal(outBytes(host, 10, 11).toString(), 'rules');
  assert.equal(outBytes(host, 13, 14).toString(), '200');
  assert.equal(slot(host, 15), 0);
  assert.equal(slot(host, 16), 0, 'status Ok');
  assert.equal(slot(host, 19), 0);
  assert.equal(s.state, 'continued');
  await host.advance(5000);
  assert.equal(slot(host, 20), 1, 'the response body is gone after the callback');
  host.close();
});

test('http_call timeout: a held call answers 504 "upstream request timeout" when its timeout fires', async () => {
  const { host, s } = await callWith(() => ({ hold: true }), 1000);
  await host.advance(999);
  assert.equal(slot(host, 7), 0);
  await host.advance(1);
  assert.ok(slot(host, 7) > 0, 'a timeout arrives with headers');
  assert.equal(outBytes(host, 13, 14).toString(), '504');
  assert.equal(outBytes(host, 10, 11).toString(), 'upstream request timeout');
  assert.equal(s.state, 'continued');
  host.close();
});

test('http_call failures: refused is a 503 response; reset is num_headers 0 with status 11 "reset"', async () => {
  const refused = await callWith(() => ({ fail: 'refused' }));
  await refused.host.settle();
  assert.equal(outBytes(refused.host, 13, 14).toString(), '503');
  assert.match(outBytes(refused.host, 10, 11).toString(), /^upstream connect error or disconnect\/reset before headers/);
  refused.host.close();

  const reset = await callWith(() => ({ fail: 'reset' }));
  await reset.host.settle();
  assert.deepEqual([slot(reset.host, 7), slot(reset.host, 8)], [0, 0]);
  assert.equal(slot(reset.host, 12), 2, 'no response headers map');
  assert.equal(slot(reset.host, 16), 11, 'BrokenConnection');
  assert.equal(outBytes(reset.host, 17, 18).toString(), 'reset');
  reset.host.close();

  const timeout = await callWith(() => ({ fail: 'timeout' }));
  await timeout.host.settle();
  assert.equal(outBytes(timeout.host, 13, 14).toString(), '504');
  timeout.host.close();
});

function propertyModule(): Uint8Array {
  const S = new Strings();
  const get = (n: number, path: string) => st(n, `(call $get_property ${S.s(path)} ${slotAddr(n + 1)} ${slotAddr(n + 2)})`);
  return wasmModule(
    `
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    ${get(0, 'xds\0node\0metadata\0WORKLOAD_NAME')}
    ${get(3, 'node\0metadata\0WORKLOAD_NAME')}
    ${get(6, 'xds.node.metadata.WORKLOAD_NAME')}
    ${get(9, 'plugin_root_id')}
    ${get(12, 'request\0path')}
    ${get(15, 'destination\0port')}
    ${get(18, 'plugin_name')}
    ${get(21, 'xds\0node\0metadata')}
    (i32.const 0))`,
    { strings: S },
  );
}

test('properties: NUL-separated paths, Envoy encodings, node metadata under xds.node.* only on 1.33', async () => {
  const meta = { WORKLOAD_NAME: 'frontend', NAMESPACE: 'demo' };
  const host = await createTestHost({ wasm: propertyModule(), workers: 1, nodeMetadata: meta, rootId: 'hfi', pluginName: 'demo.hfi' });
  host.newHttpStream().sendRequestHeaders(
    [
      [':method', 'GET'],
      [':path', '/p?q=1'],
      [':authority', 'h'],
    ],
    true,
  );
  assert.equal(slot(host, 0), 0);
  assert.equal(outBytes(host, 1, 2).toString(), 'frontend', 'strings come back raw');
  assert.equal(slot(host, 3), 1, '1.33: node.* is gone');
  assert.equal(slot(host, 6), 1, 'a dotted path is one attribute name: NotFound');
  assert.equal(outBytes(host, 10, 11).toString(), 'hfi');
  assert.equal(outBytes(host, 13, 14).toString(), '/p?q=1');
  const port = outBytes(host, 16, 17);
  assert.equal(port.length, 8, 'ints are 8 bytes');
  assert.equal(port.readBigInt64LE(0), 15006n);
  assert.equal(outBytes(host, 19, 20).toString(), 'demo.hfi');
  const map = outBytes(host, 22, 23);
  assert.equal(map.readUInt32LE(0), 2, 'a map comes back as pairs');
  host.close();

  const old = await createTestHost({ wasm: propertyModule(), workers: 1, nodeMetadata: meta, envoyVersion: '1.32' });
  old.newHttpStream().sendRequestHeaders(GET, true);
  assert.equal(slot(old, 0), 0);
  assert.equal(slot(old, 3), 0, '1.32: both paths work');
  assert.equal(outBytes(old, 4, 5).toString(), 'frontend');
  old.close();
});

test('metrics: Envoy id scheme, counter rules, process-wide stats, Prometheus names without prefix', async () => {
  const S = new Strings();
  const wasm = wasmModule(
    `
  (func (export "proxy_on_configure") (param i32 i32) (result i32)
    ${st(0, `(call $define_metric (i32.const 0) ${S.s('hfi.requests')} ${slotAddr(1)})`)}
    ${st(2, `(call $define_metric (i32.const 0) ${S.s('hfi.requests')} ${slotAddr(3)})`)}
    ${st(4, `(call $define_metric (i32.const 2) ${S.s('hfi.latency_ms')} ${slotAddr(5)})`)}
    ${st(6, `(call $define_metric (i32.const 1) ${S.s('hfi.gauge')} ${slotAddr(7)})`)}
    ${st(8, `(call $define_metric (i32.const 3) ${S.s('bad')} ${slotAddr(9)})`)}
    ${st(10, `(call $increment_metric ${ld(1)} (i64.const 0))`)}
    ${st(11, `(call $increment_metric ${ld(3)} (i64.const 2))`)}
    ${st(12, `(call $record_metric ${ld(1)} (i64.const 5))`)}
    ${st(13, `(call $get_metric ${ld(5)} ${slotAddr(14)})`)}
    ${st(15, `(call $increment_metric ${ld(5)} (i64.const 1))`)}
    ${st(16, `(call $record_metric ${ld(5)} (i64.const 42))`)}
    ${st(17, `(call $record_metric ${ld(7)} (i64.const 9))`)}
    ${st(18, `(call $increment_metric ${ld(7)} (i64.const -3))`)}
    ${st(19, `(call $get_metric ${ld(1)} ${slotAddr(20)})`)}
    (i32.const 1))`,
    { strings: S },
  );
  const host = await createTestHost({ wasm, workers: 2 });
  assert.equal(host.loadError, null);
  assert.deepEqual([slot(host, 1), slot(host, 3), slot(host, 5), slot(host, 7)], [4, 8, 6, 5], 'ids: type in the low bits, +4 each');
  assert.equal(slot(host, 8), 2, 'metric type > 2: BadArgument');
  assert.equal(slot(host, 10), 2, 'incrementing a counter by 0: BadArgument');
  assert.deepEqual([slot(host, 11), slot(host, 12)], [0, 0]);
  assert.equal(slot(host, 13), 2, 'get_metric on a histogram: BadArgument');
  assert.equal(slot(host, 15), 2, 'increment on a histogram: BadArgument');
  assert.deepEqual([slot(host, 16), slot(host, 17), slot(host, 18)], [0, 0, 0]);
  // canary + 2 workers each add 2 + 5 (record on a counter adds); the stat is shared by name.
  assert.equal(host.metric('hfi.requests'), 21);
  assert.equal(slot(host, 20, 1), 21, 'get_metric reads the process-wide value');
  assert.equal(host.metric('hfi.gauge'), 6);
  assert.deepEqual(host.histogram('hfi.latency_ms'), { count: 3, sum: 126, samples: [42, 42, 42] });
  const text = host.metricsText();
  assert.match(text, /^# TYPE hfi_requests counter\nhfi_requests\{\} 21$/m);
  assert.match(text, /^hfi_latency_ms_bucket\{le="50"\} 3$/m);
  assert.match(text, /^hfi_latency_ms_bucket\{le="25"\} 0$/m);
  assert.match(text, /^hfi_latency_ms_count\{\} 3$/m);
  host.close();
});

test('random_get is deterministic under a seed; time comes from the simulated clock', async () => {
  const wasm = wasmModule(`
  (func (export "proxy_on_configure") (param i32 i32) (result i32)
    ${st(0, `(call $random_get ${slotAddr(1)} (i32.const 8))`)}
    ${st(3, `(call $now ${slotAddr(4)})`)}
    (i32.const 1))`);
  const a = await createTestHost({ wasm, workers: 1, randomSeed: 7n, startTimeMs: 1_700_000_000_123 });
  const b = await createTestHost({ wasm, workers: 1, randomSeed: 7n });
  const c = await createTestHost({ wasm, workers: 1, randomSeed: 8n });
  assert.equal(slot(a, 0), 0);
  assert.equal(slot(a, 1), slot(b, 1));
  assert.notEqual(slot(a, 1), slot(c, 1));
  const vm = a.plugin.workers[0]!.vm;
  assert.equal(vm.view().getBigUint64(256 + 16, true), 1_700_000_000_123_000_000n);
  for (const h of [a, b, c]) h.close();
});
