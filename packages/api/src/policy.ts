// The FaultInjectionPolicy document: its canonical form (what the API stores and answers) and the input
// forms users may write (what the API accepts). The hand-written validator in @hfi/policy is the runtime
// check for policies: its field paths and did-you-mean messages are better than a schema validator's, and
// it checks what a schema cannot (regexes that compile to a DFA within the caps, header-name rules,
// exactly one delay). PolicyDocument is therefore a superset of what it accepts, never a subset
// (packages/policy/test/schema-agreement.test.ts runs every fixture through both).
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { DelayFault, DelayInput, DelayMs } from './faults/delay.js';
import { FaultLimit, FaultLimitInput, MaxActive } from './faults/limit.js';
import { RequestOverrides, RequestOverridesInput } from './faults/overrides.js';
import { FaultPhase, FaultPhaseInput, ResponseStatusMatch } from './faults/phase.js';
import { ResetFault } from './faults/reset.js';
import { PolicySchedule, PolicyScheduleInput } from './faults/schedule.js';
import { LIMITS } from './limits.js';
import { CLOSED } from './schema.js';
import { Selector, SelectorInput } from './selector.js';
import { StopWhen, StopWhenInput } from './stop-conditions.js';

export { Selector, SelectorInput };

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const HTTP_STATUS = { minimum: 200, maximum: 599 } as const;
const GRPC_STATUS = { minimum: 0, maximum: 16 } as const;

// ---------------------------------------------------------------------------------------------
// The canonical form.

function matchValue(kind: 'exact' | 'prefix' | 'regex') {
  return kind === 'regex'
    ? Type.String({ maxLength: LIMITS.regexSourceLength, description: 'matches the whole value; compiled to a DFA' })
    : Type.String({ maxLength: LIMITS.matchValueLength });
}

/** A string matcher: exactly one key. */
export const StringMatch = Type.Union([
  Type.Object({ exact: matchValue('exact') }, CLOSED),
  Type.Object({ prefix: matchValue('prefix') }, CLOSED),
  Type.Object({ regex: matchValue('regex') }, CLOSED),
]);
export type StringMatch = Static<typeof StringMatch>;

const HeaderName = Type.String({ minLength: 1, maxLength: 256, description: 'canonical form: lower-case' });

/** A header matcher: `name` plus exactly one of exact / prefix / regex / present. */
export const HeaderMatch = Type.Union([
  Type.Object({ name: HeaderName, exact: matchValue('exact') }, CLOSED),
  Type.Object({ name: HeaderName, prefix: matchValue('prefix') }, CLOSED),
  Type.Object({ name: HeaderName, regex: matchValue('regex') }, CLOSED),
  Type.Object({ name: HeaderName, present: Type.Boolean({ description: 'false: the header must be absent' }) }, CLOSED),
]);
export type HeaderMatch = Static<typeof HeaderMatch>;

export const RuleMatch = Type.Object(
  {
    path: Type.Optional(StringMatch),
    method: Type.Optional(StringMatch),
    headers: Type.Optional(Type.Array(HeaderMatch, { maxItems: LIMITS.headersPerRule, description: 'all must hold' })),
    responseStatus: Type.Optional(ResponseStatusMatch),
  },
  CLOSED,
);
export type RuleMatch = Static<typeof RuleMatch>;

const AbortHeaders = Type.Record(Type.String(), Type.String({ maxLength: LIMITS.headerValueLength }), {
  maxProperties: LIMITS.abortHeaders,
});
const AbortBody = Type.String({ maxLength: LIMITS.abortBodyBytes, description: `at most ${LIMITS.abortBodyBytes} bytes of UTF-8` });

export const AbortFault = Type.Object(
  {
    httpStatus: Type.Integer(HTTP_STATUS),
    grpcStatus: Type.Optional(Type.Integer(GRPC_STATUS)),
    body: Type.Optional(AbortBody),
    headers: Type.Optional(AbortHeaders),
  },
  CLOSED,
);
export type AbortFault = Static<typeof AbortFault>;

const StartDelayMs = Type.Integer({ minimum: 0, maximum: LIMITS.maxDelayMs, description: 'per request, before the fault; 0 = none' });
const DurationSeconds = Type.Integer({
  minimum: 0,
  maximum: LIMITS.maxDurationSeconds,
  description: "counted from the policy's latest write; 0 = until deleted",
});
const Percentage = Type.Number({ minimum: 0, maximum: 100, description: 'percent of matching requests, at most 4 decimals' });

export const Fault = Type.Object(
  {
    percentage: Percentage,
    delay: Type.Optional(DelayFault),
    abort: Type.Optional(AbortFault),
    reset: Type.Optional(ResetFault),
    phase: Type.Optional(FaultPhase),
    limit: Type.Optional(FaultLimit),
    maxActive: Type.Optional(MaxActive),
    start_delay_ms: StartDelayMs,
    duration_seconds: DurationSeconds,
  },
  CLOSED,
);
export type Fault = Static<typeof Fault>;

export const Rule = Type.Object(
  { match: Type.Optional(RuleMatch), fault: Fault },
  { ...CLOSED, description: 'canonical form: `match` is omitted when the rule matches every request' },
);
export type Rule = Static<typeof Rule>;

const PolicyName = Type.String({ maxLength: LIMITS.nameMaxLength, pattern: DNS_LABEL, description: 'a DNS-1123 label' });
const Labels = Type.Record(Type.String(), Type.String({ maxLength: 63 }), { maxProperties: LIMITS.labelsMax });
const ServerVersion = Type.String({
  minLength: 1,
  maxLength: LIMITS.versionMaxLength,
  description: 'assigned by the server on each write (the store revision); send it back for optimistic concurrency',
});
const Timestamp = Type.String({ description: 'ISO-8601, assigned by the server' });

