// The cluster's HTTP/1.1 response parser, fed bytes as a socket may deliver them: whole, byte by byte, or
// split anywhere. Each framing, the keep-alive rules, and every malformed or oversized answer it refuses.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_HEAD_BYTES, type ParseResult, ResponseParser } from '../src/proxy/http1-response-parser.js';

/** Feeds `text` in pieces of `step` bytes (Infinity: at once); `eof` ends the connection afterwards. */
function parse(text: string | Buffer, options: { step?: number; head?: boolean; eof?: boolean; max?: number } = {}): ParseResult {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const parser = new ResponseParser(options.head ?? false, options.max ?? 1024 * 1024);
  const step = options.step ?? Number.POSITIVE_INFINITY;
  let result: ParseResult = { kind: 'more' };
  for (let at = 0; at < bytes.length && result.kind === 'more'; at += step) {
    result = parser.push(bytes.subarray(at, Math.min(bytes.length, at + step)));
  }
  if (result.kind === 'more' && options.eof) result = parser.end();
  return result;
}

function done(result: ParseResult) {
  assert.equal(result.kind, 'done', JSON.stringify(result));
  if (result.kind !== 'done') throw new Error('unreachable');
  return { ...result.response, text: Buffer.from(result.response.body).toString('latin1') };
}

function refused(result: ParseResult, afterHead: boolean, reason: RegExp): void {
  assert.equal(result.kind, 'error', JSON.stringify(result));
  if (result.kind !== 'error') return;
  assert.equal(result.afterHead, afterHead);
  assert.match(result.reason, reason);
}

describe('framing', () => {
  for (const step of [Number.POSITIVE_INFINITY, 1, 7]) {
    test(`a content-length body read ${step === 1 ? 'byte by byte' : step === 7 ? 'in 7-byte pieces' : 'at once'} arrives whole, headers lower-cased in order`, () => {
      const r = done(
        parse('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-A: 1\r\nContent-Length: 11\r\n\r\n{"ok":true}', { step }),
      );
      assert.equal(r.status, 200);
      assert.deepEqual(r.headers, [
        ['content-type', 'application/json'],
        ['x-a', '1'],
        ['content-length', '11'],
      ]);
      assert.equal(r.text, '{"ok":true}');
      assert.equal(r.keepAlive, true);
    });

    test(`a chunked body with extensions and trailers, ${step === 1 ? 'byte by byte' : step === 7 ? 'in 7-byte pieces' : 'at once'}`, () => {
      const wire = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=x\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n';
      const r = done(parse(wire, { step }));
      assert.equal(r.text, 'hello world');
      assert.deepEqual(r.trailers, [['x-trailer', 't']]);
      assert.equal(r.keepAlive, true);
    });
  }

  test('304 and 204 have no body, and neither has the answer to HEAD whatever its content-length', () => {
    assert.equal(done(parse('HTTP/1.1 304 Not Modified\r\n\r\n')).text, '');
    assert.equal(done(parse('HTTP/1.1 204 No Content\r\n\r\n')).text, '');
    assert.equal(done(parse('HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\n', { head: true })).text, '');
  });

  test('without content-length or chunked coding the body runs to the close, and the connection is not reused', () => {
    const parser = new ResponseParser(false, 1024);
    assert.equal(parser.push(Buffer.from('HTTP/1.1 200 OK\r\n\r\npart one, ')).kind, 'more');
    assert.equal(parser.push(Buffer.from('part two')).kind, 'more');
    const r = done(parser.end());
    assert.equal(r.text, 'part one, part two');
    assert.equal(r.keepAlive, false);
  });

  test('an interim 100 Continue is skipped and the final answer read', () => {
    const r = done(parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok', { step: 3 }));
    assert.equal(r.status, 201);
    assert.equal(r.text, 'ok');
  });

  test('an answer read in one chunk is handed over as a view of that chunk, not a copy', () => {
    const wire = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nbody');
    const r = done(new ResponseParser(false, 1024).push(wire));
    assert.equal(r.body.buffer, wire.buffer);
  });
});

describe('keep-alive', () => {
  test('HTTP/1.1 keeps the connection unless the answer says close; HTTP/1.0 only when it says keep-alive', () => {
    assert.equal(done(parse('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n')).keepAlive, true);
    assert.equal(done(parse('HTTP/1.1 200 OK\r\nConnection: Close\r\ncontent-length: 0\r\n\r\n')).keepAlive, false);
    assert.equal(done(parse('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n')).keepAlive, false);
    assert.equal(done(parse('HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-length: 0\r\n\r\n')).keepAlive, true);
  });
});

describe('refused', () => {
  test('a malformed status line, header line or header name, before the head was read', () => {
    refused(parse('HTTP/2 200 OK\r\n\r\n'), false, /status line/);
    refused(parse('HTTP/1.1 20 OK\r\n\r\n'), false, /status line/);
    refused(parse('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n'), false, /header line/);
    refused(parse('HTTP/1.1 200 OK\r\nbad name: x\r\n\r\n'), false, /header name/);
    refused(parse('HTTP/1.1 200 OK\r\n folded: x\r\n\r\n'), false, /header/);
  });

  test('a non-numeric content-length, or two that disagree', () => {
    refused(parse('HTTP/1.1 200 OK\r\ncontent-length: 1x\r\n\r\n'), false, /content-length/);
    refused(parse('HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab'), false, /content-length/);
    assert.equal(done(parse('HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 2\r\n\r\nab')).text, 'ab');
  });

  test(`a head over ${MAX_HEAD_BYTES} bytes, ended or not`, () => {
    const big = `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(MAX_HEAD_BYTES)}`;
    refused(parse(big), false, /head over/);
    refused(parse(`${big}\r\n\r\n`), false, /head over/);
  });

  test('a body over the limit, announced by content-length or grown by chunks or to the close', () => {
    refused(parse('HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n', { max: 10 }), true, /body over 10/);
    refused(
      parse('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nabcdef\r\n', { max: 10 }),
      true,
      /body over 10/,
    );
    refused(parse(`HTTP/1.1 200 OK\r\n\r\n${'x'.repeat(11)}`, { max: 10 }), true, /body over 10/);
  });

  test('a malformed chunk size or chunk end, after the head', () => {
    refused(parse('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'), true, /chunk size/);
    refused(parse('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabc\r\n'), true, /chunk end/);
  });

  test('an answer cut short by the close: before the head and after it', () => {
    refused(parse('HTTP/1.1 200 OK\r\ncontent-le', { eof: true }), false, /closed before/);
    refused(parse('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc', { eof: true }), true, /closed before/);
  });

  test('bytes after a complete answer (no request asked for them), and a protocol switch', () => {
    refused(parse('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nabEXTRA'), true, /after the response/);
    refused(parse('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n'), false, /protocol switch/);
  });
});
