// Renders kustomizations with the real `kubectl kustomize`. No kubectl means a failed test, never a skip.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kubernetesRoot, repoRoot } from './paths.js';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
};

let cached: string | undefined;

/** The kubectl to use: $KUBECTL, then PATH, then the copy deploy/scripts/ensure-kubectl.sh caches. */
export function kubectl(): string {
  if (cached) return cached;
  const candidates = [process.env.KUBECTL, 'kubectl', join(repoRoot, 'node_modules/.cache/hfi-kubectl/kubectl')];
  const tried: string[] = [];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const version = spawnSync(candidate, ['version', '--client'], { encoding: 'utf8' });
    if (version.error || version.status !== 0) {
      tried.push(`${candidate}: not runnable`);
      continue;
    }
    const kustomize = /Kustomize Version: v(\d+)\./.exec(version.stdout);
    if (!kustomize || Number(kustomize[1]) < 4) {
      tried.push(`${candidate}: kustomize ${kustomize ? `v${kustomize[1]}` : 'unknown'} is older than v4`);
      continue;
    }
    cached = candidate;
    return candidate;
  }
  throw new Error(
    `no kubectl with kustomize v4+ found (${tried.join('; ')}). ` +
      'Install one, or run `bash deploy/scripts/ensure-kubectl.sh`, or set KUBECTL=/path/to/kubectl.',
  );
}

export interface Rendered {
  dir: string;
  objects: K8sObject[];
  stderr: string;
}

export function render(dir: string): Rendered {
  const result = spawnSync(kubectl(), ['kustomize', dir], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`kubectl kustomize ${relative(repoRoot, dir)} failed:\n${result.stderr}`);
  const objects = parseAllDocuments(result.stdout).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`rendered YAML of ${dir} does not parse: ${doc.errors[0]?.message}`);
    return doc.toJS() as K8sObject;
  });
  return { dir, objects: objects.filter((o) => o !== null), stderr: result.stderr };
}

/** Every directory under deploy/kubernetes holding a kustomization.yaml. */
export function kustomizationDirs(root = kubernetesRoot): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) out.push(...kustomizationDirs(path));
  }
  if (existsSync(join(root, 'kustomization.yaml'))) out.push(root);
  return out.sort();
}

export function kubectlVersion(): string {
  return execFileSync(kubectl(), ['version', '--client'], { encoding: 'utf8' }).trim().replace(/\n/g, ', ');
}
