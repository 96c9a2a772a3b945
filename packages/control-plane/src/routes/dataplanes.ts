// The data-plane side: the long-poll (docs/wire-format.md), the SSE stream and the registry.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';
import { parsePoll } from '../distribution/poll-request.js';
import { HfiError } from '../errors.js';
import { readCounterReport } from '../telemetry/counter-report.js';
import { identityQuery } from './ruleset.js';

export function dataPlaneRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    // Answered on the raw response with the hub's pre-serialised bytes: a publication answers every
    // held poll in one synchronous pass, without Fastify's per-reply work (the onResponse hook still
    // runs, so request metrics and debug logs are kept).
    app.post('/v1/dataplane/poll', { config: { access: 'dataplane' } }, async (request, reply) => {
      const parsed = parsePoll(request.body);
      if (!parsed.ok)
        throw new HfiError(
          'HFI_INVALID_REQUEST',
          `malformed poll: ${parsed.details[0]?.path}: ${parsed.details[0]?.message}`,
          parsed.details,
        );
      const poll = parsed.poll;
      ctx.dataPlanes.record(poll);
      // Recorded on receipt: any answer acknowledges the delta, and a resend of the same seq is not counted again.
      const counters = readCounterReport(poll.counters);
      if (counters.report) ctx.faults.record(poll.instance, counters.report);
      if (counters.dropped) {
        ctx.metrics.countersDropped.inc({ reason: counters.dropped.reason });
        if (ctx.faults.firstDrop(poll.instance)) {
          request.log.warn(
            { instance: poll.instance, ...counters.dropped },
            'fault counters of a data plane dropped (logged once per instance); its polls are answered',
          );
        }
      }
      if (!ctx.hub.published()) throw new HfiError('HFI_NO_RULE_SET');
      const response = reply.hijack().raw;
      let open = true;
      ctx.dataPlanes.holding(poll.instance, 1);
      const cancel = ctx.longPolls.answer(
        { identity: poll.identity, held: { epoch: poll.epoch, version: poll.version }, holdMs: poll.holdMs },
        (answer) => {
          open = false;
          ctx.dataPlanes.holding(poll.instance, -1);
          if (answer.kind === 'unchanged') {
            response.writeHead(304);
            response.end();
            return;
          }
          const { ruleSet, body, headers } = answer.served;
          response.writeHead(200, headers);
          response.end(body);
          ctx.dataPlanes.delivered(poll.instance, { epoch: ruleSet.epoch, version: ruleSet.version });
          if (answer.woken) ctx.metrics.propagationDelay.observe(Math.max(0, ctx.clock.now() - ctx.hub.changedAtMs) / 1000);
        },
      );
      if (!cancel) {
        // The hub had a rule set a moment ago; it cannot lose it, but never leave a request unanswered.
        open = false;
        ctx.dataPlanes.holding(poll.instance, -1);
        response.writeHead(503, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(new HfiError('HFI_NO_RULE_SET').toJSON()));
        return;
      }
      if (open) {
        response.once('close', () => {
          if (!open) return;
          open = false;
          cancel();
          ctx.dataPlanes.holding(poll.instance, -1);
        });
      }
    });

    app.get<{ Querystring: Record<string, unknown> }>('/v1/config/stream', { config: { access: 'stream' } }, async (request, reply) => {
      const identity = identityQuery(request.query);
      if (!ctx.hub.current()) throw new HfiError('HFI_NO_RULE_SET');
      reply.hijack();
      ctx.streams.open(reply.raw, identity);
    });

    app.get('/v1/dataplanes', { config: { access: 'read' } }, async () => ({
      items: ctx.dataPlanes
        .list()
        .map(({ connected, ...plane }) => ({ ...plane, counters: ctx.faults.instanceTotals(plane.instance), connected })),
    }));
  };
}
