// Loads the compiled rule set from the wire JSON (docs/wire-format.md) straight into the structures the
// hot path reads (../ruleset.ts), validating everything matching relies on. Rules whose selector cannot
// match this workload are dropped here.

import { EMPTY, HASH_START, hashBytes } from '../bytes';
import { HeaderSlots } from '../decide';
import { Abort } from '../faults/abort';
import { REQUIRED_FAULT_FIELD_NAMES, REQUIRED_FAULT_FIELDS, readFaultField } from '../faults/registry';
import { scheduled } from '../faults/schedule';
import { collectDuringLoad } from '../gc';
import { Identity } from '../identity';
import { JsonKind, JsonReader } from '../json';
import { MAX_DELAY_MS, MAX_HEADERS_PER_RULE, MAX_RULES, WIRE_COMPACT_VERSION, WIRE_VERSION } from '../limits';
import { Dfa, HeaderCondition, MatchKind, StringMatcher } from '../matchers';
import { buildPathIndex } from '../path-index';
import { NO_CONDITIONS, Rule, RuleSet } from '../ruleset';
import { ClassMaps, readDfa } from './dfa';
import { FieldReader } from './fields';

/** The bits ruleField returns for perMillion and for any fault kind's field. */
const PER_MILLION: u32 = 32;
const FAULT_FIELD: u32 = 1 << 16;
/** At most one table per regex matcher a set can hold (a path, a method and every header condition of each rule). */
const MAX_TABLES: i32 = MAX_RULES * (MAX_HEADERS_PER_RULE + 2);
/** An exact/prefix value that fits a matcher's key, until the matcher is built (the view may move before). */
const shortValue = memory.data(8);
let shortSize: i32 = 0;
/**
 * A load collects its garbage (collectDuringLoad) each time it has read another 1/COLLECTIONS of the body, and
 * at least every MIN_COLLECT_BYTES: each collection visits every live object, so their number is bounded, and
 * the garbage between two is a small part of a set (what the index build needs anyway at the end).
 */
const COLLECTIONS: usize = 24;
const MIN_COLLECT_BYTES: usize = 16 * 1024;

/**
 * The load in progress, in a global so that the collections it makes keep it (and its reader, set and tables):
 * the runtime marks from globals only. The frames below a load hold nothing else used after one of them.
 */
let pinned: RuleSetLoader | null = null;

/** Collects garbage between two items of the pinned load; nothing outside one. */
function collectPinned(): void {
  if (pinned !== null) collectDuringLoad();
}

/** What a checking pass hands a regex that refers to a table (it keeps none): a valid DFA that accepts nothing. */
const CHECKED_DFA = new Dfa(1, new ArrayBuffer(256), new ArrayBuffer(2), new StaticArray<u8>(1));
store<u16>(changetype<usize>(CHECKED_DFA.table), 0xffff);

export class LoadResult {
  ruleSet: RuleSet | null = null;
  error: string = '';
}

/** Reads rules, their selectors and matchers (aborts: abort.ts, regex DFAs: dfa.ts). */
class RuleSetLoader extends FieldReader {
  /** Distinct header names (UTF-8) across all rules; conditions refer to them by slot. */
  headerNames: ArrayBuffer[] = [];
  /** The host's clock when the set is loaded (epoch ms). */
  loadedAtMs: i64 = 0;
  /** The identity as UTF-8 for selector compares; null when unknown. */
  service: ArrayBuffer | null;
  namespace: ArrayBuffer | null;
  /** Distinct aborts so far (a bounded number), to share equal ones; likewise DFA class maps. */
  aborts: Abort[] = [];
  classMaps: ClassMaps = new ClassMaps();
  /** The set's shared DFA tables (`dfas`, wire version 4), which regexes refer to by index; only counted when not kept. */
  tables: Dfa[] = [];
  tableCount: i32 = 0;
  /** False for a checking pass: everything is read and validated, nothing is kept (loadRuleSet). */
  keep: bool = true;
  /** Where in the body the next collection is due, and the distance between two. */
  collectAt: usize = 0;
  collectStep: usize = MIN_COLLECT_BYTES;
  set: RuleSet = new RuleSet();

