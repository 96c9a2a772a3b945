// Validation and normalisation in one pass: every accepted spelling becomes the canonical FaultInjectionPolicy,
// and every problem becomes a FieldError naming the field. Errors are collected, never thrown.
import { checkKeys, childPath, describe, ErrorSink, hasOwn, isRecord, own } from './errors.js';
import { LIMIT_INPUT_KEYS, readLimits } from './faults/limit.js';
import { readRequestOverrides } from './faults/overrides.js';
import { readResponseStatus } from './faults/phase.js';
import { FAULT_KIND_KEYS, FAULT_KINDS } from './faults/registry.js';
import { readHeaderName, readInteger, TOKEN, written } from './fields.js';
import { LIMITS } from './limits.js';
import { compileRegex } from './regex/dfa.js';
import { readSchedule } from './schedule.js';
import { DNS_LABEL, LABEL_NAME, readSelector } from './selector.js';
import { readStopWhen } from './stop-conditions.js';
import type { Fault, FaultInjectionPolicy, HeaderMatch, PolicyMetadata, Rule, RuleMatch, StringMatch, ValidationResult } from './types.js';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const TOP_KEYS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'] as const;
const METADATA_KEYS = ['name', 'labels', 'version', 'createdAt', 'updatedAt'] as const;
const SPEC_KEYS = ['selector', 'priority', 'rules', 'requestOverrides', 'schedule', 'stopWhen', 'dryRun'] as const;
const RULE_KEYS = ['match', 'fault'] as const;
const MATCH_KEYS = ['path', 'method', 'headers', 'responseStatus'] as const;
const STRING_MATCH_KEYS = ['exact', 'prefix', 'regex'] as const;
const HEADER_MATCH_KEYS = ['name', 'exact', 'prefix', 'regex', 'present'] as const;
const FAULT_KEYS = ['percentage', ...FAULT_KIND_KEYS, ...LIMIT_INPUT_KEYS, 'start_delay_ms', 'duration_seconds'];

/** What validation needs to know of a regex: whether it compiles within the caps, and if not, why. */
export type RegexCheck = (source: string) => { ok: true } | { ok: false; reason: string };

export interface ValidateOptions {
  /**
   * Checks each regex (default: builds its DFA here, through the shared cache). A host that builds DFAs
   * elsewhere (the control plane's worker threads) validates once to collect the patterns, builds them,
   * then validates again answering from what it built.
   */
  checkRegex?: RegexCheck;
}

/** One validation run: its errors, and how it checks regexes. */
class ValidationRun extends ErrorSink {
  constructor(readonly checkRegex: RegexCheck) {
    super();
  }
}

/** Validates any value and normalises it to the canonical FaultInjectionPolicy; reports every error at once. Never throws. */
export function validatePolicy(input: unknown, options: ValidateOptions = {}): ValidationResult {
  const sink = new ValidationRun(options.checkRegex ?? compileRegex);
  try {
    const policy = readPolicy(sink, input);
    if (sink.count > 0 || !policy) return { ok: false, errors: sink.errors };
    const bytes = Buffer.byteLength(JSON.stringify(policy), 'utf8');
    if (bytes > LIMITS.policyBytes) {
      sink.add('', `the policy is ${bytes} bytes as canonical JSON, the limit is ${LIMITS.policyBytes}`);
      return { ok: false, errors: sink.errors };
    }
    return { ok: true, policy };
  } catch (error) {
    // Unreachable for JSON/YAML values; kept so that no input can make validation throw.
    sink.add('', `could not be validated: ${error instanceof Error ? error.message : String(error)}`);
    return { ok: false, errors: sink.errors };
  }
}

function readPolicy(sink: ValidationRun, input: unknown): FaultInjectionPolicy | undefined {
  if (!isRecord(input)) {
    sink.add('', `expected a FaultInjectionPolicy object, found ${describe(input)}`);
    return undefined;
  }
  checkKeys(sink, '', input, TOP_KEYS);
  const apiVersion = own(input, 'apiVersion');
  if (apiVersion !== undefined && apiVersion !== 'v1') {
    sink.add('apiVersion', `expected "v1" (or no apiVersion), found ${describe(apiVersion)}`);
  }
  const kind = own(input, 'kind');
  if (kind !== undefined && kind !== 'FaultInjectionPolicy') {
    sink.add('kind', `expected "FaultInjectionPolicy" (or no kind), found ${describe(kind)}`);
  }
  const status = own(input, 'status');
  if (status !== undefined && status !== null && !isRecord(status)) {
    sink.add('status', `expected an object (it is ignored on input), found ${describe(status)}`);
  }
  const metadata = readMetadata(sink, own(input, 'metadata'));
  const spec = readSpec(sink, own(input, 'spec'));
  if (!metadata || !spec) return undefined;
  return { apiVersion: 'v1', kind: 'FaultInjectionPolicy', metadata, spec };
}

