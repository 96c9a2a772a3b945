// /v1/halt: the kill switch. POST halts (everything, or one selector), GET lists, DELETE resumes.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';
import { resumeSelector } from '../halt-service.js';

export function haltRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.post('/v1/halt', { config: { access: 'write' } }, async (request, reply) => {
      const { halt, created } = await ctx.halts.halt(request.body);
      request.log.warn({ halt }, 'halted: data planes this selector matches inject nothing until resumed');
      reply.header('hfi-result', created ? 'created' : 'configured');
      return reply.code(created ? 201 : 200).send(halt);
    });

    app.get('/v1/halt', { config: { access: 'read' } }, async () => ({ items: ctx.halts.list() }));

    app.delete<{ Querystring: Record<string, unknown> }>('/v1/halt', { config: { access: 'write' } }, async (request) => {
      const { removed, version } = await ctx.halts.resume(resumeSelector(request.query));
      if (removed.length > 0) request.log.warn({ resumed: removed.map((h) => h.selector) }, 'resumed: halts removed');
      return { items: removed, version };
    });
  };
}
