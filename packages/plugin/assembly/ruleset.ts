// The compiled rule set as the plugin holds it, and its loader from the wire JSON (docs/wire-format.md).
// Loading validates everything the hot path relies on (DFA table entries, bounds) so that matching
// can use unchecked loads. Rules whose selector cannot match this workload are dropped at load time.

import { base64DecodedSize, decodeBase64Into } from './base64';
import { HeaderSlots } from './decide';
import { Identity } from './identity';
import { JsonKind, JsonReader } from './json';
import { MAX_ABORT_HEADERS, MAX_DELAY_MS, MAX_DFA_CELLS, MAX_DFA_STATES, MAX_HEADERS_PER_RULE, MAX_RULES, WIRE_VERSION } from './limits';
import { Dfa, HeaderCondition, MatchKind, StringMatcher } from './matchers';
import { buildPathIndex, PathIndex } from './path-index';

// Shared by every rule that has none: a loaded set allocates only what it keeps (never mutated).
const EMPTY = new ArrayBuffer(0);
const NO_CONDITIONS = new StaticArray<HeaderCondition>(0);
const NO_BUFFERS: ArrayBuffer[] = [];

export class RuleCounters {
  aborts: i64 = 0;
  delays: i64 = 0;
}

/** An abort as sent; rules with equal aborts share one object (the x-hfi-fault value is per rule). */
export class Abort {
  status: i32 = 0;
  grpcStatus: i32 = -1;
  body: ArrayBuffer = EMPTY;
  /** Response headers besides x-hfi-fault: name, value, name, value, … */
  headers: ArrayBuffer[] = NO_BUFFERS;

  equals(other: Abort): bool {
    if (this.status != other.status || this.grpcStatus != other.grpcStatus || !sameBytes(this.body, other.body)) return false;
    const a = this.headers;
    const b = other.headers;
    if (a.length != b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameBytes(a[i], b[i])) return false;
    return true;
  }
}

function sameBytes(a: ArrayBuffer, b: ArrayBuffer): bool {
  return a.byteLength == b.byteLength && memory.compare(changetype<usize>(a), changetype<usize>(b), a.byteLength) == 0;
}

export class Rule {
  // Fields ordered so the object stays small (references, then 32-bit, then 64-bit, then flags).
  /** `<policy>/<ruleIndex>` as UTF-8: the x-hfi-fault value. */
  idBytes: ArrayBuffer = EMPTY;
  path: StringMatcher | null = null;
  method: StringMatcher | null = null;
  headers: StaticArray<HeaderCondition> = NO_CONDITIONS;
  abort: Abort | null = null;
  /** Built on the first abort (abortHeaderPairs). */
  abortPairs: ArrayBuffer | null = null;
  /** Attached on first fault, from the root context's per-rule counters. */
  counters: RuleCounters | null = null;
  perMillion: i32 = 0;
  /** At most MAX_DELAY_MS (24 h) each, so their sum fits an i32. */
  delayMs: i32 = 0;
  startDelayMs: i32 = 0;
  activeFromMs: i64 = 0;
  expiresAtMs: i64 = 0;
  /** Whether the selector can match this workload (rules that cannot are dropped at load). */
  applies: bool = true;
  /** Already active when the set loaded and never expires: a request needs no clock read for it. */
  alwaysActive: bool = false;

  /** The id as a string (counters' key, log lines): built on demand, the hot path never needs it. */
  get id(): string {
    return String.UTF8.decode(this.idBytes);
  }
}

export class RuleSet {
  epoch: string = '';
  version: i64 = 0;
  /** Rules in the whole set as sent. */
  totalRules: i32 = 0;
  /** Rules that can apply to this workload, in evaluation order. */
  rules: Rule[] = [];
  /** Which rules a request can match, by the start of its path (built once the rules are known). */
  index: PathIndex = new PathIndex();
  /** Distinct header names the rules read; a condition's `slot` indexes this list. */
  headerNames: ArrayBuffer[] = [];
  /** Per-request cache of those headers' values, sized once the names are known. */
  slots: HeaderSlots = new HeaderSlots(0);
}

export class LoadResult {
  ruleSet: RuleSet | null = null;
  error: string = '';
}

