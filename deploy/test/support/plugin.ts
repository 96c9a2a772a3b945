// The plugin-configuration keys the plugin reads, checked against its AssemblyScript sources.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

const pluginSources = join(repoRoot, 'packages/plugin/assembly');

/** The keys this deployment may use (docs/wire-format.md and the plugin's configuration parser). */
export const PLUGIN_CONFIG_KEYS = [
  'control_plane_cluster',
  'control_plane_authority',
  'control_plane_addr',
  'poll_hold_sec',
  'poll_timeout_sec',
  'retry_interval_sec',
  'fault_lease_sec',
  'token',
  'debug',
] as const;

/** Keys among `keys` that appear nowhere as a string literal in the plugin's sources. */
export function keysUnknownToPlugin(keys: string[]): string[] {
  if (!existsSync(pluginSources)) throw new Error(`plugin sources not found at ${pluginSources}`);
  const text = files(pluginSources)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  return keys.filter((k) => !text.includes(`"${k}"`) && !text.includes(`'${k}'`));
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith('.ts') ? [path] : [];
  });
}
