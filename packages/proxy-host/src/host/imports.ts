// The host side of every import Envoy offers (cpp-host src/exports.cc + Envoy context.cc semantics),
// one module per group, built once per VM. vm.ts links each under the names the ABI's import table lists.
import type { WasmVm } from '../vm.js';
import { bufferFunctions } from './buffers.js';
import { headerMapFunctions } from './header-maps.js';
import type { HostFunctions } from './host-function.js';
import { httpCallFunctions } from './http-calls.js';
import { loggingFunctions } from './logging.js';
import { metricFunctions } from './metrics.js';
import { propertyFunctions } from './properties.js';
import { sharedDataFunctions } from './shared-data.js';
import { streamControlFunctions } from './stream-control.js';
import { stubFunctions } from './stubs.js';
import { timerFunctions } from './timers.js';
import { wasiFunctions } from './wasi.js';

export function buildHostFunctions(vm: WasmVm): HostFunctions {
  return {
    ...loggingFunctions(vm),
    ...propertyFunctions(vm),
    ...sharedDataFunctions(vm),
    ...headerMapFunctions(vm),
    ...bufferFunctions(vm),
    ...streamControlFunctions(vm),
    ...httpCallFunctions(vm),
    ...timerFunctions(vm),
    ...metricFunctions(vm),
    ...stubFunctions,
    ...wasiFunctions(vm),
  };
}
