// Reading a search-space file: YAML to a validated SearchSpace, or every problem at once, each naming its field.
import {
  childPath,
  describe,
  ErrorSink,
  type FieldError,
  isRecord,
  LIMITS,
  own,
  parsePolicyDocuments,
  rejectUnknownKeys,
} from '@hfi/policy';
import { FAULT_KIND_NAMES, FAULT_KINDS } from '../faults/registry.js';
import { readDurationMs, readEnum, readInteger, readList, readNumber } from './fields.js';
import {
  type ErrorRateTerm,
  type FaultKinds,
  type Guards,
  LATENCY_QUANTILES,
  type LatencyTerm,
  type NumericRange,
  type Objective,
  type PathChoice,
  type SearchSpace,
  STOP_METRICS,
  type StopCondition,
  type Target,
  type Workload,
} from './types.js';

/** Bounds on what a space may ask for; the trial length is also a policy's duration_seconds. */
export const SPACE_LIMITS = {
  targets: 32,
  pathsPerTarget: 16,
  methodsPerTarget: 8,
  stopConditions: 8,
  maxBudget: 1000,
  minTrialMs: 1000,
  maxTrialMs: 3_600_000,
  maxSeed: 2 ** 31 - 1,
} as const;

const TOP_KEYS = ['name', 'targets', 'faults', 'percentage', 'objective', 'budget', 'trialLength', 'seed', 'guards'] as const;
const TARGET_KEYS = ['service', 'namespace', 'paths', 'methods'] as const;
const PATH_KEYS = ['exact', 'prefix'] as const;
const RANGE_KEYS = ['min', 'max', 'scale'] as const;
const OBJECTIVE_KEYS = ['workload', 'errorRate', 'latency'] as const;
const WORKLOAD_KEYS = ['service', 'namespace'] as const;
const ERROR_RATE_KEYS = ['weight', 'fullAt', 'count'] as const;
const LATENCY_KEYS = ['weight', 'quantile', 'slo', 'full'] as const;
const GUARD_KEYS = ['maxErrorRate', 'stopWhen'] as const;
const STOP_KEYS = ['workload', 'metric', 'above'] as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SERVICE_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const METHOD = /^[A-Za-z]+$/;
const STATUS_CLASS = /^[1-5]xx$/;
/** Room in a 63-character policy name for the session id and trial number the recommender appends. */
const SPACE_NAME_MAX = 24;

/** `document` is the value as read, which a session stores (and validates again when it is loaded). */
export type SpaceResult = { ok: true; space: SearchSpace; document: unknown } | { ok: false; errors: FieldError[] };

/** Parses and validates the text of a space file (YAML or JSON). Never throws. */
export function readSearchSpace(text: string): SpaceResult {
  const parsed = parsePolicyDocuments(text);
  if (parsed.errors.length > 0) return { ok: false, errors: parsed.errors.map(({ path, message }) => ({ path, message })) };
  if (parsed.documents.length !== 1) {
    return { ok: false, errors: [{ path: '', message: `expected one search space, found ${parsed.documents.length} documents` }] };
  }
  return validateSearchSpace(parsed.documents[0]);
}

/** Validates a plain value (a parsed file, or a space stored in a session). Never throws. */
export function validateSearchSpace(input: unknown): SpaceResult {
  const sink = new ErrorSink();
  const space = readSpace(sink, input);
  return sink.count > 0 || !space ? { ok: false, errors: sink.errors } : { ok: true, space, document: input };
}

function readSpace(sink: ErrorSink, input: unknown): SearchSpace | undefined {
  if (!isRecord(input)) {
    sink.add('', `expected a search space object {name, targets, faults, objective, ...}, found ${describe(input)}`);
    return undefined;
  }
  rejectUnknownKeys(sink, '', input, TOP_KEYS);
  const name = readName(sink, own(input, 'name'));
  const targets = readTargets(sink, own(input, 'targets'));
  const faults = readFaults(sink, own(input, 'faults'));
  const percentageValue = own(input, 'percentage');
  const percentage =
    percentageValue === undefined ? { min: 100, max: 100, scale: 'linear' as const } : readPercentage(sink, percentageValue);
  const objective = readObjective(sink, own(input, 'objective'));
  const budgetValue = own(input, 'budget');
  const budget = budgetValue === undefined ? 30 : readInteger(sink, 'budget', budgetValue, 1, SPACE_LIMITS.maxBudget, 'trials');
  const lengthValue = own(input, 'trialLength');
  const trialMs =
    lengthValue === undefined ? 30_000 : readDurationMs(sink, 'trialLength', lengthValue, SPACE_LIMITS.minTrialMs, SPACE_LIMITS.maxTrialMs);
  if (trialMs !== undefined && trialMs % 1000 !== 0) {
    sink.add('trialLength', `expected whole seconds (it becomes the policies' duration_seconds), found ${trialMs}ms`);
  }
  const seedValue = own(input, 'seed');
  const seed = seedValue === undefined ? 1 : readInteger(sink, 'seed', seedValue, 0, SPACE_LIMITS.maxSeed, 'the random seed');
  const guards = readGuards(sink, own(input, 'guards'));
  if (sink.count > 0) return undefined;
  return {
    name: name!,
    targets: targets!,
    faults: faults!,
    percentage: percentage!,
    objective: objective!,
    budget: budget!,
    trialSeconds: trialMs! / 1000,
    seed: seed!,
    guards: guards!,
  };
}

