// Delay: a fixed delay searched over a millisecond range, linear or log-scaled.
import { describe, isRecord, LIMITS, own, rejectUnknownKeys } from '@hfi/policy';
import { readDurationMs, readEnum } from '../space/fields.js';
import type { NumericRange } from '../space/types.js';
import type { FaultKind } from './fault-kind.js';

const KEYS = ['min', 'max', 'scale'] as const;
const DELAY_DIMENSION = 'delay_ms';

export const delayKind: FaultKind<{ ms: NumericRange }> = {
  name: 'delay',
  read(sink, path, value) {
    if (!isRecord(value)) {
      sink.add(path, `expected an object {min, max, scale}, e.g. {min: 50ms, max: 3s, scale: log}, found ${describe(value)}`);
      return undefined;
    }
    rejectUnknownKeys(sink, path, value, KEYS);
    const min = readDurationMs(sink, `${path}.min`, own(value, 'min'), 1, LIMITS.maxDelayMs);
    const max = readDurationMs(sink, `${path}.max`, own(value, 'max'), 1, LIMITS.maxDelayMs);
    const scaleValue = own(value, 'scale');
    const scale = scaleValue === undefined ? 'linear' : readEnum(sink, `${path}.scale`, scaleValue, ['linear', 'log'] as const);
    if (min === undefined || max === undefined || scale === undefined) return undefined;
    if (min > max) {
      sink.add(`${path}.max`, `must not be below min (${min}ms), found ${max}ms`);
      return undefined;
    }
    return { ms: { min, max, scale } };
  },
  dimensions(space) {
    return [{ kind: 'numeric', name: DELAY_DIMENSION, ...space.ms, integer: true, activeWhen: { dimension: 'kind', equals: 'delay' } }];
  },
  fault(candidate) {
    return { delay: { fixed_delay_ms: Number(candidate[DELAY_DIMENSION]) } };
  },
  summary(candidate) {
    return `delay ${String(candidate[DELAY_DIMENSION])}ms`;
  },
};