function readMetadata(sink: ValidationRun, value: unknown): PolicyMetadata | undefined {
  const path = 'metadata';
  if (value === null) return undefined; // refused by checkKeys
  if (!isRecord(value)) {
    sink.add(path, value === undefined ? 'is required (it holds the policy name)' : `expected an object, found ${describe(value)}`);
    return undefined;
  }
  checkKeys(sink, path, value, METADATA_KEYS);
  const name = readPolicyName(sink, 'metadata.name', own(value, 'name'));
  const metadata: PolicyMetadata = { name: name ?? '' };
  if (hasOwn(value, 'labels') && own(value, 'labels') !== null) {
    const labels = readLabels(sink, 'metadata.labels', own(value, 'labels'));
    if (labels) metadata.labels = labels;
  }
  const version = own(value, 'version');
  if (version !== undefined && version !== null) {
    if (typeof version !== 'string' || version === '' || version.length > LIMITS.versionMaxLength) {
      sink.add(
        'metadata.version',
        `expected a non-empty string of at most ${LIMITS.versionMaxLength} characters (assigned by the server), found ${describe(version)}`,
      );
    } else {
      metadata.version = version;
    }
  }
  for (const key of ['createdAt', 'updatedAt'] as const) {
    const stamp = own(value, key);
    if (stamp === undefined || stamp === null) continue;
    if (typeof stamp !== 'string' || !isIsoTimestamp(stamp)) {
      sink.add(
        `metadata.${key}`,
        `expected an ISO-8601 timestamp such as "2025-01-31T12:00:00.000Z" (assigned by the server), found ${describe(stamp)}`,
      );
    } else {
      metadata[key] = stamp;
    }
  }
  return name === undefined ? undefined : metadata;
}

function isIsoTimestamp(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) && Number.isFinite(Date.parse(value));
}

function readPolicyName(sink: ValidationRun, path: string, value: unknown): string | undefined {
  if (value === null) return undefined; // refused by checkKeys
  if (value === undefined) {
    sink.add(path, 'is required: a DNS-1123 label such as "api-delay-test"');
    return undefined;
  }
  if (typeof value !== 'string') {
    sink.add(path, `expected a string, found ${describe(value)}`);
    return undefined;
  }
  if (value.length > LIMITS.nameMaxLength) {
    sink.add(path, `is ${value.length} characters long, the limit is ${LIMITS.nameMaxLength}`);
    return undefined;
  }
  if (!DNS_LABEL.test(value)) {
    sink.add(
      path,
      `expected a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit), found ${describe(value)}`,
    );
    return undefined;
  }
  return value;
}

function readLabels(sink: ValidationRun, path: string, value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) {
    sink.add(path, `expected an object of string values, found ${describe(value)}`);
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length > LIMITS.labelsMax) {
    sink.add(path, `has ${keys.length} labels, the limit is ${LIMITS.labelsMax}`);
    return undefined;
  }
  const before = sink.count;
  for (const key of keys) {
    const where = childPath(path, key);
    if (!isLabelKey(key)) {
      sink.add(
        where,
        'invalid label key: expected [prefix/]name, the name up to 63 characters (letters, digits, "-", "_", "." inside), the prefix a DNS subdomain',
      );
    }
    const labelValue = value[key];
    if (typeof labelValue !== 'string') {
      sink.add(where, `expected a string label value, found ${describe(labelValue)}`);
    } else if (labelValue !== '' && (labelValue.length > 63 || !LABEL_NAME.test(labelValue))) {
      sink.add(
        where,
        `invalid label value ${describe(labelValue)}: expected at most 63 characters, letters, digits, "-", "_", "." inside, alphanumeric at both ends`,
      );
    }
  }
  if (sink.count > before) return undefined;
  return Object.fromEntries(keys.sort().map((key) => [key, value[key] as string]));
}

function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) return false;
  return prefix === undefined || (prefix.length > 0 && prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
}

