// A policy shown as text: the YAML a person would write to get it (the stored form, without the status),
// and one-line summaries of a rule's match and fault.
import type { PolicyWithStatus } from '@hfi/client';
import { stringify } from 'yaml';

type Rule = PolicyWithStatus['spec']['rules'][number];

/** The stored policy as YAML: what `hfi-cli policy get -o yaml` shows, without its status block. */
export function policyYaml(policy: PolicyWithStatus): string {
  const { status: _status, ...stored } = policy;
  return stringify(stored);
}

/** The YAML to edit a policy: with its `metadata.version`, so that a write over a newer version is refused. */
export function editableYaml(policy: PolicyWithStatus): string {
  const { status: _status, metadata, ...rest } = policy;
  const { createdAt: _c, updatedAt: _u, ...kept } = metadata;
  return stringify({ ...rest, metadata: kept });
}

export function describeMatch(rule: Rule): string {
  const match = rule.match;
  if (!match) return 'every request';
  const parts: string[] = [];
  const value = (m: Record<string, unknown>) => Object.entries(m).map(([kind, v]) => `${kind} ${JSON.stringify(v)}`)[0] ?? '';
  if (match.method) parts.push(`method ${value(match.method)}`);
  if (match.path) parts.push(`path ${value(match.path)}`);
  for (const header of match.headers ?? []) {
    const { name, ...rest } = header;
    parts.push(`header ${name} ${value(rest)}`);
  }
  return parts.join(', ');
}

function describeDelay(delay: NonNullable<Rule['fault']['delay']>): string {
  if ('quantiles_ms' in delay) {
    return `delay by quantiles ${Object.entries(delay.quantiles_ms)
      .map(([q, ms]) => `${q} ${ms} ms`)
      .join(', ')}`;
  }
  return `delay ${delay.fixed_delay_ms} ms${delay.jitter_ms ? ` ± ${delay.jitter_ms} ms` : ''}`;
}

export function describeFault(rule: Rule): string {
  const f = rule.fault;
  const parts: string[] = [];
  if (f.delay) parts.push(describeDelay(f.delay));
  if (f.reset) parts.push('reset');
  if (f.abort) parts.push(`abort ${f.abort.httpStatus}${f.abort.grpcStatus !== undefined ? ` (gRPC ${f.abort.grpcStatus})` : ''}`);
  parts.push(`${f.percentage}%`);
  if (f.start_delay_ms > 0) parts.push(`after ${f.start_delay_ms} ms`);
  if (f.duration_seconds > 0) parts.push(`for ${f.duration_seconds} s`);
  return parts.join(', ');
}
