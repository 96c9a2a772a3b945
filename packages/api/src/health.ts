// Liveness and readiness answers.
import { type Static, Type } from '@sinclair/typebox';
import { ErrorDetail } from './errors.js';
import { CLOSED } from './schema.js';

export const Health = Type.Object(
  { status: Type.Literal('ok'), version: Type.String({ description: 'the control plane package version' }) },
  { ...CLOSED, $id: 'Health' },
);
export type Health = Static<typeof Health>;

export const Ready = Type.Object(
  {
    status: Type.Literal('ready'),
    store: Type.Union([Type.Literal('memory'), Type.Literal('etcd')]),
    epoch: Type.String(),
    version: Type.Integer({ minimum: 0, description: 'the rule-set version this replica serves' }),
    details: Type.Array(ErrorDetail, {
      description: 'store keys whose values are not valid policies: skipped alike by every replica, so the replica is still ready',
    }),
  },
  { ...CLOSED, $id: 'Ready' },
);
export type Ready = Static<typeof Ready>;
