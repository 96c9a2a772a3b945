// The memory behind the `malloc` export. Envoy calls malloc for every buffer it hands to the plugin
// (header values, bodies, properties) during a host call; the plugin reads that memory before the
// callback returns and never keeps it. So a bump arena, rewound at every callback entry, serves the
// hot path without touching the garbage-collected heap; rare large blocks come from the raw heap and
// are returned at the next rewind.

const ARENA_SIZE: usize = 16 * 1024;

let arenaBase: usize = 0;
let arenaTop: usize = 0;
const large: usize[] = [];

/** Allocates `size` bytes valid until the next `rewindScratch()`. */
export function scratchAlloc(size: usize): usize {
  if (arenaBase == 0) {
    arenaBase = heap.alloc(ARENA_SIZE);
    arenaTop = arenaBase;
  }
  const aligned = (size + 7) & ~(<usize>7);
  if (aligned >= size && arenaTop + aligned <= arenaBase + ARENA_SIZE) {
    const ptr = arenaTop;
    arenaTop += aligned;
    return ptr;
  }
  const ptr = heap.alloc(size == 0 ? 1 : size);
  large.push(ptr);
  return ptr;
}

/** Called at the start of every host-to-plugin callback: everything handed out before is released. */
export function rewindScratch(): void {
  arenaTop = arenaBase;
  const n = large.length;
  if (n > 0) {
    for (let i = 0; i < n; i++) heap.free(unchecked(large[i]));
    large.length = 0;
  }
}
