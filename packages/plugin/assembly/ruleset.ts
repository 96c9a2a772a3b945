// The compiled rule set as the plugin holds it, and its loader from the wire JSON (docs/wire-format.md).
// Loading validates everything the hot path relies on (DFA table entries, bounds) so that matching
// can use unchecked loads. Rules whose selector cannot match this workload are dropped at load time.

import { JsonKind, JsonReader } from './json';
import { decodeBase64 } from './base64';
import { Dfa, HeaderCondition, MatchKind, StringMatcher } from './matchers';
import { PairsBuilder } from './abi/pairs';
import { Identity } from './identity';
import { HeaderSlots } from './decide';
import {
  MAX_ABORT_HEADERS, MAX_DELAY_MS, MAX_DFA_CELLS, MAX_DFA_STATES, MAX_HEADERS_PER_RULE, MAX_RULES, WIRE_VERSION,
} from './limits';

export class RuleCounters {
  aborts: i64 = 0;
  delays: i64 = 0;
}

export class Abort {
  status: i32 = 0;
  grpcStatus: i32 = -1;
  body: ArrayBuffer = new ArrayBuffer(0);
  /** Pairs-encoded response headers, `x-hfi-fault` included, ready for proxy_send_local_response. */
  headerPairs: ArrayBuffer = new ArrayBuffer(0);
}

export class Rule {
  id: string = '';
  idBytes: ArrayBuffer = new ArrayBuffer(0);
  service: string = '';
  namespace: string = '';
  path: StringMatcher | null = null;
  /** Quick reject: the first (up to 8) bytes an exact/prefix path must start with, and which bytes count. */
  pathKey: u64 = 0;
  pathMask: u64 = 0;
  method: StringMatcher | null = null;
  headers: HeaderCondition[] = [];
  perMillion: i32 = 0;
  delayMs: i64 = 0;
  startDelayMs: i64 = 0;
  abort: Abort | null = null;
  activeFromMs: i64 = 0;
  expiresAtMs: i64 = 0;
  /** Attached on first fault, from the root context's per-rule counters. */
  counters: RuleCounters | null = null;
}

export class RuleSet {
  epoch: string = '';
  version: i64 = 0;
  /** Rules in the whole set as sent. */
  totalRules: i32 = 0;
  /** Rules that can apply to this workload, in evaluation order. */
  rules: Rule[] = [];
  /** Distinct header names the rules read; a condition's `slot` indexes this list. */
  headerNames: ArrayBuffer[] = [];
  /** Per-request cache of those headers' values, sized once the names are known. */
  slots: HeaderSlots = new HeaderSlots(0);
}

export class LoadResult {
  ruleSet: RuleSet | null = null;
  error: string = '';
}

const HFI_FAULT_HEADER = 'x-hfi-fault';

class Loader {
  reader: JsonReader;
  error: string = '';
  headerNames: string[] = [];

  constructor(reader: JsonReader) {
    this.reader = reader;
  }

  fail(message: string): void {
    if (this.error.length == 0) this.error = message;
  }

  get ok(): bool {
    return this.error.length == 0 && !this.reader.failed;
  }

  integer(field: string, min: f64, max: f64): f64 {
    const r = this.reader;
    const v = r.readNumber();
    if (r.failed) return 0;
    if (v != Math.floor(v) || v < min || v > max) {
      this.fail(field + ': expected an integer in ' + (<i64>min).toString() + '..' + (<i64>max).toString());
    }
    return v;
  }

  str(field: string): string {
    if (this.reader.kind() != JsonKind.String) {
      this.fail(field + ': expected a string');
      this.reader.skipValue();
      return '';
    }
    return this.reader.readString();
  }

  bytes(field: string): ArrayBuffer {
    if (this.reader.kind() != JsonKind.String) {
      this.fail(field + ': expected a string');
      this.reader.skipValue();
      return new ArrayBuffer(0);
    }
    return this.reader.readStringBytes();
  }

  slotOf(name: string): i32 {
    for (let i = 0; i < this.headerNames.length; i++) if (this.headerNames[i] == name) return i;
    this.headerNames.push(name);
    return this.headerNames.length - 1;
  }

