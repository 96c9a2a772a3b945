// The dashboard at /ui/: the static files @hfi/dashboard's build wrote, sent as they were precompressed
// (br, gzip) when the browser accepts it. The page holds no data, so it is public like /v1/health; its
// API calls carry the token the user enters. Content-hashed assets are cached for good, index.html is
// revalidated, so a new build is seen at the next load.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { HfiError } from '../errors.js';

const UI_PREFIX = '/ui/';

/**
 * Where the dashboard's build puts its files (the package's `./ui/*` export); undefined when the package is
 * not installed (an image that ships the API alone): then /ui says so and the API serves on.
 */
export function defaultUiDir(): string | undefined {
  try {
    return dirname(fileURLToPath(import.meta.resolve('@hfi/dashboard/ui/index.html')));
  } catch {
    return undefined;
  }
}

/** The page may load only its own scripts and styles, and talk only to this server. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths as sent: a precompressed variant keeps its suffix (index.html.br). */
const HASHED_ASSET = /-[A-Z0-9]{8}\.(js|css)(\.map)?(\.br|\.gz)?$/;
const PAGE = /\.html(\.br|\.gz)?$/;

export function uiRoutes(uiDir: string | undefined): FastifyPluginAsync {
  return async (app) => {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect(UI_PREFIX));
    if (uiDir === undefined || !existsSync(join(uiDir, 'index.html'))) {
      const why =
        uiDir === undefined
          ? 'the dashboard is not installed (no @hfi/dashboard beside the control plane)'
          : `the dashboard is not built (no ${join(uiDir, 'index.html')}): run \`npm run build\``;
      const missing = async () => {
        throw new HfiError('HFI_NOT_FOUND', why);
      };
      app.get('/ui', { schema: { hide: true } }, missing);
      app.get(`${UI_PREFIX}*`, { schema: { hide: true } }, missing);
      return;
    }
    await app.register(fastifyStatic, {
      root: uiDir,
      prefix: '/ui',
      redirect: true,
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, path) => {
        reply.header('cache-control', HASHED_ASSET.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
        reply.header('x-content-type-options', 'nosniff');
        if (PAGE.test(path)) {
          reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
          reply.header('referrer-policy', 'no-referrer');
        }
      },
    });
  };
}
