// A fake source of workload figures for the stop-condition evaluator: set per workload, counted reads.
import type { WindowFigures, WorkloadFigures, WorkloadSelector } from '../../src/stop-conditions/workload-figures.js';

const key = (s: WorkloadSelector) => `${s.service ?? '*'}/${s.namespace ?? '*'}`;

export class FakeFigures implements WorkloadFigures {
  private readonly figures = new Map<string, WindowFigures>();
  /** Every read, as `<service>/<namespace>@<windowMs>` ("*" for a field left out). */
  readonly reads: string[] = [];

  set(selector: WorkloadSelector, figures: Partial<WindowFigures> & { requests: number }): void {
    this.figures.set(key(selector), { errors: 0, errorRatePercent: 0, p50Ms: 1, p99Ms: 1, faulted: 0, dataPlanes: 1, ...figures });
  }

  read(selector: WorkloadSelector, windowMs: number): WindowFigures | undefined {
    this.reads.push(`${key(selector)}@${windowMs}`);
    return this.figures.get(key(selector));
  }
}