  constructor(reader: JsonReader, identity: Identity) {
    super(reader);
    this.service = identity.hasService ? String.UTF8.encode(identity.service) : null;
    this.namespace = identity.hasNamespace ? String.UTF8.encode(identity.namespace) : null;
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
      } else if (r.keyIs('exact') || r.keyIs('prefix')) {
        // The compact form (wire version 5): the kind is the key, as in a policy.
        kind = r.keyIs('exact') ? MatchKind.Exact : MatchKind.Prefix;
        value = this.matchValue(field, r.keyIs('exact') ? '.exact' : '.prefix');
      } else if (r.keyIs('regex')) {
        kind = MatchKind.Regex;
        r.skipValue();
      } else if (header && r.keyIs('present')) {
        kind = this.flag(field, '.present') ? MatchKind.Present : MatchKind.Absent;
      } else if (r.keyIs('value')) {
        // Kept for exact/prefix only, and only when longer than the matcher's key: a regex's source is for
        // humans, the plugin matches its DFA.
        value = this.matchValue(field, '.value');
      } else if (r.keyIs('dfa')) dfa = r.kind() == JsonKind.Number ? this.table(field) : readDfa(this, field, this.classMaps, false);
      else if (header && r.keyIs('name')) {
        if (this.view(field, '.name')) this.matchedSlot = r.viewSize == 0 ? -1 : this.slotOfView();
      } else r.skipValue();
      if (!this.ok) return;
    }
    if (header && this.matchedSlot < 0) this.fail(field, '.name', 'required');
    if (kind == MatchKind.Exact || kind == MatchKind.Prefix) {
      if (value === null) this.fail(field, '.value', 'required');
      else {
        const short = value.byteLength == 0;
        const literal = short ? shortValue : changetype<usize>(value);
        this.matched = new StringMatcher(<MatchKind>kind, value, null, literal, short ? shortSize : value.byteLength);
        this.matchedLiteral = value;
      }
    } else if (kind == MatchKind.Regex) {
      if (dfa === null) this.fail(field, '.dfa', 'required for a regex');
      else {
        const literal = dfa.literalPrefix();
        this.matched = new StringMatcher(MatchKind.Regex, EMPTY, dfa, changetype<usize>(literal), literal.byteLength);
        this.matchedLiteral = literal;
      }
    } else if (kind < 0) this.fail(field, '.kind', 'unknown or missing kind');
    this.matchedKind = kind < 0 ? MatchKind.Exact : <MatchKind>kind;
  }

  /** An exact/prefix value: EMPTY when it fits the matcher's key (then in shortValue), else its own copy; null if invalid. */
  matchValue(field: string, sub: string): ArrayBuffer | null {
    const r = this.reader;
    if (!this.view(field, sub)) return null;
    if (!StringMatcher.fitsKey(r.viewPtr, r.viewSize)) return this.viewBytes();
    memory.copy(shortValue, r.viewPtr, r.viewSize);
    shortSize = <i32>r.viewSize;
    return EMPTY;
  }

  /** A regex's `dfa` given as an index into the set's `dfas` (read before `rules`, so the tables are known). */
  table(field: string): Dfa | null {
    const i = <i32>this.integer(field, '.dfa', 0, <f64>MAX_TABLES);
    if (!this.ok) return null;
    if (i >= this.tableCount) {
      this.fail(field, '.dfa', 'no table ' + i.toString() + ' in dfas (which must come before rules)');
      return null;
    }
    return this.keep ? unchecked(this.tables[i]) : CHECKED_DFA;
  }

  /** `dfas`: every table once, validated as an inline one is; rules that share one share the object. */
  dfas(): void {
    const r = this.reader;
    if (!r.enterArray()) return;
    let first = true;
    while (r.nextItem(first)) {
      first = false;
      if (this.tableCount >= MAX_TABLES) {
        this.fail('dfas', '', 'more than ' + MAX_TABLES.toString() + ' tables');
        return;
      }
      this.headerIndex = this.tableCount;
      const dfa = readDfa(this, 'dfas[#]', this.classMaps, true);
      if (dfa === null) {
        if (this.ok) this.fail('dfas[#]', '', 'expected a DFA table');
        return;
      }
      if (this.keep) this.tables.push(dfa);
      this.tableCount++;
      this.collectIfDue();
    }
    this.headerIndex = -1;
  }

  collectIfDue(): void {
    const at = this.reader.position;
    if (at < this.collectAt) return;
    this.collectAt = at + this.collectStep;
    collectPinned();
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

  /** A `{service, namespace}` selector: whether it matches this workload. */
  selects(field: string): bool {
    const r = this.reader;
    if (!r.enterObject()) return false;
    let first = true;
    let hasService = false;
    let hasNamespace = false;
    let selects = true;
    while (r.nextKey(first)) {
      first = false;
      if (r.keyIs('service')) {
        if (this.view(field, '.service') && !this.viewSelects(this.service)) selects = false;
        hasService = true;
      } else if (r.keyIs('namespace')) {
        if (this.view(field, '.namespace') && !this.viewSelects(this.namespace)) selects = false;
        hasNamespace = true;
      } else r.skipValue();
    }
    if (!hasService || !hasNamespace) this.fail(field, '', 'service and namespace are required');
    return selects;
  }

  /** `halts`: [{selector, reason, …}]; the first halt that covers this workload halts the whole set. */
  halts(set: RuleSet): void {
    const r = this.reader;
    if (!r.enterArray()) return;
    let first = true;
    while (r.nextItem(first)) {
      first = false;
      if (!r.enterObject()) return;
      let covers = false;
      let hasSelector = false;
      let reason = '';
      let f = true;
      while (r.nextKey(f)) {
        f = false;
        if (r.keyIs('selector')) {
          covers = this.selects('halts[].selector');
          hasSelector = true;
        } else if (r.keyIs('reason')) reason = this.str('halts[].reason', '');
        else r.skipValue();
        if (!this.ok) return;
      }
      if (!hasSelector) {
        this.fail('halts[]', '.selector', 'required');
        return;
      }
      if (covers && set.haltReason === null) set.haltReason = reason;
    }
  }

  // The current policy of the compact form (wire version 5), read before its rules.
  policyName: ArrayBuffer = EMPTY;
  policyApplies: bool = true;
  policyVersionHash: u64 = 0;
  policyActiveFromMs: i64 = 0;

  /**
   * `policies` (the compact form): each policy's fields, then its rules, which take them. A rule's absent fields
   * are their defaults, its id `<policy>/<ruleIndex>`, its index its position unless given.
   */
  policies(set: RuleSet, start: i32): i32 {
    const r = this.reader;
    let count = start;
    if (!r.enterArray()) return count;
    let first = true;
    let policyIndex = 0;
    while (r.nextItem(first)) {
      first = false;
      this.policyIndex = policyIndex;
      this.ruleIndex = -1;
      count = this.policy(set, count);
      if (!this.ok) return count;
      policyIndex++;
    }
    this.policyIndex = -1;
    this.ruleIndex = -1;
    return count;
  }

  /** One policy of the compact form: its fields, then `rules` (which must come after them). */
  policy(set: RuleSet, start: i32): i32 {
    const r = this.reader;
    let count = start;
    if (!r.enterObject()) return count;
    // policy, policyVersion, selector, activeFromMs; rules
    let seen: u32 = 0;
    let hasRules = false;
    let first = true;
    while (r.nextKey(first)) {
      first = false;
      if (r.keyIs('policy')) {
        this.policyName = this.bytes('policy', '');
        if (this.ok && this.policyName.byteLength == 0) this.fail('policy', '', 'must not be empty');
        seen |= 1;
      } else if (r.keyIs('policyVersion')) {
        if (this.view('policyVersion', '')) this.policyVersionHash = hashBytes(HASH_START, r.viewPtr, r.viewSize);
        seen |= 2;
      } else if (r.keyIs('selector')) {
        this.policyApplies = this.selects('selector');
        seen |= 4;
      } else if (r.keyIs('activeFromMs')) {
        this.policyActiveFromMs = <i64>this.integer('activeFromMs', '', 0, 9007199254740991);
        seen |= 8;
      } else if (r.keyIs('rules')) {
        if (seen != 15) {
          this.fail('rules', '', 'must come after policy, policyVersion, selector and activeFromMs');
          return count;
        }
        hasRules = true;
        count = this.rules(set, count, true);
      } else r.skipValue();
      if (!this.ok) return count;
    }
    if (!hasRules) this.fail('', '', 'policy, policyVersion, selector, activeFromMs and rules are required');
    return count;
  }

  /** A `rules` array (of the rule form, or of one policy in the compact form): the number of rules read so far. */
  rules(set: RuleSet, start: i32, compact: bool): i32 {
    const r = this.reader;
    let count = start;
    if (!r.enterArray()) return count;
    let f = true;
    let index = 0;
    while (r.nextItem(f)) {
      f = false;
      if (count >= MAX_RULES) {
        this.fail('rules', '', 'more than ' + MAX_RULES.toString() + ' rules');
        break;
      }
      this.ruleIndex = index;
      this.headerIndex = -1;
      this.ruleLiteral = EMPTY;
      const rule = compact ? this.compactRule(index) : this.rule();
      if (!this.ok) break;
      index++;
      count++;
      if (rule.applies && this.keep) {
        set.rules.push(rule);
        this.pathLiterals.push(this.ruleLiteral);
      }
      this.collectIfDue();
    }
    this.ruleIndex = -1;
    return count;
  }

  /** A rule of the compact form at `position` in its policy. */
  compactRule(position: i32): Rule {
    const r = this.reader;
    const rule = new Rule();
    if (!r.enterObject()) return rule;
    let index: i32 = position;
    let hasPerMillion = false;
    let first = true;
    while (r.nextKey(first)) {
      first = false;
      if (r.keyIs('ruleIndex')) index = <i32>this.integer('ruleIndex', '', 0, <f64>MAX_RULES);
      else if (r.keyIs('id')) {
        rule.idBytes = this.bytes('id', '');
        if (this.ok && rule.idBytes.byteLength == 0) this.fail('id', '', 'must not be empty');
      } else {
        const bit = this.ruleField(rule);
        if (bit == 0) r.skipValue();
        else if (bit == PER_MILLION) hasPerMillion = true;
      }
      if (!this.ok) return rule;
    }
    if (!hasPerMillion) this.fail('perMillion', '', 'required');
    if (rule.idBytes.byteLength == 0) rule.idBytes = policyRuleId(this.policyName, index);
    rule.applies = this.policyApplies;
    rule.activeFromMs = this.policyActiveFromMs;
    this.finishRule(rule, this.policyVersionHash);
    return rule;
  }

  /** The fault kinds' fields (faults/registry.ts) the current rule had so far. */
  faultFields: u32 = 0;

  /**
   * Reads the current key when it is a rule field both forms share (matchers, draw, start delay, expiry, the fault
   * kinds'): its bit (a fault kind's go to faultFields, and give FAULT_FIELD), or 0 when it is none of them.
   */
  ruleField(rule: Rule): u32 {
    const r = this.reader;
    if (r.keyIs('path')) {
      rule.path = this.stringMatch('path');
      this.ruleLiteral = rule.path === null ? EMPTY : this.matchedLiteral;
      return 4;
    }
    if (r.keyIs('method')) {
      rule.method = this.stringMatch('method');
      return 8;
    }
    if (r.keyIs('headers')) {
      rule.headers = this.headers();
      return 16;
    }
    if (r.keyIs('perMillion')) {
      rule.perMillion = <i32>this.integer('perMillion', '', 0, 1_000_000);
      return PER_MILLION;
    }
    if (r.keyIs('startDelayMs')) {
      rule.startDelayMs = <i32>this.integer('startDelayMs', '', 0, <f64>MAX_DELAY_MS);
      return 256;
    }
    if (r.keyIs('expiresAtMs')) {
      rule.expiresAtMs = <i64>this.integer('expiresAtMs', '', 0, 9007199254740991);
      return 1024;
    }
    const bit = readFaultField(r, this, rule, this.aborts);
    this.faultFields |= bit;
    return bit == 0 ? 0 : FAULT_FIELD;
  }

  /** A rule of the rule form (wire versions 1 to 4): every field but the optional kinds' is required. */
  rule(): Rule {
    const r = this.reader;
    const rule = new Rule();
    if (!r.enterObject()) return rule;
    let seen: u32 = 0;
    this.faultFields = 0;
    let versionHash: u64 = 0;
    let first = true;
    while (r.nextKey(first)) {
      first = false;
      if (r.keyIs('id')) {
        rule.idBytes = this.bytes('id', '');
        seen |= 1;
      } else if (r.keyIs('selector')) {
        if (!this.selects('selector')) rule.applies = false;
        seen |= 2;
      } else if (r.keyIs('policyVersion')) {
        if (this.view('policyVersion', '')) versionHash = hashBytes(HASH_START, r.viewPtr, r.viewSize);
      } else if (r.keyIs('activeFromMs')) {
        rule.activeFromMs = <i64>this.integer('activeFromMs', '', 0, 9007199254740991);
        seen |= 512;
      } else {
        const bit = this.ruleField(rule);
        // A field no one owns is skipped.
        if (bit == 0) r.skipValue();
        seen |= bit;
      }
      if (!this.ok) return rule;
    }
    if ((seen & ~FAULT_FIELD) != 1855 || (this.faultFields & REQUIRED_FAULT_FIELDS) != REQUIRED_FAULT_FIELDS)
      this.fail(
        '',
        '',
        'missing required fields (id, selector, path, method, headers, perMillion, startDelayMs, activeFromMs, expiresAtMs, ' +
          REQUIRED_FAULT_FIELD_NAMES +
          ')',
      );
    if (rule.idBytes.byteLength == 0) this.fail('id', '', 'must not be empty');
    this.finishRule(rule, versionHash);
    return rule;
  }

  finishRule(rule: Rule, versionHash: u64): void {
    rule.alwaysActive = rule.activeFromMs <= this.loadedAtMs && rule.expiresAtMs == 0 && !scheduled(rule);
    rule.tag = hashBytes(HASH_START ^ versionHash, changetype<usize>(rule.idBytes), rule.idBytes.byteLength);
  }
}

