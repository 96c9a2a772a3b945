// The compiled rule set, whole or for one identity: a debugging and CLI aid.

import type { Identity } from '@hfi/policy';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';
import { RULESET_VERSION_HEADER } from '../distribution/served-rule-sets.js';
import { HfiError } from '../errors.js';

export function ruleSetRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Record<string, unknown> }>('/v1/ruleset', { config: { access: 'read' } }, async (request, reply) => {
      const served = ctx.hub.serve(identityQuery(request.query));
      if (!served) throw new HfiError('HFI_NO_RULE_SET');
      return reply.type('application/json').header(RULESET_VERSION_HEADER, String(served.ruleSet.version)).send(served.body);
    });
  };
}

/** ?service=&namespace= as an identity; neither given = the whole set; one missing = unknown (null). */
export function identityQuery(query: Record<string, unknown>): Identity | undefined {
  const text = (name: string): string | null => {
    const v = query[name];
    if (v === undefined || v === '') return null;
    if (typeof v !== 'string' || v.length > 253) {
      throw new HfiError('HFI_INVALID_REQUEST', `query parameter ${name}: expected one string`, [
        { path: name, message: 'expected one string' },
      ]);
    }
    return v;
  };
  const service = text('service');
  const namespace = text('namespace');
  return service === null && namespace === null ? undefined : { service, namespace };
}
