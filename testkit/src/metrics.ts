// One sample from a Prometheus text exposition, as a scrape would read it: the control plane's /v1/metrics,
// hfi-proxy's /stats/prometheus (which prints unlabelled series with "{}", as Envoy does).

/**
 * The value of `series`: a metric name, matching it with no labels or with "{}", or a name with its label
 * set exactly as printed (`name{le="500"}`). NaN when absent.
 */
export function metricValue(exposition: string, series: string): number {
  const escaped = series.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const labels = series.includes('{') ? '' : '(?:\\{\\})?';
  return Number(new RegExp(`^${escaped}${labels} (\\S+)$`, 'm').exec(exposition)?.[1] ?? Number.NaN);
}

/** Scrapes `url` and reads `series` from it. */
export async function scrapeMetric(url: string, series: string): Promise<number> {
  const res = await fetch(url);
  return metricValue(await res.text(), series);
}
