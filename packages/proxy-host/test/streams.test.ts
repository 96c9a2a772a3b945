// Per-stream semantics: local replies, header maps, body buffers, traps and fail strategy.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestHost } from '../src/index.js';
import { ld, outBytes, STANDARD_IMPORTS, Strings, slot, slotAddr, st, wasmModule } from './wat.js';

const GET: [string, string][] = [
  [':method', 'GET'],
  [':path', '/a'],
  [':authority', 'h'],
];

test("local reply: deferred, forces StopAll, runs through the plugin's own response callbacks", async () => {
  const S = new Strings();
  const wasm = wasmModule(
    `
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (drop (call $set_tick (i32.const 10))) (i32.const 1))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    ${st(0, `(call $send_local_response (i32.const 403) ${S.s('denied by\tpolicy')} ${S.s('nope')} ${S.pairs([['X-Reason', 'test']])} (i32.const -1))`)}
    ${st(2, '(i32.const 1)')}
    (i32.const 0))
  (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32)
    ${st(3, ld(2))}
    (drop (call $add_header (i32.const 2) ${S.s('x-seen')} ${S.s('yes')}))
    (i32.const 0))
  (func (export "proxy_on_tick") (param i32)
    ${st(1, `(call $send_local_response (i32.const 500) ${S.s('x')} ${S.s('x')} (i32.const 0) (i32.const 0) (i32.const -1))`)})`,
    { strings: S },
  );
  const host = await createTestHost({ wasm, workers: 1 });
  const s = host.newHttpStream();
  assert.equal(s.sendRequestHeaders(GET, true), 'pause', 'the callback returned Continue, but a local reply stops iteration');
  assert.equal(slot(host, 0), 0);
  assert.equal(slot(host, 3), 1, 'deferred: on_response_headers ran after on_request_headers had returned');
  assert.equal(s.state, 'local-reply');
  assert.equal(s.forwardedRequestHeaders, null);
  assert.deepEqual(s.localResponse, {
    status: 403,
    body: 'nope',
    headers: [['x-reason', 'test']],
    details: 'denied_by_policy',
    grpcStatus: -1,
  });
  const headers = new Map(s.responseHeaders);
  assert.equal(headers.get(':status'), '403');
  assert.equal(headers.get('x-reason'), 'test');
  assert.equal(headers.get('x-seen'), 'yes', 'on_response_headers saw the local reply');
  assert.equal(s.responseBodyText, 'nope');
  // From a root context (no effective stream) a local reply does nothing and still answers Ok.
  await host.advance(10);
  assert.equal(slot(host, 1), 0);
  assert.equal(host.vms[0]!.failed, false);
  host.close();
});

test('local reply while the response headers are paused: sent straight to the client, no response callback sees it (Envoy sendDirectLocalReply)', async () => {
  const S = new Strings();
  const wasm = wasmModule(
    `
  (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32)
    ${st(0, `(i32.add ${ld(0)} (i32.const 1))`)}
    (if (i32.eq ${ld(0)} (i32.const 1))
      (then (drop (call $send_local_response (i32.const 502) ${S.s('replaced')} ${S.s('instead')} ${S.pairs([['x-why', 'test']])} (i32.const -1)))))
    (i32.const 1))`,
    { strings: S },
  );
  const host = await createTestHost({ wasm, workers: 1 });
  const s = host.newHttpStream();
  assert.equal(s.sendRequestHeaders(GET, true), 'continue');
  s.sendResponseHeaders(
    [
      [':status', '200'],
      ['x-upstream', 'yes'],
    ],
    false,
  );
  s.sendResponseBody('the upstream body', true);
  assert.equal(slot(host, 0), 1, 'on_response_headers ran once: the reply did not go through it');
  const headers = new Map(s.responseHeaders);
  assert.equal(headers.get(':status'), '502');
  assert.equal(headers.get('x-why'), 'test');
  assert.equal(headers.get('x-upstream'), undefined, "none of the upstream's headers");
  assert.equal(s.responseBodyText, 'instead', 'nor its body, which arrived after the reply');
  assert.equal(s.localResponse?.details, 'replaced');
  host.close();
});

