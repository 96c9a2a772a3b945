// Builds the control plane as a Fastify instance (no listen): stores, hub, distribution, routes,
// auth, errors, metrics and logs wired together. main.ts binds it to the real world.

import { API_LIMITS, type ErrorBody } from '@hfi/api';
import { readJson, readPlainJson } from '@hfi/policy';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, LogController } from 'fastify';
import { AuditService } from './audit-service.js';
import { Authenticator } from './auth.js';
import type { Clock, RandomHex } from './clock.js';
import type { ControlPlaneConfig } from './config/config.js';
import type { AppContext } from './context.js';
import { useContract } from './contract/compilers.js';
import { registerOpenApi } from './contract/openapi.js';
import { RuleSetHub } from './distribution/hub.js';
import { LongPolls } from './distribution/long-poll.js';
import { DataPlaneRegistry } from './distribution/registry.js';
import { RuleSetStreams } from './distribution/sse.js';
import { fieldDetails, HfiError, isHfiError } from './errors.js';
import { HaltService } from './halt-service.js';
import { answerClientError, answerConnect, loggableUrl, serverTimeouts } from './http-edge.js';
import { writes } from './log-level.js';
import { JSON_TYPE, YAML_TYPES } from './media-types.js';
import { createMetrics, WORKLOAD_METRICS_WINDOW_MS } from './metrics.js';
import { PolicyService } from './policy-service.js';
import { auditRoutes } from './routes/audit.js';
import { dataPlaneRoutes } from './routes/dataplanes.js';
import { haltRoutes } from './routes/halt.js';
import { healthRoutes } from './routes/health.js';
import { policyRoutes } from './routes/policies.js';
import { ruleSetRoutes } from './routes/ruleset.js';
import { defaultUiDir, uiRoutes } from './routes/ui.js';
import { workloadRoutes } from './routes/workloads.js';
import { StopConditionEvaluator } from './stop-conditions/evaluator.js';
import { figuresOfOutcomes, type WorkloadFigures } from './stop-conditions/workload-figures.js';
import { EtcdPolicyStore } from './store/etcd.js';
import { MemoryPolicyStore } from './store/memory.js';
import type { PolicyStore } from './store/types.js';
import { FaultLedger } from './telemetry/fault-ledger.js';
import { OutcomeAggregator } from './telemetry/outcome-aggregator.js';
import { SharedFaultTotals } from './telemetry/shared-fault-totals.js';
import { SharedOutcomes } from './telemetry/shared-outcomes.js';
import { WorkloadOutcomes } from './telemetry/workload-outcomes.js';
import { ThrottledErrorLog } from './throttled-error-log.js';
import { PolicyWorkers } from './workers/pool.js';
import { RegexCompiler } from './workers/regex-compiler.js';

/** How a skipped store key is repaired through the API, for the log line naming it. */
const SKIPPED_KEY_REPAIR = {
  policy: 'DELETE /v1/policies/<name> or a create',
  halt: 'DELETE /v1/halt?service=&namespace= or a halt of the selector',
} as const;

const POLL_ROUTE = '/v1/dataplane/poll';
/** Routes whose duration is a hold time, not work: kept out of the latency histogram. */
const HELD_ROUTES = new Set([POLL_ROUTE, '/v1/config/stream']);

export interface BuildOptions {
  config: ControlPlaneConfig;
  clock: Clock;
  randomHex: RandomHex;
  /** The package version reported by /v1/health. */
  version: string;
  /** A pino logger, or false for none (tests). */
  logger?: FastifyBaseLogger | false;
  /** A store to use instead of the one the config names (tests). */
  store?: PolicyStore;
  /** Overrides for tests. */
  sseHeartbeatMs?: number;
  dataPlaneForgetAfterMs?: number;
  /** The dashboard's built files; @hfi/dashboard's dist/ui by default. */
  uiDir?: string;
  /** Where stop conditions read the traffic's figures instead of the outcomes the data planes report (tests). */
  workloadFigures?: WorkloadFigures;
  /** How often stop conditions are judged (tests). */
  stopConditionIntervalMs?: number;
}

