// `npm pack` makes a package that stands alone: the tarball (the contract bundled in) installs into an empty
// project without the monorepo and without the network, imports as ESM, type-checks from its .d.ts, and talks
// to a real control plane. Its registry dependencies are handed to npm as tarballs packed from the installed
// copies: `npm ci` caches tarballs but not the registry's metadata, so on a fresh machine `--offline` could not
// resolve a version range from the cache alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type RunningControlPlane, repoRoot, startControlPlane } from '@hfi/testkit';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const work = mkdtempSync(join(tmpdir(), 'hfi-client-pack-'));
const project = join(work, 'project');

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  bundleDependencies: string[];
};
const registryDependencies = Object.keys(manifest.dependencies).filter((d) => !manifest.bundleDependencies.includes(d));
const dependencyTarballs = join(work, 'dependencies');

let tarball: string;
let cp: RunningControlPlane;
before(async () => {
  run(npm, ['pack', '--silent', '--pack-destination', work], packageDir);
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
  run('mkdir', ['-p', dependencyTarballs], work);
  const installed = registryDependencies.map((d) => join(repoRoot, 'node_modules', d));
  run(npm, ['pack', '--silent', '--ignore-scripts', '--pack-destination', dependencyTarballs, ...installed], repoRoot);
  cp = await startControlPlane();
});
after(async () => {
  await cp?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the ESM build, its .d.ts, the README and the contract, and no tests', () => {
  const files = run('tar', ['-tzf', tarball], work).split('\n');
  for (const f of [
    'package/dist/src/index.js',
    'package/dist/src/index.d.ts',
    'package/README.md',
    'package/node_modules/@hfi/api/dist/src/index.d.ts',
  ]) {
    assert.ok(files.includes(f), `${f} is missing`);
  }
  assert.deepEqual(
    files.filter((f) => f.includes('/test/')),
    [],
  );
});

test('it installs offline into an empty project, imports, type-checks, and reaches a control plane', () => {
  run('mkdir', ['-p', project], work);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-hfi-client', private: true, type: 'module' }));
  const dependencies = readdirSync(dependencyTarballs).map((f) => join(dependencyTarballs, f));
  assert.equal(dependencies.length, registryDependencies.length, `packed ${dependencies.join(', ')}`);
  run(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball, ...dependencies], project);

  writeFileSync(
    join(project, 'use.mjs'),
    `import { HfiClient, isHfiError } from '@hfi/client';
const hfi = new HfiClient({ server: process.env.HFI_SERVER });
const health = await hfi.health();
const missing = await hfi.getPolicy('absent').catch((e) => e);
console.log(JSON.stringify({ health: health.status, notFound: isHfiError(missing, 'HFI_NOT_FOUND') }));
`,
  );
  assert.deepEqual(JSON.parse(run(process.execPath, ['use.mjs'], project, { HFI_SERVER: cp.url })), { health: 'ok', notFound: true });

  writeFileSync(
    join(project, 'use.ts'),
    `import { HfiClient, type PolicyDocument, type PolicyStatus } from '@hfi/client';
const policy: PolicyDocument = { metadata: { name: 'typed' }, spec: { rules: [{ fault: { abort: { httpStatus: 503 } } }] } };
export async function check(hfi: HfiClient): Promise<PolicyStatus['phase']> {
  await using fault = await hfi.inject(policy);
  return (await fault.applied()).phase;
}
`,
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023', 'DOM', 'ESNext.Disposable'],
        types: [],
      },
      files: ['use.ts'],
    }),
  );
  run(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', project], project);
});