function readName(sink: ErrorSink, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > SPACE_NAME_MAX || !DNS_LABEL.test(value)) {
    sink.add(
      'name',
      `expected a DNS-1123 label of at most ${SPACE_NAME_MAX} characters (it names sessions and their policies), found ${describe(value)}`,
    );
    return undefined;
  }
  return value;
}

function readWorkload(sink: ErrorSink, path: string, value: unknown, known: readonly string[] = WORKLOAD_KEYS): Workload | undefined {
  if (!isRecord(value)) {
    sink.add(path, `expected an object {service, namespace}, found ${describe(value)}`);
    return undefined;
  }
  rejectUnknownKeys(sink, path, value, known);
  const service = own(value, 'service');
  const namespace = own(value, 'namespace');
  const before = sink.count;
  if (typeof service !== 'string' || service.length > 63 || !SERVICE_NAME.test(service)) {
    sink.add(`${path}.service`, `expected a service name (letters, digits, "-", "_", "." inside, at most 63), found ${describe(service)}`);
  }
  if (namespace !== undefined && (typeof namespace !== 'string' || namespace.length > 63 || !DNS_LABEL.test(namespace))) {
    sink.add(`${path}.namespace`, `expected a namespace (a DNS-1123 label), found ${describe(namespace)}`);
  }
  if (sink.count > before) return undefined;
  return { service: service as string, namespace: (namespace as string | undefined) ?? 'default' };
}

function readTargets(sink: ErrorSink, value: unknown): Target[] | undefined {
  const list = readList(sink, 'targets', value, SPACE_LIMITS.targets, 'targets {service, namespace, paths, methods}');
  if (!list) return undefined;
  const before = sink.count;
  const targets: Target[] = [];
  list.forEach((item, index) => {
    const path = childPath('targets', index);
    const workload = readWorkload(sink, path, item, TARGET_KEYS);
    if (!workload || !isRecord(item)) return;
    const paths = readPaths(sink, `${path}.paths`, own(item, 'paths'));
    const methods = readMethods(sink, `${path}.methods`, own(item, 'methods'));
    if (!paths || !methods) return;
    if (targets.some((t) => t.service === workload.service && t.namespace === workload.namespace)) {
      sink.add(path, `service ${workload.namespace}/${workload.service} is listed twice: put all its paths in one target`);
      return;
    }
    targets.push({ ...workload, paths, methods });
  });
  return sink.count > before ? undefined : targets;
}

/** Absent means any path; `"*"` in the list stands for "any path" among the choices. */
function readPaths(sink: ErrorSink, path: string, value: unknown): (PathChoice | null)[] | undefined {
  if (value === undefined) return [null];
  const list = readList(sink, path, value, SPACE_LIMITS.pathsPerTarget, 'paths such as {prefix: /api} or "*"');
  if (!list) return undefined;
  const before = sink.count;
  const paths = list.map((item, index): PathChoice | null => {
    const where = childPath(path, index);
    if (item === '*') return null;
    if (!isRecord(item)) {
      sink.add(where, `expected {exact: "/path"}, {prefix: "/path"} or "*", found ${describe(item)}`);
      return null;
    }
    rejectUnknownKeys(sink, where, item, PATH_KEYS);
    const kinds = PATH_KEYS.filter((key) => own(item, key) !== undefined);
    if (kinds.length !== 1) {
      sink.add(where, `expected exactly one of exact, prefix, found ${kinds.length === 0 ? 'none' : 'both'}`);
      return null;
    }
    const kind = kinds[0]!;
    const text = own(item, kind);
    if (typeof text !== 'string' || !text.startsWith('/') || text.includes('?') || text.length > 1024) {
      sink.add(`${where}.${kind}`, `expected a path starting with "/" and without a query string, found ${describe(text)}`);
      return null;
    }
    return kind === 'exact' ? { exact: text } : { prefix: text };
  });
  if (sink.count > before) return undefined;
  const keys = paths.map((p) => JSON.stringify(p));
  keys.forEach((key, index) => {
    if (keys.indexOf(key) !== index) sink.add(childPath(path, index), 'is listed twice');
  });
  return sink.count > before ? undefined : paths;
}

