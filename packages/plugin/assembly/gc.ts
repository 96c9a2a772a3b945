// Garbage collection points. The plugin uses AssemblyScript's two-colour mark & sweep ("minimal") runtime:
// no shadow stack on the hot path, and collection only where we call it. It runs at the very end of an
// exported callback, when no managed reference lives on the wasm stack
// (see docs/adr/0021-minimal-gc-runtime.md).

let garbage: i32 = 0;
const THRESHOLD: i32 = 512;

/** Records that roughly `units` objects became (or will become) garbage. */
export function noteGarbage(units: i32): void {
  garbage += units;
}

/** Collects when enough garbage accumulated. Call only as the last statement of an exported callback. */
export function collectIfDue(): void {
  if (garbage >= THRESHOLD) collectNow();
}

export function collectNow(): void {
  garbage = 0;
  __collect();
}
