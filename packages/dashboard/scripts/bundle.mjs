#!/usr/bin/env node
// Bundles the dashboard with esbuild into dist/ui/, the folder the control plane serves at /ui: index.html,
// app-<hash>.js and app-<hash>.css (content-hashed, so they can be cached for good), each also
// precompressed as .br and .gz, so that the server sends them compressed without compressing per request.
// Run by `npm run build` (scripts/build.mjs), after tsc has type-checked the sources.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'dist/ui');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: { app: join(root, 'src/main.tsx') },
  bundle: true,
  format: 'esm',
  minify: true,
  sourcemap: 'linked',
  target: ['chrome111', 'firefox115', 'safari16.4'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: '[name]-[hash]',
  outdir: out,
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = outputs.find((f) => f.endsWith('.js'));
const css = outputs.find((f) => f.endsWith('.css'));
if (!js || !css) throw new Error(`dashboard bundle: expected a .js and a .css output, got ${outputs.join(', ')}`);
const html = readFileSync(join(root, 'src/index.html'), 'utf8').replace('%JS%', js).replace('%CSS%', css);
writeFileSync(join(out, 'index.html'), html);

let gzipped = 0;
for (const file of ['index.html', js, css]) {
  const bytes = readFileSync(join(out, file));
  const gz = gzipSync(bytes, { level: 9 });
  gzipped += gz.length;
  writeFileSync(join(out, `${file}.gz`), gz);
  writeFileSync(
    join(out, `${file}.br`),
    brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }),
  );
}
console.log(`dashboard: dist/ui/${js}, ${css}, index.html (${(gzipped / 1024).toFixed(1)} KiB gzipped)`);
