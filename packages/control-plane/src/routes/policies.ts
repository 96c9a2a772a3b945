// /v1/policies: create or update (JSON or YAML, one policy per body), list, get, delete, status.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';
import { HfiError } from '../errors.js';

export function policyRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Querystring: { dryRun?: unknown } }>('/v1/policies', { config: { access: 'write' } }, async (request, reply) => {
      const dryRun = booleanQuery(request.query.dryRun, 'dryRun');
      const { result, policy } = await ctx.policies.apply(request.body, { dryRun });
      const [withStatus] = ctx.policies.withStatus([policy]);
      reply.header('hfi-result', result);
      if (dryRun) reply.header('hfi-dry-run', 'true');
      return reply.code(result === 'created' && !dryRun ? 201 : 200).send(withStatus);
    });

    app.get('/v1/policies', { config: { access: 'read' } }, async (_request, reply) => {
      return reply.type('application/json; charset=utf-8').send(ctx.policies.listJson(ctx.policies.list()));
    });

    // A static route: find-my-way prefers it over /v1/policies/:name ("status" is a reserved name).
    app.get('/v1/policies/status', { config: { access: 'read' } }, async () => {
      const policies = ctx.policies.list();
      const statuses = ctx.policies.statusOf(policies);
      return {
        items: policies.map((p, i) => {
          const { phase, targetedDataPlanes, appliedDataPlanes, faults } = statuses[i]!;
          return { name: p.metadata.name, phase, targetedDataPlanes, appliedDataPlanes, faults };
        }),
      };
    });

    app.get<{ Params: { name: string } }>('/v1/policies/:name', { config: { access: 'read' } }, async (request) => {
      return ctx.policies.withStatus([ctx.policies.get(request.params.name)])[0];
    });

    app.delete<{ Params: { name: string } }>('/v1/policies/:name', { config: { access: 'write' } }, async (request) => {
      const deleted = await ctx.policies.remove(request.params.name);
      // A key whose value was skipped (not a valid policy) is removed all the same: that is how it is repaired.
      if ('key' in deleted) return { key: deleted.key, skipped: true, reason: deleted.reason };
      return ctx.policies.withStatus([deleted])[0];
    });
  };
}

function booleanQuery(value: unknown, name: string): boolean {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new HfiError('HFI_INVALID_REQUEST', `query parameter ${name}: expected true or false`, [
    { path: name, message: 'expected true or false' },
  ]);
}
