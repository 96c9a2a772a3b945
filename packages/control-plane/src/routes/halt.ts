// /v1/halt: the kill switch. POST halts (everything, or one selector), GET lists, DELETE resumes.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HaltList, HaltRequestBody, Resumed, ResumeQuery, ref, StoredHalt } from '@hfi/api';
import type { AppContext } from '../context.js';
import { checkedBy } from '../contract/compilers.js';
import { OPTIONAL_BODY } from '../contract/openapi.js';
import { BEARER, ERROR_RESPONSES } from '../contract/responses.js';
import { resumeSelector } from '../halt-service.js';

const tags = ['halts'];
const HALT_VALIDATOR = 'the halt validator (@hfi/policy validateHaltRequest): every error with its field path';

export function haltRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/halt',
      {
        config: { access: 'write' },
        schema: {
          operationId: 'halt',
          summary: 'Halt every fault, or those of one selector, until resumed',
          tags,
          security: BEARER,
          body: checkedBy(ref(HaltRequestBody), HALT_VALIDATOR),
          ...OPTIONAL_BODY,
          response: {
            200: {
              ...ref(StoredHalt),
              description: 'the selector was halted already: its reason and actor are updated (hfi-result: configured)',
            },
            201: { ...ref(StoredHalt), description: 'halted (hfi-result: created)' },
            ...ERROR_RESPONSES,
          },
        },
      },
      async (request, reply) => {
        const { halt, created } = await ctx.halts.halt(request.body, request.actor);
        request.log.warn({ halt }, 'halted: data planes this selector matches inject nothing until resumed');
        reply.header('hfi-result', created ? 'created' : 'configured');
        return reply.code(created ? 201 : 200).send(halt);
      },
    );

    app.get(
      '/v1/halt',
      {
        config: { access: 'read' },
        schema: {
          operationId: 'listHalts',
          summary: 'The active halts',
          tags,
          security: BEARER,
          response: { 200: ref(HaltList), ...ERROR_RESPONSES },
        },
      },
      async () => ({ items: ctx.halts.list() }),
    );

    app.delete(
      '/v1/halt',
      {
        config: { access: 'write' },
        schema: {
          operationId: 'resume',
          summary: 'Resume: remove every halt, or the halt of one selector (404 when it is not halted); skipped halt keys go too',
          tags,
          security: BEARER,
          querystring: checkedBy(ResumeQuery, HALT_VALIDATOR),
          response: { 200: ref(Resumed), ...ERROR_RESPONSES },
        },
      },
      async (request) => {
        const { removed, skipped, version } = await ctx.halts.resume(resumeSelector(request.query), request.actor);
        if (removed.length > 0) request.log.warn({ resumed: removed.map((h) => h.selector) }, 'resumed: halts removed');
        if (skipped.length > 0) request.log.warn({ keys: skipped.map((k) => k.key) }, 'resumed: skipped halt keys removed');
        const removedKeys = skipped.map(({ key, reason }) => ({ key, skipped: true as const, reason }));
        return { items: removed, ...(removedKeys.length > 0 ? { skipped: removedKeys } : {}), version };
      },
    );
  };
}