/** How many distinct aborts / class maps a load remembers for sharing (bounds the linear search). */
const MAX_SHARED: i32 = 64;

/**
 * Reads the wire JSON straight into the compiled structures. Field names for error messages are only
 * built when something is wrong: helpers take a constant `field` relative to the current rule (with `#`
 * for the current header condition's index) and a constant `sub`, joined on failure.
 */
class Loader {
  reader: JsonReader;
  error: string = '';
  /** Distinct header names (UTF-8) across all rules; conditions refer to them by slot. */
  headerNames: ArrayBuffer[] = [];
  ruleIndex: i32 = -1;
  headerIndex: i32 = -1;
  /** Distinct aborts so far (up to MAX_SHARED), to share equal ones; likewise DFA class maps. */
  aborts: Abort[] = [];
  classMaps: ArrayBuffer[] = [];
  /** The host's clock when the set is loaded (epoch ms). */
  loadedAtMs: i64 = 0;
  /** The identity as UTF-8 for selector compares; null when unknown. */
  service: ArrayBuffer | null;
  namespace: ArrayBuffer | null;

  constructor(reader: JsonReader, identity: Identity) {
    this.reader = reader;
    this.service = identity.hasService ? String.UTF8.encode(identity.service) : null;
    this.namespace = identity.hasNamespace ? String.UTF8.encode(identity.namespace) : null;
  }

  fail(field: string, sub: string, reason: string): void {
    if (this.error.length != 0) return;
    let where = field.replace('#', this.headerIndex.toString()) + sub;
    if (this.ruleIndex >= 0) where = 'rules[' + this.ruleIndex.toString() + ']' + (where.length > 0 ? '.' + where : '');
    this.error = where + ': ' + reason;
  }

  get ok(): bool {
    return this.error.length == 0 && !this.reader.failed;
  }

  integer(field: string, sub: string, min: f64, max: f64): f64 {
    const r = this.reader;
    const v = r.readNumber();
    if (r.failed) return 0;
    if (v != Math.floor(v) || v < min || v > max) {
      this.fail(field, sub, 'expected an integer in ' + (<i64>min).toString() + '..' + (<i64>max).toString());
    }
    return v;
  }

  /** Reads a string into the reader's view (no copy). */
  view(field: string, sub: string): bool {
    if (this.reader.kind() != JsonKind.String) {
      this.fail(field, sub, 'expected a string');
      this.reader.skipValue();
      return false;
    }
    return this.reader.readStringView();
  }

  str(field: string, sub: string): string {
    if (!this.view(field, sub)) return '';
    return String.UTF8.decodeUnsafe(this.reader.viewPtr, this.reader.viewSize);
  }

  bytes(field: string, sub: string): ArrayBuffer {
    if (!this.view(field, sub) || this.reader.viewSize == 0) return EMPTY;
    return viewCopy(this.reader);
  }

  /** Whether the view equals the identity value `known` (null = unknown), or is "*". */
  viewSelects(known: ArrayBuffer | null): bool {
    const r = this.reader;
    if (r.viewIs('*')) return true;
    if (known === null || <usize>known.byteLength != r.viewSize) return false;
    return memory.compare(r.viewPtr, changetype<usize>(known), r.viewSize) == 0;
  }

  slotOfView(): i32 {
    const r = this.reader;
    const names = this.headerNames;
    for (let i = 0; i < names.length; i++) {
      const n = unchecked(names[i]);
      if (<usize>n.byteLength == r.viewSize && memory.compare(changetype<usize>(n), r.viewPtr, r.viewSize) == 0) return i;
    }
    const name = new ArrayBuffer(<i32>r.viewSize);
    memory.copy(changetype<usize>(name), r.viewPtr, r.viewSize);
    names.push(name);
    return names.length - 1;
  }

  /** Decodes a base64 string straight into a new buffer of its decoded size; null (with an error) if invalid. */
  base64(field: string, sub: string): ArrayBuffer | null {
    if (!this.view(field, sub)) return null;
    const r = this.reader;
    const size = base64DecodedSize(r.viewPtr, r.viewSize);
    if (size >= 0) {
      const out = new ArrayBuffer(size);
      if (decodeBase64Into(r.viewPtr, r.viewSize, changetype<usize>(out), size)) return out;
    }
    this.fail(field, sub, 'invalid base64');
    return null;
  }