function readSpec(sink: ValidationRun, value: unknown): FaultInjectionPolicy['spec'] | undefined {
  const path = 'spec';
  if (value === null) return undefined; // refused by checkKeys
  if (!isRecord(value)) {
    sink.add(path, value === undefined ? 'is required (it holds the rules)' : `expected an object, found ${describe(value)}`);
    return undefined;
  }
  checkKeys(sink, path, value, SPEC_KEYS);
  const selector = readSelector(sink, 'spec.selector', own(value, 'selector'));
  const priority = readPriority(sink, 'spec.priority', own(value, 'priority'));
  const rules = readRules(sink, 'spec.rules', own(value, 'rules'));
  const overridesValue = own(value, 'requestOverrides');
  const requestOverrides = overridesValue === undefined ? undefined : readRequestOverrides(sink, 'spec.requestOverrides', overridesValue);
  const scheduleValue = own(value, 'schedule');
  const schedule = scheduleValue === undefined ? undefined : readSchedule(sink, 'spec.schedule', scheduleValue);
  const stopWhenValue = own(value, 'stopWhen');
  const stopWhen = stopWhenValue === undefined ? undefined : readStopWhen(sink, 'spec.stopWhen', stopWhenValue);
  const dryRun = readDryRun(sink, 'spec.dryRun', own(value, 'dryRun'));
  if (!selector || priority === undefined || !rules || (overridesValue !== undefined && !requestOverrides)) return undefined;
  if ((scheduleValue !== undefined && !schedule) || (stopWhenValue !== undefined && !stopWhen) || dryRun === undefined) return undefined;
  return {
    selector,
    priority,
    rules,
    ...(requestOverrides ? { requestOverrides } : {}),
    ...(schedule ? { schedule } : {}),
    ...(stopWhen ? { stopWhen } : {}),
    ...(dryRun ? { dryRun } : {}),
  };
}

/** `dryRun`: a boolean; the canonical form keeps it only when true, so `false` and absent are the same policy. */
function readDryRun(sink: ValidationRun, path: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return false; // null is refused by checkKeys
  if (typeof value !== 'boolean') {
    const hint = value === 'true' || value === 'false' ? ' (unquote it in YAML)' : '';
    sink.add(path, `expected true (match and count, inject nothing) or false, found ${describe(value)}${hint}`);
    return undefined;
  }
  return value;
}

function readPriority(sink: ValidationRun, path: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return 0;
  return readInteger(sink, path, value, LIMITS.priorityMin, LIMITS.priorityMax, 'higher evaluates first');
}

function readRules(sink: ValidationRun, path: string, value: unknown): Rule[] | undefined {
  if (value === null) return undefined; // refused by checkKeys
  if (!Array.isArray(value)) {
    sink.add(path, value === undefined ? 'is required: a list of at least one rule' : `expected a list of rules, found ${describe(value)}`);
    return undefined;
  }
  if (value.length === 0) {
    sink.add(path, 'expected at least one rule, found an empty list');
    return undefined;
  }
  if (value.length > LIMITS.rulesPerPolicy) {
    sink.add(path, `has ${value.length} rules, the limit is ${LIMITS.rulesPerPolicy}`);
    return undefined;
  }
  const rules: Rule[] = [];
  value.forEach((item, index) => {
    const rule = readRule(sink, childPath(path, index), item);
    if (rule) rules.push(rule);
  });
  return rules.length === value.length ? rules : undefined;
}

function readRule(sink: ValidationRun, path: string, value: unknown): Rule | undefined {
  if (!isRecord(value)) {
    sink.add(path, `expected a rule object {match, fault}, found ${describe(value)}`);
    return undefined;
  }
  checkKeys(sink, path, value, RULE_KEYS);
  const before = sink.count;
  const match = readMatch(sink, `${path}.match`, own(value, 'match'));
  const fault = readFault(sink, `${path}.fault`, own(value, 'fault'));
  if (match?.responseStatus !== undefined && fault && fault.phase !== 'response') {
    sink.add(`${path}.match.responseStatus`, 'only with fault.phase: response (the status is known once the upstream answered)');
  }
  if (sink.count > before || !fault) return undefined;
  return match ? { match, fault } : { fault };
}

