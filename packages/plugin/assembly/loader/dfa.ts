// A regex's DFA tables from the wire (docs/wire-format.md "DFA tables"). Every entry is validated here,
// in place in the decoded buffers, so that matching (Dfa.accepts) can use unchecked loads.

import { sameBytes } from '../bytes';
import { MAX_DFA_CELLS, MAX_DFA_STATES } from '../limits';
import { Dfa } from '../matchers';
import { FieldReader } from './fields';

/** How many distinct class maps a load remembers for sharing (bounds the linear search). */
const MAX_SHARED_CLASS_MAPS: i32 = 64;

/** A validated DFA; its class map is an equal one in `classMaps` (those loaded so far) if there is one. */
export function readDfa(fields: FieldReader, field: string, classMaps: ArrayBuffer[]): Dfa | null {
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
    if (r.keyIs('states')) states = <i32>fields.integer(field, '.dfa.states', 1, MAX_DFA_STATES);
    else if (r.keyIs('classes')) classes = <i32>fields.integer(field, '.dfa.classes', 1, 256);
    else if (r.keyIs('classMap')) classMap = fields.base64(field, '.dfa.classMap');
    else if (r.keyIs('table')) table = fields.base64(field, '.dfa.table');
    else if (r.keyIs('accept')) {
      if (!r.enterArray()) return null;
      let firstItem = true;
      while (r.nextItem(firstItem)) {
        firstItem = false;
        const a = <i32>fields.integer(field, '.dfa.accept', 0, MAX_DFA_STATES);
        if (states > 0) {
          if (accepting === null) accepting = new StaticArray<u8>(states);
          if (a >= states) {
            fields.fail(field, '.dfa.accept', 'state out of range');
            return null;
          }
          unchecked((accepting[a] = 1));
        } else {
          if (accept === null) accept = new Array<i32>();
          if (accept.length >= MAX_DFA_STATES) {
            fields.fail(field, '.dfa.accept', 'too many entries');
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
    fields.fail(field, '.dfa', 'states and classes are required');
    return null;
  }
  if (states * classes > MAX_DFA_CELLS) {
    fields.fail(field, '.dfa', 'table too large');
    return null;
  }
  if (classMap === null || classMap.byteLength != 256) {
    fields.fail(field, '.dfa.classMap', 'expected base64 of 256 bytes');
    return null;
  }
  if (table === null || table.byteLength != states * classes * 2) {
    fields.fail(field, '.dfa.table', 'expected base64 of states*classes u16 LE');
    return null;
  }
  // The decoded buffers become the DFA's own tables (same layout): validate in place, no copy.
  const mapPtr = changetype<usize>(classMap);
  for (let i = 0; i < 256; i++) {
    if (<i32>load<u8>(mapPtr + i) >= classes) {
      fields.fail(field, '.dfa.classMap', 'class out of range');
      return null;
    }
  }
  const cells = states * classes;
  const tablePtr = changetype<usize>(table);
  for (let i = 0; i < cells; i++) {
    const s = load<u16>(tablePtr + ((<usize>i) << 1));
    if (s != 0xffff && <i32>s >= states) {
      fields.fail(field, '.dfa.table', 'state out of range');
      return null;
    }
  }
  if (accepting === null) accepting = new StaticArray<u8>(states);
  else if (accepting.length != states) {
    fields.fail(field, '.dfa.states', 'changed after accept');
    return null;
  }
  if (accept !== null) {
    for (let i = 0; i < accept.length; i++) {
      const a = accept[i];
      if (a >= states) {
        fields.fail(field, '.dfa.accept', 'state out of range');
        return null;
      }
      unchecked((accepting[a] = 1));
    }
  }
  return new Dfa(classes, shared(classMaps, classMap), table, accepting);
}

/** An equal class map loaded before, if any (patterns with the same literals share one). */
function shared(seen: ArrayBuffer[], classMap: ArrayBuffer): ArrayBuffer {
  for (let i = 0; i < seen.length; i++) if (sameBytes(unchecked(seen[i]), classMap)) return unchecked(seen[i]);
  if (seen.length < MAX_SHARED_CLASS_MAPS) seen.push(classMap);
  return classMap;
}
