// The hfi-control-plane program: the one place that reads argv and env, the real clock, randomness
// and process signals.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { type Logger, pino } from 'pino';
import { buildApp } from './app.js';
import { ConfigError, type ControlPlaneConfig, loadConfig } from './config/config.js';

const EXIT_CONFIG = 2;

/**
 * How far V8 lets the heap grow past what its last full collection kept, in percent (ADR 0125). Its own
 * choice, up to 4x, let 10,000 held polls (~80 MB live) reach ~300 MB resident between collections.
 */
const HEAP_GROWING_PERCENT = 50;

const HELP = `Usage: hfi-control-plane [--config config.yaml]

The HFI control plane: policy API, rule-set compiler and distribution to data planes.

Options:
  --config <file>  config.yaml (server.port, server.timeout, storage.backend, storage.etcd.endpoints,
                   logging.level, logging.format, policies.max_count, policies.auto_expire_check_interval,
                   policies.regex_budget)
  --help           show this help
  --version        print the version

Environment (wins over the file):
  CONTROL_PLANE_PORT (8080)  CONTROL_PLANE_ADDR (127.0.0.1; host or host:port)
  STORAGE_BACKEND (memory|etcd)  ETCD_ENDPOINTS (comma list)  LOG_LEVEL (info)  LOG_FORMAT (json|text)
  REQUEST_TIMEOUT (30s)  REGEX_BUDGET (2s)  WATCH_BUFFER_SIZE (1000)  WATCH_BUFFER_BYTES (16777216)
  MAX_POLICIES (10000)  MAX_DATA_PLANES (10000)
  HFI_ADMIN_TOKEN  HFI_READ_TOKENS (comma list)  HFI_DATAPLANE_TOKEN  HFI_TOKEN_FILE  HFI_ALLOW_UNAUTHENTICATED

Without an admin token the server refuses to listen on a non-loopback address unless
HFI_ALLOW_UNAUTHENTICATED=true. See docs/control-plane.md and docs/api.md.
`;

function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function createLogger(config: ControlPlaneConfig): Logger {
  const redact = { paths: ['req.headers.authorization', 'headers.authorization', 'authorization'], censor: '[redacted]' };
  if (config.logging.format === 'text') {
    return pino({
      level: config.logging.level,
      redact,
      transport: { target: 'pino-pretty', options: { colorize: false, destination: 1, singleLine: true, ignore: 'pid,hostname' } },
    });
  }
  return pino({ level: config.logging.level, redact });
}

function parseCommandLine() {
  try {
    return parseArgs({ options: { config: { type: 'string' }, help: { type: 'boolean' }, version: { type: 'boolean' } }, strict: true });
  } catch (error) {
    process.stderr.write(`hfi-control-plane: ${(error as Error).message}\n\n${HELP}`);
    process.exit(EXIT_CONFIG);
  }
}

async function main(): Promise<void> {
  // Read at every full collection, so it holds although set after start; a value given to node wins.
  if (!process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent')))
    setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const args = parseCommandLine();
  if (args.values.help) {
    process.stdout.write(HELP);
    return;
  }
  const version = packageVersion();
  if (args.values.version) {
    process.stdout.write(`${version}\n`);
    return;
  }

  let config: ControlPlaneConfig;
  try {
    config = loadConfig({
      env: process.env,
      ...(args.values.config ? { configFile: args.values.config } : {}),
      readFile: (p) => readFileSync(p, 'utf8'),
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`hfi-control-plane: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }

  const logger = createLogger(config);
  const app = await buildApp({
    config,
    version,
    logger,
    clock: { now: () => Date.now() },
    randomHex: (bytes) => randomBytes(bytes).toString('hex'),
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app.close().then(
      () => {
        logger.info('stopped');
        logger.flush?.();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    logger.fatal({ err: error }, 'cannot start');
    process.exit(1);
  }
  const { admin, read, dataplane } = config.auth.tokens;
  const names = (tokens: readonly { name: string }[]) => tokens.map((t) => t.name);
  logger.info(
    { storage: config.storage.backend, auth: { admin: names(admin), read: names(read), dataplane: names(dataplane) } },
    admin.length > 0 ? 'control plane started' : 'control plane started WITHOUT authentication',
  );
  if (admin.length === 0 && (read.length > 0 || dataplane.length > 0)) {
    logger.warn('tokens are configured but no admin token (HFI_ADMIN_TOKEN): every write is refused (401/403)');
  }
}

await main();
