// Two sidecars where one service calls the other: frontend (a calling service behind its own hfi-proxy) calls
// cart (a demo upstream behind its own), both reporting to one control plane; all stopped by the file's teardown.
import {
  type ControlPlaneOptions,
  type RunningCallingService,
  type RunningControlPlane,
  type RunningHfiProxy,
  type RunningUpstream,
  startCallingService,
  startControlPlane,
  startHfiProxy,
} from '@hfi/testkit';
import type { Teardown } from './teardown.js';

export interface FrontendCart {
  cp: RunningControlPlane;
  cart: RunningUpstream;
  cartProxy: RunningHfiProxy;
  frontend: RunningCallingService;
  frontendProxy: RunningHfiProxy;
}

export async function startFrontendCart(
  t: Teardown,
  options: { controlPlane?: ControlPlaneOptions; cartProxyArgs?: string[] } = {},
): Promise<FrontendCart> {
  const cp = t.own(await startControlPlane(options.controlPlane));
  const cart = await t.upstream();
  const cartProxy = t.own(
    await startHfiProxy({ upstream: cart.url, controlPlane: cp.url, service: 'cart', args: options.cartProxyArgs ?? [] }),
  );
  const frontend = await startCallingService({ target: cartProxy.url });
  t.later(() => frontend.close());
  const frontendProxy = t.own(await startHfiProxy({ upstream: frontend.url, controlPlane: cp.url, service: 'frontend' }));
  return { cp, cart, cartProxy, frontend, frontendProxy };
}
