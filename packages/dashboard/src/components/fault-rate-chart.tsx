// Faults per second of one policy over the last minutes, drawn with uPlot from the totals the view polls.
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { useDashboard } from '../context.js';
import { FAULT_RATE_WINDOW_MS, type RateSeries } from '../model/fault-rate.js';

const WINDOW_SECONDS = FAULT_RATE_WINDOW_MS / 1000;

export function FaultRateChart({ series, label }: { series: RateSeries; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // Before the first samples the time axis ends now (not at the epoch).
  const { now } = useDashboard();
  const nowSeconds = useRef(now.value / 1000);
  nowSeconds.current = now.value / 1000;
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    plot.current = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height: 160,
        legend: { show: false },
        // The last five minutes, whatever the samples span; at least 0..1 faults/s.
        scales: {
          x: {
            time: true,
            range: (_u, _min, max) => {
              const end = max || nowSeconds.current;
              return [end - WINDOW_SECONDS, end];
            },
          },
          y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.2)] },
        },
        axes: [{}, { label: 'faults/s', size: 50 }],
        series: [{}, { label: 'faults/s', stroke: '#c2410c', fill: 'rgba(194, 65, 12, 0.12)', width: 2 }],
      },
      [[], []],
      element,
    );
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(320, element.clientWidth), height: 160 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);
  useEffect(() => {
    plot.current?.setData([series.times, series.rates]);
  }, [series]);
  const latest = series.rates.at(-1);
  return (
    <figure class="chart">
      <div
        ref={host}
        role="img"
        aria-label={`${label}: ${latest === undefined ? 'no samples yet' : `${latest.toFixed(1)} faults per second now`}`}
      />
      <figcaption>
        {label}: {latest === undefined ? 'waiting for samples' : `${latest.toFixed(1)} faults/s now`}
      </figcaption>
    </figure>
  );
}