  dfa(field: string): Dfa | null {
    const r = this.reader;
    if (!r.enterObject()) return null;
    let states: i32 = -1;
    let classes: i32 = -1;
    let classMap: ArrayBuffer | null = null;
    let table: ArrayBuffer | null = null;
    let accept: i32[] = [];
    let first = true;
    while (r.nextKey(first)) {
      first = false;
            if (r.keyIs('states')) states = <i32>this.integer(field + '.states', 1, MAX_DFA_STATES);
      else if (r.keyIs('classes')) classes = <i32>this.integer(field + '.classes', 1, 256);
      else if (r.keyIs('classMap')) classMap = decodeBase64(this.bytes(field + '.classMap'));
      else if (r.keyIs('table')) table = decodeBase64(this.bytes(field + '.table'));
      else if (r.keyIs('accept')) {
        if (!r.enterArray()) return null;
        let f = true;
        while (r.nextItem(f)) {
          f = false;
          if (accept.length >= MAX_DFA_STATES) {
            this.fail(field + '.accept: too many entries');
            return null;
          }
          accept.push(<i32>this.integer(field + '.accept', 0, MAX_DFA_STATES));
        }
      } else r.skipValue();
    }
    if (!this.ok) return null;
    if (states < 0 || classes < 0) {
      this.fail(field + ': states and classes are required');
      return null;
    }
    if (states * classes > MAX_DFA_CELLS) {
      this.fail(field + ': table too large');
      return null;
    }
    if (classMap === null || classMap.byteLength != 256) {
      this.fail(field + '.classMap: expected base64 of 256 bytes');
      return null;
    }
    if (table === null || table.byteLength != states * classes * 2) {
      this.fail(field + '.table: expected base64 of states*classes u16 LE');
      return null;
    }
    const map = new StaticArray<u8>(256);
    for (let i = 0; i < 256; i++) {
      const c = load<u8>(changetype<usize>(classMap) + i);
      if (<i32>c >= classes) {
        this.fail(field + '.classMap: class out of range');
        return null;
      }
      unchecked((map[i] = c));
    }
    const cells = states * classes;
    const next = new StaticArray<u16>(cells);
    for (let i = 0; i < cells; i++) {
      const s = load<u16>(changetype<usize>(table) + (<usize>i << 1));
      if (s != 0xffff && <i32>s >= states) {
        this.fail(field + '.table: state out of range');
        return null;
      }
      unchecked((next[i] = s));
    }
    const accepting = new StaticArray<u8>(states);
    for (let i = 0; i < accept.length; i++) {
      const a = accept[i];
      if (a >= states) {
        this.fail(field + '.accept: state out of range');
        return null;
      }
      unchecked((accepting[a] = 1));
    }
    return new Dfa(classes, map, next, accepting);
  }

  /** `null` or a string match object; `header` adds the present/absent kinds and the name. */
  stringMatch(field: string): StringMatcher | null {
    const r = this.reader;
    if (r.kind() == JsonKind.Null) {
      r.readNull();
      return null;
    }
    const m = this.matchObject(field, false);
    return m.matcher;
  }

  matchObject(field: string, header: bool): ParsedMatch {
    const r = this.reader;
    const out = new ParsedMatch();
    if (!r.enterObject()) return out;
    let kind = '';
    let value: ArrayBuffer | null = null;
    let dfa: Dfa | null = null;
    let first = true;
    while (r.nextKey(first)) {
      first = false;
            if (r.keyIs('kind')) kind = this.str(field + '.kind');
      else if (r.keyIs('value')) value = this.bytes(field + '.value');
      else if (r.keyIs('dfa')) dfa = this.dfa(field + '.dfa');
      else if (header && r.keyIs('name')) out.name = this.str(field + '.name');
      else r.skipValue();
    }
    if (!this.ok) return out;
    if (header && out.name.length == 0) this.fail(field + '.name: required');
    if (kind == 'exact' || kind == 'prefix') {
      if (value === null) this.fail(field + '.value: required');
      else out.matcher = new StringMatcher(kind == 'exact' ? MatchKind.Exact : MatchKind.Prefix, value, null);
      out.kind = kind == 'exact' ? MatchKind.Exact : MatchKind.Prefix;
    } else if (kind == 'regex') {
      if (dfa === null) this.fail(field + '.dfa: required for a regex');
      else out.matcher = new StringMatcher(MatchKind.Regex, value === null ? new ArrayBuffer(0) : value, dfa);
      out.kind = MatchKind.Regex;
    } else if (header && kind == 'present') out.kind = MatchKind.Present;
    else if (header && kind == 'absent') out.kind = MatchKind.Absent;
    else this.fail(field + ".kind: unknown kind '" + kind + "'");
    return out;
  }

  headers(field: string): HeaderCondition[] {
    const r = this.reader;
    const out: HeaderCondition[] = [];
    if (!r.enterArray()) return out;
    let first = true;
    while (r.nextItem(first)) {
      first = false;
      const f = field + '[' + out.length.toString() + ']';
      if (out.length >= MAX_HEADERS_PER_RULE) {
        this.fail(field + ': too many header conditions');
        return out;
      }
      const m = this.matchObject(f, true);
      if (!this.ok) return out;
      out.push(new HeaderCondition(this.slotOf(m.name), m.kind, m.matcher));
    }
    return out;
  }

