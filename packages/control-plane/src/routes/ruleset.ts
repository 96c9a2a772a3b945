// The compiled rule set, whole or for one identity: a debugging and CLI aid.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CompiledRuleSet, IdentityQuery, ref } from '@hfi/api';
import type { Identity } from '@hfi/policy';
import type { AppContext } from '../context.js';
import { BEARER, ERROR_RESPONSES, preSerialized } from '../contract/responses.js';
import { RULESET_VERSION_HEADER } from '../distribution/served-rule-sets.js';
import { HfiError } from '../errors.js';

export function ruleSetRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/ruleset',
      {
        config: { access: 'read' },
        schema: {
          operationId: 'getRuleSet',
          summary: 'The compiled rule set (wire format), or the subset one identity receives',
          tags: ['distribution'],
          security: BEARER,
          querystring: IdentityQuery,
          response: { 200: ref(CompiledRuleSet), ...ERROR_RESPONSES },
        },
      },
      async (request, reply) => {
        const served = ctx.hub.serve(identityOf(request.query));
        if (!served) throw new HfiError('HFI_NO_RULE_SET');
        return reply
          .type('application/json')
          .header(RULESET_VERSION_HEADER, String(served.ruleSet.version))
          .send(preSerialized<CompiledRuleSet>(served.body));
      },
    );
  };
}

/** ?service=&namespace= as an identity; neither given = the whole set; one missing = unknown (null). */
export function identityOf(query: IdentityQuery): Identity | undefined {
  const service = query.service || null;
  const namespace = query.namespace || null;
  return service === null && namespace === null ? undefined : { service, namespace };
}