  dfa(field: string): Dfa | null {
    const r = this.reader;
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
      if (r.keyIs('states')) states = <i32>this.integer(field, '.dfa.states', 1, MAX_DFA_STATES);
      else if (r.keyIs('classes')) classes = <i32>this.integer(field, '.dfa.classes', 1, 256);
      else if (r.keyIs('classMap')) classMap = this.base64(field, '.dfa.classMap');
      else if (r.keyIs('table')) table = this.base64(field, '.dfa.table');
      else if (r.keyIs('accept')) {
        if (!r.enterArray()) return null;
        let f = true;
        while (r.nextItem(f)) {
          f = false;
          const a = <i32>this.integer(field, '.dfa.accept', 0, MAX_DFA_STATES);
          if (states > 0) {
            if (accepting === null) accepting = new StaticArray<u8>(states);
            if (a >= states) {
              this.fail(field, '.dfa.accept', 'state out of range');
              return null;
            }
            unchecked((accepting[a] = 1));
          } else {
            if (accept === null) accept = new Array<i32>();
            if (accept.length >= MAX_DFA_STATES) {
              this.fail(field, '.dfa.accept', 'too many entries');
              return null;
            }
            accept.push(a);
          }
        }
      } else r.skipValue();
      if (!this.ok) return null;
    }
    if (!this.ok) return null;
    if (states < 0 || classes < 0) {
      this.fail(field, '.dfa', 'states and classes are required');
      return null;
    }
    if (states * classes > MAX_DFA_CELLS) {
      this.fail(field, '.dfa', 'table too large');
      return null;
    }
    if (classMap === null || classMap.byteLength != 256) {
      this.fail(field, '.dfa.classMap', 'expected base64 of 256 bytes');
      return null;
    }
    if (table === null || table.byteLength != states * classes * 2) {
      this.fail(field, '.dfa.table', 'expected base64 of states*classes u16 LE');
      return null;
    }
    // The decoded buffers become the DFA's own tables (same layout): validate in place, no copy.
    const mapPtr = changetype<usize>(classMap);
    for (let i = 0; i < 256; i++) {
      if (<i32>load<u8>(mapPtr + i) >= classes) {
        this.fail(field, '.dfa.classMap', 'class out of range');
        return null;
      }
    }
    const cells = states * classes;
    const tablePtr = changetype<usize>(table);
    for (let i = 0; i < cells; i++) {
      const s = load<u16>(tablePtr + ((<usize>i) << 1));
      if (s != 0xffff && <i32>s >= states) {
        this.fail(field, '.dfa.table', 'state out of range');
        return null;
      }
    }
    if (accepting === null) accepting = new StaticArray<u8>(states);
    else if (accepting.length != states) {
      this.fail(field, '.dfa.states', 'changed after accept');
      return null;
    }
    if (accept !== null) {
      for (let i = 0; i < accept.length; i++) {
        const a = accept[i];
        if (a >= states) {
          this.fail(field, '.dfa.accept', 'state out of range');
          return null;
        }
        unchecked((accepting[a] = 1));
      }
    }
    return new Dfa(classes, this.shared(classMap), table, accepting);
  }

  /** An equal class map loaded before, if any (patterns with the same literals share one). */
  shared(classMap: ArrayBuffer): ArrayBuffer {
    const seen = this.classMaps;
    for (let i = 0; i < seen.length; i++) if (sameBytes(unchecked(seen[i]), classMap)) return unchecked(seen[i]);
    if (seen.length < MAX_SHARED) seen.push(classMap);
    return classMap;
  }

  /** `null` or a string match object. */
  stringMatch(field: string): StringMatcher | null {
    const r = this.reader;
    if (r.kind() == JsonKind.Null) {
      r.readNull();
      return null;
    }
    this.matchObject(field, false);
    return this.matched;
  }

  // Results of the last matchObject (fields, not an object, so that a match allocates only what it keeps).
  matched: StringMatcher | null = null;
  matchedKind: MatchKind = MatchKind.Exact;
  matchedSlot: i32 = -1;
  /** What every value the last matcher accepts starts with (feeds the path index). */
  matchedLiteral: ArrayBuffer = EMPTY;
  /** Per kept rule, its path literal (EMPTY without a path condition); garbage after the load. */
  pathLiterals: ArrayBuffer[] = [];
  ruleLiteral: ArrayBuffer = EMPTY;

  matchObject(field: string, header: bool): void {
    const r = this.reader;
    this.matched = null;
    this.matchedKind = MatchKind.Exact;
    this.matchedSlot = -1;
    this.matchedLiteral = EMPTY;
    if (!r.enterObject()) return;
    let kind: i32 = -1;
    let value: ArrayBuffer | null = null;
    let dfa: Dfa | null = null;
    let first = true;
    while (r.nextKey(first)) {
      first = false;
      if (r.keyIs('kind')) {
        if (this.view(field, '.kind')) kind = kindOfView(r, header);
      } else if (r.keyIs('value')) {
        // Kept for exact/prefix only: a regex's source is for humans, the plugin matches its DFA.
        if (this.view(field, '.value')) value = this.reader.viewSize == 0 ? EMPTY : viewCopy(this.reader);
      } else if (r.keyIs('dfa')) dfa = this.dfa(field);
      else if (header && r.keyIs('name')) {
        if (this.view(field, '.name')) this.matchedSlot = r.viewSize == 0 ? -1 : this.slotOfView();
      } else r.skipValue();
      if (!this.ok) return;
    }
    if (header && this.matchedSlot < 0) this.fail(field, '.name', 'required');
    if (kind == MatchKind.Exact || kind == MatchKind.Prefix) {
      if (value === null) this.fail(field, '.value', 'required');
      else {
        this.matched = new StringMatcher(<MatchKind>kind, value, null, value);
        this.matchedLiteral = value;
      }
    } else if (kind == MatchKind.Regex) {
      if (dfa === null) this.fail(field, '.dfa', 'required for a regex');
      else {
        const literal = dfa.literalPrefix();
        this.matched = new StringMatcher(MatchKind.Regex, EMPTY, dfa, literal);
        this.matchedLiteral = literal;
      }
    } else if (kind < 0) this.fail(field, '.kind', 'unknown or missing kind');
    this.matchedKind = kind < 0 ? MatchKind.Exact : <MatchKind>kind;
  }

  headers(): StaticArray<HeaderCondition> {
    const r = this.reader;
    let out: Array<HeaderCondition> | null = null;
    if (!r.enterArray()) return NO_CONDITIONS;
    let first = true;
    while (r.nextItem(first)) {
      first = false;
      if (out === null) out = new Array<HeaderCondition>();
      this.headerIndex = out.length;
      if (out.length >= MAX_HEADERS_PER_RULE) {
        this.fail('headers', '', 'too many header conditions');
        return NO_CONDITIONS;
      }
      this.matchObject('headers[#]', true);
      if (!this.ok) return NO_CONDITIONS;
      out.push(new HeaderCondition(this.matchedSlot, this.matchedKind, this.matched));
    }
    // One fixed-size array per rule (the growable one is garbage after the load).
    return out === null ? NO_CONDITIONS : StaticArray.fromArray<HeaderCondition>(out);
  }

  selector(rule: Rule): void {
    const r = this.reader;
    if (!r.enterObject()) return;
    let first = true;
    let hasService = false;
    let hasNamespace = false;
    while (r.nextKey(first)) {
      first = false;
      if (r.keyIs('service')) {
        if (this.view('selector', '.service') && !this.viewSelects(this.service)) rule.applies = false;
        hasService = true;
      } else if (r.keyIs('namespace')) {
        if (this.view('selector', '.namespace') && !this.viewSelects(this.namespace)) rule.applies = false;
        hasNamespace = true;
      } else r.skipValue();
    }
    if (!hasService || !hasNamespace) this.fail('selector', '', 'service and namespace are required');
  }

  abort(): Abort | null {
    const r = this.reader;
    if (r.kind() == JsonKind.Null) {
      r.readNull();
      return null;
    }
    const abort = new Abort();
    let hasStatus = false;
    if (!r.enterObject()) return null;
    let first = true;
    while (r.nextKey(first)) {
      first = false;
      if (r.keyIs('status')) {
        abort.status = <i32>this.integer('abort', '.status', 200, 599);
        hasStatus = true;
      } else if (r.keyIs('grpcStatus')) abort.grpcStatus = <i32>this.integer('abort', '.grpcStatus', -1, 16);
      else if (r.keyIs('body')) abort.body = this.bytes('abort', '.body');
      else if (r.keyIs('headers')) {
        if (!r.enterArray()) return null;
        let f = true;
        let n = 0;
        while (r.nextItem(f)) {
          f = false;
          if (++n > MAX_ABORT_HEADERS) {
            this.fail('abort', '.headers', 'too many headers');
            return null;
          }
          if (!r.enterArray()) return null;
          if (!r.nextItem(true)) {
            this.fail('abort', '.headers[' + (n - 1).toString() + ']', 'expected [name, value]');
            return null;
          }
          const name = this.bytes('abort', '.headers[' + (n - 1).toString() + '][0]');
          if (!r.nextItem(false)) {
            this.fail('abort', '.headers[' + (n - 1).toString() + ']', 'expected [name, value]');
            return null;
          }
          const value = this.bytes('abort', '.headers[' + (n - 1).toString() + '][1]');
          if (r.nextItem(false)) {
            this.fail('abort', '.headers[' + (n - 1).toString() + ']', 'expected [name, value]');
            return null;
          }
          if (!this.ok) return null;
          if (abort.headers.length == 0) abort.headers = new Array<ArrayBuffer>();
          abort.headers.push(name);
          abort.headers.push(value);
        }
      } else r.skipValue();
      if (!this.ok) return null;
    }
    if (!hasStatus) this.fail('abort', '.status', 'required');
    // Share an equal abort seen before (most rules of a set abort alike).
    const seen = this.aborts;
    for (let i = 0; i < seen.length; i++) if (unchecked(seen[i]).equals(abort)) return unchecked(seen[i]);
    if (seen.length < MAX_SHARED) seen.push(abort);
    return abort;
  }

  rule(): Rule {
    const r = this.reader;
    const rule = new Rule();
    if (!r.enterObject()) return rule;
    let seen: u32 = 0;
    let first = true;
    while (r.nextKey(first)) {
      first = false;
      if (r.keyIs('id')) {
        rule.idBytes = this.bytes('id', '');
        seen |= 1;
      } else if (r.keyIs('selector')) {
        this.selector(rule);
        seen |= 2;
      } else if (r.keyIs('path')) {
        rule.path = this.stringMatch('path');
        this.ruleLiteral = rule.path === null ? EMPTY : this.matchedLiteral;
        seen |= 4;
      } else if (r.keyIs('method')) {
        rule.method = this.stringMatch('method');
        seen |= 8;
      } else if (r.keyIs('headers')) {
        rule.headers = this.headers();
        seen |= 16;
      } else if (r.keyIs('perMillion')) {
        rule.perMillion = <i32>this.integer('perMillion', '', 0, 1_000_000);
        seen |= 32;
      } else if (r.keyIs('delayMs')) {
        rule.delayMs = <i32>this.integer('delayMs', '', 0, <f64>MAX_DELAY_MS);
        seen |= 64;
      } else if (r.keyIs('abort')) {
        rule.abort = this.abort();
        seen |= 128;
      } else if (r.keyIs('startDelayMs')) {
        rule.startDelayMs = <i32>this.integer('startDelayMs', '', 0, <f64>MAX_DELAY_MS);
        seen |= 256;
      } else if (r.keyIs('activeFromMs')) {
        rule.activeFromMs = <i64>this.integer('activeFromMs', '', 0, 9007199254740991);
        seen |= 512;
      } else if (r.keyIs('expiresAtMs')) {
        rule.expiresAtMs = <i64>this.integer('expiresAtMs', '', 0, 9007199254740991);
        seen |= 1024;
      } else r.skipValue();
      if (!this.ok) return rule;
    }
    if (seen != 2047)
      this.fail(
        '',
        '',
        'missing required fields (id, selector, path, method, headers, perMillion, delayMs, abort, startDelayMs, activeFromMs, expiresAtMs)',
      );
    if (rule.idBytes.byteLength == 0) this.fail('id', '', 'must not be empty');
    rule.alwaysActive = rule.activeFromMs <= this.loadedAtMs && rule.expiresAtMs == 0;
    return rule;
  }
}

