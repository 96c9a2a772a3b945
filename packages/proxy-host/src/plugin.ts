// Loading a plugin the way Envoy does (cpp-host createWasm / canary / getOrCreateThreadLocalPlugin):
// checks, a base VM (_initialize), a canary clone (create / vm_start / configure, then discarded),
// then one clone per worker with its own root context.

import type { AbiVersion } from './abi/signatures.js';
import { RootContext, StreamContext, type StreamSink } from './context.js';
import { checkModule, readModuleShape } from './module-check.js';
import type { HostServices, PluginConfig } from './plugin-config.js';
import { WasmVm } from './vm.js';

export class WorkerVm {
  constructor(
    readonly vm: WasmVm,
    readonly root: RootContext | null,
  ) {}
  get failed(): boolean {
    return this.vm.failed;
  }
  get rootContextId(): number {
    return this.root?.id ?? 0;
  }
  /** A new HTTP stream on this VM (context id from the VM's counter). */
  newStream(sink: StreamSink): StreamContext {
    if (!this.root) throw new Error('plugin failed to load; no stream contexts');
    return new StreamContext(this.vm, this.root, sink);
  }
}

export interface LoadedPlugin {
  loadError: string | null;
  abi: AbiVersion | null;
  workers: WorkerVm[];
  /** Stops every timer and pending call (the proxy is shutting down). */
  close(): void;
}

/** Root context start on one VM: on_context_create(root, 0), on_vm_start, on_configure. */
function startRoot(vm: WasmVm): { root: RootContext; error: string | null } {
  const root = new RootContext(vm, vm.allocContextId());
  vm.contexts.set(root.id, root);
  vm.rootContext = root;
  vm.call('proxy_on_context_create', root, root.id, 0);
  if (vm.failed) return { root, error: vm.failMessage };
  root.vmConfigAvailable = true;
  const started = vm.call('proxy_on_vm_start', root, root.id, vm.config.vmConfig.length);
  root.vmConfigAvailable = false;
  if (vm.failed) return { root, error: vm.failMessage };
  if (started === 0) return { root, error: 'Failed to start Wasm VM: proxy_on_vm_start returned false' };
  root.pluginConfigAvailable = true;
  if (vm.has('proxy_validate_configuration')) {
    const valid = vm.call('proxy_validate_configuration', root, root.id, vm.config.pluginConfig.length);
    if (valid === 0) {
      root.pluginConfigAvailable = false;
      return { root, error: 'Failed to configure Wasm plugin: proxy_validate_configuration returned false' };
    }
  }
  const configured = vm.call('proxy_on_configure', root, root.id, vm.config.pluginConfig.length);
  root.pluginConfigAvailable = false;
  if (vm.failed) return { root, error: vm.failMessage };
  if (configured === 0) return { root, error: 'Failed to configure Wasm plugin: proxy_on_configure returned false' };
  return { root, error: null };
}

export async function loadPlugin(
  code: Uint8Array,
  config: PluginConfig,
  services: HostServices,
  workerCount: number,
): Promise<LoadedPlugin> {
  const failed = (error: string, abi: AbiVersion | null = null): LoadedPlugin => {
    services.log(4, error, -1);
    return { loadError: error, abi, workers: [], close: () => {} };
  };
  let shape: ReturnType<typeof readModuleShape>;
  try {
    shape = readModuleShape(code);
  } catch (err) {
    return failed(`Failed to load Wasm code: ${(err as Error).message}`);
  }
  const check = checkModule(shape);
  if (!check.ok) return failed(check.error);
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(code);
  } catch (err) {
    return failed(`Failed to load Wasm code: ${(err as Error).message}`, check.abi);
  }
  const base = new WasmVm(module, check.abi, config, services, -1);
  const baseError = await base.start();
  if (baseError) return failed(baseError, check.abi);

  const canary = new WasmVm(module, check.abi, config, services, -1);
  const canaryError = (await canary.start()) ?? startRoot(canary).error;
  canary.discard();
  if (canaryError) return failed(canaryError, check.abi);

  const workers: WorkerVm[] = [];
  for (let i = 0; i < workerCount; i++) {
    const vm = new WasmVm(module, check.abi, config, services, i);
    const startError = await vm.start();
    if (startError) {
      workers.push(new WorkerVm(vm, null));
      continue;
    }
    const { root, error } = startRoot(vm);
    if (error) vm.fail(error);
    workers.push(new WorkerVm(vm, root));
  }
  return {
    loadError: null,
    abi: check.abi,
    workers,
    close: () => {
      for (const w of workers) w.vm.discard();
    },
  };
}
