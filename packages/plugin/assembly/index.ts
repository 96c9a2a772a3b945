// Entry point of the HFI fault filter: only the exports Envoy looks for (proxy-wasm ABI 0.2.1).
// Top-level code in this module graph only allocates; the first host call happens in a proxy_on_* callback.

import './abi/abort';

export {
  malloc,
  proxy_abi_version_0_2_1,
  proxy_on_configure,
  proxy_on_context_create,
  proxy_on_delete,
  proxy_on_done,
  proxy_on_http_call_response,
  proxy_on_request_headers,
  proxy_on_response_headers,
  proxy_on_tick,
  proxy_on_vm_start,
} from './abi/exports';
