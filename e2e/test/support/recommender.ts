// The real hfi-recommender bin against a control plane, with its own state directory, and the search spaces
// the tests write.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hfiRecommenderBin, launchNode, type RunningProcess } from '@hfi/testkit';

export function recommenderStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'hfi-recommender-e2e-'));
}

export function writeSpace(dir: string, name: string, yaml: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

/** Starts the bin; the caller waits on `exited` (or stops it). */
export function launchRecommender(server: string, stateDir: string, args: readonly string[]): RunningProcess {
  return launchNode(hfiRecommenderBin, { args: [...args, '--state-dir', stateDir], env: { HFI_SERVER: server } });
}

export async function runRecommender(
  server: string,
  stateDir: string,
  args: readonly string[],
  timeoutMs = 240_000,
): Promise<{ code: number | null; output: string }> {
  const proc = launchRecommender(server, stateDir, args);
  const timer = setTimeout(() => void proc.kill(), timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, output: proc.output() };
}
