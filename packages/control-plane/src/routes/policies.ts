// /v1/policies: create or update (JSON or YAML, one policy per body), list, get, delete, status; resume one a
// stop condition stopped.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AppliedPolicy,
  ApplyQuery,
  DeletedSkippedKey,
  PolicyDocument,
  type PolicyList,
  PolicyList as PolicyListSchema,
  PolicyNameParams,
  PolicyStatusList,
  PolicyWithStatus,
  ref,
} from '@hfi/api';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { checkedBy } from '../contract/compilers.js';
import { BEARER, ERROR_RESPONSES, preSerialized } from '../contract/responses.js';
import { POLICY_MEDIA_TYPES } from '../media-types.js';

const tags = ['policies'];

export function policyRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/policies',
      {
        config: { access: 'write' },
        schema: {
          operationId: 'applyPolicy',
          summary: 'Create or update one policy (or check it: ?dryRun=true)',
          tags,
          security: BEARER,
          consumes: POLICY_MEDIA_TYPES,
          querystring: ApplyQuery,
          body: checkedBy(ref(PolicyDocument), 'the policy validator (@hfi/policy validatePolicy): every error with its field path'),
          response: {
            200: { ...ref(AppliedPolicy), description: 'updated, unchanged, or a dry run (header hfi-result says which)' },
            201: { ...ref(AppliedPolicy), description: 'created (header hfi-result: created)' },
            ...ERROR_RESPONSES,
          },
        },
      },
      async (request, reply) => {
        const dryRun = request.query.dryRun === 'true' || request.query.dryRun === '1';
        const { result, policy } = await ctx.policies.apply(request.body, { dryRun, actor: request.actor });
        const [withStatus] = ctx.policies.withStatus([policy]);
        reply.header('hfi-result', result);
        if (dryRun) reply.header('hfi-dry-run', 'true');
        return reply.code(result === 'created' && !dryRun ? 201 : 200).send(withStatus!);
      },
    );

    app.get(
      '/v1/policies',
      {
        config: { access: 'read' },
        schema: {
          operationId: 'listPolicies',
          summary: 'Every policy with its status',
          tags,
          security: BEARER,
          response: { 200: ref(PolicyListSchema), ...ERROR_RESPONSES },
        },
      },
      async (_request, reply) => {
        const json = ctx.policies.listJson(ctx.policies.list());
        return reply.type('application/json; charset=utf-8').send(preSerialized<PolicyList>(json));
      },
    );

    // A static route: find-my-way prefers it over /v1/policies/:name ("status" is a reserved name).
    app.get(
      '/v1/policies/status',
      {
        config: { access: 'read' },
        schema: {
          operationId: 'policyStatuses',
          summary: 'The status of every policy',
          tags,
          security: BEARER,
          response: { 200: ref(PolicyStatusList), ...ERROR_RESPONSES },
        },
      },
      async () => {
        const policies = ctx.policies.list();
        const statuses = ctx.policies.statusOf(policies);
        return {
          items: policies.map((p, i) => {
            const { phase, targetedDataPlanes, appliedDataPlanes, faults, wouldInject } = statuses[i]!;
            return { name: p.metadata.name, phase, targetedDataPlanes, appliedDataPlanes, faults, wouldInject };
          }),
        };
      },
    );

    app.get(
      '/v1/policies/:name',
      {
        config: { access: 'read' },
        schema: {
          operationId: 'getPolicy',
          summary: 'One policy with its status',
          tags,
          security: BEARER,
          params: PolicyNameParams,
          response: { 200: ref(PolicyWithStatus), ...ERROR_RESPONSES },
        },
      },
      async (request) => ctx.policies.withStatus([ctx.policies.get(request.params.name)])[0]!,
    );

    app.delete(
      '/v1/policies/:name',
      {
        config: { access: 'write' },
        schema: {
          operationId: 'deletePolicy',
          summary: 'Delete one policy; answers what was deleted (or the skipped store key removed)',
          tags,
          security: BEARER,
          params: PolicyNameParams,
          response: { 200: Type.Union([ref(PolicyWithStatus), ref(DeletedSkippedKey)]), ...ERROR_RESPONSES },
        },
      },
      async (request) => {
        const deleted = await ctx.policies.remove(request.params.name, request.actor);
        // A key whose value was skipped (not a valid policy) is removed all the same: that is how it is repaired.
        if ('key' in deleted) return { key: deleted.key, skipped: true as const, reason: deleted.reason };
        return ctx.policies.withStatus([deleted])[0]!;
      },
    );

    app.post(
      '/v1/policies/:name/resume',
      {
        config: { access: 'write' },
        schema: {
          operationId: 'resumePolicy',
          summary: 'Resume a policy a stop condition stopped (its phase Halted, status.haltReason): its faults start again',
          tags,
          security: BEARER,
          params: PolicyNameParams,
          response: { 200: ref(PolicyWithStatus), ...ERROR_RESPONSES },
        },
      },
      async (request) => ctx.policies.withStatus([await ctx.policies.resume(request.params.name, request.actor)])[0]!,
    );
  };
}
