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

/**
 * Collects in the middle of a callback: while a rule set loads, to free what the load has made garbage so far
 * and the set the root let go before it (docs/adr/0123-rule-set-loaded-in-two-passes.md). Safe only where every
 * object used afterwards is reachable from a global (the loader pins its state in one), since this runtime marks
 * from globals alone.
 */
export function collectDuringLoad(): void {
  __collect();
}
