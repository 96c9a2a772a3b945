// Control-plane replicas on one real etcd, on the real clock and real HTTP: what the multi-replica tests start.
import type { FastifyInstance } from 'fastify';
import type { BuildOptions } from '../../src/app.js';
import { EtcdPolicyStore } from '../../src/store/etcd.js';
import { httpClient, listen, type TestClient } from './client.js';
import { makeApp, storeDefaults, testConfig } from './fixtures.js';

const realClock = { now: () => Date.now() };

/** Starts replicas sharing `root` on the etcd at `endpoint`; `close` stops every one started. */
export function etcdReplicas(endpoint: () => string, root: string) {
  const apps: FastifyInstance[] = [];
  return {
    apps,
    async start(options: Partial<BuildOptions> = {}): Promise<TestClient> {
      const store = new EtcdPolicyStore({ endpoints: [endpoint()], maxPolicies: 100, clock: realClock, root, ...storeDefaults });
      const app = await makeApp({ config: testConfig(), clock: realClock, store, ...options });
      apps.push(app);
      return httpClient(await listen(app));
    },
    async close(): Promise<void> {
      for (const app of apps) await app.close();
    },
  };
}
