// The demo mesh (frontend -> cart -> catalog), declared once: the simulated model runs it on a virtual clock,
// and `npm run mesh` / testkit's startMesh build the real services from it. These settings decide which
// faults are absorbed and which cascade.

export interface MeshCall {
  method: string;
  path: string;
}

export interface MeshEntryRoute extends MeshCall {
  /** Share of the entry traffic, out of 10 (the load generator cycles through 10 requests). */
  perTen: number;
  /** The call the frontend makes to cart for it. */
  calls: MeshCall;
}

export const DEMO_MESH = {
  namespace: 'demo',
  /** Requests per second the load generator sends to frontend's sidecar. */
  entryRatePerSecond: 20,
  entry: [
    { method: 'GET', path: '/shop', perTen: 7, calls: { method: 'GET', path: '/cart' } },
    { method: 'POST', path: '/checkout', perTen: 3, calls: { method: 'POST', path: '/cart/checkout' } },
  ] as readonly MeshEntryRoute[],
  /** A good caller: a timeout and one retry on a 5xx or a timeout. */
  frontend: { ownMs: 5, timeoutMs: 300, retries: 1 },
  /** A bad caller: no timeout on catalog, no retry; waits as long as catalog takes. */
  cart: { ownMs: 10, timeoutMs: null, retries: 0, calls: { method: 'GET', path: '/catalog/items' } as MeshCall },
  catalog: { ownMs: 20 },
} as const;

export const MESH_SERVICES = ['frontend', 'cart', 'catalog'] as const;
export type MeshService = (typeof MESH_SERVICES)[number];
