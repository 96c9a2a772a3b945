// Liveness, readiness and metrics: no token needed.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';
import { HfiError } from '../errors.js';

const READY_TIMEOUT_MS = 1500;

export function healthRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const health = async () => ({ status: 'ok', version: ctx.version });
    app.get('/v1/health', { config: { access: 'public' } }, health);
    app.get('/health', { config: { access: 'public' } }, health);

    // Ready only while the store answers and a rule set exists to serve.
    app.get('/ready', { config: { access: 'public' } }, async () => {
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
      return { status: 'ready', store: ctx.store.backend, epoch: ruleSet.epoch, version: ruleSet.version, details };
    });

    app.get('/v1/metrics', { config: { access: 'public' } }, async (_request, reply) => {
      const text = await ctx.metrics.registry.metrics();
      return reply.type(ctx.metrics.registry.contentType).send(text);
    });
  };
}
