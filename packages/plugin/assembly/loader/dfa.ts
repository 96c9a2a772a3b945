// A regex's DFA tables from the wire (docs/wire-format.md "DFA tables"). Every entry is validated here,
// in place in the decoded buffers, so that matching (Dfa.accepts) can use unchecked loads.

import { base64DecodedSize, decodeBase64Into } from '../base64';
import { HASH_START, hashBytes } from '../bytes';
import { MAX_DFA_CELLS, MAX_DFA_STATES } from '../limits';
import { Dfa } from '../matchers';
import { FieldReader } from './fields';

/** How many distinct class maps a load remembers for sharing (bounds the search, which compares hashes first). */
const MAX_SHARED_CLASS_MAPS: i32 = 4096;
const CLASS_MAP_SIZE: i32 = 256;
/** Where a class map is decoded before it is known to be new: an equal one already loaded allocates nothing. */
const classMapScratch = memory.data(CLASS_MAP_SIZE);

/** Where a checking pass, which keeps no table, validates every class map. */
const CHECKED_MAP = new ArrayBuffer(CLASS_MAP_SIZE);

/** The distinct class maps of one load: patterns with the same literals share one. */
export class ClassMaps {
  maps: ArrayBuffer[] = [];
  hashes: u64[] = [];
  /** False in a checking pass: every map lands in the same buffer, nothing is remembered. */
  keep: bool = true;

  /** The decoded map in classMapScratch, as a buffer: an equal one loaded before, else a copy remembered. */
  intern(): ArrayBuffer {
    if (!this.keep) {
      memory.copy(changetype<usize>(CHECKED_MAP), classMapScratch, CLASS_MAP_SIZE);
      return CHECKED_MAP;
    }
    const h = hashBytes(HASH_START, classMapScratch, CLASS_MAP_SIZE);
    const hashes = this.hashes;
    for (let i = 0; i < hashes.length; i++) {
      if (unchecked(hashes[i]) != h) continue;
      const known = unchecked(this.maps[i]);
      if (memory.compare(changetype<usize>(known), classMapScratch, CLASS_MAP_SIZE) == 0) return known;
    }
    const map = new ArrayBuffer(CLASS_MAP_SIZE);
    memory.copy(changetype<usize>(map), classMapScratch, CLASS_MAP_SIZE);
    if (hashes.length < MAX_SHARED_CLASS_MAPS) {
      hashes.push(h);
      this.maps.push(map);
    }
    return map;
  }
}

/** A base64 class map of 256 bytes, shared with an equal one of the same load; null (with an error) otherwise. */
function readClassMap(fields: FieldReader, field: string, sub: string, classMaps: ClassMaps): ArrayBuffer | null {
  if (!fields.view(field, sub)) return null;
  const r = fields.reader;
  if (
    base64DecodedSize(r.viewPtr, r.viewSize) != CLASS_MAP_SIZE ||
    !decodeBase64Into(r.viewPtr, r.viewSize, classMapScratch, CLASS_MAP_SIZE)
  ) {
    fields.fail(field, sub, 'expected base64 of 256 bytes');
    return null;
  }
  return classMaps.intern();
}

/**
 * A validated DFA; its class map is an equal one in `classMaps` (those loaded so far) if there is one. `inTable`:
 * an entry of the set's `dfas` (errors name `dfas[i].states`), else a regex's inline `dfa` (`path.dfa.states`).
 */
export function readDfa(fields: FieldReader, field: string, classMaps: ClassMaps, inTable: bool): Dfa | null {
  const r = fields.reader;
  if (!r.enterObject()) return null;
  let states: i32 = -1;
  let classes: i32 = -1;
  let classMap: ArrayBuffer | null = null;
  let table: ArrayBuffer | null = null;
  // Accepting states go straight into their table when `states` came first (the compiler's order).
  let accepting: StaticArray<u8> | null = null;
  let accept: i32[] | null = null;
  let first = true;
  while (r.nextKey(first)) {
    first = false;
    if (r.keyIs('states')) states = <i32>fields.integer(field, inTable ? '.states' : '.dfa.states', 1, MAX_DFA_STATES);
    else if (r.keyIs('classes')) classes = <i32>fields.integer(field, inTable ? '.classes' : '.dfa.classes', 1, 256);
    else if (r.keyIs('classMap')) classMap = readClassMap(fields, field, inTable ? '.classMap' : '.dfa.classMap', classMaps);
    else if (r.keyIs('table')) table = fields.base64(field, inTable ? '.table' : '.dfa.table');
    else if (r.keyIs('accept')) {
      if (!r.enterArray()) return null;
      let firstItem = true;
      while (r.nextItem(firstItem)) {
        firstItem = false;
        const a = <i32>fields.integer(field, inTable ? '.accept' : '.dfa.accept', 0, MAX_DFA_STATES);
        if (states > 0) {
          if (accepting === null) accepting = new StaticArray<u8>(states);
          if (a >= states) {
            fields.fail(field, inTable ? '.accept' : '.dfa.accept', 'state out of range');
            return null;
          }
          unchecked((accepting[a] = 1));
        } else {
          if (accept === null) accept = new Array<i32>();
          if (accept.length >= MAX_DFA_STATES) {
            fields.fail(field, inTable ? '.accept' : '.dfa.accept', 'too many entries');
            return null;
          }
          accept.push(a);
        }
      }
    } else r.skipValue();
    if (!fields.ok) return null;
  }
  if (!fields.ok) return null;
  if (states < 0 || classes < 0) {
    fields.fail(field, inTable ? '' : '.dfa', 'states and classes are required');
    return null;
  }
  if (states * classes > MAX_DFA_CELLS) {
    fields.fail(field, inTable ? '' : '.dfa', 'table too large');
    return null;
  }
  if (classMap === null || classMap.byteLength != 256) {
    fields.fail(field, inTable ? '.classMap' : '.dfa.classMap', 'expected base64 of 256 bytes');
    return null;
  }
  if (table === null || table.byteLength != states * classes * 2) {
    fields.fail(field, inTable ? '.table' : '.dfa.table', 'expected base64 of states*classes u16 LE');
    return null;
  }
  // The decoded buffers become the DFA's own tables (same layout): validate in place, no copy.
  const mapPtr = changetype<usize>(classMap);
  for (let i = 0; i < 256; i++) {
    if (<i32>load<u8>(mapPtr + i) >= classes) {
      fields.fail(field, inTable ? '.classMap' : '.dfa.classMap', 'class out of range');
      return null;
    }
  }
  const cells = states * classes;
  const tablePtr = changetype<usize>(table);
  for (let i = 0; i < cells; i++) {
    const s = load<u16>(tablePtr + ((<usize>i) << 1));
    if (s != 0xffff && <i32>s >= states) {
      fields.fail(field, inTable ? '.table' : '.dfa.table', 'state out of range');
      return null;
    }
  }
  if (accepting === null) accepting = new StaticArray<u8>(states);
  else if (accepting.length != states) {
    fields.fail(field, inTable ? '.states' : '.dfa.states', 'changed after accept');
    return null;
  }
  if (accept !== null) {
    for (let i = 0; i < accept.length; i++) {
      const a = accept[i];
      if (a >= states) {
        fields.fail(field, inTable ? '.accept' : '.dfa.accept', 'state out of range');
        return null;
      }
      unchecked((accepting[a] = 1));
    }
  }
  return new Dfa(classes, classMap, table, accepting);
}