test('local reply to a gRPC request: trailers-only, HTTP 200, grpc-status given or mapped, grpc-message percent-encoded', async () => {
  const S = new Strings();
  const wasm = wasmModule(
    `
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (drop (call $send_local_response (i32.const 503) ${S.s('hfi')} ${S.s('down 100%\n')} ${S.pairs([['x-hfi-fault', 'p/0']])} (i32.const -1)))
    (i32.const 1))`,
    { strings: S },
  );
  const host = await createTestHost({ wasm, workers: 1 });
  const grpc = host.newHttpStream();
  grpc.sendRequestHeaders([...GET, ['content-type', 'application/grpc+proto']], true);
  assert.deepEqual(grpc.responseHeaders, [
    [':status', '200'],
    ['x-hfi-fault', 'p/0'],
    ['content-type', 'application/grpc'],
    ['grpc-status', '14'],
    ['grpc-message', 'down 100%25%0A'],
  ]);
  assert.equal(grpc.responseBodyText, '', 'trailers-only: no body');
  const plain = host.newHttpStream();
  plain.sendRequestHeaders([...GET, ['content-type', 'application/grpc-web']], true);
  const headers = new Map(plain.responseHeaders);
  assert.equal(headers.get(':status'), '503', 'grpc-web is not gRPC to Envoy: a plain reply');
  assert.equal(headers.get('grpc-status'), undefined, 'and no grpc-status');
  assert.equal(plain.responseBodyText, 'down 100%\n');
  host.close();
});

test('header maps: size in bytes, lower-cased keys, first value, BadArgument once continued', async () => {
  const S = new Strings();
  const wasm = wasmModule(
    `
  (func (export "proxy_on_request_headers") (param i32) (param $n i32) (param i32) (result i32)
    ${st(0, `(call $get_header_map_size (i32.const 0) ${slotAddr(1)})`)}
    ${st(2, `(call $get_header (i32.const 0) ${S.s('X-Multi')} ${slotAddr(3)} ${slotAddr(4)})`)}
    ${st(5, `(call $get_header (i32.const 0) ${S.s('absent')} ${slotAddr(6)} ${slotAddr(7)})`)}
    ${st(8, `(call $get_header (i32.const 8) ${S.s('x')} ${slotAddr(6)} ${slotAddr(7)})`)}
    ${st(9, '(local.get $n)')}
    (drop (call $add_header (i32.const 0) ${S.s('X-Added')} ${S.s('v')}))
    ${st(11, `(call $get_header_map_pairs (i32.const 0) ${slotAddr(12)} ${slotAddr(13)})`)}
    (i32.const 0))
  (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32)
    ${st(10, `(call $get_header (i32.const 0) ${S.s('x-multi')} ${slotAddr(6)} ${slotAddr(7)})`)}
    (i32.const 0))`,
    { strings: S },
  );
  const host = await createTestHost({ wasm, workers: 1 });
  const s = host.newHttpStream();
  const headers: [string, string][] = [...GET, ['x-multi', 'one'], ['X-Multi', 'two']];
  s.sendRequestHeaders(headers, true);
  assert.equal(slot(host, 0), 0);
  const bytes = headers.reduce((n, [k, v]) => n + k.length + v.length, 0);
  assert.equal(slot(host, 1), bytes, 'get_header_map_size returns the byte size');
  assert.notEqual(bytes, headers.length);
  assert.equal(slot(host, 9), 5, 'num_headers is the count');
  assert.equal(slot(host, 2), 0);
  assert.equal(outBytes(host, 3, 4).toString(), 'one', 'get returns the first value');
  assert.equal(slot(host, 5), 1, 'missing key: NotFound');
  assert.equal(slot(host, 8), 2, 'map type > 7: BadArgument');
  assert.equal(slot(host, 11), 0);
  const pairs = outBytes(host, 12, 13);
  assert.equal(pairs.readUInt32LE(0), 6, 'pairs include pseudo-headers and repeated headers');
  assert.deepEqual(s.forwardedRequestHeaders!.at(-1), ['x-added', 'v']);
  assert.deepEqual(s.forwardedRequestHeaders![4], ['x-multi', 'two']);
  s.sendResponseHeaders([[':status', '200']], true);
  assert.equal(slot(host, 10), 2, 'request headers are gone after Continue: BadArgument');
  host.close();
});

test('set_buffer_bytes: start 0 drains and prepends, start >= size appends, anything else BadArgument', async () => {
  const S = new Strings();
  const wasm = wasmModule(
    `
  (func (export "proxy_on_request_body") (param i32 i32 i32) (result i32)
    ${st(0, `(call $set_buffer_bytes (i32.const 0) (i32.const 0) (i32.const 1) ${S.s('<')})`)}
    ${st(1, `(call $set_buffer_bytes (i32.const 0) (i32.const 1000) (i32.const 0) ${S.s('>')})`)}
    ${st(2, `(call $set_buffer_bytes (i32.const 0) (i32.const 2) (i32.const 0) ${S.s('x')})`)}
    ${st(3, `(call $get_buffer_bytes (i32.const 0) (i32.const 1) (i32.const 1000) ${slotAddr(4)} ${slotAddr(5)})`)}
    ${st(6, `(call $get_buffer_bytes (i32.const 9) (i32.const 0) (i32.const 1) ${slotAddr(4)} ${slotAddr(5)})`)}
    ${st(7, `(call $get_buffer_bytes (i32.const 1) (i32.const 0) (i32.const 1) ${slotAddr(8)} ${slotAddr(9)})`)}
    (i32.const 0))`,
    { strings: S },
  );
  const host = await createTestHost({ wasm, workers: 1 });
  const s = host.newHttpStream();
  s.sendRequestHeaders([...GET, [':method', 'POST']], false);
  s.sendRequestBody('abc', true);
  assert.deepEqual([slot(host, 0), slot(host, 1), slot(host, 2)], [0, 0, 2]);
  assert.equal(slot(host, 3), 0);
  assert.equal(outBytes(host, 4, 5).toString(), 'bc>', 'reads are clamped to the buffer');
  assert.equal(slot(host, 6), 2, 'buffer type > 8: BadArgument');
  assert.equal(slot(host, 7), 1, 'response body not available in a request callback: NotFound');
  assert.equal(Buffer.concat(s.forwardedRequestBody).toString(), '<bc>');
  host.close();
});

