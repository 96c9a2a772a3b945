// The data-plane side: the long-poll (docs/wire-format.md), the SSE stream and the registry.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';
import { HfiError } from '../errors.js';
import { parsePoll } from '../distribution/poll-request.js';
import { identityQuery } from './ruleset.js';

export function dataPlaneRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.post('/v1/dataplane/poll', { config: { access: 'dataplane' } }, async (request, reply) => {
      const parsed = parsePoll(request.body);
      if (!parsed.ok) throw new HfiError('HFI_INVALID_REQUEST', `malformed poll: ${parsed.details[0]?.path}: ${parsed.details[0]?.message}`, parsed.details);
      const poll = parsed.poll;
      ctx.dataPlanes.record(poll);
      const cancelled = new Promise<void>((resolve) => reply.raw.once('close', () => resolve()));
      const pending = ctx.longPolls.answer({ identity: poll.identity, held: { epoch: poll.epoch, version: poll.version }, holdMs: poll.holdMs }, cancelled);
      if (!pending) throw new HfiError('HFI_NO_RULE_SET');
      ctx.dataPlanes.holding(poll.instance, 1);
      const answer = await pending.finally(() => ctx.dataPlanes.holding(poll.instance, -1));
      if (answer.kind === 'unchanged') return reply.code(304).send();
      const { ruleSet, body } = answer.served;
      ctx.dataPlanes.delivered(poll.instance, { epoch: ruleSet.epoch, version: ruleSet.version });
      if (answer.woken) ctx.metrics.propagationDelay.observe(Math.max(0, ctx.clock.now() - ctx.hub.changedAtMs) / 1000);
      return reply.code(200).type('application/json').send(body);
    });

    app.get<{ Querystring: Record<string, unknown> }>('/v1/config/stream', { config: { access: 'dataplane' } }, async (request, reply) => {
      const identity = identityQuery(request.query);
      if (!ctx.hub.current()) throw new HfiError('HFI_NO_RULE_SET');
      reply.hijack();
      ctx.streams.open(reply.raw, identity);
    });

    app.get('/v1/dataplanes', { config: { access: 'read' } }, async () => ({ items: ctx.dataPlanes.list() }));
  };
}
