// The delay kind: hold the request before it goes on (docs/policy.md "delay"): fixed, fixed with uniform
// jitter, or log-normal through two quantiles. Accepted spellings: delay.fixedDelay (a duration string),
// delay.fixed_delay_ms, the shorthand delay_ms; jitter / jitter_ms; p50..p999 / quantiles_ms.

import type { DelayFault } from '@hfi/api';
import { DELAY_QUANTILES, DELAY_TABLE_SIZE, type DelayQuantile } from '@hfi/api/constants';
import { parseDurationMs, spokenMs } from '@hfi/duration';
import { probit } from 'simple-statistics';
import { checkKeys, describe, type ErrorSink, hasOwn, isRecord, own } from '../errors.js';
import { given, readInteger, written } from '../fields.js';
import { LIMITS } from '../limits.js';
import type { CompiledRule, Fault } from '../types.js';
import type { FaultKind } from './kind.js';

const QUANTILE_NAMES = Object.keys(DELAY_QUANTILES) as DelayQuantile[];

const FIXED_KEYS = ['fixedDelay', 'fixed_delay_ms'] as const;
const DELAY_KEYS = [...FIXED_KEYS, 'jitter', 'jitter_ms', ...QUANTILE_NAMES, 'quantiles_ms'] as const;
const SHAPES =
  'expected an object {fixedDelay: "1s"} or {fixed_delay_ms: 1000} (either with a jitter), or two quantiles such as {p50: "100ms", p99: "800ms"}';

export const delayKind: FaultKind = {
  name: 'delay',
  inputKeys: ['delay', 'delay_ms'],
  isGiven: (input) => written(input, 'delay') || written(input, 'delay_ms'),
  read(sink, faultPath, input) {
    const before = sink.count;
    const delay = readDelay(sink, faultPath, input);
    if (sink.count > before) return undefined;
    return delay === undefined ? {} : { delay };
  },
  compile: (fault: Fault): Pick<CompiledRule, 'delayMs' | 'delayDistribution'> => compileDelay(fault.delay),
  decision(rule) {
    const distribution = rule.delayDistribution;
    if (distribution === undefined) return undefined;
    if (distribution.kind === 'uniform') {
      const { minMs, maxMs } = distribution;
      return (random, decision) => ({ ...decision, delayMs: minMs + random.drawBelow(maxMs - minMs + 1) });
    }
    const table = distribution.ms;
    return (random, decision) => ({ ...decision, delayMs: table[random.drawBelow(table.length)]! });
  },
  describe(fault) {
    const d = fault.delay;
    if (!d) return undefined;
    if ('quantiles_ms' in d) {
      const given = quantilesOf(d.quantiles_ms);
      return `delay drawn from a log-normal distribution with ${given.map(([q, ms]) => `${q} ${spokenMs(ms)}`).join(' and ')}`;
    }
    if (d.jitter_ms !== undefined) {
      return `delay ${spokenMs(d.fixed_delay_ms)} ± ${spokenMs(d.jitter_ms)} (uniform from ${spokenMs(d.fixed_delay_ms - d.jitter_ms)} to ${spokenMs(d.fixed_delay_ms + d.jitter_ms)})`;
    }
    return `delay ${spokenMs(d.fixed_delay_ms)}`;
  },
};

/** A fixed delay compiles to delayMs as in wire version 1; a distribution to delayDistribution (delayMs 0). */
function compileDelay(delay: DelayFault | undefined): Pick<CompiledRule, 'delayMs' | 'delayDistribution'> {
  if (!delay) return { delayMs: 0 };
  if ('quantiles_ms' in delay) return { delayMs: 0, delayDistribution: { kind: 'table', ms: logNormalTable(delay.quantiles_ms) } };
  if (delay.jitter_ms === undefined) return { delayMs: delay.fixed_delay_ms };
  const minMs = delay.fixed_delay_ms - delay.jitter_ms;
  return { delayMs: 0, delayDistribution: { kind: 'uniform', minMs, maxMs: delay.fixed_delay_ms + delay.jitter_ms } };
}

type Quantiles = Extract<DelayFault, { quantiles_ms: unknown }>['quantiles_ms'];

