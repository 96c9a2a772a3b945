// The attribute tree proxy_get_property resolves against (Envoy attributes.rst + Wasm-only names).
// Node metadata: xds.node.* always; node.* too only for Envoy 1.32 (removed in 1.33, envoy#36619).
import { type ContextBase, RootContext, StreamContext } from './context.js';
import type { PropertyTree, PropertyValue } from './properties.js';
import type { WasmVm } from './vm.js';

function headersMap(pairs: readonly (readonly [string, string])[]): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  for (const [k, v] of pairs) if (!(k in out)) out[k] = v;
  return out;
}

export function buildPropertyTree(vm: WasmVm, ctx: ContextBase): PropertyTree {
  const cfg = vm.config;
  const node = { id: cfg.nodeId, metadata: cfg.nodeMetadata };
  const tree: PropertyTree = {
    plugin_name: cfg.name,
    plugin_root_id: cfg.rootId,
    plugin_vm_id: cfg.vmId,
    xds: { node },
  };
  if (cfg.envoyVersion === '1.32') tree.node = node;
  if (ctx instanceof StreamContext) {
    const req = ctx.requestInfo;
    const get = (k: string) => req.find(([name]) => name === k)?.[1];
    const path = get(':path') ?? '';
    const q = path.indexOf('?');
    // Subtrees are thunks: resolveProperty evaluates only the one the path names.
    tree.request = () => ({
      path,
      url_path: q >= 0 ? path.slice(0, q) : path,
      query: q >= 0 ? path.slice(q + 1) : '',
      host: get(':authority'),
      scheme: get(':scheme'),
      method: get(':method'),
      headers: () => headersMap(req.filter(([k]) => !k.startsWith(':'))),
      referer: get('referer'),
      useragent: get('user-agent'),
      id: get('x-request-id'),
      protocol: 'HTTP/1.1',
    });
    if (ctx.responseCode !== null) {
      const code = ctx.responseCode;
      tree.response = () => ({
        code: BigInt(code),
        headers: () => headersMap(ctx.responseInfo.filter(([k]) => !k.startsWith(':'))),
        code_details: ctx.localReply ? ctx.localReply.details : 'via_upstream',
      });
    }
    if (ctx.connection) {
      const c = ctx.connection;
      tree.source = () => ({ address: `${c.source}:${c.sourcePort}`, port: BigInt(c.sourcePort) });
      tree.destination = () => ({ address: `${c.destination}:${c.destinationPort}`, port: BigInt(c.destinationPort) });
      tree.connection_id = () => BigInt(c.id);
    }
  } else if (!(ctx instanceof RootContext)) {
    // VM context: plugin attributes only.
  }
  return tree;
}
