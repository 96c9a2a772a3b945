// `x-hfi-fault: <rule id>` tells a client which rule faulted its request: added to a delayed request's
// response (../http.ts), and first among an abort's local-reply headers, whose pairs are built here.

import { MapType } from '../abi/constants';
import { proxy_add_header_map_value } from '../abi/imports';
import { PairsBuilder } from '../abi/pairs';
import { Rule } from '../ruleset';

const HFI_FAULT_HEADER = String.UTF8.encode('x-hfi-fault');

// One builder for every rule's abort headers: cleared after each build, it keeps its list's capacity,
// so building leaves no garbage behind but the pairs themselves.
const abortHeaders = new PairsBuilder();

/**
 * The abort's response headers for proxy_send_local_response (pairs-encoded, x-hfi-fault first).
 * Built on a rule's first abort and kept, so a loaded set holds them only for rules that fired.
 */
export function abortHeaderPairs(rule: Rule): ArrayBuffer {
  const cached = rule.abortPairs;
  if (cached !== null) return cached;
  abortHeaders.add(HFI_FAULT_HEADER, rule.idBytes);
  const abort = rule.abort;
  if (abort !== null) {
    const extra = abort.headers;
    for (let i = 0; i + 1 < extra.length; i += 2) abortHeaders.add(extra[i], extra[i + 1]);
  }
  const pairs = abortHeaders.build();
  abortHeaders.clear();
  rule.abortPairs = pairs;
  return pairs;
}

/** Adds `x-hfi-fault` to the response headers of the stream (the effective context must be the stream's). */
export function tagResponse(rule: Rule): void {
  const id = rule.idBytes;
  proxy_add_header_map_value(
    MapType.HttpResponseHeaders,
    changetype<usize>(HFI_FAULT_HEADER),
    HFI_FAULT_HEADER.byteLength,
    changetype<usize>(id),
    id.byteLength,
  );
}
