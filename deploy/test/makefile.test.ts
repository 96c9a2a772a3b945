// The root Makefile's deploy targets: `make render` writes what kubectl renders, `make -n` shows the
// commands deploy-all and undeploy would run (nothing here talks to a cluster).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { kubectl, render } from './support/kubectl.js';
import { kubernetesRoot, repoRoot } from './support/paths.js';

const out = mkdtempSync(join(tmpdir(), 'hfi-render-'));
after(() => rmSync(out, { recursive: true, force: true }));

function make(...args: string[]): string {
  const result = spawnSync('make', ['--no-print-directory', ...args], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(result.status, 0, `make ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

test('make render writes every overlay as kubectl kustomize renders it', () => {
  make('render', `RENDER_DIR=${out}`, `KUBECTL=${kubectl()}`);
  const overlays = readdirSync(join(kubernetesRoot, 'overlays')).sort();
  assert.deepEqual(
    readdirSync(out).sort(),
    overlays.map((o) => `${o}.yaml`),
  );
  for (const overlay of overlays) {
    const written = parseAllDocuments(readFileSync(join(out, `${overlay}.yaml`), 'utf8'))
      .map((d) => d.toJS())
      .filter((o) => o !== null);
    assert.ok(written.length > 0, `${overlay}: nothing written`);
    assert.deepEqual(written, render(join(kubernetesRoot, 'overlays', overlay)).objects, `${overlay}: differs from kubectl kustomize`);
  }
});

test('make -n deploy-all / undeploy apply and delete the chosen overlay', () => {
  const prod = make('-n', 'deploy-all', 'OVERLAY=production');
  assert.match(prod, /kubectl apply -k deploy\/kubernetes\/overlays\/production/);
  assert.match(prod, /make .*tokens|hfi-control-plane-tokens/);
  const dev = make('-n', 'deploy-all', 'OVERLAY=dev');
  assert.match(dev, /kubectl apply -k deploy\/kubernetes\/overlays\/dev/);
  assert.match(dev, /wasm-configmap|hfi-wasm-plugin/);
  assert.match(make('-n', 'undeploy', 'OVERLAY=dev'), /kubectl delete -k deploy\/kubernetes\/overlays\/dev/);
  assert.match(make('help'), /deploy-all/);
});