function readMethods(sink: ErrorSink, path: string, value: unknown): (string | null)[] | undefined {
  if (value === undefined) return [null];
  const list = readList(sink, path, value, SPACE_LIMITS.methodsPerTarget, 'HTTP methods such as GET, or "*"');
  if (!list) return undefined;
  const before = sink.count;
  const methods = list.map((item, index) => {
    if (item === '*') return null;
    if (typeof item !== 'string' || !METHOD.test(item) || item.length > 16) {
      sink.add(childPath(path, index), `expected an HTTP method such as "GET" or "*" (any method), found ${describe(item)}`);
      return null;
    }
    return item.toUpperCase();
  });
  if (sink.count > before) return undefined;
  methods.forEach((method, index) => {
    if (methods.indexOf(method) !== index) sink.add(childPath(path, index), 'is listed twice');
  });
  return sink.count > before ? undefined : methods;
}

function readFaults(sink: ErrorSink, value: unknown): FaultKinds | undefined {
  if (!isRecord(value) || Object.keys(value).length === 0) {
    sink.add('faults', `expected an object with at least one of ${FAULT_KIND_NAMES.join(', ')}, found ${describe(value)}`);
    return undefined;
  }
  rejectUnknownKeys(sink, 'faults', value, FAULT_KIND_NAMES);
  const before = sink.count;
  const faults: Record<string, unknown> = {};
  for (const name of FAULT_KIND_NAMES) {
    const part = own(value, name);
    if (part === undefined) continue;
    const read = FAULT_KINDS[name].read(sink, `faults.${name}`, part);
    if (read) faults[name] = read;
  }
  return sink.count > before ? undefined : (faults as FaultKinds);
}

function readPercentage(sink: ErrorSink, value: unknown): NumericRange | undefined {
  if (!isRecord(value)) {
    sink.add('percentage', `expected an object {min, max}, e.g. {min: 10, max: 100}, found ${describe(value)}`);
    return undefined;
  }
  rejectUnknownKeys(sink, 'percentage', value, RANGE_KEYS);
  const min = readInteger(sink, 'percentage.min', own(value, 'min'), 1, 100, 'percent of matching requests');
  const max = readInteger(sink, 'percentage.max', own(value, 'max'), 1, 100, 'percent of matching requests');
  const scaleValue = own(value, 'scale');
  const scale = scaleValue === undefined ? 'linear' : readEnum(sink, 'percentage.scale', scaleValue, ['linear', 'log'] as const);
  if (min === undefined || max === undefined || scale === undefined) return undefined;
  if (min > max) {
    sink.add('percentage.max', `must not be below min (${min}), found ${max}`);
    return undefined;
  }
  return { min, max, scale };
}

function readObjective(sink: ErrorSink, value: unknown): Objective | undefined {
  if (!isRecord(value)) {
    sink.add('objective', `expected an object {workload, errorRate, latency}, found ${describe(value)}`);
    return undefined;
  }
  rejectUnknownKeys(sink, 'objective', value, OBJECTIVE_KEYS);
  const workload = readWorkload(sink, 'objective.workload', own(value, 'workload'));
  const errorValue = own(value, 'errorRate');
  const latencyValue = own(value, 'latency');
  const errorRate = errorValue === undefined ? undefined : readErrorRate(sink, errorValue);
  const latency = latencyValue === undefined ? undefined : readLatency(sink, latencyValue);
  if (errorValue === undefined && latencyValue === undefined) {
    sink.add('objective', 'needs at least one score term: errorRate, latency');
  }
  if (!workload) return undefined;
  return { workload, ...(errorRate ? { errorRate } : {}), ...(latency ? { latency } : {}) };
}

function readWeight(sink: ErrorSink, path: string, value: unknown): number | undefined {
  return value === undefined ? 1 : readNumber(sink, path, value, 0.001, 1000, 'relative weight of this term');
}

function readErrorRate(sink: ErrorSink, value: unknown): ErrorRateTerm | undefined {
  const path = 'objective.errorRate';
  if (!isRecord(value)) {
    sink.add(path, `expected an object {weight, fullAt, count}, found ${describe(value)}`);
    return undefined;
  }
  rejectUnknownKeys(sink, path, value, ERROR_RATE_KEYS);
  const weight = readWeight(sink, `${path}.weight`, own(value, 'weight'));
  const fullAtValue = own(value, 'fullAt');
  const fullAt =
    fullAtValue === undefined ? 1 : readNumber(sink, `${path}.fullAt`, fullAtValue, 0.001, 1, 'error rate that scores full marks');
  const countValue = own(value, 'count');
  const count = countValue === undefined ? ['5xx'] : readStatusList(sink, `${path}.count`, countValue);
  if (weight === undefined || fullAt === undefined || !count) return undefined;
  return { weight, fullAt, count };
}

