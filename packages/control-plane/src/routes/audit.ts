// /v1/audit: the history of changes to policies and halts, newest first.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditList, AuditQuery, ref } from '@hfi/api';
import type { AppContext } from '../context.js';
import { BEARER, ERROR_RESPONSES } from '../contract/responses.js';

export function auditRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/audit',
      {
        config: { access: 'read' },
        schema: {
          operationId: 'listAudit',
          summary: 'The audit history: who changed which policy or halt, when, and what it was before and after (newest first)',
          tags: ['audit'],
          security: BEARER,
          querystring: AuditQuery,
          response: { 200: ref(AuditList), ...ERROR_RESPONSES },
        },
      },
      async (request) => ({ items: await ctx.audit.list(request.query) }),
    );
  };
}
