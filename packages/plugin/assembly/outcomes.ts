// Traffic outcomes (docs/outcomes.md): every request's status class, its latency from request headers to the
// stream's end, and whether HFI faulted it. Fixed arrays only: nothing is allocated per request. The start of
// each stream in flight is kept in a slot by context id (per VM: ids are the VM's); a stream whose slot a
// later one took (SLOTS streams apart, both in flight) is still counted, as "other" in latency bucket 0.

import { MapType } from './abi/constants';
import { fetchedPtr, fetchedSize, fetchHeader } from './abi/host';
import { LATENCY_BUCKET_BOUNDS_US, LATENCY_BUCKETS, OUTCOME_STATUS_CLASSES } from './generated/contract';

/** Streams in flight whose start is remembered (a power of two). */
const SLOTS: i32 = 1024;
const CLASS_OTHER: i32 = OUTCOME_STATUS_CLASSES - 1;
const STATUS = String.UTF8.encode(':status');
/**
 * One u64 per slot, to keep linear memory small: the stream id (high 32 bits), its start in 8 µs ticks
 * modulo 2^28 (about 36 minutes: longer streams wrap), and its status class (low 4 bits).
 */
const slots = new StaticArray<u64>(SLOTS);
const TICK_US: i64 = 8;
const TICK_MASK: u64 = (1 << 28) - 1;

function slotOf(streamId: u32): i32 {
  return <i32>(streamId & <u32>(SLOTS - 1));
}

/** Request headers arrived: the stream's latency starts now. */
export function observeStart(streamId: u32, nowUs: i64): void {
  const ticks = <u64>(nowUs / TICK_US) & TICK_MASK;
  unchecked((slots[slotOf(streamId)] = ((<u64>streamId) << 32) | (ticks << 4) | <u64>CLASS_OTHER));
}

/** The stream's slot while the stream still holds it, else -1 (a later stream took it). */
function heldSlot(streamId: u32): i32 {
  const slot = slotOf(streamId);
  return <u32>(unchecked(slots[slot]) >> 32) == streamId ? slot : -1;
}

function storeClass(slot: i32, cls: i32): void {
  unchecked((slots[slot] = (unchecked(slots[slot]) & ~(<u64>0xf)) | <u64>cls));
}

/** Response headers not of HFI's own local reply: their status class, read from the first digit. */
export function observeStatus(streamId: u32): void {
  const slot = heldSlot(streamId);
  if (slot < 0) return;
  let cls = CLASS_OTHER;
  if (fetchHeader(MapType.HttpResponseHeaders, STATUS) && fetchedSize == 3) {
    const digit = <i32>load<u8>(fetchedPtr) - 0x32; // '2' -> 0
    if (digit >= 0 && digit < CLASS_OTHER) cls = digit;
  }
  storeClass(slot, cls);
}

/**
 * HFI sent a local reply: its class is the status it sent, so the reply's own headers are not read (and the
 * class holds even when Envoy sends the reply past the filter chain, docs/envoy-facts.md E10).
 */
export function observeLocalReply(streamId: u32, status: i32): void {
  const slot = heldSlot(streamId);
  if (slot < 0) return;
  const digit = status / 100 - 2;
  storeClass(slot, digit >= 0 && digit < CLASS_OTHER ? digit : CLASS_OTHER);
}

/** The bucket of a latency: the first whose upper bound holds it, else the overflow. */
function bucketOf(latencyUs: i64): i32 {
  let lo = 0;
  let hi = LATENCY_BUCKETS - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (latencyUs <= unchecked(LATENCY_BUCKET_BOUNDS_US[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export class OutcomeTally {
  private readonly status: StaticArray<i64> = new StaticArray<i64>(OUTCOME_STATUS_CLASSES);
  private readonly local: StaticArray<i64> = new StaticArray<i64>(OUTCOME_STATUS_CLASSES);
  private readonly latency: StaticArray<i64> = new StaticArray<i64>(LATENCY_BUCKETS);
  private faulted: i64 = 0;
  /** Something was counted since the last report was built. */
  pending: bool = false;
  private seq: i64 = 0;
  /** The report sent and not yet acknowledged ("" when none). */
  private unacknowledged: string = '';

  /** The stream ended: counted once, in its class (local replies apart) and its latency bucket. */
  observeEnd(streamId: u32, nowUs: i64, localReply: bool, faulted: bool): void {
    const slot = slotOf(streamId);
    const packed = unchecked(slots[slot]);
    let cls = CLASS_OTHER;
    let bucket = 0;
    if (<u32>(packed >> 32) == streamId) {
      cls = <i32>(packed & 0xf);
      const ticks = (<u64>(nowUs / TICK_US) - ((packed >> 4) & TICK_MASK)) & TICK_MASK;
      bucket = bucketOf(<i64>ticks * TICK_US);
      unchecked((slots[slot] = 0));
    }
    if (localReply) unchecked((this.local[cls] += 1));
    else unchecked((this.status[cls] += 1));
    unchecked((this.latency[bucket] += 1));
    if (faulted) this.faulted++;
    this.pending = true;
  }

  /** Whether a report is waiting to be sent or acknowledged. */
  hasReport(): bool {
    return this.pending || this.unacknowledged.length > 0;
  }

  /** The `outcomes` member of the next report: the unacknowledged one again, or a new one of everything since. */
  report(): string {
    if (this.unacknowledged.length > 0) return this.unacknowledged;
    this.seq++;
    let body = '{"seq":' + this.seq.toString() + ',"status":' + drain(this.status) + ',"local":' + drain(this.local);
    body += ',"faulted":' + this.faulted.toString() + ',"latency":' + drain(this.latency) + '}';
    this.faulted = 0;
    this.pending = false;
    this.unacknowledged = body;
    return body;
  }

  /** The control plane has the report (it answered; a report it could not use is not worth resending). */
  acknowledged(): void {
    this.unacknowledged = '';
  }
}

/** `[a,b,...]`, zeroing the counts. */
function drain(counts: StaticArray<i64>): string {
  let text = '[';
  for (let i = 0; i < counts.length; i++) {
    if (i > 0) text += ',';
    text += unchecked(counts[i]).toString();
    unchecked((counts[i] = 0));
  }
  return text + ']';
}
