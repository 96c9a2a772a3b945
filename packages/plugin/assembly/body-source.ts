// A host buffer (the poll answer's body) read in chunks, so parsing a large rule set never holds the
// whole body in linear memory (docs/adr/0023-streamed-rule-set-parse.md).

import { fetchBufferRange, fetchedPtr, fetchedSize } from './abi/host';
import { rewindScratch } from './abi/scratch';
import { ByteSource } from './json';

/** Bytes per host call: fits the scratch arena, so chunks reuse the same memory. */
const CHUNK: u32 = 8 * 1024;

export class HostBufferSource extends ByteSource {
  private offset: u32 = 0;

  constructor(
    readonly bufferType: u32,
    readonly size: u32,
  ) {
    super();
  }

  read(dst: usize, max: usize): usize {
    const left = this.size - this.offset;
    if (left == 0 || max == 0) return 0;
    let want = left < CHUNK ? left : CHUNK;
    if (<usize>want > max) want = <u32>max;
    if (!fetchBufferRange(this.bufferType, this.offset, want) || fetchedSize == 0) return 0;
    const n = fetchedSize < <usize>want ? fetchedSize : <usize>want;
    memory.copy(dst, fetchedPtr, n);
    this.offset += <u32>n;
    // The host's copy lives in the scratch arena; nothing else from it is live while a rule set loads.
    rewindScratch();
    return n;
  }
}
