// Process-wide stats for plugin metrics (Envoy: one stat per name shared by every worker VM),
// with Envoy's per-VM metric ids and its counter/gauge/histogram rules (docs/envoy-facts.md E14, E15).
import { MetricType } from './abi/status.js';

/** Envoy's default histogram bucket bounds (source/common/stats/histogram_impl.h). */
export const ENVOY_DEFAULT_BUCKETS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
];

export type MetricKind = 'counter' | 'gauge' | 'histogram';
export interface Stat {
  name: string;
  kind: MetricKind;
  value: bigint;
  samples: number[];
  /** Cumulative bucket counts for ENVOY_DEFAULT_BUCKETS, and the sum of samples. */
  buckets: number[];
  sum: number;
  count: number;
}

const KIND_BY_TYPE: Record<number, MetricKind> = {
  [MetricType.Counter]: 'counter',
  [MetricType.Gauge]: 'gauge',
  [MetricType.Histogram]: 'histogram',
};
const MAX_SAMPLES_KEPT = 100_000;

export class StatsStore {
  private readonly stats = new Map<string, Stat>();

  /** One stat per name: defining again (from any VM) returns the same stat. */
  get(name: string, kind: MetricKind): Stat {
    const key = `${kind}:${name}`;
    let stat = this.stats.get(key);
    if (!stat) {
      stat = { name, kind, value: 0n, samples: [], buckets: ENVOY_DEFAULT_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.stats.set(key, stat);
    }
    return stat;
  }
  find(name: string): Stat | undefined {
    return this.stats.get(`counter:${name}`) ?? this.stats.get(`gauge:${name}`) ?? this.stats.get(`histogram:${name}`);
  }
  all(): Stat[] {
    return [...this.stats.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  static recordSample(stat: Stat, value: number): void {
    if (stat.samples.length < MAX_SAMPLES_KEPT) stat.samples.push(value);
    stat.sum += value;
    stat.count++;
    ENVOY_DEFAULT_BUCKETS.forEach((bound, i) => {
      if (value <= bound) stat.buckets[i]!++;
    });
  }

  /** Prometheus text as Envoy's /stats/prometheus prints custom metrics: the stat name, dots as `_`. */
  prometheusText(): string {
    const lines: string[] = [];
    for (const stat of this.all()) {
      const name = promName(stat.name);
      lines.push(`# TYPE ${name} ${stat.kind}`);
      if (stat.kind === 'histogram') {
        for (const [i, bound] of ENVOY_DEFAULT_BUCKETS.entries()) lines.push(`${name}_bucket{le="${bound}"} ${stat.buckets[i]}`);
        lines.push(`${name}_bucket{le="+Inf"} ${stat.count}`);
        lines.push(`${name}_sum{} ${stat.sum}`);
        lines.push(`${name}_count{} ${countOf(stat)}`);
      } else {
        lines.push(`${name}{} ${stat.value}`);
      }
    }
    return lines.length ? `${lines.join('\n')}\n` : '';
  }

  /** Envoy's /stats text form: `name: value`. */
  plainText(): string {
    return this.all()
      .map((s) => (s.kind === 'histogram' ? `${s.name}: P0(nan) count=${countOf(s)} sum=${s.sum}` : `${s.name}: ${s.value}`))
      .join('\n')
      .concat(this.stats.size ? '\n' : '');
  }
}

function countOf(stat: Stat): number {
  return stat.count;
}

function promName(name: string): string {
  return name.replace(/^wasmcustom\./, '').replace(/[^a-zA-Z0-9_:]/g, '_');
}

/** Per-VM metric ids (Envoy wasm.h: pre-incremented by 4, type in the low 2 bits). */
export class VmMetricIds {
  private next = [0, 1, 2];
  private readonly byId = new Map<number, Stat>();
  constructor(private readonly store: StatsStore) {}

  define(type: number, name: string): number | null {
    const kind = KIND_BY_TYPE[type];
    if (!kind) return null;
    this.next[type]! += 4;
    const id = this.next[type]!;
    this.byId.set(id, this.store.get(name, kind));
    return id;
  }
  lookup(id: number): Stat | undefined {
    return this.byId.get(id);
  }
}
