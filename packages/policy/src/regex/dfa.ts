// Regex source -> minimal DFA over bytes -> the wire table (docs/wire-format.md "DFA tables").
// The data plane only follows table entries, so anything a DFA cannot express is refused here, with the reason.
import { DFA, JS, NFA, TooManyNodesError, Transformers, transform } from 'refa';
import { LIMITS } from '../limits.js';
import type { CompiledDfa } from '../types.js';
import { type ByteAutomaton, DEAD, packTable } from './table.js';

export type RegexResult = { ok: true; dfa: CompiledDfa } | { ok: false; reason: string };

const LATIN1_MAX = 0xff;
/** Least-recently-used entries go first; ~1-2 KB each, so the cap bounds the cache to tens of MB. */
const CACHE_MAX_ENTRIES = 16_384;

/**
 * Regex results by pattern source (patterns have no flags, so the source is the whole content address),
 * refusals included; least recently used first out. Validation and compilation share one, so a pattern is
 * built once. Deterministic results only: a host that gives up on a pattern (a time budget) keeps that out.
 */
export class RegexCache {
  private readonly entries = new Map<string, RegexResult>();

  constructor(private readonly maxEntries = CACHE_MAX_ENTRIES) {}

  get(source: string): RegexResult | undefined {
    const cached = this.entries.get(source);
    if (cached) {
      this.entries.delete(source);
      this.entries.set(source, cached);
    }
    return cached;
  }

  set(source: string, result: RegexResult): void {
    this.entries.delete(source);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(source, result);
  }

  clear(): void {
    this.entries.clear();
  }
}

const defaultCache = new RegexCache();

/**
 * Compiles a pattern (JS syntax, no flags) that must match the WHOLE value, through the shared cache:
 * validation builds the DFA once and the compiler reuses it.
 */
export function compileRegex(source: string): RegexResult {
  const cached = defaultCache.get(source);
  if (cached) return cached;
  const result = buildRegex(source);
  defaultCache.set(source, result);
  return result;
}