function readMatch(sink: ValidationRun, path: string, value: unknown): RuleMatch | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    sink.add(path, `expected an object {path, method, headers}, found ${describe(value)}`);
    return undefined;
  }
  checkKeys(sink, path, value, MATCH_KEYS);
  const match: RuleMatch = {};
  const pathValue = own(value, 'path');
  if (pathValue !== undefined && pathValue !== null) {
    const matcher = readStringMatch(sink, `${path}.path`, pathValue, checkPathValue);
    if (matcher) match.path = matcher;
  }
  const method = own(value, 'method');
  if (method !== undefined && method !== null) {
    const matcher = readStringMatch(sink, `${path}.method`, method, checkMethodValue);
    if (matcher) match.method = upperCaseMethod(matcher);
  }
  const headers = own(value, 'headers');
  if (headers !== undefined && headers !== null) {
    const matchers = readHeaderMatches(sink, `${path}.headers`, headers);
    if (matchers && matchers.length > 0) match.headers = matchers;
  }
  const status = own(value, 'responseStatus');
  if (status !== undefined) {
    const read = readResponseStatus(sink, `${path}.responseStatus`, status);
    if (read !== undefined) match.responseStatus = read;
  }
  return match.path || match.method || match.headers || match.responseStatus !== undefined ? match : undefined;
}

type ValueCheck = (kind: 'exact' | 'prefix' | 'regex', value: string) => string | undefined;

function checkPathValue(kind: 'exact' | 'prefix' | 'regex', value: string): string | undefined {
  if (value === '') return 'must not be empty (omit the path matcher to match every path)';
  if (kind !== 'regex' && value.includes('?')) {
    return `contains "?": path matching ignores the query string, so this value can never match`;
  }
  return undefined;
}

function checkMethodValue(kind: 'exact' | 'prefix' | 'regex', value: string): string | undefined {
  if (value === '') return 'must not be empty (omit the method matcher to match every method)';
  if (kind !== 'regex' && !TOKEN.test(value)) return `expected an HTTP method such as "GET", found ${describe(value)}`;
  return undefined;
}

/** Methods are case-sensitive on the wire and always upper-case in practice; `get` would silently match nothing. */
function upperCaseMethod(matcher: StringMatch): StringMatch {
  if ('exact' in matcher) return { exact: matcher.exact.toUpperCase() };
  if ('prefix' in matcher) return { prefix: matcher.prefix.toUpperCase() };
  return matcher;
}

function readStringMatch(sink: ValidationRun, path: string, value: unknown, check: ValueCheck): StringMatch | undefined {
  if (!isRecord(value)) {
    sink.add(path, `expected an object with exactly one of exact, prefix, regex, found ${describe(value)}`);
    return undefined;
  }
  checkKeys(sink, path, value, STRING_MATCH_KEYS);
  const kinds = STRING_MATCH_KEYS.filter((key) => hasOwn(value, key));
  if (kinds.length !== 1) {
    sink.add(
      path,
      kinds.length === 0
        ? 'expected exactly one of exact, prefix, regex, found none'
        : `expected exactly one of exact, prefix, regex, found ${kinds.join(' and ')}`,
    );
    return undefined;
  }
  const kind = kinds[0]!;
  const text = readMatchValue(sink, `${path}.${kind}`, kind, own(value, kind));
  if (text === undefined) return undefined;
  const problem = check(kind, text);
  if (problem) {
    sink.add(`${path}.${kind}`, problem);
    return undefined;
  }
  return kind === 'exact' ? { exact: text } : kind === 'prefix' ? { prefix: text } : { regex: text };
}

/** A match value: a bounded string; a regex must compile to a DFA within the caps. */
function readMatchValue(sink: ValidationRun, path: string, kind: 'exact' | 'prefix' | 'regex', value: unknown): string | undefined {
  if (value === null) return undefined; // refused by checkKeys
  if (typeof value !== 'string') {
    const hint = typeof value === 'number' || typeof value === 'boolean' ? ' (quote it in YAML)' : '';
    sink.add(path, `expected a string${hint}, found ${describe(value)}`);
    return undefined;
  }
  if (kind === 'regex') {
    const compiled = sink.checkRegex(value);
    if (!compiled.ok) {
      sink.add(path, `regex ${compiled.reason}`);
      return undefined;
    }
    return value;
  }
  if (value.length > LIMITS.matchValueLength) {
    sink.add(path, `is ${value.length} characters long, the limit is ${LIMITS.matchValueLength}`);
    return undefined;
  }
  return value;
}

function readHeaderMatches(sink: ValidationRun, path: string, value: unknown): HeaderMatch[] | undefined {
  if (!Array.isArray(value)) {
    sink.add(path, `expected a list of {name, exact|prefix|regex|present}, found ${describe(value)}`);
    return undefined;
  }
  if (value.length > LIMITS.headersPerRule) {
    sink.add(path, `has ${value.length} header conditions, the limit is ${LIMITS.headersPerRule}`);
    return undefined;
  }
  const matchers: HeaderMatch[] = [];
  value.forEach((item, index) => {
    const matcher = readHeaderMatch(sink, childPath(path, index), item);
    if (matcher) matchers.push(matcher);
  });
  return matchers.length === value.length ? matchers : undefined;
}

