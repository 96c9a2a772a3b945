// The simulated mesh: frontend -> cart -> catalog, with the resilience settings the demo mesh will have.
// Every hop asks the reference decision function (@hfi/policy decideFault) about the applied rule set,
// so a trial policy acts here exactly as its rules say; no processes, no sockets.
import { type CompiledRuleSet, decideFault, type Identity } from '@hfi/policy';
import type { Random } from '../random.js';
import type { Workload } from '../space/types.js';

const MESH_NAMESPACE = 'demo';

/** How each service is built; these numbers decide which faults are absorbed and which cascade. */
const MESH = {
  frontend: { ownMs: 5, cartTimeoutMs: 300, cartRetries: 1 },
  cart: { ownMs: 10 }, // calls catalog with no timeout
  catalog: { ownMs: 20 },
  /** Spread of each service's own latency: lognormal with this sigma. */
  jitterSigma: 0.25,
  /** Entry traffic: share of GET /shop, the rest POST /checkout. */
  shopShare: 0.7,
} as const;

const MESH_SERVICES = ['frontend', 'cart', 'catalog'] as const;
export type MeshService = (typeof MESH_SERVICES)[number];

interface Response {
  status: number;
  ms: number;
}

/** What every service saw of its inbound requests during one simulated window. */
export type MeshRecord = Record<MeshService, Response[]>;

export function meshWorkloads(): Workload[] {
  return MESH_SERVICES.map((service) => ({ service, namespace: MESH_NAMESPACE }));
}

/** Sends `requests` requests to frontend, spread evenly over [fromMs, toMs), and records every hop. */
export function simulateWindow(ruleSet: CompiledRuleSet, requests: number, fromMs: number, toMs: number, random: Random): MeshRecord {
  const record: MeshRecord = { frontend: [], cart: [], catalog: [] };
  const call = (service: MeshService, method: string, path: string, nowMs: number, handler: () => Response): Response => {
    const identity: Identity = { service, namespace: MESH_NAMESPACE };
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
  const own = (ms: number): number => ms * Math.exp(MESH.jitterSigma * random.gaussian());

  const catalog = (nowMs: number): Response =>
    call('catalog', 'GET', '/catalog/items', nowMs, () => ({ status: 200, ms: own(MESH.catalog.ownMs) }));
  const cart = (method: string, path: string, nowMs: number): Response =>
    call('cart', method, path, nowMs, () => {
      const downstream = catalog(nowMs);
      const ms = own(MESH.cart.ownMs) + downstream.ms;
      // No timeout on catalog: cart waits as long as catalog takes, and turns its errors into 502 (404 stays 404).
      if (downstream.status === 404) return { status: 404, ms };
      return { status: downstream.status >= 400 ? 502 : 200, ms };
    });
  const frontend = (method: string, path: string, cartMethod: string, cartPath: string, nowMs: number): Response =>
    call('frontend', method, path, nowMs, () => {
      let ms = own(MESH.frontend.ownMs);
      for (let attempt = 0; ; attempt++) {
        const answer = cart(cartMethod, cartPath, nowMs);
        const timedOut = answer.ms > MESH.frontend.cartTimeoutMs;
        ms += timedOut ? MESH.frontend.cartTimeoutMs : answer.ms;
        const retryable = timedOut || answer.status >= 500;
        if (!retryable) return { status: answer.status, ms };
        if (attempt >= MESH.frontend.cartRetries) return { status: timedOut ? 504 : 502, ms };
      }
    });

  const span = Math.max(1, toMs - fromMs);
  for (let i = 0; i < requests; i++) {
    const nowMs = fromMs + Math.floor((i * span) / requests);
    if (random.next() < MESH.shopShare) frontend('GET', '/shop', 'GET', '/cart', nowMs);
    else frontend('POST', '/checkout', 'POST', '/cart/checkout', nowMs);
  }
  return record;
}