/** Builds a pattern's DFA without any cache: what a worker thread runs. Bounded by the LIMITS regex caps. */
export function buildRegex(source: string): RegexResult {
  if (source.length > LIMITS.regexSourceLength) {
    return { ok: false, reason: `is ${source.length} characters long, the limit is ${LIMITS.regexSourceLength}` };
  }
  let parser: JS.Parser;
  try {
    parser = JS.Parser.fromLiteral({ source, flags: '' });
  } catch (error) {
    return { ok: false, reason: `is not a valid regular expression: ${syntaxReason(error, source)}` };
  }
  const unsupported = findUnsupported(parser.ast.pattern as unknown as AstNode);
  if (unsupported) return { ok: false, reason: unsupported };
  try {
    const { expression, maxCharacter } = parser.parse({
      backreferences: 'throw',
      assertions: 'parse',
      maxNodes: LIMITS.regexMaxParseNodes,
    });
    // `^` and `$` at the pattern's edges look beyond a whole-value match, where nothing is: removing them is exact.
    // They are the only assertions findUnsupported lets through, so without either character there is nothing to do.
    const edgeless = /[$^]/.test(source)
      ? transform(Transformers.patternEdgeAssertions({ inline: false, remove: true }), expression)
      : expression;
    let nfa: NFA;
    try {
      nfa = NFA.fromRegex(edgeless, { maxCharacter }, { assertions: 'throw' }, new NFA.LimitedNodeFactory(LIMITS.nfaMaxNodes));
    } catch (error) {
      if (error instanceof TooManyNodesError) throw error;
      return {
        ok: false,
        reason: '"^" and "$" may appear only at the start or the end of the pattern (the whole value is always matched)',
      };
    }
    const dfa = DFA.fromFA(nfa, new DFA.LimitedNodeFactory(LIMITS.dfaMaxBuildStates));
    // Cut the alphabet to bytes before minimising, so states that differ only above U+00FF merge.
    for (const node of dfa.nodes()) node.out.deleteRange({ min: LATIN1_MAX + 1, max: maxCharacter });
    dfa.minimize();
    return packTable(automatonFromDfa(dfa));
  } catch (error) {
    if (error instanceof TooManyNodesError) {
      return {
        ok: false,
        reason: `is too complex: building its automaton needs more than ${LIMITS.dfaMaxBuildStates} states before minimisation, the limit is ${LIMITS.dfaMaxStates}`,
      };
    }
    return { ok: false, reason: `cannot be compiled: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function syntaxReason(error: unknown, source: string): string {
  const message = error instanceof Error ? error.message : String(error);
  // regexpp says "Invalid regular expression: /(/: Unterminated group"; keep the reason, the field already names the pattern.
  const prefix = `Invalid regular expression: /${source}/: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message.replace(/^Invalid regular expression: /, '');
}

interface AstNode {
  type: string;
  kind?: string;
  value?: number;
  raw?: string;
  [key: string]: unknown;
}

/** Child properties of regexpp's AST for patterns without flags (no `v`-mode set operations). */
const AST_CHILDREN = ['alternatives', 'elements', 'element', 'min', 'max'] as const;

/** Finds the first construct a DFA cannot express (or a character outside the byte alphabet) and says why. */
function findUnsupported(root: AstNode): string | undefined {
  const stack: AstNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const reason = unsupportedReason(node);
    if (reason) return reason;
    for (const key of AST_CHILDREN) {
      const child = node[key];
      if (Array.isArray(child)) stack.push(...(child as AstNode[]));
      else if (typeof child === 'object' && child !== null) stack.push(child as AstNode);
    }
  }
  return undefined;
}

function unsupportedReason(node: AstNode): string | undefined {
  const why = 'the data plane matches in linear time without backtracking';
  if (node.type === 'Backreference') {
    return `uses a backreference (${node.raw ?? ''}), which is not supported: ${why}`;
  }
  if (node.type === 'Assertion') {
    switch (node.kind) {
      case 'lookahead':
      case 'lookbehind':
        return `uses a ${node.kind} (${node.raw ?? ''}), which is not supported: ${why}`;
      case 'word':
        return `uses a word-boundary assertion (${node.raw ?? ''}), which is not supported: only "^" and "$" at the pattern's edges are`;
      default:
        return undefined;
    }
  }
  if (node.type === 'Character' && typeof node.value === 'number' && node.value > LATIN1_MAX) {
    const code = node.value.toString(16).toUpperCase().padStart(4, '0');
    return `contains the character U+${code}: only characters U+0000-U+00FF are supported (the data plane reads each byte as a Latin-1 character)`;
  }
  return undefined;
}

/** Numbers the live states breadth-first from the start, in byte order, and lists where each goes per byte interval. */
function automatonFromDfa(dfa: DFA): ByteAutomaton {
  const live = liveStates(dfa);
  const ids = new Map<DFA.Node, number>();
  const order: DFA.Node[] = [];
  if (live.has(dfa.initial)) {
    ids.set(dfa.initial, 0);
    order.push(dfa.initial);
    for (let i = 0; i < order.length; i++) {
      order[i]!.out.forEach((target, range) => {
        if (range.min > LATIN1_MAX || !live.has(target) || ids.has(target)) return;
        ids.set(target, order.length);
        order.push(target);
      });
    }
  }
  // Bytes between two consecutive range boundaries behave alike in every state: the elementary intervals.
  const boundaries = new Set<number>([0, 256]);
  for (const node of order) {
    node.out.forEach((_target, range) => {
      if (range.min <= LATIN1_MAX) boundaries.add(range.min);
      if (range.max < LATIN1_MAX) boundaries.add(range.max + 1);
    });
  }
  const starts = [...boundaries].sort((a, b) => a - b);
  const intervals = starts.length - 1;
  // Above the state cap packTable refuses; the table is not needed then.
  const next = new Uint16Array(order.length > LIMITS.dfaMaxStates ? 0 : order.length * intervals).fill(DEAD);
  if (next.length > 0) {
    order.forEach((node, s) => {
      for (let k = 0; k < intervals; k++) {
        const target = node.out.get(starts[k]!);
        const id = target === undefined ? undefined : ids.get(target);
        if (id !== undefined) next[s * intervals + k] = id;
      }
    });
  }
  const accept = order.flatMap((node, s) => (dfa.finals.has(node) ? [s] : []));
  return { states: order.length, starts, next, accept };
}

/** States from which an accepting state is reachable within the byte alphabet; the others are the dead state. */
function liveStates(dfa: DFA): Set<DFA.Node> {
  const reachable: DFA.Node[] = [];
  const seen = new Set<DFA.Node>([dfa.initial]);
  const incoming = new Map<DFA.Node, DFA.Node[]>();
  reachable.push(dfa.initial);
  for (let i = 0; i < reachable.length; i++) {
    const node = reachable[i]!;
    node.out.forEach((target, range) => {
      if (range.min > LATIN1_MAX) return;
      let list = incoming.get(target);
      if (!list) incoming.set(target, (list = []));
      list.push(node);
      if (!seen.has(target)) {
        seen.add(target);
        reachable.push(target);
      }
    });
  }
  const live = new Set<DFA.Node>();
  const work = reachable.filter((node) => dfa.finals.has(node));
  for (const node of work) live.add(node);
  while (work.length > 0) {
    const node = work.pop()!;
    for (const source of incoming.get(node) ?? []) {
      if (!live.has(source)) {
        live.add(source);
        work.push(source);
      }
    }
  }
  return live;
}

/** Empties the shared DFA cache (benchmarks measure cold compiles with it). */
export function clearRegexCache(): void {
  defaultCache.clear();
}
