// Small wrappers over the host calls: out-parameters live in static memory, strings cross as UTF-8.

import { noteGarbage } from '../gc';
import { Status } from './constants';
import {
  proxy_get_buffer_bytes,
  proxy_get_current_time_nanoseconds,
  proxy_get_header_map_value,
  proxy_get_property,
  proxy_log,
  random_get,
} from './imports';

const returnPtr = memory.data(8);
const returnSize = memory.data(8);
const timeSlot = memory.data(8);

/** Result of the last successful fetch: bytes in scratch memory, valid during the current callback. */
export let fetchedPtr: usize = 0;
export let fetchedSize: usize = 0;

function take(status: u32): bool {
  if (status != Status.Ok) {
    fetchedPtr = 0;
    fetchedSize = 0;
    return false;
  }
  fetchedPtr = <usize>load<u32>(returnPtr);
  fetchedSize = <usize>load<u32>(returnSize);
  return true;
}

/** First value of a header; false when absent (or the map is unavailable). */
export function fetchHeader(mapType: u32, name: ArrayBuffer): bool {
  return take(proxy_get_header_map_value(mapType, changetype<usize>(name), name.byteLength, returnPtr, returnSize));
}

export function fetchBuffer(bufferType: u32, maxSize: u32): bool {
  return fetchBufferRange(bufferType, 0, maxSize);
}

/** Bytes [start, start + size) of a host buffer (clamped by the host); `size` must be > 0. */
export function fetchBufferRange(bufferType: u32, start: u32, size: u32): bool {
  // Envoy answers a 0-byte read with Ok without writing the out-parameters: clear them first.
  store<u32>(returnPtr, 0);
  store<u32>(returnSize, 0);
  return take(proxy_get_buffer_bytes(bufferType, start, size, returnPtr, returnSize));
}

/** A property by its NUL-separated path, e.g. "xds\0node\0metadata\0NAME". */
export function fetchProperty(path: ArrayBuffer): bool {
  return take(proxy_get_property(changetype<usize>(path), path.byteLength, returnPtr, returnSize));
}

/** The fetched bytes decoded as UTF-8 (a copy that outlives the callback). */
export function fetchedString(): string {
  return String.UTF8.decodeUnsafe(fetchedPtr, fetchedSize);
}

/** Wall clock in epoch milliseconds, from the host (Envoy's dispatcher time source). */
export function nowMs(): i64 {
  if (proxy_get_current_time_nanoseconds(timeSlot) != Status.Ok) return 0;
  return <i64>(load<u64>(timeSlot) / 1_000_000);
}

/** Wall clock in epoch microseconds: request latencies below a millisecond are common on a node. */
export function nowUs(): i64 {
  if (proxy_get_current_time_nanoseconds(timeSlot) != Status.Ok) return 0;
  return <i64>(load<u64>(timeSlot) / 1_000);
}

/** Random bytes from the host; a failing host leaves zeros (the PRNG then uses its fixed seed). */
export function randomU64(): u64 {
  store<u64>(timeSlot, 0);
  random_get(timeSlot, 8);
  return load<u64>(timeSlot);
}

export function log(level: u32, message: string): void {
  noteGarbage(1);
  const bytes = String.UTF8.encode(message);
  proxy_log(level, changetype<usize>(bytes), bytes.byteLength);
}
