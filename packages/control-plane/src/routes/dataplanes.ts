// The data-plane side: the long-poll (docs/wire-format.md), the SSE stream and the registry.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CompactRuleSet, CompiledRuleSet, DataPlaneList, DataPlanePollBody, RuleSetQuery, ref } from '@hfi/api';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { BEARER, ERROR_RESPONSES } from '../contract/responses.js';
import { pollFrom } from '../distribution/poll-request.js';
import { HfiError } from '../errors.js';
import { writes } from '../log-level.js';
import { readCounterReport } from '../telemetry/counter-report.js';
import { formOf, identityOf } from './ruleset.js';

const tags = ['distribution'];

export function dataPlaneRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Answered on the raw response with the hub's pre-serialised bytes: a publication answers every
    // held poll in one synchronous pass, without Fastify's per-reply work (the onResponse hook still
    // runs, so request metrics and debug logs are kept).
    // Its response schemas document the answers; the bytes are written by hand below.
    const pollSchema = {
      operationId: 'pollRuleSet',
      summary: 'Data-plane long-poll: the rule set for this identity once it is newer than the one held (docs/wire-format.md)',
      tags,
      security: BEARER,
      body: ref(DataPlanePollBody),
      response: {
        200: {
          ...Type.Union([ref(CompactRuleSet), ref(CompiledRuleSet)]),
          description: "a newer rule set (header hfi-ruleset-version), in the newest form the poll's wireVersion reads",
        },
        304: Type.Null({ description: 'nothing newer within the hold' }),
        ...ERROR_RESPONSES,
      },
    };
    app.post(
      '/v1/dataplane/poll',
      // Read by JSON.parse after a nesting check (plainJson): the body limit bounds it, and a poll's counters map may name
      // more rules than a policy has keys (beyond API_LIMITS.countedRulesPerPoll they are dropped, never refused).
      {
        config: { access: 'dataplane', plainJson: true },
        schema: pollSchema,
        // A poll logs its request line at debug only: below that it gets no logger child of its own (one per
        // held poll, a few hundred bytes each), and what it logs names its instance instead of a request id.
        childLoggerFactory: (logger, bindings, options) => (writes(logger, 'debug') ? logger.child(bindings, options) : logger),
      },
      async (request, reply) => {
        const poll = pollFrom(request.body);
        ctx.dataPlanes.record(poll);
        ctx.outcomes.seen(poll.instance, poll.identity);
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
          {
            identity: poll.identity,
            wireVersion: poll.wireVersion,
            held: { epoch: poll.epoch, version: poll.version },
            holdMs: poll.holdMs,
          },
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
          response.on('close', () => {
            if (!open) return;
            open = false;
            cancel();
            ctx.dataPlanes.holding(poll.instance, -1);
          });
        }
      },
    );

    const streamSchema = {
      operationId: 'streamRuleSets',
      summary: 'Server-sent events: the rule set at connect, then every new one (event: update, id: <version>)',
      tags,
      security: BEARER,
      querystring: RuleSetQuery,
      response: {
        200: {
          description: 'text/event-stream; each data line is a CompiledRuleSet (a CompactRuleSet with ?wireVersion=5)',
          content: { 'text/event-stream': { schema: Type.String() } },
        },
        ...ERROR_RESPONSES,
      },
    };
    app.get('/v1/config/stream', { config: { access: 'stream' }, schema: streamSchema }, async (request, reply) => {
      const identity = identityOf(request.query);
      if (!ctx.hub.current()) throw new HfiError('HFI_NO_RULE_SET');
      reply.hijack();
      ctx.streams.open(reply.raw, identity, formOf(request.query));
    });

    app.get(
      '/v1/dataplanes',
      {
        config: { access: 'read' },
        schema: {
          operationId: 'listDataPlanes',
          summary: 'The data planes seen polling in the last 5 minutes',
          tags,
          security: BEARER,
          response: { 200: ref(DataPlaneList), ...ERROR_RESPONSES },
        },
      },
      async () => ({
        items: ctx.dataPlanes
          .list()
          .map(({ connected, ...plane }) => ({ ...plane, counters: ctx.faults.instanceTotals(plane.instance), connected })),
      }),
    );
  };
}