  selector(field: string, rule: Rule): void {
    const r = this.reader;
    if (!r.enterObject()) return;
    let first = true;
    let hasService = false;
    let hasNamespace = false;
    while (r.nextKey(first)) {
      first = false;
      if (r.keyIs('service')) {
        rule.service = this.str(field + '.service');
        hasService = true;
      } else if (r.keyIs('namespace')) {
        rule.namespace = this.str(field + '.namespace');
        hasNamespace = true;
      } else r.skipValue();
    }
    if (!hasService || !hasNamespace) this.fail(field + ': service and namespace are required');
  }

  abort(field: string, rule: Rule): Abort | null {
    const r = this.reader;
    if (r.kind() == JsonKind.Null) {
      r.readNull();
      return null;
    }
    const abort = new Abort();
    const pairs = new PairsBuilder();
    pairs.add(String.UTF8.encode(HFI_FAULT_HEADER), rule.idBytes);
    let hasStatus = false;
    if (!r.enterObject()) return null;
    let first = true;
    while (r.nextKey(first)) {
      first = false;
            if (r.keyIs('status')) {
        abort.status = <i32>this.integer(field + '.status', 200, 599);
        hasStatus = true;
      } else if (r.keyIs('grpcStatus')) abort.grpcStatus = <i32>this.integer(field + '.grpcStatus', -1, 16);
      else if (r.keyIs('body')) abort.body = this.bytes(field + '.body');
      else if (r.keyIs('headers')) {
        if (!r.enterArray()) return null;
        let f = true;
        let n = 0;
        while (r.nextItem(f)) {
          f = false;
          if (++n > MAX_ABORT_HEADERS) {
            this.fail(field + '.headers: too many headers');
            return null;
          }
          if (!r.enterArray()) return null;
          const hf = field + '.headers[' + (n - 1).toString() + ']';
          if (!r.nextItem(true)) {
            this.fail(hf + ': expected [name, value]');
            return null;
          }
          const name = this.bytes(hf + '[0]');
          if (!r.nextItem(false)) {
            this.fail(hf + ': expected [name, value]');
            return null;
          }
          const value = this.bytes(hf + '[1]');
          if (r.nextItem(false)) {
            this.fail(hf + ': expected [name, value]');
            return null;
          }
          if (!this.ok) return null;
          pairs.add(name, value);
        }
      } else r.skipValue();
    }
    if (!hasStatus) this.fail(field + '.status: required');
    abort.headerPairs = pairs.build();
    return abort;
  }

  rule(field: string): Rule {
    const r = this.reader;
    const rule = new Rule();
    if (!r.enterObject()) return rule;
    // `id` is needed before `abort` (its pairs carry x-hfi-fault), so an abort read before the id is re-keyed.
    let abortSeenBeforeId = false;
    let seen: u32 = 0;
    let first = true;
    while (r.nextKey(first)) {
      first = false;
            if (r.keyIs('id')) {
        rule.id = this.str(field + '.id');
        rule.idBytes = String.UTF8.encode(rule.id);
        seen |= 1;
      } else if (r.keyIs('selector')) {
        this.selector(field + '.selector', rule);
        seen |= 2;
      } else if (r.keyIs('path')) {
        rule.path = this.stringMatch(field + '.path');
        seen |= 4;
      } else if (r.keyIs('method')) {
        rule.method = this.stringMatch(field + '.method');
        seen |= 8;
      } else if (r.keyIs('headers')) {
        rule.headers = this.headers(field + '.headers');
        seen |= 16;
      } else if (r.keyIs('perMillion')) {
        rule.perMillion = <i32>this.integer(field + '.perMillion', 0, 1_000_000);
        seen |= 32;
      } else if (r.keyIs('delayMs')) {
        rule.delayMs = <i64>this.integer(field + '.delayMs', 0, <f64>MAX_DELAY_MS);
        seen |= 64;
      } else if (r.keyIs('abort')) {
        rule.abort = this.abort(field + '.abort', rule);
        if ((seen & 1) == 0) abortSeenBeforeId = true;
        seen |= 128;
      } else if (r.keyIs('startDelayMs')) {
        rule.startDelayMs = <i64>this.integer(field + '.startDelayMs', 0, <f64>MAX_DELAY_MS);
        seen |= 256;
      } else if (r.keyIs('activeFromMs')) {
        rule.activeFromMs = <i64>this.integer(field + '.activeFromMs', 0, 9007199254740991);
        seen |= 512;
      } else if (r.keyIs('expiresAtMs')) {
        rule.expiresAtMs = <i64>this.integer(field + '.expiresAtMs', 0, 9007199254740991);
        seen |= 1024;
      } else r.skipValue();
      if (!this.ok) return rule;
    }
    const path = rule.path;
    if (path !== null && path.kind != MatchKind.Regex) {
      const n = path.value.byteLength < 8 ? path.value.byteLength : 8;
      for (let i = 0; i < n; i++) {
        rule.pathKey |= (<u64>load<u8>(changetype<usize>(path.value) + i)) << (<u64>(8 * i));
        rule.pathMask |= (<u64>0xff) << (<u64>(8 * i));
      }
    }
    if (seen != 2047) this.fail(field + ': missing required fields (id, selector, path, method, headers, perMillion, delayMs, abort, startDelayMs, activeFromMs, expiresAtMs)');
    if (rule.id.length == 0) this.fail(field + '.id: must not be empty');
    const abort = rule.abort;
    if (abortSeenBeforeId && abort !== null) {
      // Rebuild the pairs with the real id in front: decode the old pairs' tail is not worth it, so re-encode.
      abort.headerPairs = rekey(abort.headerPairs, rule.idBytes);
    }
    return rule;
  }
}

