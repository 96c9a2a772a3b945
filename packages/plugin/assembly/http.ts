// The HTTP (stream) side: decide on request headers, pause for delays, abort, tag responses.

import { FilterHeadersStatus } from './abi/constants';
import { nowUs } from './abi/host';
import { findMatchingRule, requestNowMs } from './decide';
import { aborts } from './faults/abort';
import { delayOf } from './faults/delay';
import { isDryRun } from './faults/dry-run';
import { tagResponse } from './faults/fault-header';
import { admitted } from './faults/limit';
import { chosenAbortStatus, chosenDelay, overridesOf, readChosenFault } from './faults/overrides';
import { inResponsePhase, statusApplies } from './faults/phase';
import { resets } from './faults/reset';
import { noteGarbage } from './gc';
import { isDebug, logDebug } from './logger';
import { countDelay } from './metrics';
import { observeStart, observeStatus } from './outcomes';
import { RootContext } from './root';
import { Rule } from './ruleset';
import { Stream } from './stream';
import { draws } from './vm';

/** Faulted streams by context id; other streams have no entry. */
const faulted = new Map<u32, Stream>();

/** Step 4 of "Evaluating a request": a draw only when 0 < perMillion < 1,000,000. */
function faults(rule: Rule): bool {
  const p = rule.perMillion;
  if (p >= 1_000_000) return true;
  if (p <= 0) return false;
  return draws.drawPerMillion() < <u32>p;
}

export function onRequestHeaders(root: RootContext, streamId: u32): u32 {
  if (root.observing) observeStart(streamId, nowUs());
  const set = root.activeSet;
  if (set === null || set.rules.length == 0) return FilterHeadersStatus.Continue;
  const rule = findMatchingRule(set);
  if (rule === null) return FilterHeadersStatus.Continue;
  // Read and stripped whatever the draw says: the upstream never sees them.
  const overrides = overridesOf(rule);
  if (overrides !== null) readChosenFault(rule, overrides);
  if (!faults(rule) || !admitted(rule)) return FilterHeadersStatus.Continue;
  if (isDryRun(rule)) return countDryRun(root, rule, streamId);
  const stream = new Stream(streamId, root.id, rule);
  noteGarbage(1);
  let delayMs = delayOf(rule);
  if (overrides !== null) {
    delayMs = chosenDelay(delayMs);
    stream.abortStatus = chosenAbortStatus();
  }
  const waitMs = <i64>rule.startDelayMs + delayMs;
  if (inResponsePhase(rule)) {
    // Decided now, acted on when the response arrives (onResponseHeaders).
    stream.responsePhase = true;
    stream.responseWaitMs = waitMs;
    stream.responseDelayMs = delayMs;
    faulted.set(streamId, stream);
    return FilterHeadersStatus.Continue;
  }
  if (waitMs > 0) {
    const now = requestNowMs();
    stream.deadlineMs = now + waitMs;
    if (!root.wait(stream, now)) return FilterHeadersStatus.Continue;
    faulted.set(streamId, stream);
    if (delayMs > 0) {
      root.countersOf(rule).delays++;
      stream.injected = true;
      countDelay(waitMs);
    }
    if (isDebug()) logDebug('request delayed ' + waitMs.toString() + ' ms by rule ' + rule.id);
    return FilterHeadersStatus.StopIteration;
  }
  faulted.set(streamId, stream);
  if (aborts(stream)) {
    root.sendAbort(stream);
    if (isDebug()) logDebug('request aborted by rule ' + rule.id);
    return FilterHeadersStatus.StopIteration;
  }
  if (resets(rule)) {
    root.sendReset(stream);
    if (isDebug()) logDebug('request reset by rule ' + rule.id);
    return FilterHeadersStatus.StopIteration;
  }
  return FilterHeadersStatus.Continue;
}

/**
 * A dry-run rule picked this request: it takes the draws a real rule would (the delay's), injects nothing, and
 * counts; a response-phase one is counted when its response's status applies (faults/dry-run.ts).
 */
