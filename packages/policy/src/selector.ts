// Selectors, shared by rules, halts and stop conditions: reading them as users write them, and matching them.
import { checkKeys, describe, type ErrorSink, isRecord, own } from './errors.js';
import type { Selector } from './types.js';

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Kubernetes label value / name part of a key: alphanumeric at both ends, `-_.` inside. */
export const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const SELECTOR_KEYS = ['service', 'namespace'] as const;

/** '*' selects everyone; a named selector needs a known, equal identity field. */
export function selects(selector: string, actual: string | null | undefined): boolean {
  return selector === '*' || (actual !== null && actual !== undefined && selector === actual);
}

/** A selector as policies and halts write it: absent, "*" or "" means any; null is refused by the caller's checkKeys. */
export function readSelector(sink: ErrorSink, path: string, value: unknown): Selector | undefined {
  if (value === undefined || value === null || value === '' || value === '*') return { service: '*', namespace: '*' };
  if (!isRecord(value)) {
    sink.add(path, `expected an object {service, namespace}, found ${describe(value)}`);
    return undefined;
  }
  checkKeys(sink, path, value, SELECTOR_KEYS);
  const service = readSelectorField(
    sink,
    `${path}.service`,
    own(value, 'service'),
    LABEL_NAME,
    'a service name (letters, digits, "-", "_", "." inside, at most 63 characters)',
  );
  const namespace = readSelectorField(sink, `${path}.namespace`, own(value, 'namespace'), DNS_LABEL, 'a namespace (a DNS-1123 label)');
  if (service === undefined || namespace === undefined) return undefined;
  return { service, namespace };
}

function readSelectorField(sink: ErrorSink, path: string, value: unknown, shape: RegExp, expected: string): string | undefined {
  if (value === undefined || value === null || value === '' || value === '*') return '*';
  if (typeof value !== 'string' || value.length > 63 || !shape.test(value)) {
    sink.add(path, `expected "*" or ${expected}, found ${describe(value)}`);
    return undefined;
  }
  return value;
}
