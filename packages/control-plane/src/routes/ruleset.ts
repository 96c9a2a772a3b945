// The compiled rule set, whole or for one identity: a debugging and CLI aid.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CompactRuleSet, CompiledRuleSet, type IdentityQuery, RuleSetQuery, ref } from '@hfi/api';
import { type Identity, type WireForm, wireFormFor } from '@hfi/policy';
import { Type } from '@sinclair/typebox';
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
          querystring: RuleSetQuery,
          response: {
            200: {
              ...Type.Union([ref(CompiledRuleSet), ref(CompactRuleSet)]),
              description: 'the rule form (wire versions 1 to 4), or the form ?wireVersion= asks for',
            },
            ...ERROR_RESPONSES,
          },
        },
      },
      async (request, reply) => {
        const served = ctx.hub.serve(identityOf(request.query), { form: formOf(request.query) });
        if (!served) throw new HfiError('HFI_NO_RULE_SET');
        return reply
          .type('application/json')
          .header(RULESET_VERSION_HEADER, String(served.ruleSet.version))
          .send(preSerialized<CompiledRuleSet | CompactRuleSet>(served.body));
      },
    );
  };
}

/** ?wireVersion= as the form a data plane of that version gets; without it the rule form, which tools read. */
export function formOf(query: RuleSetQuery): WireForm {
  return query.wireVersion === undefined ? 'rules' : wireFormFor(Number(query.wireVersion));
}

/** ?service=&namespace= as an identity; neither given = the whole set; one missing = unknown (null). */
export function identityOf(query: IdentityQuery): Identity | undefined {
  const service = query.service || null;
  const namespace = query.namespace || null;
  return service === null && namespace === null ? undefined : { service, namespace };
}
