// Stop conditions (docs/policy.md "Stop conditions"): `spec.stopWhen`, and the server's default guard in the same
// shape. Read here into their canonical form (durations in ms, defaults filled in), every problem named by its
// path; `stopConditionHolds` is what the control plane's evaluator asks of each against a workload's figures.
import { parseDurationMs, spokenMs } from '@hfi/duration';
import { checkKeys, childPath, describe, ErrorSink, isRecord, own } from './errors.js';
import { readInteger } from './fields.js';
import { LIMITS } from './limits.js';
import { readSelector } from './selector.js';
import type { FieldError, StopCondition } from './types.js';

const KEYS = ['selector', 'errorRateAbove', 'p99LatencyAbove', 'p99LatencyAboveMs', 'window', 'windowMs', 'minRequests'] as const;

/** `spec.stopWhen`: a list of 1..LIMITS.stopConditionsPerPolicy conditions. */
export function readStopWhen(sink: ErrorSink, path: string, value: unknown): StopCondition[] | undefined {
  if (value === null) return undefined; // refused by checkKeys
  if (!Array.isArray(value)) {
    sink.add(
      path,
      `expected a list of conditions {selector, errorRateAbove, p99LatencyAbove, window, minRequests}, found ${describe(value)}`,
    );
    return undefined;
  }
  if (value.length === 0 || value.length > LIMITS.stopConditionsPerPolicy) {
    sink.add(path, `expected 1 to ${LIMITS.stopConditionsPerPolicy} conditions, found ${value.length}`);
    return undefined;
  }
  const conditions = value.map((item, index) => readCondition(sink, childPath(path, index), item));
  return conditions.every((c) => c !== undefined) ? (conditions as StopCondition[]) : undefined;
}

/** The default guard as the server's configuration gives it (already parsed from JSON or YAML): errors under `path`. */
export function validateStopWhen(
  value: unknown,
  path = '',
): { ok: true; conditions: StopCondition[] } | { ok: false; errors: FieldError[] } {
  const sink = new ErrorSink();
  const conditions = readStopWhen(sink, path, value);
  return conditions && sink.count === 0 ? { ok: true, conditions } : { ok: false, errors: sink.errors };
}

function readCondition(sink: ErrorSink, path: string, value: unknown): StopCondition | undefined {
  if (value === null) return undefined;
  if (!isRecord(value)) {
    sink.add(path, `expected a condition {selector, errorRateAbove, p99LatencyAbove, window, minRequests}, found ${describe(value)}`);
    return undefined;
  }
  checkKeys(sink, path, value, KEYS);
  const before = sink.count;
  const selectorValue = own(value, 'selector');
  if (selectorValue === undefined) sink.add(`${path}.selector`, 'is required: the workload {service, namespace} whose health is guarded');
  const selector = selectorValue === undefined ? undefined : readSelector(sink, `${path}.selector`, selectorValue);
  const rateValue = own(value, 'errorRateAbove');
  const errorRateAbove = rateValue === undefined ? undefined : readPercent(sink, `${path}.errorRateAbove`, rateValue);
  const p99 = readDuration(sink, path, value, 'p99LatencyAbove', 1, LIMITS.maxDelayMs);
  const window = readDuration(sink, path, value, 'window', LIMITS.stopWindowMinMs, LIMITS.stopWindowMaxMs);
  const minValue = own(value, 'minRequests');
  const minRequests =
    minValue === undefined
      ? LIMITS.stopMinRequestsDefault
      : readInteger(sink, `${path}.minRequests`, minValue, 1, LIMITS.stopMinRequestsMax, 'requests in the window');
  if (rateValue === undefined && p99 === 'absent' && sink.count === before) {
    sink.add(path, 'needs errorRateAbove, p99LatencyAbove, or both');
  }
  if (sink.count > before || !selector || minRequests === undefined || p99 === undefined || window === undefined) return undefined;
  return {
    selector,
    ...(errorRateAbove !== undefined ? { errorRateAbove } : {}),
    ...(p99 !== 'absent' ? { p99LatencyAboveMs: p99 } : {}),
    windowMs: window === 'absent' ? LIMITS.stopWindowDefaultMs : window,
    minRequests,
  };
}

function readPercent(sink: ErrorSink, path: string, value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) {
    sink.add(path, `expected a percentage from 0 to 100, found ${describe(value)}`);
    return undefined;
  }
  return value;
}

/** `<key>` as a duration string or `<key>Ms` as an integer (the canonical form); 'absent' when neither is given. */
function readDuration(
  sink: ErrorSink,
  path: string,
  value: Record<string, unknown>,
  key: 'p99LatencyAbove' | 'window',
  min: number,
  max: number,
): number | 'absent' | undefined {
  const text = own(value, key);
  const ms = own(value, `${key}Ms`);
  if (text !== undefined && ms !== undefined) {
    sink.add(`${path}.${key}Ms`, `given twice: use either ${key} or ${key}Ms`);
    return undefined;
  }
  if (text === undefined && ms === undefined) return 'absent';
  if (ms !== undefined) return readInteger(sink, `${path}.${key}Ms`, ms, min, max, 'milliseconds');
  if (text === null) return undefined; // refused by checkKeys
  if (typeof text !== 'string') {
    sink.add(`${path}.${key}`, `expected a duration string such as "${key === 'window' ? '30s' : '800ms'}", found ${describe(text)}`);
    return undefined;
  }
  const parsed = parseDurationMs(text);
  if (!parsed.ok) {
    sink.add(`${path}.${key}`, `duration ${JSON.stringify(text)} ${parsed.reason}`);
    return undefined;
  }
  if (parsed.ms < min || parsed.ms > max) {
    sink.add(`${path}.${key}`, `expected ${spokenMs(min)} to ${spokenMs(max)}, found ${spokenMs(parsed.ms)}`);
    return undefined;
  }
  return parsed.ms;
}

/** A workload's figures over a condition's window, as the control plane's evaluator reads them. */
export interface ConditionFigures {
  requests: number;
  errorRatePercent: number;
  p99Ms: number;
}

/** Whether a condition holds: enough requests, and a threshold exceeded. */
export function stopConditionHolds(condition: StopCondition, figures: ConditionFigures): boolean {
  if (figures.requests < condition.minRequests) return false;
  if (condition.errorRateAbove !== undefined && figures.errorRatePercent > condition.errorRateAbove) return true;
  return condition.p99LatencyAboveMs !== undefined && figures.p99Ms > condition.p99LatencyAboveMs;
}

/** A condition in words, for describe and logs. */
export function describeStopCondition(condition: StopCondition): string {
  const { service, namespace } = condition.selector;
  const thresholds = [
    ...(condition.errorRateAbove !== undefined ? [`error rate above ${condition.errorRateAbove}%`] : []),
    ...(condition.p99LatencyAboveMs !== undefined ? [`p99 latency above ${spokenMs(condition.p99LatencyAboveMs)}`] : []),
  ];
  const workload = `${service === '*' ? 'any service' : `service "${service}"`} in ${namespace === '*' ? 'any namespace' : `namespace "${namespace}"`}`;
  return `${workload}: ${thresholds.join(' or ')} over ${spokenMs(condition.windowMs)} (at least ${condition.minRequests} requests)`;
}
