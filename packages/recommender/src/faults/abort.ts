// Abort: an HTTP status chosen from a set.
import { describe, isRecord, own, rejectUnknownKeys } from '@hfi/policy';
import { readInteger, readList } from '../space/fields.js';
import type { FaultKind } from './fault-kind.js';

const KEYS = ['statuses'] as const;
const MAX_STATUSES = 32;
const STATUS_DIMENSION = 'http_status';

export const abortKind: FaultKind<{ statuses: number[] }> = {
  name: 'abort',
  read(sink, path, value) {
    if (!isRecord(value)) {
      sink.add(path, `expected an object {statuses}, e.g. {statuses: [500, 503]}, found ${describe(value)}`);
      return undefined;
    }
    rejectUnknownKeys(sink, path, value, KEYS);
    const where = `${path}.statuses`;
    const list = readList(sink, where, own(value, 'statuses'), MAX_STATUSES, 'HTTP statuses such as [500, 503]');
    if (!list) return undefined;
    const before = sink.count;
    const statuses: number[] = [];
    list.forEach((item, index) => {
      const status = readInteger(sink, `${where}[${index}]`, item, 200, 599, 'an HTTP status');
      if (status === undefined) return;
      if (statuses.includes(status)) sink.add(`${where}[${index}]`, `status ${status} is listed twice`);
      else statuses.push(status);
    });
    return sink.count > before ? undefined : { statuses };
  },
  dimensions(space) {
    return [
      {
        kind: 'categorical',
        name: STATUS_DIMENSION,
        choices: space.statuses.map((status) => ({ label: String(status), features: [String(status)] })),
        activeWhen: { dimension: 'kind', equals: 'abort' },
      },
    ];
  },
  fault(candidate) {
    return { abort: { httpStatus: Number(candidate[STATUS_DIMENSION]) } };
  },
  summary(candidate) {
    return `abort ${String(candidate[STATUS_DIMENSION])}`;
  },
};
