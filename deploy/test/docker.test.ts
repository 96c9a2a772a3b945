// deploy/docker: what the Dockerfiles copy exists and passes their ignore files; the wasm image has
// Istio's compat layout; the control-plane image matches the manifests (port, user, entry point).
// No image is built here: there is no Docker engine on the machine these tests run on.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { filesUnder, ignored, instructions } from './support/dockerfile.js';
import type { Any } from './support/manifests.js';
import { kubernetesRoot, repoRoot } from './support/paths.js';

function contextCopies(file: string): string[] {
  return instructions(file)
    .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))
    .flatMap((i) => {
      const parts = i.args.split(/\s+/);
      return parts.slice(0, -1);
    });
}

test('Dockerfile.wasm-plugin: FROM scratch, exactly one COPY, producing plugin.wasm (Istio compat image)', () => {
  const steps = instructions('Dockerfile.wasm-plugin');
  assert.deepEqual(
    steps.map((s) => s.op),
    ['FROM', 'COPY'],
  );
  assert.equal(steps[0]!.args, 'scratch');
  assert.match(steps[1]!.args, /\s\.\/plugin\.wasm$/);
});

for (const file of ['Dockerfile.control-plane', 'Dockerfile.wasm-plugin']) {
  test(`${file}: every COPY source exists (a .wasm once built) and is not excluded by ${file}.dockerignore`, () => {
    for (const source of contextCopies(file)) {
      if (source.endsWith('.wasm')) {
        // A build output: `make images` builds it first, as the deploy tests' `npm run build` did.
        assert.ok(source.startsWith('packages/plugin/build/'), source);
        assert.ok(existsSync(join(repoRoot, source)), `${file} copies ${source}, which the build did not produce`);
      } else {
        assert.ok(existsSync(join(repoRoot, source)), `${file} copies ${source}, which does not exist`);
      }
      for (const path of filesUnder(source)) {
        assert.ok(!ignored(`${file}.dockerignore`, path), `${file}.dockerignore excludes ${path}`);
      }
    }
  });
}

test('Dockerfile.control-plane: non-root, port and entry point agree with the Deployment', () => {
  const steps = instructions('Dockerfile.control-plane');
  const final = steps.slice(steps.map((s) => s.op).lastIndexOf('FROM'));
  const user = final.find((s) => s.op === 'USER')?.args ?? '';
  assert.ok(user !== '' && !/^(0|root)(:|$)/.test(user), `USER ${user}`);
  assert.match(final.find((s) => s.op === 'HEALTHCHECK')?.args ?? '', /\/health/);
  const entry = JSON.parse(final.find((s) => s.op === 'ENTRYPOINT')!.args) as string[];
  assert.ok(existsSync(join(repoRoot, entry[1]!)), `entry point ${entry[1]} is not in the repository`);
  const deployment = parse(readFileSync(join(kubernetesRoot, 'base/deployment.yaml'), 'utf8')) as Any;
  const spec = deployment.spec.template.spec;
  assert.equal(final.find((s) => s.op === 'EXPOSE')?.args, String(spec.containers[0].ports[0].containerPort));
  assert.equal(user.split(':')[0], String(spec.securityContext.runAsUser), 'the Deployment runs the image user');
  const multiStage = steps.filter((s) => s.op === 'FROM').length;
  assert.ok(multiStage >= 2, 'multi-stage: build tools stay out of the runtime image');
});
