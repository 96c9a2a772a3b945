// Traffic outcomes (docs/outcomes.md): the report a data plane sends to POST /v1/dataplane/report and the
// figures GET /v1/workloads answers per workload (service, namespace).
import { type Static, Type } from '@sinclair/typebox';
import { DATA_PLANE_CALLER } from './dataplane.js';
import { API_LIMITS } from './limits.js';
import { LATENCY_BUCKETS, OUTCOME_STATUS_CLASSES, OUTCOME_WINDOWS } from './outcome-buckets.js';
import { CLOSED, Nullable, ref } from './schema.js';

const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const IdentityText = Type.String({ maxLength: API_LIMITS.identityTextLength });
const classCounts = (description: string) =>
  Type.Array(Count, { minItems: OUTCOME_STATUS_CLASSES.length, maxItems: OUTCOME_STATUS_CLASSES.length, description });

export const OutcomeReport = Type.Object(
  {
    seq: Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'per instance, from 1, one more for each new report; a resend (after a lost answer) repeats it',
    }),
    status: classCounts(`responses from upstream by status class (${OUTCOME_STATUS_CLASSES.join(', ')})`),
    local: classCounts('local replies (HFI aborts) by status class, apart from the upstream responses'),
    faulted: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'requests HFI delayed, aborted or reset' }),
    latency: Type.Array(Count, {
      minItems: LATENCY_BUCKETS,
      maxItems: LATENCY_BUCKETS,
      description: 'requests by latency bucket (request headers to stream end; LATENCY_BUCKET_BOUNDS_US, then the overflow)',
    }),
  },
  {
    $id: 'OutcomeReport',
    description:
      'What a data plane observed since its last acknowledged report (docs/outcomes.md). Every request is in one status class and one latency bucket.',
  },
);
export type OutcomeReport = Static<typeof OutcomeReport>;

export const DataPlaneReportBody = Type.Object(
  {
    ...DATA_PLANE_CALLER,
    // Read apart from the body's schema (control-plane telemetry/outcome-report.ts): outcomes that do not fit
    // OutcomeReport are dropped and counted; nothing a report holds touches the rule set.
    outcomes: Type.Union([ref(OutcomeReport), Type.Unknown()], { description: 'an OutcomeReport' }),
  },
  {
    $id: 'DataPlaneReport',
    description: 'What a data plane sends to POST /v1/dataplane/report, at most every 2 s. Fields this version does not know are ignored.',
  },
);
export type DataPlaneReportBody = Static<typeof DataPlaneReportBody>;

const Ms = Nullable(Type.Number({ minimum: 0, description: 'ms; null when the window holds no request' }));

export const Workload = Type.Object(
  {
    service: Type.String({ description: '"" when the data planes do not know it' }),
    namespace: Type.String({ description: '"" when the data planes do not know it' }),
    dataPlanes: Type.Integer({ minimum: 0, description: 'data planes (wasm VMs) of the workload heard from in the last 60 s' }),
    requests: Count,
    requestsPerSecond: Type.Number({ minimum: 0, description: 'requests over the window length' }),
    errors: Type.Integer({ minimum: 0, description: '5xx responses, from upstream or local replies' }),
    errorRatePercent: Type.Number({ minimum: 0, maximum: 100, description: 'errors over requests (0 when none)' }),
    faulted: Type.Integer({ minimum: 0, description: 'requests HFI delayed, aborted or reset' }),
    faultedPercent: Type.Number({ minimum: 0, maximum: 100 }),
    p50Ms: Ms,
    p99Ms: Ms,
    status: Type.Record(Type.String(), Count, { description: 'upstream responses by status class' }),
    local: Type.Record(Type.String(), Count, { description: 'local replies by status class' }),
  },
  { ...CLOSED, $id: 'Workload', description: 'One workload over the window, from every data plane of it and every replica.' },
);
export type Workload = Static<typeof Workload>;

export const WorkloadList = Type.Object(
  {
    windowMs: Type.Integer({ minimum: OUTCOME_WINDOWS.minMs, maximum: OUTCOME_WINDOWS.maxMs }),
    items: Type.Array(ref(Workload)),
  },
  {
    ...CLOSED,
    $id: 'WorkloadList',
    description: 'Workloads sorted by namespace, then service. Latency percentiles are bucket upper bounds (√2 apart).',
  },
);
export type WorkloadList = Static<typeof WorkloadList>;

export const WorkloadsQuery = Type.Object(
  {
    window: Type.Optional(
      Type.String({
        maxLength: 32,
        description: `a duration (30s, 5m), ${OUTCOME_WINDOWS.minMs / 1000}s-${OUTCOME_WINDOWS.maxMs / 60_000}m; default 1m`,
      }),
    ),
    service: Type.Optional(IdentityText),
    namespace: Type.Optional(IdentityText),
  },
  { description: 'other parameters are ignored' },
);
export type WorkloadsQuery = Static<typeof WorkloadsQuery>;