class ParsedMatch {
  name: string = '';
  kind: MatchKind = MatchKind.Exact;
  matcher: StringMatcher | null = null;
}

/** Replaces the value of the first pair (x-hfi-fault) in an encoded pairs buffer. */
function rekey(pairs: ArrayBuffer, id: ArrayBuffer): ArrayBuffer {
  const base = changetype<usize>(pairs);
  const n = load<u32>(base);
  const builder = new PairsBuilder();
  let data = base + 4 + 8 * <usize>n;
  for (let i: u32 = 0; i < n; i++) {
    const kl = <usize>load<u32>(base + 4 + 8 * <usize>i);
    const vl = <usize>load<u32>(base + 8 + 8 * <usize>i);
    const key = new ArrayBuffer(<i32>kl);
    memory.copy(changetype<usize>(key), data, kl);
    data += kl + 1;
    const value = new ArrayBuffer(<i32>vl);
    memory.copy(changetype<usize>(value), data, vl);
    data += vl + 1;
    builder.add(key, i == 0 ? id : value);
  }
  return builder.build();
}

function selectorApplies(rule: Rule, identity: Identity): bool {
  if (rule.service != '*' && (!identity.hasService || rule.service != identity.service)) return false;
  if (rule.namespace != '*' && (!identity.hasNamespace || rule.namespace != identity.namespace)) return false;
  return true;
}

/** Parses and validates a rule set, keeping the rules that can apply to `identity`. */
export function loadRuleSet(ptr: usize, size: usize, identity: Identity): LoadResult {
  const result = new LoadResult();
  const r = new JsonReader(ptr, size);
  const loader = new Loader(r);
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
        wireVersion = <i32>loader.integer('wireVersion', 0, 1_000_000);
        if (loader.ok && wireVersion != WIRE_VERSION) {
          loader.fail('wireVersion: unknown version ' + wireVersion.toString() + ' (this plugin reads ' + WIRE_VERSION.toString() + ')');
        }
      } else if (r.keyIs('epoch')) {
        set.epoch = loader.str('epoch');
        hasEpoch = true;
      } else if (r.keyIs('version')) {
        set.version = <i64>loader.integer('version', 0, 9007199254740991);
        hasVersion = true;
      } else if (r.keyIs('rules')) {
        hasRules = true;
        if (r.enterArray()) {
          let f = true;
          let index = 0;
          while (r.nextItem(f)) {
            f = false;
            if (index >= MAX_RULES) {
              loader.fail('rules: more than ' + MAX_RULES.toString() + ' rules');
              break;
            }
            const rule = loader.rule('rules[' + index.toString() + ']');
            if (!loader.ok) break;
            index++;
            if (selectorApplies(rule, identity)) set.rules.push(rule);
          }
          set.totalRules = index;
        }
      } else r.skipValue();
      if (!loader.ok) break;
    }
  }
  if (loader.ok) r.finish();
  if (loader.ok && wireVersion < 0) loader.fail('wireVersion: required');
  if (loader.ok && (!hasEpoch || !hasVersion || !hasRules)) loader.fail('epoch, version and rules are required');
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
  result.ruleSet = set;
  return result;
}

function compactSlots(set: RuleSet, names: string[]): void {
  const remap = new StaticArray<i32>(names.length);
  for (let i = 0; i < names.length; i++) remap[i] = -1;
  for (let i = 0; i < set.rules.length; i++) {
    const rule = set.rules[i];
    const conditions = rule.headers;
    const renumbered: HeaderCondition[] = [];
    for (let j = 0; j < conditions.length; j++) {
      const c = conditions[j];
      let slot = remap[c.slot];
      if (slot < 0) {
        slot = set.headerNames.length;
        remap[c.slot] = slot;
        set.headerNames.push(String.UTF8.encode(names[c.slot]));
      }
      renumbered.push(new HeaderCondition(slot, c.kind, c.matcher));
    }
    rule.headers = renumbered;
  }
  set.slots = new HeaderSlots(set.headerNames.length);
}
