// The plugin configuration a manifest carries, checked against the contract's PluginConfig schema: its keys
// (the plugin reads exactly these, from constants generated from the same schema), types and ranges.
import { compileChecker, PluginConfig } from '@hfi/api';

const checker = compileChecker(PluginConfig);

/** `{path, message}` for each key that is not a plugin setting or holds a value the plugin would refuse. */
export function pluginConfigErrors(config: unknown): { path: string; message: string }[] {
  return checker.errors(config);
}