export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config, clock } = options;
  const { keepAliveTimeout, ...http } = serverTimeouts(config.requestTimeoutMs);
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: API_LIMITS.bodyBytes,
    logController: new LogController({ disableRequestLogging: true }),
    http,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout,
    clientErrorHandler: answerClientError,
    // Answered by the onRequest hook below, in the API's error shape.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // onReady waits for the first rule set, whose DFAs a cold start on a full store may take long to build.
    pluginTimeout: 0,
    frameworkErrors: (error, _request, reply) => {
      // Fastify's message repeats the raw URL, which may carry a token in its query: not repeated here.
      const message = error.code === 'FST_ERR_BAD_URL' ? 'the URL is not valid (a malformed percent-escape?)' : error.message;
      const body = errorBody(new HfiError('HFI_INVALID_REQUEST', `bad request: ${message}`, [{ path: 'url', message }]));
      void (reply as unknown as { code(n: number): { send(b: unknown): void } }).code(400).send(body);
    },
  });
  app.server.on('connect', answerConnect);
  app.decorateRequest('actor', '');
  let closing = false;
  const log = app.log;

  const storeErrorLog = new ThrottledErrorLog(log, clock, 'etcd operation failed');
  const store: PolicyStore =
    options.store ??
    (config.storage.backend === 'etcd'
      ? new EtcdPolicyStore({
          endpoints: config.storage.etcdEndpoints,
          maxPolicies: config.maxPolicies,
          clock,
          randomHex: options.randomHex,
          audit: config.audit,
          onError: (operation, error) => {
            metrics.storeErrors.inc({ operation });
            storeErrorLog.report(operation, error);
          },
          onRecovered: (failures) => log.info({ failures }, 'etcd is reachable again: watch resynchronised'),
        })
      : new MemoryPolicyStore({ maxPolicies: config.maxPolicies, randomHex: options.randomHex, audit: config.audit }));

  const workers = new PolicyWorkers();
  const regexes = new RegexCompiler(workers, store.tables);
  const hub = new RuleSetHub({
    clock,
    dfas: regexes,
    onCompileError: (policy, err) => log.error({ policy, err }, 'policy left out of the rule set: it does not compile'),
    onDfaError: (err) => log.error({ err }, 'building regexes on worker threads failed: building them in-process'),
    onSkippedKey: ({ key, kind, reason }) =>
      log.error({ key, reason }, `store key skipped: its value is not a valid ${kind} (${SKIPPED_KEY_REPAIR[kind]} repairs it)`),
  });
  const faults = new FaultLedger(clock, (name) => hub.policy(name) !== undefined, options.dataPlaneForgetAfterMs);
  const dataPlanes = new DataPlaneRegistry(clock, options.dataPlaneForgetAfterMs, {
    maxEntries: config.maxDataPlanes,
    onEvicted: (instance) => {
      metrics.dataPlanesEvicted.inc();
      faults.forget(instance);
    },
  });
  // With several replicas (etcd), each knows the faults of the data planes polling it: shared through the store.
  const replicaErrorLog = new ThrottledErrorLog(log, clock, 'sharing fault totals with the other replicas failed');
  const sharedFaults = store.replicas
    ? new SharedFaultTotals(
        faults,
        store.replicas,
        (name) => hub.policy(name)?.metadata.createdAt,
        (error) => replicaErrorLog.report('faults', error),
      )
    : undefined;
  const outcomes = new WorkloadOutcomes(clock, config.maxDataPlanes);
  const outcomeShareErrorLog = new ThrottledErrorLog(log, clock, 'sharing traffic outcomes with the other replicas failed');
  const sharedOutcomes = store.replicas
    ? new SharedOutcomes(outcomes, store.replicas, clock, (error) => outcomeShareErrorLog.report('outcomes', error))
    : undefined;
  const figures = new OutcomeAggregator(clock, outcomes, sharedOutcomes);
  const policies = new PolicyService({
    store,
    hub,
    dataPlanes,
    faults: sharedFaults ?? faults,
    clock,
    maxPolicies: config.maxPolicies,
    regexes,
    regexBudgetMs: config.regexBudgetMs,
  });
  const halts = new HaltService({ store, hub, clock });
  const audit = new AuditService({ store, hub, clock, retention: config.audit });
  const stopErrorLog = new ThrottledErrorLog(log, clock, 'storing a stop condition trip failed');
  const stopConditions = new StopConditionEvaluator({
    hub,
    store,
    clock,
    figures: options.workloadFigures ?? figuresOfOutcomes(figures),
    defaultGuard: config.defaultGuard,
    onTrip: (trip) => {
      metrics.stopConditionTrips.inc({ source: trip.reason.source });
      log.warn({ policy: trip.policy, version: trip.policyVersion, reason: trip.reason }, 'policy stopped by a stop condition');
    },
    onError: (error) => stopErrorLog.report('trip', error),
  });
  const longPolls = new LongPolls(hub, (err) => log.error({ err }, 'answering a held poll failed'));
  const streams = new RuleSetStreams(hub, {
    bufferSize: config.watchBufferSize,
    maxQueuedBytes: config.watchBufferBytes,
    onDropped: ({ identity, queuedBytes, reason }) => {
      metrics.sseDropped.inc();
      log.warn({ identity, queuedBytes, reason }, 'SSE client dropped: it does not read its stream fast enough');
    },
    ...(options.sseHeartbeatMs ? { heartbeatMs: options.sseHeartbeatMs } : {}),
  });
  const metrics = createMetrics({
    policiesByPhase: () => policies.phaseCounts(),
    activeHalts: () => hub.halts().length,
    ruleSetVersion: () => hub.current()?.version ?? 0,
    connectedDataPlanes: () => dataPlanes.size(),
    heldPolls: () => longPolls.held,
    sseStreams: () => streams.count,
    skippedStoreKeys: () => hub.skippedKeys().length,
    workloads: () => figures.workloads(WORKLOAD_METRICS_WINDOW_MS),
  });
  hub.subscribe((ruleSet) => {
    faults.retainPolicies();
    metrics.ruleSetsPublished.inc();
    log.debug({ epoch: ruleSet.epoch, version: ruleSet.version, rules: ruleSet.rules.length }, 'rule set published');
  });
  const ctx: AppContext = {
    version: options.version,
    clock,
    store,
    hub,
    policies,
    halts,
    audit,
    dataPlanes,
    faults,
    outcomes,
    figures,
    longPolls,
    streams,
    metrics,
  };
  const auth = new Authenticator(config.auth);

  // Bodies: JSON and YAML, one policy each; everything else is 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPE, { parseAs: 'string' }, (request, body, done) => {
    const { config } = request.routeOptions;
    const { value, errors } = config.plainJson ? readPlainJson(body as string) : readJson(body as string, config.bodyShape);
    if (errors.length > 0)
      done(new HfiError('HFI_MALFORMED_BODY', `the body is not valid JSON: ${errors[0]!.message}`, fieldDetails(errors)), undefined);
    else done(null, value);
  });
  // YAML is parsed on the worker pool: a large valid body costs ~150 ms of CPU that the event loop keeps.
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, async (_request: unknown, body: string | Buffer) => {
    const { documents, errors } = await workers.parseYaml(body as string);
    if (errors.length > 0)
      throw new HfiError('HFI_MALFORMED_BODY', `the body is not valid YAML: ${errors[0]!.message}`, fieldDetails(errors));
    if (documents.length !== 1)
      throw new HfiError('HFI_MALFORMED_BODY', `a body holds exactly one policy; found ${documents.length} documents`);
    return documents[0];
  });

  // Hooks in callback style: on every poll an async hook would cost a promise and a microtask turn.
  app.addHook('onRequest', (request, reply, done) => {
    if (closing) {
      reply.header('connection', 'close');
      throw new HfiError('HFI_SHUTTING_DOWN');
    }
    request.actor = auth.check(request.routeOptions.config.access ?? 'public', request.headers.authorization);
    done();
  });

  // One log line and the request metrics per request (data-plane polls log at debug: there are many).
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    metrics.requests.inc({ route, method: request.method, status });
    if (!HELD_ROUTES.has(route)) metrics.requestDuration.observe({ route, method: request.method }, reply.elapsedTime / 1000);
    const level = route === POLL_ROUTE ? 'debug' : 'info';
    if (writes(request.log, level)) {
      const line = {
        method: request.method,
        url: loggableUrl(request.url),
        route,
        statusCode: reply.statusCode,
        responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
      };
      request.log[level](line, 'request');
    }
    done();
  });

  app.setErrorHandler((error: FastifyError | HfiError, request, reply) => {
    const hfi = toHfiError(error);
    if (hfi.code === 'HFI_INTERNAL') request.log.error({ err: error }, 'internal error');
    else if (hfi.code === 'HFI_STORE_UNAVAILABLE') request.log.warn({ err: error }, 'store unavailable');
    return reply.code(hfi.statusCode).send(errorBody(hfi));
  });
  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send(errorBody(new HfiError('HFI_NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`)));
  });

  useContract(app);
  await registerOpenApi(app, options.version);
  await app.register(healthRoutes(ctx));
  await app.register(policyRoutes(ctx));
  await app.register(haltRoutes(ctx));
  await app.register(auditRoutes(ctx));
  await app.register(ruleSetRoutes(ctx));
  await app.register(dataPlaneRoutes(ctx));
  await app.register(workloadRoutes(ctx));
  await app.register(uiRoutes(options.uiDir ?? defaultUiDir()));

  // The store's watch feeds the hub; the first rule set is compiled before the server answers.
  app.addHook('onReady', async () => {
    await store.watch(hub.apply);
    await hub.settled();
    hub.flush();
    sharedFaults?.start();
    sharedOutcomes?.start();
    stopConditions.start(options.stopConditionIntervalMs);
  });
  // Data planes not seen for a while are forgotten even when nothing reads the registry (reads forget
  // too), so that it stays bounded while pods come and go. Phases need no sweep: they are computed when
  // read (the API's status, the policies gauge at each scrape).
  // The same sweep records expiries in the audit history and prunes it, and moves schedules' horizons.
  const auditErrorLog = new ThrottledErrorLog(log, clock, 'audit sweep failed');
  const staleDataPlaneSweep = setInterval(() => {
    hub.refreshSchedules();
    dataPlanes.forgetStale();
    faults.forgetStale();
    outcomes.forgetStale();
    audit.sweep().catch((error: unknown) => auditErrorLog.report('sweep', error));
  }, config.autoExpireCheckIntervalMs);
  staleDataPlaneSweep.unref();
  // Shutdown: held polls answered 304, streams ended, then the store is closed.
  app.addHook('preClose', async () => {
    closing = true;
    longPolls.releaseAll();
    streams.closeAll();
  });
  app.addHook('onClose', async () => {
    clearInterval(staleDataPlaneSweep);
    await sharedOutcomes?.stop();
    await stopConditions.stop();
    // Hands the faults this replica counted on to the others, before its lease (and its summary) goes.
    await sharedFaults?.retire().catch((error: unknown) => replicaErrorLog.report('retire', error));
    await store.close();
    await workers.close();
    metrics.close();
  });
  return app;
}

function toHfiError(error: FastifyError | HfiError): HfiError {
  if (isHfiError(error)) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HfiError('HFI_BODY_TOO_LARGE', `the request body exceeds ${API_LIMITS.bodyBytes} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HfiError('HFI_UNSUPPORTED_MEDIA_TYPE', 'unsupported content type: send application/json or application/yaml');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HfiError('HFI_MALFORMED_BODY', error.message);
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new HfiError('HFI_INVALID_REQUEST', error.message);
  }
  return new HfiError('HFI_INTERNAL');
}

function errorBody(error: HfiError): ErrorBody {
  return error.toJSON();
}
