// Liveness, readiness and metrics: no token needed.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Health, Ready, ref } from '@hfi/api';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { ERROR_RESPONSES } from '../contract/responses.js';
import { HfiError } from '../errors.js';

const READY_TIMEOUT_MS = 1500;
const tags = ['health'];

export function healthRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const health = async () => ({ status: 'ok' as const, version: ctx.version });
    const healthSchema = { tags, response: { 200: ref(Health) } };
    app.get(
      '/v1/health',
      { config: { access: 'public' }, schema: { operationId: 'health', summary: 'Liveness', ...healthSchema } },
      health,
    );
    app.get('/health', { config: { access: 'public' }, schema: { ...healthSchema, hide: true } }, health);

    // Ready only while the store answers and a rule set exists to serve.
    app.get(
      '/ready',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'ready',
          summary: 'Readiness: the store answers and a rule set is compiled (503 otherwise)',
          tags,
          response: { 200: ref(Ready), ...ERROR_RESPONSES },
        },
      },
      async () => {
        try {
          await Promise.race([
            ctx.store.ping(),
            new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), READY_TIMEOUT_MS).unref()),
          ]);
        } catch (error) {
          throw new HfiError(
            'HFI_STORE_UNAVAILABLE',
            `not ready: the ${ctx.store.backend} store does not answer (${(error as Error).message})`,
          );
        }
        const ruleSet = ctx.hub.current();
        if (!ruleSet) throw new HfiError('HFI_NO_RULE_SET', 'not ready: no rule set compiled yet');
        // Skipped store keys do not make the server unready (it serves the same view as every replica), but are listed.
        const details = ctx.hub.skippedKeys().map((k) => ({ path: k.key, message: `skipped: ${k.reason}` }));
        return { status: 'ready' as const, store: ctx.store.backend, epoch: ruleSet.epoch, version: ruleSet.version, details };
      },
    );

    app.get(
      '/v1/metrics',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'metrics',
          summary: 'Prometheus metrics (hfi_control_plane_*)',
          tags,
          response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: Type.String() } } } },
        },
      },
      async (_request, reply) => {
        const text = await ctx.metrics.registry.metrics();
        return reply.type(ctx.metrics.registry.contentType).send(text);
      },
    );
  };
}
