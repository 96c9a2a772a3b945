// The functions Envoy calls, with the exact signatures it checks (docs/envoy-facts.md E4).
// Every entry rewinds the scratch arena first: memory the host filled during an earlier callback is dead.

import { collectIfDue, collectNow, noteGarbage } from '../gc';
import { onRequestHeaders, onResponseHeaders, onStreamDelete, onStreamDone } from '../http';
import { RootContext } from '../root';
import { startVm } from '../vm';
import { FilterHeadersStatus } from './constants';
import { rewindScratch, scratchAlloc } from './scratch';

const roots = new Map<u32, RootContext>();
/** Stream context id -> its root context id, kept only while a VM has more than one root context. */
const streamRoots = new Map<u32, u32>();
/** The root context when there is exactly one (the usual case): streams then need no map entry. */
let onlyRoot: RootContext | null = null;

function rootsChanged(): void {
  const all = roots.values();
  onlyRoot = all.length == 1 ? all[0] : null;
  noteGarbage(1);
}

function rootOfStream(streamId: u32): RootContext | null {
  const only = onlyRoot;
  if (only !== null) return only;
  if (!streamRoots.has(streamId)) return null;
  const rootId = streamRoots.get(streamId);
  return roots.has(rootId) ? roots.get(rootId) : null;
}

export function proxy_abi_version_0_2_1(): void {}

export function malloc(size: usize): usize {
  return scratchAlloc(size);
}

export function proxy_on_context_create(contextId: u32, parentId: u32): void {
  rewindScratch();
  if (parentId == 0) {
    roots.set(contextId, new RootContext(contextId));
    rootsChanged();
  } else if (onlyRoot === null || onlyRoot!.id != parentId) streamRoots.set(contextId, parentId);
}

export function proxy_on_vm_start(_rootId: u32, _vmConfigSize: u32): u32 {
  rewindScratch();
  startVm();
  return 1;
}

export function proxy_on_configure(rootId: u32, configSize: u32): u32 {
  rewindScratch();
  if (!roots.has(rootId)) {
    roots.set(rootId, new RootContext(rootId));
    rootsChanged();
  }
  const ok = roots.get(rootId).onConfigure(configSize);
  collectNow();
  return ok ? 1 : 0;
}

export function proxy_on_tick(rootId: u32): void {
  rewindScratch();
  if (roots.has(rootId)) roots.get(rootId).onTick();
  collectIfDue();
}

export function proxy_on_http_call_response(rootId: u32, token: u32, numHeaders: u32, bodySize: u32, _numTrailers: u32): void {
  rewindScratch();
  if (roots.has(rootId)) roots.get(rootId).onHttpCallResponse(token, numHeaders, bodySize);
  // A poll answer may have replaced the rule set and left the old one (and the body's parse) as garbage.
  collectNow();
}

export function proxy_on_request_headers(contextId: u32, _numHeaders: u32, _endOfStream: u32): u32 {
  rewindScratch();
  const root = rootOfStream(contextId);
  if (root === null || root.config === null) return FilterHeadersStatus.Continue;
  return onRequestHeaders(root, contextId);
}

export function proxy_on_response_headers(contextId: u32, _numHeaders: u32, _endOfStream: u32): u32 {
  rewindScratch();
  return onResponseHeaders(rootOfStream(contextId), contextId);
}

export function proxy_on_done(contextId: u32): u32 {
  rewindScratch();
  if (!roots.has(contextId)) onStreamDone(rootOfStream(contextId), contextId);
  return 1;
}

export function proxy_on_delete(contextId: u32): void {
  rewindScratch();
  if (roots.has(contextId)) {
    roots.delete(contextId);
    rootsChanged();
  } else {
    onStreamDelete(rootOfStream(contextId), contextId);
    if (streamRoots.has(contextId)) streamRoots.delete(contextId);
  }
  collectIfDue();
}
