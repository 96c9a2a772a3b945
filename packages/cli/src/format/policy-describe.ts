// `policy describe`: a policy in words, for the person deciding whether it is doing what they meant.

import type { PolicyWithStatus } from '@hfi/client';
import {
  describeFault as describeFaultKinds,
  describeOverrides,
  describeSchedule,
  describeStopCondition,
  type HeaderMatch,
  type Rule,
  type StringMatch,
} from '@hfi/policy';
import type { Palette } from './color.js';
import { describeHalt, describeScope } from './halts.js';
import { formatPhase } from './policy-table.js';
import { relative, spokenMs, spokenSeconds } from './time.js';

const LABEL_WIDTH = 14;

export function describePolicy(policy: PolicyWithStatus, nowMs: number, palette: Palette): string {
  const lines: string[] = [];
  const field = (label: string, value: string) => lines.push(`${`${label}:`.padEnd(LABEL_WIDTH)}${value}`);
  const meta = policy.metadata;
  const status = policy.status;

  field('Name', meta.name);
  field('Labels', formatLabels(meta.labels));
  field('Version', meta.version ?? '<none>');
  if (meta.createdAt) field('Created', `${meta.createdAt} (${relative(meta.createdAt, nowMs)})`);
  if (meta.updatedAt) field('Updated', `${meta.updatedAt} (${relative(meta.updatedAt, nowMs)})`);
  field('Selector', describeSelector(policy));
  field('Priority', `${policy.spec.priority ?? 0} (higher is evaluated first)`);
  const overrides = describeOverrides(policy.spec.requestOverrides);
  if (overrides) field('Overrides', overrides);
  const schedule = describeSchedule(policy.spec.schedule);
  if (schedule) field('Schedule', schedule);
  for (const [i, condition] of (policy.spec.stopWhen ?? []).entries()) {
    if (i === 0) field('Stop when', describeStopCondition(condition));
    else lines.push(`${''.padEnd(LABEL_WIDTH)}${describeStopCondition(condition)}`);
  }
  if (policy.spec.dryRun) field('Dry run', 'yes: data planes match and count, and inject nothing');
  field('Status', formatPhase(policy, palette));
  if (status) {
    for (const halt of status.halts) {
      field(halt.scope === 'whole' ? 'Halted by' : 'Partial halt', describeHalt(halt, nowMs));
    }
    const reason = status.haltReason;
    if (reason) {
      const which =
        reason.source === 'stopWhen' ? `stop condition ${reason.conditionIndex}` : `the default guard's condition ${reason.conditionIndex}`;
      const seen = reason.observed;
      field(
        'Stopped by',
        `${which} at ${reason.at} (${relative(reason.at, nowMs)}): ${describeStopCondition(reason.condition)}; saw ${seen.errorRatePercent}% errors, p99 ${seen.p99Ms}ms over ${seen.requests} requests from ${seen.dataPlanes} data plane${seen.dataPlanes === 1 ? '' : 's'} (resume: hfi-cli policy resume ${meta.name})`,
      );
    }
    field('Time window', describeWindow(status.phase, status.activeFrom, status.expiresAt, nowMs));
    if (status.nextWindowAt !== undefined) {
      const next = status.nextWindowAt;
      field('Next window', next === null ? 'none before the policy expires' : `${next} (${relative(next, nowMs)})`);
    }
    field(
      'Data planes',
      `applied on ${status.appliedDataPlanes} of ${status.targetedDataPlanes} targeted data plane${status.targetedDataPlanes === 1 ? '' : 's'}`,
    );
    field('Faults', `${count(status.faults.aborts, 'abort')}, ${count(status.faults.delays, 'delay')} injected so far`);
    if (policy.spec.dryRun || status.wouldInject > 0) field('Would inject', `${count(status.wouldInject, 'request')} so far (dry run)`);
  }
  const rules = policy.spec.rules;
  field('Rules', `${rules.length}, the first match wins`);
  for (const [index, rule] of rules.entries()) lines.push(...describeRule(rule, index, status?.ruleWouldInject[index]));
  return lines.join('\n');
}

function describeSelector(policy: PolicyWithStatus): string {
  return describeScope(policy.spec.selector);
}

function describeWindow(phase: string, activeFrom: string | null, expiresAt: string | null, nowMs: number): string {
  if (activeFrom === null) return 'from its first write (it has none yet)';
  const from = `from ${activeFrom} (${relative(activeFrom, nowMs)})`;
  if (expiresAt === null || expiresAt === undefined) return `${from} until deleted`;
  const ended = phase === 'Expired' || Date.parse(expiresAt) <= nowMs;
  return `${from} ${ended ? 'to' : 'until'} ${expiresAt} (${ended ? 'expired ' : 'expires '}${relative(expiresAt, nowMs)})`;
}

function describeRule(rule: Rule, index: number, wouldInject: number | undefined): string[] {
  const indent = '  ';
  const row = (label: string, value: string) => `${indent}  ${`${label}:`.padEnd(LABEL_WIDTH - 2)}${value}`;
  const fault = rule.fault;
  const timing: string[] = [];
  if (fault.start_delay_ms > 0) timing.push(`waits ${spokenMs(fault.start_delay_ms)} before the fault`);
  timing.push(
    fault.duration_seconds > 0
      ? `lasts ${spokenSeconds(fault.duration_seconds)} after the policy's latest write`
      : 'lasts until the policy is deleted',
  );
  return [
    `${indent}Rule ${index}`,
    row('Matches', describeMatch(rule)),
    row('Does', describeFault(rule)),
    row('Applies to', `${formatPercent(fault.percentage)} of matching requests`),
    row('Timing', timing.join('; ')),
    ...(wouldInject ? [row('Dry run', `would have faulted ${count(wouldInject, 'request')}`)] : []),
  ];
}

export function describeMatch(rule: Rule): string {
  const m = rule.match;
  const parts: string[] = [];
  if (m?.path) parts.push(`path ${describeString(m.path)}`);
  if (m?.method) parts.push(`method ${describeString(m.method)}`);
  for (const h of m?.headers ?? []) parts.push(describeHeader(h));
  if (m?.responseStatus !== undefined) parts.push(`the upstream answered ${m.responseStatus}`);
  return parts.length === 0 ? 'every request' : parts.join(', and ');
}

function describeString(match: StringMatch): string {
  if ('exact' in match) return `is ${JSON.stringify(match.exact)}`;
  if ('prefix' in match) return `starts with ${JSON.stringify(match.prefix)}`;
  return `matches the regex ${JSON.stringify(match.regex)} (whole value)`;
}

function describeHeader(h: HeaderMatch): string {
  const name = `header ${JSON.stringify(h.name)}`;
  if ('present' in h) return h.present ? `${name} is present` : `${name} is absent`;
  return `${name} ${describeString(h as StringMatch)}`;
}

/** What the rule's fault does: the words come from each fault kind's module in @hfi/policy. */
export function describeFault(rule: Rule): string {
  return describeFaultKinds(rule.fault);
}

function formatPercent(p: number): string {
  return `${Number(p.toFixed(4))}%`;
}

function formatLabels(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {});
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${v}`).join(', ');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
