// The delay kind (docs/policy.md "delay"): loads a rule's delay from the wire (fixed, or a distribution:
// docs/wire-format.md "Delay distributions") and draws each request's; the wait itself is the root context's
// delay queue (../delays.ts), released from the tick.

import { JsonKind } from '../json';
import { DELAY_TABLE_SIZE, MAX_DELAY_MS } from '../limits';
import { FieldReader } from '../loader/fields';
import { extraOf, Rule } from '../ruleset';
import { draws } from '../vm';

/** A drawn delay: a uniform span, or a log-normal quantile table. */
export class DelayDistribution {
  minMs: i32 = 0;
  /** Uniform: minMs + a draw below spanMs; 0 for a table. */
  spanMs: u32 = 0;
  table: StaticArray<i32> | null = null;
}

/** The `delayMs` field of a rule. */
export function readDelayField(fields: FieldReader, rule: Rule): void {
  rule.delayMs = <i32>fields.integer('delayMs', '', 0, <f64>MAX_DELAY_MS);
}

/** The `delayDistribution` field (wire version 2): {kind: uniform, minMs, maxMs} or {kind: table, ms: [...]}. */
export function readDelayDistributionField(fields: FieldReader, rule: Rule): void {
  const r = fields.reader;
  if (!r.enterObject()) return;
  let kind = -1;
  let minMs: i32 = -1;
  let maxMs: i32 = -1;
  let table: StaticArray<i32> | null = null;
  let first = true;
  while (r.nextKey(first)) {
    first = false;
    if (r.keyIs('kind')) {
      if (fields.view('delayDistribution', '.kind')) kind = r.viewIs('uniform') ? 0 : r.viewIs('table') ? 1 : -2;
    } else if (r.keyIs('minMs')) minMs = <i32>fields.integer('delayDistribution', '.minMs', 1, <f64>MAX_DELAY_MS);
    else if (r.keyIs('maxMs')) maxMs = <i32>fields.integer('delayDistribution', '.maxMs', 1, <f64>MAX_DELAY_MS);
    else if (r.keyIs('ms')) table = readTable(fields);
    else r.skipValue();
    if (!fields.ok) return;
  }
  const distribution = new DelayDistribution();
  if (kind == 0) {
    if (minMs < 0 || maxMs < minMs) fields.fail('delayDistribution', '', 'a uniform delay needs 1 <= minMs <= maxMs');
    distribution.minMs = minMs;
    distribution.spanMs = <u32>(maxMs - minMs + 1);
    extraOf(rule).delay = distribution;
  } else if (kind == 1) {
    if (table === null) fields.fail('delayDistribution', '.ms', 'required for a table');
    distribution.table = table;
    extraOf(rule).delay = distribution;
  } else fields.fail('delayDistribution', '.kind', 'unknown or missing kind');
}

function readTable(fields: FieldReader): StaticArray<i32> | null {
  const r = fields.reader;
  if (r.kind() != JsonKind.Array) {
    fields.fail('delayDistribution', '.ms', 'expected a list');
    r.skipValue();
    return null;
  }
  const table = new StaticArray<i32>(DELAY_TABLE_SIZE);
  if (!r.enterArray()) return null;
  let n = 0;
  let first = true;
  while (r.nextItem(first)) {
    first = false;
    if (n >= DELAY_TABLE_SIZE) break;
    unchecked((table[n] = <i32>fields.integer('delayDistribution', '.ms[]', 1, <f64>MAX_DELAY_MS)));
    if (!fields.ok) return null;
    n++;
  }
  if (n != DELAY_TABLE_SIZE) {
    fields.fail('delayDistribution', '.ms', 'expected ' + DELAY_TABLE_SIZE.toString() + ' entries');
    return null;
  }
  return table;
}

/** This request's delay (0 = none): the rule's fixed delay, or a draw from its distribution after the percentage draw. */
export function delayOf(rule: Rule): i64 {
  const extra = rule.extra;
  if (extra === null) return <i64>rule.delayMs;
  const d = extra.delay;
  if (d === null) return <i64>rule.delayMs;
  const table = d.table;
  if (table !== null) return <i64>unchecked(table[<i32>draws.drawBelow(<u32>table.length)]);
  return <i64>d.minMs + <i64>draws.drawBelow(d.spanMs);
}