/** "5xx", "4xx" or single statuses such as 429. */
function readStatusList(sink: ErrorSink, path: string, value: unknown): string[] | undefined {
  const list = readList(sink, path, value, 16, 'status classes such as "5xx" or statuses such as 429');
  if (!list) return undefined;
  const before = sink.count;
  const out = list.map((item, index) => {
    const text = typeof item === 'number' ? String(item) : item;
    if (typeof text !== 'string' || !(STATUS_CLASS.test(text) || (/^\d{3}$/.test(text) && Number(text) >= 100 && Number(text) <= 599))) {
      sink.add(childPath(path, index), `expected a status class such as "5xx" or a status such as 429, found ${describe(item)}`);
      return '';
    }
    return text;
  });
  return sink.count > before ? undefined : out;
}

function readLatency(sink: ErrorSink, value: unknown): LatencyTerm | undefined {
  const path = 'objective.latency';
  if (!isRecord(value)) {
    sink.add(path, `expected an object {weight, quantile, slo, full}, found ${describe(value)}`);
    return undefined;
  }
  rejectUnknownKeys(sink, path, value, LATENCY_KEYS);
  const weight = readWeight(sink, `${path}.weight`, own(value, 'weight'));
  const quantileValue = own(value, 'quantile');
  const quantile = quantileValue === undefined ? 'p99' : readEnum(sink, `${path}.quantile`, quantileValue, LATENCY_QUANTILES);
  const sloMs = readDurationMs(sink, `${path}.slo`, own(value, 'slo'), 1, SPACE_LIMITS.maxTrialMs);
  const fullValue = own(value, 'full');
  const fullMs =
    fullValue === undefined && sloMs !== undefined
      ? sloMs * 4
      : readDurationMs(sink, `${path}.full`, fullValue, 1, SPACE_LIMITS.maxTrialMs);
  if (weight === undefined || quantile === undefined || sloMs === undefined || fullMs === undefined) return undefined;
  if (fullMs <= sloMs) {
    sink.add(`${path}.full`, `must be above slo (${sloMs}ms): it is the latency that scores full marks, found ${fullMs}ms`);
    return undefined;
  }
  return { weight, quantile, sloMs, fullMs };
}

function readGuards(sink: ErrorSink, value: unknown): Guards | undefined {
  if (value === undefined) return { maxErrorRate: null, stopWhen: [] };
  if (!isRecord(value)) {
    sink.add('guards', `expected an object {maxErrorRate, stopWhen}, found ${describe(value)}`);
    return undefined;
  }
  rejectUnknownKeys(sink, 'guards', value, GUARD_KEYS);
  const capValue = own(value, 'maxErrorRate');
  const maxErrorRate =
    capValue === undefined || capValue === null
      ? null
      : readNumber(
          sink,
          'guards.maxErrorRate',
          capValue,
          0,
          1,
          'error rate of the scored workload between trials above which the session halts',
        );
  const stopValue = own(value, 'stopWhen');
  const stopWhen = stopValue === undefined ? [] : readStopConditions(sink, stopValue);
  if (maxErrorRate === undefined || !stopWhen) return undefined;
  return { maxErrorRate, stopWhen };
}

function readStopConditions(sink: ErrorSink, value: unknown): StopCondition[] | undefined {
  if (Array.isArray(value) && value.length === 0) return [];
  const list = readList(sink, 'guards.stopWhen', value, SPACE_LIMITS.stopConditions, 'conditions {workload, metric, above}');
  if (!list) return undefined;
  const before = sink.count;
  const conditions: StopCondition[] = [];
  list.forEach((item, index) => {
    const path = childPath('guards.stopWhen', index);
    if (!isRecord(item)) {
      sink.add(path, `expected an object {workload, metric, above}, found ${describe(item)}`);
      return;
    }
    rejectUnknownKeys(sink, path, item, STOP_KEYS);
    const workload = readWorkload(sink, `${path}.workload`, own(item, 'workload'));
    const metric = readEnum(sink, `${path}.metric`, own(item, 'metric'), STOP_METRICS);
    if (!metric) return;
    // Bounded as the trial policy's stopWhen will be, so a space that cannot become a valid policy is refused here.
    const above =
      metric === 'errorRate'
        ? readNumber(sink, `${path}.above`, own(item, 'above'), 0, 1, 'an error rate as a fraction')
        : readNumber(sink, `${path}.above`, own(item, 'above'), 1, LIMITS.maxDelayMs, 'a p99 latency in milliseconds');
    if (workload && above !== undefined) conditions.push({ workload, metric, above });
  });
  return sink.count > before ? undefined : conditions;
}
