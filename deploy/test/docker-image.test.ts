// The control-plane image, built as BuildKit would build it but without a Docker engine (there is none on
// the machines these tests run on): every COPY of the build stage from the context (through its ignore
// file), every RUN in a shell, then the final stage's COPY --from=build into a fresh folder, and its
// ENTRYPOINT started there. What differs from a real build: the base image (this machine's Node and npm
// instead of node:20-bookworm-slim) and npm's cache (npm ci here may reuse this machine's).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { after, test } from 'node:test';
import { freePort, launchNode, type RunningProcess, waitFor } from '@hfi/testkit';
import { filesUnder, ignored, instructions } from './support/dockerfile.js';
import { repoRoot } from './support/paths.js';

const DOCKERFILE = 'Dockerfile.control-plane';
const work = mkdtempSync(join(tmpdir(), 'hfi-image-'));
let server: RunningProcess | undefined;
after(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The folder a stage's WORKDIR names, inside the scratch folder. */
const rootOf = (workdir: string): string => join(work, workdir);

/** COPY <sources...> <dest> from the build context: a folder's contents go under dest, files into it. */
function copyFromContext(args: string[], workdir: string): void {
  const dest = args.at(-1)!;
  const sources = args.slice(0, -1);
  for (const source of sources) {
    const isDir = statSync(join(repoRoot, source)).isDirectory();
    for (const file of filesUnder(source)) {
      if (ignored(`${DOCKERFILE}.dockerignore`, file)) continue;
      const target = isDir
        ? join(rootOf(workdir), dest, relative(source, file))
        : dest.endsWith('/') || sources.length > 1
          ? join(rootOf(workdir), dest, basename(file))
          : join(rootOf(workdir), dest);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(join(repoRoot, file), target);
    }
  }
}

test('Dockerfile.control-plane builds from its context alone, and the image serves the API and the dashboard', {
  timeout: 600_000,
}, async () => {
  const steps = instructions(DOCKERFILE);
  const stages = steps.filter((s) => s.op === 'FROM').length;
  assert.equal(stages, 2, 'a build stage and a runtime stage');
  let stage = 0;
  let workdir = '';
  let buildWorkdir = '';
  const env: Record<string, string> = {};
  let entrypoint: string[] = [];
  for (const { op, args } of steps) {
    if (op === 'FROM') stage++;
    else if (op === 'WORKDIR') {
      workdir = `stage${stage}${args}`;
      if (stage === 1) buildWorkdir = workdir;
    } else if (op === 'COPY' && args.startsWith('--from=build')) {
      const [from, to] = args.replace('--from=build', '').trim().split(/\s+/);
      const source = join(rootOf(buildWorkdir), relative(buildWorkdir.replace(/^stage1/, ''), from!));
      // A file copied to a folder (`dest/`) keeps its name; a folder's contents go under dest.
      const target = join(rootOf(workdir), to!, to!.endsWith('/') && !statSync(source).isDirectory() ? basename(source) : '');
      cpSync(source, target, { recursive: true, verbatimSymlinks: true });
    } else if (op === 'COPY') copyFromContext(args.split(/\s+/), workdir);
    else if (op === 'RUN') {
      mkdirSync(rootOf(workdir), { recursive: true });
      execFileSync('sh', ['-c', args], { cwd: rootOf(workdir), stdio: 'pipe', env: { ...process.env, CI: 'true' } });
    } else if (op === 'ENV') {
      for (const m of args.matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
    } else if (op === 'ENTRYPOINT') entrypoint = JSON.parse(args) as string[];
  }
  assert.equal(entrypoint[0], 'node');

  // The runtime folder holds only what the final stage copied: nothing resolves back into the repository.
  const app = rootOf(workdir);
  const port = await freePort();
  server = launchNode(join(app, entrypoint[1]!), {
    cwd: app,
    env: { ...env, CONTROL_PLANE_ADDR: `127.0.0.1:${port}`, CONTROL_PLANE_PORT: String(port) },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/v1/health`).catch(() => undefined))?.ok === true, {
    what: () => `the image's control plane to answer; its output:\n${server!.output()}`,
    timeoutMs: 60_000,
  });
  const policy = {
    metadata: { name: 'image-check' },
    spec: {
      selector: { service: 'frontend', namespace: 'demo' },
      rules: [{ match: { path: { prefix: '/api' } }, fault: { percentage: 100, abort: { httpStatus: 503 } } }],
    },
  };
  const created = await fetch(`${url}/v1/policies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(policy),
  });
  assert.equal(created.status, 201, await created.text());
  const ui = await fetch(`${url}/ui/`);
  assert.equal(ui.status, 200, 'the dashboard is in the image');
  assert.match(await ui.text(), /<script[^>]+src="app-[\w-]+\.js"/);
  // The image's own HEALTHCHECK command, run against it.
  const healthcheck = steps.find((s) => s.op === 'HEALTHCHECK')!.args;
  const command = JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD') + 3).trim()) as string[];
  execFileSync(command[0]!, command.slice(1), { env: { ...process.env, CONTROL_PLANE_PORT: String(port) }, stdio: 'pipe' });
});
