// The simulated mesh: frontend -> cart -> catalog, with the resilience settings of the demo mesh (demo-mesh.ts).
// Every hop asks the reference decision function (@hfi/policy decideFault) about the applied rule set,
// so a trial policy acts here exactly as its rules say; no processes, no sockets.
import { type CompiledRuleSet, decideFault, type Identity } from '@hfi/policy';
import type { Random } from '../random.js';
import type { Workload } from '../space/types.js';

import { DEMO_MESH, MESH_SERVICES, type MeshEntryRoute, type MeshService } from './demo-mesh.js';

/** What the model adds to the demo mesh's settings: the spread of each service's own latency (lognormal sigma). */
const JITTER_SIGMA = 0.25;

interface Response {
  status: number;
  ms: number;
}

/** What every service saw of its inbound requests during one simulated window. */
export type MeshRecord = Record<MeshService, Response[]>;

export function meshWorkloads(): Workload[] {
  return MESH_SERVICES.map((service) => ({ service, namespace: DEMO_MESH.namespace }));
}

/** Sends `requests` requests to frontend, spread evenly over [fromMs, toMs), and records every hop. */
export function simulateWindow(ruleSet: CompiledRuleSet, requests: number, fromMs: number, toMs: number, random: Random): MeshRecord {
  const record: MeshRecord = { frontend: [], cart: [], catalog: [] };
  const call = (service: MeshService, method: string, path: string, nowMs: number, handler: () => Response): Response => {
    const identity: Identity = { service, namespace: DEMO_MESH.namespace };
    const decision = decideFault(ruleSet, { method, path, headers: [] }, identity, nowMs, random);
    let response: Response;
    if (decision.action === 'fault' && decision.abort) {
      response = { status: decision.abort.status, ms: decision.startDelayMs + decision.delayMs };
    } else {
      const added = decision.action === 'fault' ? decision.startDelayMs + decision.delayMs : 0;
      const inner = handler();
      response = { status: inner.status, ms: inner.ms + added };
    }
    record[service].push(response);
    return response;
  };
  const own = (ms: number): number => ms * Math.exp(JITTER_SIGMA * random.gaussian());

  const catalog = (nowMs: number): Response =>
    call('catalog', DEMO_MESH.cart.calls.method, DEMO_MESH.cart.calls.path, nowMs, () => ({
      status: 200,
      ms: own(DEMO_MESH.catalog.ownMs),
    }));
  const cart = (method: string, path: string, nowMs: number): Response =>
    call('cart', method, path, nowMs, () => {
      const downstream = catalog(nowMs);
      const ms = own(DEMO_MESH.cart.ownMs) + downstream.ms;
      // No timeout on catalog: cart waits as long as catalog takes, and turns its errors into 502 (404 stays 404).
      if (downstream.status === 404) return { status: 404, ms };
      return { status: downstream.status >= 400 ? 502 : 200, ms };
    });
  const frontend = (method: string, path: string, cartMethod: string, cartPath: string, nowMs: number): Response =>
    call('frontend', method, path, nowMs, () => {
      let ms = own(DEMO_MESH.frontend.ownMs);
      for (let attempt = 0; ; attempt++) {
        const answer = cart(cartMethod, cartPath, nowMs);
        const timedOut = answer.ms > DEMO_MESH.frontend.timeoutMs;
        ms += timedOut ? DEMO_MESH.frontend.timeoutMs : answer.ms;
        const retryable = timedOut || answer.status >= 500;
        if (!retryable) return { status: answer.status, ms };
        if (attempt >= DEMO_MESH.frontend.retries) return { status: timedOut ? 504 : 502, ms };
      }
    });

  const span = Math.max(1, toMs - fromMs);
  for (let i = 0; i < requests; i++) {
    const nowMs = fromMs + Math.floor((i * span) / requests);
    // The request mix is drawn (the real load generator cycles through it); the first route's share decides.
    const [first, second] = DEMO_MESH.entry as [MeshEntryRoute, MeshEntryRoute];
    const route = random.next() < first.perTen / 10 ? first : second;
    frontend(route.method, route.path, route.calls.method, route.calls.path, nowMs);
  }
  return record;
}
