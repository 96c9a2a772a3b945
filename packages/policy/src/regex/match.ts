// Runs a wire DFA table over a value, exactly as the data plane does (docs/wire-format.md "DFA tables").
import type { CompiledDfa } from '../types.js';

const DEAD = 0xffff;

export interface DfaRunner {
  /** True when the DFA accepts the whole value; `value`'s bytes are its UTF-8 encoding, each read as Latin-1. */
  matches(value: string): boolean;
}

const runners = new WeakMap<CompiledDfa, DfaRunner>();

/** Decodes a table once per DFA object (rule sets share DFA objects through the compile cache). */
export function dfaRunner(dfa: CompiledDfa): DfaRunner {
  let runner = runners.get(dfa);
  if (!runner) {
    runner = decode(dfa);
    runners.set(dfa, runner);
  }
  return runner;
}

function decode(dfa: CompiledDfa): DfaRunner {
  const classMap = Uint8Array.from(Buffer.from(dfa.classMap, 'base64'));
  const bytes = Buffer.from(dfa.table, 'base64');
  const table = new Uint16Array(dfa.states * dfa.classes);
  for (let i = 0; i < table.length; i++) table[i] = bytes.readUInt16LE(i * 2);
  const accepting = new Uint8Array(dfa.states);
  for (const s of dfa.accept) accepting[s] = 1;
  const classes = dfa.classes;
  const run = (byteAt: (i: number) => number, length: number): boolean => {
    let s = 0;
    for (let i = 0; i < length; i++) {
      s = table[s * classes + classMap[byteAt(i)]!]!;
      if (s === DEAD) return false;
    }
    return accepting[s] === 1;
  };
  return {
    matches(value: string): boolean {
      if (isAscii(value)) return run((i) => value.charCodeAt(i), value.length);
      const utf8 = Buffer.from(value, 'utf8');
      return run((i) => utf8[i]!, utf8.length);
    },
  };
}

function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7f) return false;
  return true;
}