/** `<policy>/<index>` as UTF-8, written in place (no intermediate strings: a load makes one per rule). */
function policyRuleId(policy: ArrayBuffer, index: i32): ArrayBuffer {
  let digits = 1;
  for (let rest = index / 10; rest > 0; rest /= 10) digits++;
  const size = policy.byteLength + 1 + digits;
  const id = new ArrayBuffer(size);
  const at = changetype<usize>(id);
  memory.copy(at, changetype<usize>(policy), policy.byteLength);
  store<u8>(at + policy.byteLength, 0x2f); // '/'
  let rest = index;
  for (let i = size - 1; i > policy.byteLength; i--) {
    store<u8>(at + i, <u8>(0x30 + (rest % 10)));
    rest /= 10;
  }
  return id;
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

/**
 * Parses and validates a rule set, keeping the rules that can apply to `identity`. With `keep` false, a checking
 * pass: the same reads and checks, but no rule or table is kept, so it needs memory for one rule at a time (the
 * result's set has the epoch, version and halt only). With `collecting` (the default) the load collects its garbage
 * as it goes; without, it leaves it all to the end of the callback (a small set read once, root.ts).
 */
export function loadRuleSet(
  r: JsonReader,
  identity: Identity,
  nowMs: i64,
  keep: bool,
  bodySize: usize,
  collecting: bool = true,
): LoadResult {
  const loader = new RuleSetLoader(r, identity);
  loader.loadedAtMs = nowMs;
  const step = bodySize / COLLECTIONS;
  loader.collectStep = step > MIN_COLLECT_BYTES ? step : MIN_COLLECT_BYTES;
  loader.collectAt = loader.collectStep;
  loader.keep = keep;
  loader.classMaps.keep = keep;
  const set = loader.set;
  pinned = collecting ? loader : null;
  // First of all, free what the caller let go (the previous set, a checking pass).
  collectPinned();
  readRuleSet(loader, r, set);
  const good = !r.failed && loader.ok;
  if (good && keep) finishRuleSet(loader, set);
  // And what the parse and the index left behind, before the caller adopts the set.
  collectPinned();
  pinned = null;
  const result = new LoadResult();
  if (r.failed) result.error = 'malformed JSON: ' + r.error;
  else if (!loader.ok) result.error = loader.error;
  else result.ruleSet = set;
  return result;
}

function readRuleSet(loader: RuleSetLoader, r: JsonReader, set: RuleSet): void {
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
        // A set carries the lowest version that expresses its rules; this plugin reads every version up to its own.
        if (loader.ok && (wireVersion < 1 || wireVersion > WIRE_VERSION)) {
          loader.fail(
            'wireVersion',
            '',
            'unknown version ' + wireVersion.toString() + ' (this plugin reads 1 to ' + WIRE_VERSION.toString() + ')',
          );
        }
      } else if (r.keyIs('epoch')) {
        set.epoch = loader.str('epoch', '');
        hasEpoch = true;
      } else if (r.keyIs('version')) {
        set.version = <i64>loader.integer('version', '', 0, 9007199254740991);
        hasVersion = true;
      } else if (r.keyIs('halts')) loader.halts(set);
      else if (r.keyIs('dfas')) loader.dfas();
      else if (r.keyIs('rules')) {
        hasRules = true;
        set.totalRules = loader.rules(set, 0, false);
      } else if (r.keyIs('policies')) {
        hasRules = true;
        if (wireVersion < WIRE_COMPACT_VERSION) loader.fail('policies', '', 'the compact form needs wireVersion 5, given before it');
        else set.totalRules = loader.policies(set, 0);
      } else r.skipValue();
      if (!loader.ok) break;
    }
  }
  if (loader.ok) r.finish();
  if (loader.ok && wireVersion < 0) loader.fail('wireVersion', '', 'required');
  if (loader.ok && (!hasEpoch || !hasVersion || !hasRules)) loader.fail('', '', 'epoch, version and rules (or policies) are required');
}

/** The kept rules' header slots and index, once every rule is known. */
function finishRuleSet(loader: RuleSetLoader, set: RuleSet): void {
  // A halted workload keeps no rules: its set is as good as empty (the control plane sent none anyway).
  if (set.haltReason !== null) {
    set.rules = [];
    loader.pathLiterals = [];
  }
  // Slots only for names the kept rules read: renumber so the hot path's per-request cache stays small.
  compactSlots(set, loader.headerNames);
  set.index = buildPathIndex(set.rules, loader.pathLiterals);
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
