// deploy/docker: what the Dockerfiles copy exists and passes their ignore files; the wasm image has
// Istio's compat layout; the control-plane image matches the manifests (port, user, entry point).
// No image is built here: there is no Docker engine on the machine these tests run on.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { Any } from './support/manifests.js';
import { dockerRoot, kubernetesRoot, repoRoot } from './support/paths.js';

function instructions(file: string): { op: string; args: string }[] {
  const text = readFileSync(join(dockerRoot, file), 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

/** The ignore file's verdict on a context path: last matching pattern wins, `!` re-includes. */
function ignored(ignoreFile: string, path: string): boolean {
  const patterns = readFileSync(join(dockerRoot, ignoreFile), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  let verdict = false;
  for (const p of patterns) {
    const negate = p.startsWith('!');
    const glob = negate ? p.slice(1) : p;
    const re = new RegExp(
      '^' +
        glob
          .split('**')
          .map((part) =>
            part
              .split('*')
              .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
              .join('[^/]*'),
          )
          .join('.*') +
        '(/.*)?$',
    );
    if (re.test(path)) verdict = !negate;
  }
  return verdict;
}

/** A file, or the files a directory COPY sends (tests beside the code are left out on purpose). */
function filesUnder(source: string): string[] {
  const path = join(repoRoot, source);
  if (!existsSync(path) || !statSync(path).isDirectory()) return [source];
  return readdirSync(path)
    .flatMap((name) => filesUnder(`${source}/${name}`))
    .filter((f) => !f.endsWith('.test.ts'));
}

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
