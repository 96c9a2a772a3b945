// Replaces AssemblyScript's `env.abort` import, which Envoy does not provide. Logs at critical through
// proxy_log and traps: Envoy's WASI proc_exit returns to the module, so only `unreachable` stops it.
// It formats into static memory so that an out-of-memory abort cannot recurse into the allocator.

import { proxy_log } from './imports';

const BUFFER_SIZE: i32 = 512;
const buffer = memory.data(BUFFER_SIZE);

function put(at: i32, text: string | null): i32 {
  if (text === null) return at;
  const n = text.length;
  for (let i = 0; i < n && at < BUFFER_SIZE; i++) {
    const c = text.charCodeAt(i);
    store<u8>(buffer + at, c < 0x80 ? c : 0x3f);
    at++;
  }
  return at;
}

function putNumber(at: i32, value: u32): i32 {
  let digits = 1;
  for (let v = value; v >= 10; v /= 10) digits++;
  if (at + digits > BUFFER_SIZE) return at;
  let v = value;
  for (let i = digits - 1; i >= 0; i--) {
    store<u8>(buffer + at + i, 0x30 + (v % 10));
    v /= 10;
  }
  return at + digits;
}

/** @public asconfig.json installs it as the runtime's abort (`use: abort=...`). */
export function hfiAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let at = put(0, 'hfi: fatal: ');
  at = put(at, message);
  at = put(at, ' at ');
  at = put(at, fileName);
  at = put(at, ':');
  at = putNumber(at, line);
  at = put(at, ':');
  at = putNumber(at, column);
  proxy_log(5, buffer, at);
  unreachable();
}