function countDryRun(root: RootContext, rule: Rule, streamId: u32): u32 {
  delayOf(rule);
  if (inResponsePhase(rule)) {
    const stream = new Stream(streamId, root.id, rule);
    noteGarbage(1);
    stream.responsePhase = true;
    stream.dryRun = true;
    faulted.set(streamId, stream);
  } else root.countersOf(rule).wouldInject++;
  if (isDebug()) logDebug('dry run: request passed, rule ' + rule.id + ' would have faulted it');
  return FilterHeadersStatus.Continue;
}

/** Delayed-only requests get `x-hfi-fault` here; aborted ones carry it in the local reply already. */
export function onResponseHeaders(root: RootContext | null, streamId: u32): u32 {
  // Spelled out: AssemblyScript has no optional chaining.
  let observing = false;
  if (root !== null) observing = root.observing;
  if (!faulted.has(streamId)) {
    if (observing) observeStatus(streamId);
    return FilterHeadersStatus.Continue;
  }
  const stream = faulted.get(streamId);
  // Our own local reply's class was taken when it was sent (RootContext.sendAbort).
  if (observing && !stream.localReplySent) observeStatus(streamId);
  if (stream.responsePhase) return onFaultedResponse(root, stream);
  if (!stream.localReplySent && !stream.released) tagResponse(stream.rule);
  return FilterHeadersStatus.Continue;
}

/**
 * A response-phase fault meets its response: out of its status range it passes; otherwise the response waits
 * (resumed or aborted from the tick) or is replaced by the abort's local reply at once. Runs once per stream:
 * the local reply's own headers come through here too.
 */
function onFaultedResponse(root: RootContext | null, stream: Stream): u32 {
  if (root === null || stream.released || stream.localReplySent) return FilterHeadersStatus.Continue;
  const rule = stream.rule;
  if (!statusApplies(rule)) {
    stream.released = true;
    return FilterHeadersStatus.Continue;
  }
  if (stream.dryRun) {
    stream.released = true;
    root.countersOf(rule).wouldInject++;
    return FilterHeadersStatus.Continue;
  }
  const waitMs = stream.responseWaitMs;
  if (waitMs > 0) {
    const now = requestNowMs();
    stream.deadlineMs = now + waitMs;
    if (!root.wait(stream, now)) {
      stream.released = true;
      return FilterHeadersStatus.Continue;
    }
    if (stream.responseDelayMs > 0) {
      root.countersOf(rule).delays++;
      stream.injected = true;
      countDelay(waitMs);
    }
    if (isDebug()) logDebug('response held ' + waitMs.toString() + ' ms by rule ' + rule.id);
    return FilterHeadersStatus.StopIteration;
  }
  if (aborts(stream)) {
    root.sendAbort(stream);
    if (isDebug()) logDebug('response replaced by rule ' + rule.id);
    return FilterHeadersStatus.StopIteration;
  }
  stream.released = true;
  tagResponse(rule);
  return FilterHeadersStatus.Continue;
}

/**
 * proxy_on_done: the stream's outcome is counted, once, and a waiting request leaves the delay queue (the
 * stream ended normally or by client reset).
 */
export function onStreamDone(root: RootContext | null, streamId: u32): void {
  if (root === null) return;
  if (!faulted.has(streamId)) {
    if (root.observing) root.observeEnd(streamId, nowUs(), false, false);
    return;
  }
  const stream = faulted.get(streamId);
  if (root.observing) root.observeEnd(streamId, nowUs(), stream.localReplySent, stream.injected);
  root.cancel(stream);
}

/** proxy_on_delete: the stream is gone (its outcome was counted in proxy_on_done). */
export function onStreamDelete(root: RootContext | null, streamId: u32): void {
  if (!faulted.has(streamId)) return;
  if (root !== null) root.cancel(faulted.get(streamId));
  faulted.delete(streamId);
}