const metadataFields = {
  name: PolicyName,
  labels: Type.Optional(Labels),
  version: Type.Optional(ServerVersion),
  createdAt: Type.Optional(Timestamp),
  updatedAt: Type.Optional(Type.String({ description: 'ISO-8601, assigned by the server on each write; time windows count from it' })),
};
export const PolicyMetadata = Type.Object(metadataFields, CLOSED);
export type PolicyMetadata = Static<typeof PolicyMetadata>;

const DryRun = Type.Literal(true, {
  description:
    'canonical form: present (true) only for a dry run: data planes match and draw as usual but inject nothing, and count what they would have injected (status.wouldInject)',
});

export const PolicySpec = Type.Object(
  {
    selector: Selector,
    priority: Type.Integer({ minimum: LIMITS.priorityMin, maximum: LIMITS.priorityMax, description: 'higher is evaluated first' }),
    rules: Type.Array(Rule, { minItems: 1, maxItems: LIMITS.rulesPerPolicy, description: 'the first match decides' }),
    requestOverrides: Type.Optional(RequestOverrides),
    schedule: Type.Optional(PolicySchedule),
    dryRun: Type.Optional(DryRun),
    stopWhen: Type.Optional(StopWhen),
  },
  CLOSED,
);
export type PolicySpec = Static<typeof PolicySpec>;

function policyObject<M extends TSchema>(metadata: M, options: { $id: string; description: string }) {
  return Type.Object(
    { apiVersion: Type.Literal('v1'), kind: Type.Literal('FaultInjectionPolicy'), metadata, spec: PolicySpec },
    { ...CLOSED, ...options },
  );
}

/** The canonical form: one spelling per concept. */
export const FaultInjectionPolicy = policyObject(PolicyMetadata, {
  $id: 'FaultInjectionPolicy',
  description: 'A policy in its canonical form (server fields absent before the first write).',
});
export type FaultInjectionPolicy = Static<typeof FaultInjectionPolicy>;

/** A policy as stored: the server fields are present. */
export const StoredPolicy = policyObject(
  Type.Object({ ...metadataFields, version: ServerVersion, createdAt: Timestamp, updatedAt: Timestamp }, CLOSED),
  { $id: 'StoredPolicy', description: 'A policy as stored: canonical, with its server fields.' },
);
export type StoredPolicy = Static<typeof StoredPolicy>;

// ---------------------------------------------------------------------------------------------
// What users may write (POST /v1/policies, hfi-cli files): every canonical form, plus the accepted
// spellings (`delay_ms`, `delay.fixedDelay: "1s"`, selector "*"). An optional field is left out to get
// its default; null is refused (YAML reads an empty value as null: taking it for "absent" made a 1% fault 100%).

const FaultInput = Type.Object(
  {
    percentage: Type.Optional(Percentage),
    delay: Type.Optional(DelayInput),
    delay_ms: Type.Optional(DelayMs),
    abort: Type.Optional(
      Type.Object(
        {
          httpStatus: Type.Integer(HTTP_STATUS),
          grpcStatus: Type.Optional(Type.Integer(GRPC_STATUS)),
          body: Type.Optional(AbortBody),
          headers: Type.Optional(AbortHeaders),
        },
        CLOSED,
      ),
    ),
    reset: Type.Optional(ResetFault),
    phase: Type.Optional(FaultPhaseInput),
    limit: Type.Optional(FaultLimitInput),
    maxActive: Type.Optional(MaxActive),
    start_delay_ms: Type.Optional(StartDelayMs),
    duration_seconds: Type.Optional(DurationSeconds),
  },
  { ...CLOSED, description: 'needs a delay, an abort, or both; percentage defaults to 100' },
);

export const PolicyDocument = Type.Object(
  {
    apiVersion: Type.Optional(Type.Literal('v1')),
    kind: Type.Optional(Type.Literal('FaultInjectionPolicy')),
    metadata: Type.Object(
      {
        name: PolicyName,
        labels: Type.Optional(Labels),
        version: Type.Optional(ServerVersion),
        createdAt: Type.Optional(Timestamp),
        updatedAt: Type.Optional(Timestamp),
      },
      CLOSED,
    ),
    spec: Type.Object(
      {
        selector: Type.Optional(SelectorInput),
        priority: Type.Optional(Type.Integer({ minimum: LIMITS.priorityMin, maximum: LIMITS.priorityMax })),
        rules: Type.Array(
          Type.Object(
            {
              match: Type.Optional(
                Type.Object(
                  {
                    path: Type.Optional(StringMatch),
                    method: Type.Optional(StringMatch),
                    headers: Type.Optional(Type.Array(HeaderMatch, { maxItems: LIMITS.headersPerRule })),
                    responseStatus: Type.Optional(ResponseStatusMatch),
                  },
                  CLOSED,
                ),
              ),
              fault: FaultInput,
            },
            CLOSED,
          ),
          { minItems: 1, maxItems: LIMITS.rulesPerPolicy },
        ),
        requestOverrides: Type.Optional(RequestOverridesInput),
        schedule: Type.Optional(PolicyScheduleInput),
        stopWhen: Type.Optional(StopWhenInput),
        dryRun: Type.Optional(Type.Boolean({ description: 'true: match and draw, inject nothing, count what would have been injected' })),
      },
      CLOSED,
    ),
    status: Type.Optional(Type.Unknown({ description: 'ignored on input (what `get -o yaml` prints can be applied again)' })),
  },
  {
    ...CLOSED,
    $id: 'PolicyDocument',
    description:
      'A policy as users write it (JSON or YAML). The server validates it with field paths and did-you-mean hints, and answers its canonical form.',
  },
);
export type PolicyDocument = Static<typeof PolicyDocument>;