function readHeaderMatch(sink: ValidationRun, path: string, value: unknown): HeaderMatch | undefined {
  if (!isRecord(value)) {
    sink.add(path, `expected an object {name, exact|prefix|regex|present}, found ${describe(value)}`);
    return undefined;
  }
  checkKeys(sink, path, value, HEADER_MATCH_KEYS);
  const name = readHeaderName(sink, `${path}.name`, own(value, 'name'), { allowPseudo: true });
  const kinds = (['exact', 'prefix', 'regex', 'present'] as const).filter((key) => hasOwn(value, key));
  if (kinds.length !== 1) {
    sink.add(
      path,
      kinds.length === 0
        ? 'expected exactly one of exact, prefix, regex, present, found none'
        : `expected exactly one of exact, prefix, regex, present, found ${kinds.join(' and ')}`,
    );
    return undefined;
  }
  const kind = kinds[0]!;
  if (kind === 'present') {
    const present = own(value, 'present');
    if (present === null) return undefined; // refused by checkKeys
    if (typeof present !== 'boolean') {
      sink.add(`${path}.present`, `expected true (header must be present) or false (header must be absent), found ${describe(present)}`);
      return undefined;
    }
    return name === undefined ? undefined : { name, present };
  }
  const text = readMatchValue(sink, `${path}.${kind}`, kind, own(value, kind));
  if (name === undefined || text === undefined) return undefined;
  if (kind === 'exact') return { name, exact: text };
  if (kind === 'prefix') return { name, prefix: text };
  return { name, regex: text };
}

function readFault(sink: ValidationRun, path: string, value: unknown): Fault | undefined {
  if (value === null) return undefined; // refused by checkKeys
  if (!isRecord(value)) {
    sink.add(
      path,
      value === undefined
        ? 'is required: {percentage, delay and/or abort}'
        : `expected an object {percentage, delay, abort}, found ${describe(value)}`,
    );
    return undefined;
  }
  checkKeys(sink, path, value, FAULT_KEYS);
  const before = sink.count;
  const percentage = readPercentage(sink, `${path}.percentage`, own(value, 'percentage'));
  // Each kind reads its own fields (faults/<kind>.ts), in registry order: the canonical fault keeps that order.
  let kinds: Partial<Fault> | undefined = {};
  for (const kind of FAULT_KINDS) {
    const read = kind.read(sink, path, value);
    kinds = read === undefined || kinds === undefined ? undefined : { ...kinds, ...read };
  }
  const startDelay = own(value, 'start_delay_ms');
  const startDelayMs =
    startDelay === undefined || startDelay === null
      ? 0
      : readInteger(sink, `${path}.start_delay_ms`, startDelay, 0, LIMITS.maxDelayMs, 'milliseconds');
  const duration = own(value, 'duration_seconds');
  const durationSeconds =
    duration === undefined || duration === null
      ? 0
      : readInteger(sink, `${path}.duration_seconds`, duration, 0, LIMITS.maxDurationSeconds, 'seconds, 0 = until deleted');
  if (!FAULT_KINDS.some((kind) => kind.isGiven(value))) {
    sink.add(path, 'needs a delay, an abort, or both');
  }
  const holds = written(value, 'delay') || written(value, 'delay_ms') || (startDelayMs ?? 0) > 0;
  const limits = readLimits(sink, path, value, holds);
  if (
    sink.count > before ||
    percentage === undefined ||
    kinds === undefined ||
    limits === undefined ||
    startDelayMs === undefined ||
    durationSeconds === undefined
  )
    return undefined;
  return { percentage, ...kinds, ...limits, start_delay_ms: startDelayMs, duration_seconds: durationSeconds };
}

/** Percent with at most 4 decimals, so that parts per million are exact. Absent means 100, as in Istio. */
function readPercentage(sink: ValidationRun, path: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return 100;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    sink.add(path, `expected a number from 0 to 100, found ${describe(value)}`);
    return undefined;
  }
  if (value < 0 || value > 100) {
    sink.add(path, `expected a number from 0 to 100, found ${value}`);
    return undefined;
  }
  const perMillion = Math.round(value * 10_000);
  if (Math.abs(perMillion - value * 10_000) > 1e-6) {
    sink.add(path, `expected at most 4 decimal places (the resolution is 0.0001%, one per million), found ${value}`);
    return undefined;
  }
  return perMillion / 10_000;
}
