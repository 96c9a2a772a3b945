// The 2021 WASI set Envoy links (cpp-host f383473): stdout/stderr become logs, the environment comes
// from the VM configuration, clocks and randomness from the host's services; no files.
import { WasiErrno as E } from '../abi/status.js';
import type { WasmVm } from '../vm.js';
import { type HostFunctions, unsigned } from './host-function.js';
import { epochNanoseconds } from './timers.js';

const MAX_RANDOM_BYTES = 64 * 1024;

export function wasiFunctions(vm: WasmVm): HostFunctions {
  const envEntries = () => Object.entries(vm.config.env).map(([k, v]) => new TextEncoder().encode(`${k}=${v}\0`));
  return {
    'wasi.fd_write': (fd: number, iovs: number, iovsLen: number, nwrittenPtr: number) => {
      if (fd !== 1 && fd !== 2) return E.Badf;
      const view = vm.view();
      const parts: Uint8Array[] = [];
      for (let i = 0; i < unsigned(iovsLen); i++) {
        const base = unsigned(iovs) + i * 8;
        if (!vm.inBounds(base, 8)) return E.Inval;
        const chunk = vm.read(view.getUint32(base, true), view.getUint32(base + 4, true));
        if (chunk === null) return E.Inval;
        parts.push(chunk);
      }
      const text = new TextDecoder().decode(Buffer.concat(parts));
      const written = parts.reduce((n, p) => n + p.length, 0);
      // stdout logs at info, stderr at error; a trailing newline is stripped.
      vm.services.log(fd === 1 ? 2 : 4, text.replace(/\n$/, ''), vm.worker);
      return vm.writeU32(nwrittenPtr, written) ? E.Success : E.Inval;
    },
    'wasi.fd_read': () => E.Nosys,
    'wasi.fd_seek': () => E.Nosys,
    'wasi.fd_close': () => E.Nosys,
    'wasi.fd_fdstat_get': (fd: number, statPtr: number) => {
      if (fd !== 1 && fd !== 2) return E.Badf;
      if (!vm.write(statPtr, new Uint8Array(24))) return E.Inval;
      vm.bytes()[unsigned(statPtr)] = 2; // character device
      return E.Success;
    },
    'wasi.environ_sizes_get': (countPtr: number, sizePtr: number) => {
      const entries = envEntries();
      const size = entries.reduce((n, e) => n + e.length, 0);
      return vm.writeU32(countPtr, entries.length) && vm.writeU32(sizePtr, size) ? E.Success : E.Inval;
    },
    'wasi.environ_get': (environPtr: number, bufPtr: number) => {
      let off = unsigned(bufPtr);
      let i = 0;
      for (const entry of envEntries()) {
        if (!vm.writeU32(unsigned(environPtr) + i * 4, off) || !vm.write(off, entry)) return E.Inval;
        off += entry.length;
        i++;
      }
      return E.Success;
    },
    'wasi.args_sizes_get': (countPtr: number, sizePtr: number) =>
      vm.writeU32(countPtr, 0) && vm.writeU32(sizePtr, 0) ? E.Success : E.Inval,
    'wasi.args_get': () => E.Success,
    'wasi.clock_time_get': (id: number, _precision: bigint, ptr: number) => {
      let ns: bigint;
      if (id === 0) ns = epochNanoseconds(vm.services.scheduler.now());
      else if (id === 1) ns = vm.services.scheduler.monotonicNs();
      else return E.Notsup;
      return vm.writeU64(ptr, ns) ? E.Success : E.Inval;
    },
    'wasi.random_get': (ptr: number, len: number) => {
      if (unsigned(len) > MAX_RANDOM_BYTES) return E.Inval;
      const buf = new Uint8Array(unsigned(len));
      vm.services.randomBytes(buf);
      return vm.write(ptr, buf) ? E.Success : E.Inval;
    },
    // Envoy's proc_exit does not exit: it logs and returns to the module.
    'wasi.proc_exit': () => {
      vm.services.log(0, 'wasi_unstable proc_exit', vm.worker);
    },
    'wasi.path_open': () => E.Noent,
    'wasi.fd_prestat_get': () => E.Badf,
    'wasi.fd_prestat_dir_name': () => E.Nosys,
  };
}