/** The given quantiles, lowest probability first. */
function quantilesOf(quantiles: Quantiles): [DelayQuantile, number][] {
  return QUANTILE_NAMES.filter((q) => quantiles[q] !== undefined).map((q) => [q, quantiles[q]!]);
}

/**
 * The log-normal distribution through the two quantiles, as DELAY_TABLE_SIZE quantiles at (i + 0.5) / size,
 * whole milliseconds from 1 to the delay limit: the plugin picks one by an integer draw, so it needs no
 * floating point (docs/wire-format.md "Delay distributions").
 */
function logNormalTable(quantiles: Quantiles): number[] {
  const [[qa, a], [qb, b]] = quantilesOf(quantiles) as [[DelayQuantile, number], [DelayQuantile, number]];
  const za = probit(DELAY_QUANTILES[qa]);
  const zb = probit(DELAY_QUANTILES[qb]);
  const sigma = (Math.log(b) - Math.log(a)) / (zb - za);
  const mu = Math.log(a) - sigma * za;
  return Array.from({ length: DELAY_TABLE_SIZE }, (_, i) => {
    const ms = Math.round(Math.exp(mu + sigma * probit((i + 0.5) / DELAY_TABLE_SIZE)));
    return Math.min(LIMITS.maxDelayMs, Math.max(1, ms));
  });
}

function readDelay(sink: ErrorSink, faultPath: string, fault: Record<string, unknown>): DelayFault | undefined {
  const delay = own(fault, 'delay');
  const shorthand = own(fault, 'delay_ms');
  const hasDelay = delay !== undefined && delay !== null;
  const hasShorthand = shorthand !== undefined && shorthand !== null;
  if (hasDelay && hasShorthand) {
    sink.add(`${faultPath}.delay_ms`, 'the delay is given twice: use either delay or delay_ms');
    return undefined;
  }
  if (hasShorthand) {
    const ms = readDelayMs(sink, `${faultPath}.delay_ms`, shorthand);
    return ms === undefined ? undefined : { fixed_delay_ms: ms };
  }
  if (!hasDelay) return undefined;
  const path = `${faultPath}.delay`;
  if (!isRecord(delay)) {
    sink.add(path, `${SHAPES}, found ${describe(delay)}`);
    return undefined;
  }
  checkKeys(sink, path, delay, DELAY_KEYS);
  const quantileKeys = [...QUANTILE_NAMES, 'quantiles_ms'].filter((key) => given(delay, key));
  const fixedKeys = FIXED_KEYS.filter((key) => hasOwn(delay, key));
  if (quantileKeys.length > 0) {
    if (fixedKeys.length > 0 || given(delay, 'jitter') || given(delay, 'jitter_ms')) {
      sink.add(path, 'expected either a fixed delay (with or without jitter) or two quantiles, found both');
      return undefined;
    }
    return readQuantiles(sink, path, delay);
  }
  if (fixedKeys.length !== 1) {
    sink.add(
      path,
      fixedKeys.length === 0
        ? 'expected fixedDelay (e.g. "1s"), fixed_delay_ms (e.g. 1000) or two quantiles (e.g. p50 and p99), found neither'
        : 'expected one of fixedDelay or fixed_delay_ms, found both',
    );
    return undefined;
  }
  const fixed =
    fixedKeys[0] === 'fixed_delay_ms'
      ? readDelayMs(sink, `${path}.fixed_delay_ms`, own(delay, 'fixed_delay_ms'))
      : readDuration(sink, `${path}.fixedDelay`, own(delay, 'fixedDelay'));
  const jitter = readJitter(sink, path, delay);
  if (fixed === undefined || jitter === null) return undefined;
  if (jitter === undefined) return { fixed_delay_ms: fixed };
  const where = `${path}.${given(delay, 'jitter') ? 'jitter' : 'jitter_ms'}`;
  if (jitter >= fixed) {
    sink.add(where, `expected a jitter smaller than the fixed delay (${fixed}ms), so that every delay is at least 1ms; found ${jitter}ms`);
    return undefined;
  }
  if (fixed + jitter > LIMITS.maxDelayMs) {
    sink.add(where, `the longest delay, ${fixed}ms + ${jitter}ms, is over the limit of ${LIMITS.maxDelayMs}ms`);
    return undefined;
  }
  return { fixed_delay_ms: fixed, jitter_ms: jitter };
}

