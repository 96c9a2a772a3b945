// Reading one unlabelled metric from /v1/metrics, as a Prometheus scrape would see it.
import type { TestClient } from './client.js';

/** The value of `name` (without labels), or NaN when it is absent. */
export async function metric(call: TestClient, name: string): Promise<number> {
  const text = (await call('GET', '/v1/metrics')).text;
  return Number(new RegExp(`\\n${name} (\\S+)`).exec(text)?.[1]);
}
