// A minimal byte DFA, already numbered, -> the wire table (docs/wire-format.md "DFA tables"): byte classes,
// u16 transitions, accepting states: the wire table of docs/wire-format.md, packed in one pass with typed arrays.
import { LIMITS } from '../limits.js';
import type { CompiledDfa } from '../types.js';
import type { RegexResult } from './dfa.js';

export const DEAD = 0xffff;

/**
 * A minimal DFA over the bytes, states numbered breadth-first from the start (0), each state's successors taken
 * in byte order. Bytes in `[starts[k], starts[k + 1])` behave alike in every state.
 */
export interface ByteAutomaton {
  /** Live states; 0 when no byte string is accepted. */
  states: number;
  /** Interval starts, ascending, from 0; the last entry is 256. */
  starts: readonly number[];
  /** next[state * intervals + k]: where the state goes on interval k's bytes, DEAD when nowhere live. */
  next: Uint16Array;
  /** Accepting states, ascending. */
  accept: number[];
}

/** Merges intervals that behave alike into byte classes and packs the table, refusing tables over the caps. */
export function packTable(automaton: ByteAutomaton): RegexResult {
  const states = Math.max(1, automaton.states);
  if (states > LIMITS.dfaMaxStates) {
    return { ok: false, reason: `is too complex: its automaton has ${states} states, the limit is ${LIMITS.dfaMaxStates}` };
  }
  const { starts, next } = automaton;
  const intervals = starts.length - 1;
  // Intervals whose columns are equal (e.g. `a` and `c` in /[ac]x|b/) share one byte class, numbered by first byte.
  const classMap = new Uint8Array(256);
  const classOf = new Map<string, number>();
  const firstInterval: number[] = [];
  const column = new Uint16Array(states);
  for (let k = 0; k < intervals; k++) {
    column.fill(DEAD);
    for (let s = 0; s < automaton.states; s++) column[s] = next[s * intervals + k]!;
    const signature = String.fromCharCode.apply(null, column as unknown as number[]);
    let cls = classOf.get(signature);
    if (cls === undefined) {
      cls = firstInterval.length;
      classOf.set(signature, cls);
      firstInterval.push(k);
    }
    classMap.fill(cls, starts[k]!, starts[k + 1]!);
  }
  const classes = firstInterval.length;
  const cells = states * classes;
  if (cells > LIMITS.dfaMaxCells) {
    return {
      ok: false,
      reason: `is too complex: its table has ${cells} cells (${states} states x ${classes} byte classes), the limit is ${LIMITS.dfaMaxCells}`,
    };
  }
  const table = new Uint16Array(cells).fill(DEAD);
  for (let s = 0; s < automaton.states; s++) {
    for (let cls = 0; cls < classes; cls++) table[s * classes + cls] = next[s * intervals + firstInterval[cls]!]!;
  }
  const compiled: CompiledDfa = {
    states,
    classes,
    classMap: Buffer.from(classMap.buffer, classMap.byteOffset, classMap.byteLength).toString('base64'),
    table: littleEndianBase64(table),
    accept: automaton.accept,
  };
  return { ok: true, dfa: Object.freeze(compiled) };
}

function littleEndianBase64(values: Uint16Array): string {
  const bytes = Buffer.alloc(values.length * 2);
  for (let i = 0; i < values.length; i++) bytes.writeUInt16LE(values[i]!, i * 2);
  return bytes.toString('base64');
}
