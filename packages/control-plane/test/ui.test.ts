// /ui: the dashboard's files, public, precompressed, cached by content hash; a clear answer when the
// dashboard was not built.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { defaultUiDir, uiRoutes } from '../src/routes/ui.js';
import { makeApp, testConfig } from './helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'hfi-ui-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const PAGE = '<!doctype html><title>HFI</title><script type="module" src="app-ABCD1234.js"></script>';
const SCRIPT = 'console.log("dashboard");'.repeat(40);
writeFileSync(join(dir, 'index.html'), PAGE);
writeFileSync(join(dir, 'index.html.br'), brotliCompressSync(PAGE));
writeFileSync(join(dir, 'app-ABCD1234.js'), SCRIPT);
writeFileSync(join(dir, 'app-ABCD1234.js.gz'), gzipSync(SCRIPT));
writeFileSync(join(dir, 'app-ABCD1234.js.br'), brotliCompressSync(SCRIPT));

/** A guarded server: the page must not need a token. */
const guarded = () =>
  makeApp({
    uiDir: dir,
    config: testConfig({
      auth: { tokens: { admin: [{ name: 'admin', token: 'adm' }], read: [], dataplane: [] }, allowUnauthenticated: false },
    }),
  });

test('/ and /ui lead to /ui/, which is the page, public even when every API route needs a token', async () => {
  const app = await guarded();
  try {
    assert.equal((await app.inject('/')).headers.location, '/ui/');
    assert.equal((await app.inject('/ui')).headers.location, '/ui/');
    const page = await app.inject({ url: '/ui/', headers: { 'accept-encoding': 'identity' } });
    assert.equal(page.statusCode, 200);
    assert.equal(page.body, PAGE);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.equal(page.headers['cache-control'], 'no-cache', 'revalidated: a new build is seen at the next load');
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'.*connect-src 'self'/);
    assert.equal((await app.inject('/v1/policies')).statusCode, 401, 'the API still needs the token');
  } finally {
    await app.close();
  }
});

test('assets are sent precompressed as the browser accepts (br, then gzip), with their type, cached for good', async () => {
  const app = await guarded();
  try {
    const br = await app.inject({ url: '/ui/app-ABCD1234.js', headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.rawPayload).toString(), SCRIPT);
    assert.match(String(br.headers['content-type']), /^application\/javascript/);
    assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(br.headers.vary), /accept-encoding/);
    const gz = await app.inject({ url: '/ui/app-ABCD1234.js', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    const plain = await app.inject({ url: '/ui/app-ABCD1234.js', headers: { 'accept-encoding': 'identity' } });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body, SCRIPT);
    assert.equal((await app.inject('/ui/nothing-here.js')).statusCode, 404);
    assert.equal((await app.inject('/ui/../package.json')).statusCode, 404, 'nothing outside the folder');
  } finally {
    await app.close();
  }
});

test('without a built dashboard, /ui answers 404 HFI_NOT_FOUND saying how to build it; the API is unaffected', async () => {
  const app = await makeApp({ uiDir: join(dir, 'not-built') });
  try {
    const res = await app.inject('/ui/');
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'HFI_NOT_FOUND');
    assert.match(res.json().message, /the dashboard is not built .*npm run build/);
    assert.equal((await app.inject('/v1/health')).statusCode, 200);
  } finally {
    await app.close();
  }
});

test('without @hfi/dashboard installed (an image with the API alone), /ui answers 404 HFI_NOT_FOUND saying so', async () => {
  const app = Fastify();
  await app.register(uiRoutes(undefined));
  try {
    const res = await app.inject('/ui/');
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'HFI_NOT_FOUND');
    assert.match(res.json().message, /the dashboard is not installed/);
  } finally {
    await app.close();
  }
});

test("the default folder is @hfi/dashboard's build: its page names assets that exist, each precompressed", async () => {
  const ui = defaultUiDir();
  assert.ok(ui, '@hfi/dashboard resolves in the repository');
  const page = readFileSync(join(ui, 'index.html'), 'utf8');
  const assets = [...page.matchAll(/(?:src|href)="(app-[A-Z0-9]{8}\.(?:js|css))"/g)].map((m) => m[1]!);
  assert.equal(assets.length, 2, page);
  const app = await makeApp();
  try {
    for (const asset of assets) {
      const res = await app.inject({ url: `/ui/${asset}`, headers: { 'accept-encoding': 'br' } });
      assert.equal(res.statusCode, 200, asset);
      assert.equal(res.headers['content-encoding'], 'br', asset);
    }
  } finally {
    await app.close();
  }
});