/** undefined: no jitter; null: refused. */
function readJitter(sink: ErrorSink, path: string, delay: Record<string, unknown>): number | undefined | null {
  if (given(delay, 'jitter') && given(delay, 'jitter_ms')) {
    sink.add(`${path}.jitter_ms`, 'the jitter is given twice: use either jitter or jitter_ms');
    return null;
  }
  if (given(delay, 'jitter')) return readDuration(sink, `${path}.jitter`, own(delay, 'jitter')) ?? null;
  if (given(delay, 'jitter_ms')) return readDelayMs(sink, `${path}.jitter_ms`, own(delay, 'jitter_ms')) ?? null;
  return undefined;
}

/** Two quantiles, as durations (`p50: "100ms"`) or in the canonical `quantiles_ms: {p50: 100}`. */
function readQuantiles(sink: ErrorSink, path: string, delay: Record<string, unknown>): DelayFault | undefined {
  const canonical = given(delay, 'quantiles_ms');
  if (canonical && QUANTILE_NAMES.some((q) => given(delay, q))) {
    sink.add(path, 'the quantiles are given twice: use either p50/p99/... or quantiles_ms');
    return undefined;
  }
  let source: Record<string, unknown> = delay;
  let base = path;
  if (canonical) {
    const value = own(delay, 'quantiles_ms');
    base = `${path}.quantiles_ms`;
    if (!isRecord(value)) {
      sink.add(base, `expected an object such as {p50: 100, p99: 800}, found ${describe(value)}`);
      return undefined;
    }
    checkKeys(sink, base, value, QUANTILE_NAMES);
    source = value;
  }
  const names = QUANTILE_NAMES.filter((q) => given(source, q));
  if (names.length !== 2) {
    sink.add(
      base,
      `expected exactly two quantiles of ${QUANTILE_NAMES.join(', ')} (a log-normal delay through them), found ${names.length}`,
    );
    return undefined;
  }
  const before = sink.count;
  const values = names.map((q) =>
    canonical ? readDelayMs(sink, `${base}.${q}`, own(source, q)) : readDuration(sink, `${base}.${q}`, own(source, q)),
  );
  if (sink.count > before) return undefined;
  const [low, high] = values as [number, number];
  if (high <= low) {
    sink.add(`${base}.${names[1]}`, `expected more than ${names[0]} (${low}ms): quantiles grow with their probability; found ${high}ms`);
    return undefined;
  }
  return { quantiles_ms: { [names[0]!]: low, [names[1]!]: high } };
}

/** A duration string such as "250ms" within the delay range. */
function readDuration(sink: ErrorSink, path: string, text: unknown): number | undefined {
  if (text === null) return undefined; // refused by checkKeys
  if (typeof text !== 'string') {
    sink.add(path, `expected a duration string such as "1s", "250ms" or "1.5s", found ${describe(text)}`);
    return undefined;
  }
  const parsed = parseDurationMs(text);
  if (!parsed.ok) {
    sink.add(path, `duration ${JSON.stringify(text)} ${parsed.reason}`);
    return undefined;
  }
  return checkDelayRange(sink, path, parsed.ms);
}

function readDelayMs(sink: ErrorSink, path: string, value: unknown): number | undefined {
  if (value === null) return undefined; // refused by checkKeys
  const ms = readInteger(sink, path, value, 0, LIMITS.maxDelayMs, 'milliseconds');
  return ms === undefined ? undefined : checkDelayRange(sink, path, ms);
}

function checkDelayRange(sink: ErrorSink, path: string, ms: number): number | undefined {
  if (ms < 1) {
    sink.add(path, 'expected a delay of at least 1ms (omit the delay for none), found 0');
    return undefined;
  }
  if (ms > LIMITS.maxDelayMs) {
    sink.add(path, `expected a delay of at most ${LIMITS.maxDelayMs}ms, found ${ms}ms`);
    return undefined;
  }
  return ms;
}