function viewCopy(r: JsonReader): ArrayBuffer {
  const out = new ArrayBuffer(<i32>r.viewSize);
  memory.copy(changetype<usize>(out), r.viewPtr, r.viewSize);
  return out;
}

/** The MatchKind a `kind` string names, or -1. */
function kindOfView(r: JsonReader, header: bool): i32 {
  if (r.viewIs('exact')) return MatchKind.Exact;
  if (r.viewIs('prefix')) return MatchKind.Prefix;
  if (r.viewIs('regex')) return MatchKind.Regex;
  if (header && r.viewIs('present')) return MatchKind.Present;
  if (header && r.viewIs('absent')) return MatchKind.Absent;
  return -1;
}

/** Parses and validates a rule set, keeping the rules that can apply to `identity`. */
export function loadRuleSet(r: JsonReader, identity: Identity, nowMs: i64): LoadResult {
  const result = new LoadResult();
  const loader = new Loader(r, identity);
  loader.loadedAtMs = nowMs;
  const set = new RuleSet();
  let wireVersion: i32 = -1;
  let hasEpoch = false;
  let hasVersion = false;
  let hasRules = false;
  if (r.enterObject()) {
    let first = true;
    while (r.nextKey(first)) {
      first = false;
      if (r.keyIs('wireVersion')) {
        wireVersion = <i32>loader.integer('wireVersion', '', 0, 1_000_000);
        if (loader.ok && wireVersion != WIRE_VERSION) {
          loader.fail(
            'wireVersion',
            '',
            'unknown version ' + wireVersion.toString() + ' (this plugin reads ' + WIRE_VERSION.toString() + ')',
          );
        }
      } else if (r.keyIs('epoch')) {
        set.epoch = loader.str('epoch', '');
        hasEpoch = true;
      } else if (r.keyIs('version')) {
        set.version = <i64>loader.integer('version', '', 0, 9007199254740991);
        hasVersion = true;
      } else if (r.keyIs('rules')) {
        hasRules = true;
        if (r.enterArray()) {
          let f = true;
          let index = 0;
          while (r.nextItem(f)) {
            f = false;
            if (index >= MAX_RULES) {
              loader.fail('rules', '', 'more than ' + MAX_RULES.toString() + ' rules');
              break;
            }
            loader.ruleIndex = index;
            loader.headerIndex = -1;
            loader.ruleLiteral = EMPTY;
            const rule = loader.rule();
            if (!loader.ok) break;
            index++;
            if (rule.applies) {
              set.rules.push(rule);
              loader.pathLiterals.push(loader.ruleLiteral);
            }
          }
          loader.ruleIndex = -1;
          set.totalRules = index;
        }
      } else r.skipValue();
      if (!loader.ok) break;
    }
  }
  if (loader.ok) r.finish();
  if (loader.ok && wireVersion < 0) loader.fail('wireVersion', '', 'required');
  if (loader.ok && (!hasEpoch || !hasVersion || !hasRules)) loader.fail('', '', 'epoch, version and rules are required');
  if (r.failed) {
    result.error = 'malformed JSON: ' + r.error;
    return result;
  }
  if (!loader.ok) {
    result.error = loader.error;
    return result;
  }
  // Slots only for names the kept rules read: renumber so the hot path's per-request cache stays small.
  compactSlots(set, loader.headerNames);
  set.index = buildPathIndex(set.rules, loader.pathLiterals);
  result.ruleSet = set;
  return result;
}

function compactSlots(set: RuleSet, names: ArrayBuffer[]): void {
  const remap = new StaticArray<i32>(names.length);
  for (let i = 0; i < names.length; i++) remap[i] = -1;
  for (let i = 0; i < set.rules.length; i++) {
    const conditions = set.rules[i].headers;
    for (let j = 0; j < conditions.length; j++) {
      const c = conditions[j];
      let slot = remap[c.slot];
      if (slot < 0) {
        slot = set.headerNames.length;
        remap[c.slot] = slot;
        set.headerNames.push(names[c.slot]);
      }
      c.slot = slot;
    }
  }
  set.slots = new HeaderSlots(set.headerNames.length);
}