function trapModule(): Uint8Array {
  return wasmModule(`
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (call $proc_exit (i32.const 255))
    ${st(0, '(i32.const 1)')}
    unreachable)`);
}

test('proc_exit returns to the module; a trap marks the VM failed; fail-open then passes requests', async () => {
  const host = await createTestHost({ wasm: trapModule(), workers: 2, failStrategy: 'open' });
  const s = host.newHttpStream({ worker: 0 });
  assert.equal(s.sendRequestHeaders(GET, true), 'continue');
  assert.equal(slot(host, 0), 1, 'execution continued after proc_exit');
  assert.ok(host.logs.some((l) => l.level === 0 && l.message === 'wasi_unstable proc_exit'));
  assert.equal(host.vms[0]!.failed, true);
  assert.match(host.vms[0]!.failMessage!, /^Function: proxy_on_request_headers failed: .*unreachable/);
  assert.equal(host.vms[1]!.failed, false, 'worker VMs are independent');
  const s2 = host.newHttpStream({ worker: 0 });
  assert.equal(s2.sendRequestHeaders(GET, true), 'continue');
  assert.equal(s2.localResponse, null);
  host.close();
});

test('fail-closed: after a trap requests get 503 with details wasm_fail_stream', async () => {
  const host = await createTestHost({ wasm: trapModule(), workers: 1, failStrategy: 'closed' });
  const s = host.newHttpStream();
  assert.equal(s.sendRequestHeaders(GET, true), 'pause');
  assert.equal(s.localResponse?.status, 503);
  assert.equal(s.localResponse?.details, 'wasm_fail_stream');
  const s2 = host.newHttpStream();
  s2.sendRequestHeaders(GET, true);
  assert.equal(s2.localResponse?.details, 'wasm_fail_stream');
  assert.equal(new Map(s2.responseHeaders).get(':status'), '503');
  host.close();
});

test('logging: levels 0..5, level > 5 is BadArgument, WASI stdout logs at info, get_log_level answers', async () => {
  const iov = 2048;
  const S2 = new Strings();
  const stdout = S2.s('hello\n');
  const body = `
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32)
    ${st(0, `(call $log (i32.const 6) ${S2.s('too high')})`)}
    ${st(1, `(call $log (i32.const 5) ${S2.s('critical')})`)}
    ${st(2, `(call $get_log_level ${slotAddr(3)})`)}
    (i32.store (i32.const ${iov}) ${stdout.split(' ')[0]} ${stdout.split(' ')[1]})
    (i32.store (i32.const ${iov + 4}) (i32.const 6))
    ${st(4, `(call $fd_write (i32.const 1) (i32.const ${iov}) (i32.const 1) ${slotAddr(5)})`)}
    ${st(6, `(call $fd_write (i32.const 7) (i32.const ${iov}) (i32.const 1) ${slotAddr(5)})`)}
    (i32.const 1))`;
  const wasm2 = wasmModule(body, {
    strings: S2,
    imports: `${STANDARD_IMPORTS}(import "env" "proxy_get_log_level" (func $get_log_level (param i32) (result i32)))`,
  });
  const host = await createTestHost({ wasm: wasm2, workers: 1, logLevel: 3 });
  assert.equal(host.loadError, null);
  assert.equal(slot(host, 0), 2);
  assert.equal(slot(host, 1), 0);
  assert.equal(slot(host, 3), 3);
  assert.equal(slot(host, 4), 0);
  assert.equal(slot(host, 5), 6, 'nwritten');
  assert.equal(slot(host, 6), 8, 'fd other than 1/2: BADF');
  assert.ok(host.logs.some((l) => l.worker === 0 && l.level === 5 && l.message === 'critical'));
  assert.ok(host.logs.some((l) => l.worker === 0 && l.level === 2 && l.message === 'hello'));
  host.close();
});
