// Traffic outcomes: the data planes' report call and /v1/workloads (docs/outcomes.md).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DataPlaneReportBody, OUTCOME_WINDOWS, ref, WorkloadList, WorkloadsQuery } from '@hfi/api';
import { parseDurationMs } from '@hfi/duration';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { BEARER, ERROR_RESPONSES } from '../contract/responses.js';
import { HfiError } from '../errors.js';
import { readOutcomeReport } from '../telemetry/outcome-report.js';

export function workloadRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/dataplane/report',
      {
        // Read by JSON.parse after the nesting check (plainJson), like the poll: every data plane reports
        // every 2 s, more bodies than polls, and a key given twice changes only that report.
        config: { access: 'dataplane', plainJson: true },
        schema: {
          operationId: 'reportOutcomes',
          summary: 'Data-plane report: the traffic outcomes observed since the last acknowledged report (docs/outcomes.md)',
          tags: ['distribution'],
          security: BEARER,
          body: ref(DataPlaneReportBody),
          response: {
            204: Type.Null({ description: 'taken (a report that cannot be used is dropped and counted, never refused)' }),
            ...ERROR_RESPONSES,
          },
        },
      },
      async (request, reply) => {
        const { instance, identity } = request.body;
        const read = readOutcomeReport(request.body.outcomes);
        const outcome = read.report ? ctx.outcomes.record(instance, identity, read.report) : undefined;
        const dropped =
          read.dropped ?? (outcome === 'too_many_workloads' ? { reason: outcome, message: 'the workload limit is reached' } : undefined);
        if (dropped) {
          ctx.metrics.outcomesDropped.inc({ reason: dropped.reason });
          request.log.debug({ instance, ...dropped }, 'outcome report of a data plane dropped');
        }
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/v1/workloads',
      {
        config: { access: 'read' },
        schema: {
          operationId: 'listWorkloads',
          summary: 'Traffic outcomes per workload over a sliding window: request rate, error rate, p50/p99, faulted rate, data planes',
          tags: ['outcomes'],
          security: BEARER,
          querystring: WorkloadsQuery,
          response: { 200: ref(WorkloadList), ...ERROR_RESPONSES },
        },
      },
      async (request) => {
        const { window, service, namespace } = request.query;
        const windowMs = windowOf(window);
        return {
          windowMs,
          items: ctx.figures.workloads(windowMs, {
            ...(service !== undefined && { service }),
            ...(namespace !== undefined && { namespace }),
          }),
        };
      },
    );
  };
}

/** `?window=`: a duration within OUTCOME_WINDOWS, whole seconds. */
function windowOf(text: string | undefined): number {
  if (text === undefined) return OUTCOME_WINDOWS.defaultMs;
  const parsed = parseDurationMs(text);
  const range = `${OUTCOME_WINDOWS.minMs / 1000}s to ${OUTCOME_WINDOWS.maxMs / 60_000}m`;
  const fail = (message: string): never => {
    throw new HfiError('HFI_INVALID_REQUEST', `window: ${message}`, [{ path: 'window', message }]);
  };
  if (!parsed.ok) return fail(`${parsed.reason}: expected a duration such as 30s or 5m (${range})`);
  if (parsed.ms < OUTCOME_WINDOWS.minMs || parsed.ms > OUTCOME_WINDOWS.maxMs) return fail(`${text} is outside ${range}`);
  if (parsed.ms % OUTCOME_WINDOWS.bucketMs !== 0) return fail('expected whole seconds');
  return parsed.ms;
}
