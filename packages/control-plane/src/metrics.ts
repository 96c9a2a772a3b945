// Every control-plane metric, declared in one table. Names carry the hfi_control_plane_ prefix.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { PolicyPhase, Workload } from '@hfi/api';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricSources {
  policiesByPhase: () => Record<PolicyPhase, number>;
  activeHalts: () => number;
  ruleSetVersion: () => number;
  connectedDataPlanes: () => number;
  heldPolls: () => number;
  sseStreams: () => number;
  skippedStoreKeys: () => number;
  /** Every workload's figures over the metrics' window (WORKLOAD_METRICS_WINDOW_MS). */
  workloads: () => Workload[];
}

/** The window the per-workload gauges cover. */
export const WORKLOAD_METRICS_WINDOW_MS = 60_000;

/** Event-loop delay sampled every 5 ms; each scrape reports the interval since the previous one. */
const EVENT_LOOP_RESOLUTION_MS = 5;

export function createMetrics(sources: MetricSources) {
  const registry = new Registry();
  const registers = [registry];
  const loopDelay = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  loopDelay.enable();
  const metrics = {
    requests: new Counter({
      name: 'hfi_control_plane_http_requests_total',
      help: 'API requests by route, method and status code',
      labelNames: ['route', 'method', 'status'] as const,
      registers,
    }),
    requestDuration: new Histogram({
      name: 'hfi_control_plane_http_request_duration_seconds',
      help: 'API request latency (held long-polls and streams excluded)',
      labelNames: ['route', 'method'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    policies: new Gauge({
      name: 'hfi_control_plane_policies',
      help: 'Stored policies by phase',
      labelNames: ['phase'] as const,
      registers,
      collect() {
        for (const [phase, n] of Object.entries(sources.policiesByPhase())) this.set({ phase }, n);
      },
    }),
    haltActive: new Gauge({
      name: 'hfi_control_plane_halt_active',
      help: 'Active halts (the kill switch): 0 when none; each halt stops every fault on the data planes its selector matches',
      registers,
      collect() {
        this.set(sources.activeHalts());
      },
    }),
    ruleSetVersion: new Gauge({
      name: 'hfi_control_plane_ruleset_version',
      help: 'Version of the current compiled rule set',
      registers,
      collect() {
        this.set(sources.ruleSetVersion());
      },
    }),
    dataPlanes: new Gauge({
      name: 'hfi_control_plane_dataplanes_connected',
      help: 'Data-plane instances seen polling in the last 5 minutes',
      registers,
      collect() {
        this.set(sources.connectedDataPlanes());
      },
    }),
    heldPolls: new Gauge({
      name: 'hfi_control_plane_longpolls_held',
      help: 'Data-plane long-polls held now',
      registers,
      collect() {
        this.set(sources.heldPolls());
      },
    }),
    sseStreams: new Gauge({
      name: 'hfi_control_plane_sse_streams',
      help: 'Open /v1/config/stream connections',
      registers,
      collect() {
        this.set(sources.sseStreams());
      },
    }),
    propagationDelay: new Histogram({
      name: 'hfi_control_plane_propagation_delay_seconds',
      help: 'From a change reaching this replica (the commit, for its own writes) to a held poll answered with it',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    ruleSetsPublished: new Counter({
      name: 'hfi_control_plane_rulesets_published_total',
      help: 'Compiled rule sets published',
      registers,
    }),
    countersDropped: new Counter({
      name: 'hfi_control_plane_dataplane_counters_dropped_total',
      help: 'Polls whose fault counters were dropped, in whole or in part, by reason (malformed, too_many_rules, no_seq); the polls were answered',
      labelNames: ['reason'] as const,
      registers,
    }),
    sseDropped: new Counter({
      name: 'hfi_control_plane_sse_dropped_total',
      help: 'SSE streams closed because their client did not read (more than WATCH_BUFFER_BYTES queued, or WATCH_BUFFER_SIZE events behind)',
      registers,
    }),
    dataPlanesEvicted: new Counter({
      name: 'hfi_control_plane_dataplanes_evicted_total',
      help: 'Data-plane instances forgotten because the registry was full (MAX_DATA_PLANES); their polls are still answered',
      registers,
    }),
    stopConditionTrips: new Counter({
      name: 'hfi_control_plane_stop_condition_trips_total',
      help: 'Policies this replica stopped because a stop condition held, by source (stopWhen, defaultGuard)',
      labelNames: ['source'] as const,
      registers,
    }),
    skippedStoreKeys: new Gauge({
      name: 'hfi_control_plane_store_skipped_keys',
      help: 'Store keys whose values are not valid policies or halts (skipped by every replica; listed in /ready)',
      registers,
      collect() {
        this.set(sources.skippedStoreKeys());
      },
    }),
    eventLoopDelay: new Gauge({
      name: 'hfi_control_plane_event_loop_delay_seconds',
      help: 'Event-loop delay since the previous scrape (sampled every 5 ms): its p50, p99 and max',
      labelNames: ['stat'] as const,
      registers,
      collect() {
        const seconds = (ns: number): number => (Number.isFinite(ns) ? ns / 1e9 : 0);
        this.set({ stat: 'p50' }, seconds(loopDelay.percentile(50)));
        this.set({ stat: 'p99' }, seconds(loopDelay.percentile(99)));
        this.set({ stat: 'max' }, seconds(loopDelay.max));
        loopDelay.reset();
      },
    }),
    outcomesDropped: new Counter({
      name: 'hfi_control_plane_outcome_reports_dropped_total',
      help: 'Outcome reports of data planes dropped by reason (malformed, too_many_workloads); the rule set is never affected',
      labelNames: ['reason'] as const,
      registers,
    }),
    ...workloadGauges(sources, registers),
    storeErrors: new Counter({
      name: 'hfi_control_plane_store_errors_total',
      help: 'Failed store operations (and lost watches) by operation',
      labelNames: ['operation'] as const,
      registers,
    }),
  };
  return { registry, ...metrics, close: () => loopDelay.disable() };
}

/**
 * Per-workload figures over the last minute, one label set per workload (at most MAX_WORKLOADS). Each scrape
 * reads the figures once and sets every gauge from them; a workload gone from the window leaves the gauges.
 */
function workloadGauges(sources: MetricSources, registers: Registry[]) {
  const labelNames = ['service', 'namespace'] as const;
  let snapshot: { at: number; items: Workload[] } = { at: -1, items: [] };
  const items = (): Workload[] => {
    // The gauges collect one after the other during one scrape: one read serves them all.
    const now = performance.now();
    if (now - snapshot.at > 100) snapshot = { at: now, items: sources.workloads() };
    return snapshot.items;
  };
  const gauge = (name: string, help: string, value: (w: Workload) => number | null) =>
    new Gauge({
      name: `hfi_workload_${name}`,
      help: `${help} (last minute, every data plane and replica)`,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const w of items()) {
          const v = value(w);
          if (v !== null) this.set({ service: w.service, namespace: w.namespace }, v);
        }
      },
    });
  return {
    workloadRequestRate: gauge('requests_per_second', 'Requests per second per workload', (w) => w.requestsPerSecond),
    workloadErrorRate: gauge(
      'error_rate_percent',
      'Share of requests answered 5xx (upstream or local reply), percent',
      (w) => w.errorRatePercent,
    ),
    workloadFaultedRate: gauge('faulted_percent', 'Share of requests HFI delayed, aborted or reset, percent', (w) => w.faultedPercent),
    workloadP50: gauge('latency_p50_seconds', 'Median latency, request headers to stream end (bucket upper bound)', (w) =>
      w.p50Ms === null ? null : w.p50Ms / 1000,
    ),
    workloadP99: gauge('latency_p99_seconds', '99th percentile latency (bucket upper bound)', (w) =>
      w.p99Ms === null ? null : w.p99Ms / 1000,
    ),
    workloadDataPlanes: gauge('dataplanes', 'Data planes heard from in the last 75 s', (w) => w.dataPlanes),
  };
}

export type ControlPlaneMetrics = ReturnType<typeof createMetrics>;
