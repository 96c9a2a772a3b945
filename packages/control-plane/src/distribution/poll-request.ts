// The data-plane poll body (docs/wire-format.md "Data-plane long-poll"), validated at the edge. Only what
// answering needs can refuse a poll (identity, held version, hold); the counters are read apart from it
// (../telemetry/counter-report.ts), so that telemetry never cuts off a data plane.
import { WIRE_VERSION } from '@hfi/policy';
import type { ErrorDetail } from '../errors.js';

export interface DataPlanePoll {
  wireVersion: number;
  identity: { service: string | null; namespace: string | null; pod: string | null };
  instance: string;
  epoch: string;
  version: number;
  holdMs: number;
  /** As sent: read by readCounterReport, which drops what it cannot use. */
  counters: unknown;
}

const MAX_TEXT = 253;

export function parsePoll(body: unknown): { ok: true; poll: DataPlanePoll } | { ok: false; details: ErrorDetail[] } {
  const details: ErrorDetail[] = [];
  const fail = (path: string, message: string): void => void details.push({ path, message });
  if (!isRecord(body)) return { ok: false, details: [{ path: '', message: 'expected a JSON object' }] };

  if (body.wireVersion !== WIRE_VERSION) fail('wireVersion', `expected ${WIRE_VERSION}`);
  const identity = isRecord(body.identity) ? body.identity : undefined;
  if (!identity) fail('identity', 'expected an object {service, namespace, pod}');
  const service = optionalText(identity?.service, 'identity.service', fail);
  const namespace = optionalText(identity?.namespace, 'identity.namespace', fail);
  const pod = optionalText(identity?.pod, 'identity.pod', fail);
  if (typeof body.instance !== 'string' || body.instance === '' || body.instance.length > 2 * MAX_TEXT) {
    fail('instance', `expected a non-empty string of at most ${2 * MAX_TEXT} characters`);
  }
  if (typeof body.epoch !== 'string' || body.epoch.length > 64) fail('epoch', 'expected a string ("" when holding nothing)');
  if (!isCount(body.version)) fail('version', 'expected a non-negative integer (0 when holding nothing)');
  if (!isCount(body.holdMs)) fail('holdMs', 'expected a non-negative integer (milliseconds)');
  if (details.length > 0) return { ok: false, details };
  return {
    ok: true,
    poll: {
      wireVersion: WIRE_VERSION,
      identity: { service, namespace, pod },
      instance: body.instance as string,
      epoch: body.epoch as string,
      version: body.version as number,
      holdMs: body.holdMs as number,
      counters: body.counters,
    },
  };
}

function optionalText(value: unknown, path: string, fail: (path: string, message: string) => void): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > MAX_TEXT) {
    fail(path, `expected a string of at most ${MAX_TEXT} characters, or null when unknown`);
    return null;
  }
  return value;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
