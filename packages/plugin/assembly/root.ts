// The root context: configuration, identity, the current rule set, the long-poll client, the fault
// counters, the lease and the queue of delayed requests. One per plugin per worker VM.

import { BufferType, MapType, Status, StreamType } from './abi/constants';
import { fetchBuffer, fetchedPtr, fetchedSize, fetchedString, fetchHeader, nowMs } from './abi/host';
import { proxy_continue_stream, proxy_http_call, proxy_set_effective_context, proxy_set_tick_period_milliseconds } from './abi/imports';
import { PairsBuilder } from './abi/pairs';
import { HostBufferSource } from './body-source';
import { Config, parseConfig } from './config';
import { FaultTally, RuleCounters } from './counters';
import { DelayQueue } from './delays';
import { aborts, sendAbort } from './faults/abort';
import { tagResponse } from './faults/fault-header';
import { carryCounts, LimitCounts, limitCountsByTag } from './faults/limit';
import { resetStream, resets } from './faults/reset';
import { Identity, readIdentity } from './identity';
import { JsonReader } from './json';
import { MAX_RULE_SET_BYTES, MAX_WAITING } from './limits';
import { loadRuleSet } from './loader/ruleset';
import { isDebug, logDebug, logError, logInfo, logWarn, setDebug } from './logger';
import {
  countControlPlaneError,
  countEpochChange,
  countHalted,
  countLeaseExpired,
  countReleased,
  countRuleSetUpdate,
  defineMetrics,
} from './metrics';
import { OutcomeTally, observeLocalReply } from './outcomes';
import { callerFields, Poller, pollBody } from './poller';
import { Reporter, reportTaken } from './reporter';
import { Rule, RuleSet } from './ruleset';
import { Stream } from './stream';
import { jitter, startVm, vmTag } from './vm';

const POLL_PATH = '/v1/dataplane/poll';
const REPORT_PATH = '/v1/dataplane/report';
const STATUS = String.UTF8.encode(':status');
const tokenSlot = memory.data(4);
/**
 * A rule set body this small that replaces one as small is read once, kept as it is read, with the held set kept
 * until it is known good: the two together are a few tens of KB, inside the memory a sidecar starts with, and the
 * load leaves its garbage to the end of the callback. Larger ones are read twice (docs/adr/0123): at 1,000 rules
 * (525 KB) the two sets together would double linear memory.
 */
const SINGLE_PASS_MAX_BYTES: u32 = 16 * 1024;

export class RootContext {
  config: Config | null = null;
  identity: Identity = new Identity();
  instance: string = '';
  /** The latest rule set taken from the control plane (its epoch and version are what polls report). */
  ruleSet: RuleSet | null = null;
  /** What requests are decided against: the held set, or null while the lease has expired. */
  activeSet: RuleSet | null = null;
  /** While a newer set loads: what adopting it needs of the set it replaces (a field, so the load's collections keep it). */
  private previous: PreviousSet | null = null;
  /** The size of the body `ruleSet` was read from; 0 while none is held. */
  private heldBodySize: u32 = 0;
  readonly delays: DelayQueue = new DelayQueue();
  poller: Poller = new Poller(jitter);
  readonly tally: FaultTally = new FaultTally();
  readonly outcomes: OutcomeTally = new OutcomeTally();
  /** Configured with report_outcomes: every request's outcome is observed (read on the request path). */
  observing: bool = false;
  private readonly reporter: Reporter = new Reporter();
  /** When the control plane last answered (200 with a good set, or 304); -1 before the first answer. */
  private lastContactMs: i64 = -1;
  private leaseExpired: bool = false;
  private tickPeriodMs: i64 = 0;
  private tickExpectedAtMs: i64 = 0;
  private queueFullLogged: bool = false;
  /** What every poll and report opens with (identity and instance do not change once configured), and their headers. */
  private caller: string = '';
  private pollHeaders: ArrayBuffer = new ArrayBuffer(0);
  private reportHeaders: ArrayBuffer = new ArrayBuffer(0);
  private clusterName: ArrayBuffer = new ArrayBuffer(0);

  constructor(readonly id: u32) {}

  onConfigure(size: u32): bool {
    startVm();
    this.poller = new Poller(jitter);
    defineMetrics();
    let ok = false;
    if (fetchBuffer(BufferType.PluginConfiguration, size)) ok = true;
    const parsed = parseConfig(ok ? fetchedPtr : 0, ok ? fetchedSize : 0);
    const config = parsed.config;
    if (config === null) {
      // Fail open: Envoy keeps the filter and traffic flows untouched. Refusing (returning false) would,
      // with Istio's default FAIL_CLOSE, turn a typo in pluginConfig into 5xx for the whole workload.
      this.config = null;
      this.observing = false;
      logError('invalid plugin configuration, passing all traffic untouched: ' + parsed.error);
      return true;
    }
    this.config = config;
    this.observing = config.reportOutcomes;
    setDebug(config.debug);
    this.identity = readIdentity();
    const id = this.identity;
    if (!id.hasService) logWarn('workload name unknown (no WORKLOAD_NAME in node metadata): only rules for service "*" apply');
    if (!id.hasNamespace) logWarn('namespace unknown (no NAMESPACE in node metadata): only rules for namespace "*" apply');
    this.instance = (id.hasPod ? id.pod : 'unknown') + '/' + vmTag;
    this.caller = callerFields(id, this.instance);
    this.pollHeaders = controlPlaneHeaders(config, POLL_PATH);
    this.reportHeaders = controlPlaneHeaders(config, REPORT_PATH);
    this.clusterName = String.UTF8.encode(config.cluster);
    logInfo(
      'configured: control plane cluster ' +
        config.cluster +
        ', service ' +
        (id.hasService ? id.service : '?') +
        ', namespace ' +
        (id.hasNamespace ? id.namespace : '?') +
        ', instance ' +
        this.instance,
    );
    // The first poll goes out from the first tick: the canary VM Envoy configures and throws away
    // never gets one, so it makes no call.
    this.poller.dueAtMs = 0;
    this.rearm(nowMs(), false);
    return true;
  }

  /** A faulted rule's counters (on the fault path only, never for requests that pass). */
  countersOf(rule: Rule): RuleCounters {
    let c = rule.counters;
    // A rule of an older set (a request still waiting on it) may hold counters the tally has forgotten.
    if (c === null || c.removed) {
      c = this.tally.counterFor(rule.id);
      rule.counters = c;
    }
    return c;
  }

  // ---- delays -----------------------------------------------------------------------------------

  /** Queues a stream until its deadline; false when the queue is full (the request then passes). */
  wait(stream: Stream, nowMs: i64): bool {
    if (this.delays.size >= MAX_WAITING) {
      if (!this.queueFullLogged) {
        this.queueFullLogged = true;
        logWarn('delay queue full (' + MAX_WAITING.toString() + ' waiting requests): further faulted requests pass undelayed');
      }
      return false;
    }
    if (this.queueFullLogged && this.delays.size < MAX_WAITING / 2) {
      this.queueFullLogged = false;
      logInfo('delay queue has room again');
    }
    this.delays.push(stream);
    this.rearm(nowMs, false);
    return true;
  }

  cancel(stream: Stream): void {
    this.delays.remove(stream);
  }

  /** Sends the stream's abort and counts it (the effective context must be the stream's). */
  sendAbort(stream: Stream): void {
    const status = sendAbort(stream);
    if (status == 0) return;
    this.countersOf(stream.rule).aborts++;
    stream.injected = true;
    if (this.observing) observeLocalReply(stream.id, status);
  }

  /** Resets the stream; the policy's counts take it as an abort (the caller got a failure, not the upstream's answer). */
  sendReset(stream: Stream): void {
    resetStream(stream);
    this.countersOf(stream.rule).aborts++;
    stream.injected = true;
  }

  // ---- outcomes ---------------------------------------------------------------------------------

  /** A stream ended: counted, and a report scheduled when none is (the timer may be off while a poll is held). */
  observeEnd(streamId: u32, nowUs: i64, localReply: bool, faulted: bool): void {
    this.outcomes.observeEnd(streamId, nowUs, localReply, faulted);
    if (this.reporter.dueAtMs < 0 && !this.reporter.inFlight) {
      const now = nowUs / 1000;
      if (this.reporter.schedule(now)) this.rearm(now, false);
    }
  }

  private report(now: i64): void {
    const config = this.config;
    if (config === null) return;
    const body = String.UTF8.encode(this.caller + ',"outcomes":' + this.outcomes.report() + '}');
    const status = this.callControlPlane(this.reportHeaders, body, config.pollTimeoutMs < 10_000 ? config.pollTimeoutMs : 10_000);
    if (status != Status.Ok) {
      this.reporter.refused(now);
      return;
    }
    this.reporter.sent(load<u32>(tokenSlot), now);
  }

  private handleReportResponse(now: i64, numHeaders: u32): void {
    this.reporter.answered();
    let status: i32 = 0;
    if (numHeaders > 0 && fetchHeader(MapType.HttpCallResponseHeaders, STATUS)) status = I32.parseInt(fetchedString());
    if (reportTaken(status)) this.outcomes.acknowledged();
    if (this.outcomes.hasReport()) this.reporter.schedule(now);
  }

  /**
   * Lets go at once every delayed request whose rule is no longer in effect: absent from `next` or changed
   * in it, or every one (`all`: a halt, an epoch change, an expired lease). Released requests continue to
   * the upstream without their fault (docs/plugin.md "Release at once"). Runs when a set loads or the lease
   * expires, never on the request path.
   */
  private releaseStale(next: RuleSet | null, all: bool): void {
    const queue = this.delays;
    if (queue.size == 0) return;
    const waiting = queue.waiting();
    const kept = all || next === null ? new Set<u64>() : tagsStillIn(next, waiting);
    let released = 0;
    for (let i = 0; i < waiting.length; i++) {
      const stream = waiting[i];
      if (kept.has(stream.rule.tag)) continue;
      queue.remove(stream);
      stream.released = true;
      released++;
      // A stream that went away is refused by the host; there is nothing left to release then.
      if (proxy_set_effective_context(stream.id) == Status.Ok) {
        proxy_continue_stream(stream.responsePhase ? StreamType.HttpResponse : StreamType.HttpRequest);
      }
    }
    if (released > 0) {
      countReleased(released);
      logInfo('released ' + released.toString() + ' delayed request(s) at once: their rule is no longer in effect');
    }
  }

  // ---- lease ------------------------------------------------------------------------------------

  /** When the lease runs out without an answer; -1 when there is no lease to run out. */
  private leaseDeadline(): i64 {
    const config = this.config;
    if (config === null || config.faultLeaseMs <= 0 || this.ruleSet === null || this.leaseExpired || this.lastContactMs < 0) return -1;
    return this.lastContactMs + config.faultLeaseMs;
  }

  private checkLease(now: i64): void {
    const deadline = this.leaseDeadline();
    if (deadline < 0 || now < deadline) return;
    this.leaseExpired = true;
    this.activeSet = null;
    countLeaseExpired(true);
    const leaseMs = this.config!.faultLeaseMs;
    const seconds = leaseMs % 1000 == 0 ? (leaseMs / 1000).toString() : (<f64>leaseMs / 1000).toString();
    logWarn('no answer from the control plane for ' + seconds + ' s (fault_lease_sec): injecting no faults until it answers again');
    this.releaseStale(null, true);
  }

  /** The control plane answered: the lease starts over, and an expired one is renewed. */
  private heardFromControlPlane(now: i64): void {
    this.lastContactMs = now;
    if (!this.leaseExpired) return;
    this.leaseExpired = false;
    this.activeSet = this.ruleSet;
    countLeaseExpired(false);
    logInfo('the control plane answered again: lease renewed, faults apply again');
  }

  private releaseDue(now: i64): void {
    for (;;) {
      const stream = this.delays.popDue(now);
      if (stream === null) return;
      // The stream may be gone (client reset): Envoy then refuses the context and we skip it.
      if (proxy_set_effective_context(stream.id) != Status.Ok) continue;
      if (aborts(stream)) this.sendAbort(stream);
      else if (resets(stream.rule)) this.sendReset(stream);
      else if (stream.responsePhase) {
        tagResponse(stream.rule);
        stream.released = true; // tagged: its response callbacks have nothing left to do
        proxy_continue_stream(StreamType.HttpResponse);
      } else proxy_continue_stream(StreamType.HttpRequest);
    }
  }

  // ---- tick -------------------------------------------------------------------------------------

  onTick(): void {
    const now = nowMs();
    this.checkLease(now);
    this.releaseDue(now);
    const p = this.poller;
    if (this.config !== null && !p.inFlight && p.dueAtMs >= 0 && now >= p.dueAtMs) this.poll(now);
    const r = this.reporter;
    if (r.dueAtMs >= 0 && now >= r.dueAtMs) this.report(now);
    this.rearm(now, true);
  }

  /** One timer per root context: armed for the earliest of the next deadline, the next poll and the lease, off when idle. */
  private rearm(now: i64, inTick: bool): void {
    let next: i64 = this.delays.nextDeadline();
    const p = this.poller;
    if (this.config !== null && !p.inFlight && p.dueAtMs >= 0 && (next < 0 || p.dueAtMs < next)) next = p.dueAtMs;
    const lease = this.leaseDeadline();
    if (lease >= 0 && (next < 0 || lease < next)) next = lease;
    const report = this.reporter.dueAtMs;
    if (report >= 0 && (next < 0 || report < next)) next = report;
    if (next < 0) {
      if (this.tickPeriodMs != 0) {
        proxy_set_tick_period_milliseconds(0);
        this.tickPeriodMs = 0;
      }
      return;
    }
    let period = next - now;
    if (period < 1) period = 1;
    if (period > 0x7fffffff) period = 0x7fffffff;
    // Envoy re-arms the timer with the current period after each tick; setting a period re-arms it from now.
    if (inTick) {
      if (period != this.tickPeriodMs) proxy_set_tick_period_milliseconds(<u32>period);
    } else {
      if (this.tickPeriodMs != 0 && next >= this.tickExpectedAtMs) return;
      proxy_set_tick_period_milliseconds(<u32>period);
    }
    this.tickPeriodMs = period;
    this.tickExpectedAtMs = now + period;
  }

  // ---- polling ----------------------------------------------------------------------------------

  private poll(now: i64): void {
    const config = this.config;
    if (config === null) return;
    const set = this.ruleSet;
    const body = String.UTF8.encode(
      pollBody(this.caller, config.pollHoldMs, set === null ? '' : set.epoch, set === null ? 0 : set.version, this.tally.report()),
    );
    const status = this.callControlPlane(this.pollHeaders, body, config.pollTimeoutMs);
    if (status != Status.Ok) {
      this.pollFailed(now, 'proxy_http_call refused with status ' + status.toString() + " (is cluster '" + config.cluster + "' defined?)");
      return;
    }
    this.poller.started(load<u32>(tokenSlot), now);
    logDebug('poll sent (epoch ' + (set === null ? '-' : set.epoch) + ', version ' + (set === null ? '0' : set.version.toString()) + ')');
  }

  /** POSTs `body` with `pairs` (controlPlaneHeaders) to the control plane; the call's token lands in tokenSlot. */
  private callControlPlane(pairs: ArrayBuffer, body: ArrayBuffer, timeoutMs: i64): u32 {
    const cluster = this.clusterName;
    return proxy_http_call(
      changetype<usize>(cluster),
      cluster.byteLength,
      changetype<usize>(pairs),
      pairs.byteLength,
      changetype<usize>(body),
      body.byteLength,
      0,
      0,
      <u32>timeoutMs,
      tokenSlot,
    );
  }

  private pollFailed(now: i64, reason: string): void {
    countControlPlaneError();
    const config = this.config;
    const retryMs = config === null ? 5_000 : config.retryIntervalMs;
    if (this.poller.failed(now, reason, retryMs)) {
      const set = this.ruleSet;
      logWarn(
        'control plane poll failed: ' +
          reason +
          '; keeping ' +
          (set === null ? 'no rule set (passing all traffic)' : 'rule set ' + set.epoch + '/' + set.version.toString()) +
          '; retrying with backoff',
      );
    }
  }

  onHttpCallResponse(token: u32, numHeaders: u32, bodySize: u32): void {
    const r = this.reporter;
    if (r.inFlight && token == r.token) {
      const now = nowMs();
      this.handleReportResponse(now, numHeaders);
      this.rearm(now, false);
      return;
    }
    const p = this.poller;
    if (!p.inFlight || token != p.token) return;
    const now = nowMs();
    this.handlePollResponse(now, numHeaders, bodySize);
    if (!p.inFlight && p.dueAtMs >= 0 && p.dueAtMs <= now) this.poll(now);
    this.rearm(now, false);
  }

  private handlePollResponse(now: i64, numHeaders: u32, bodySize: u32): void {
    if (numHeaders == 0) {
      this.pollFailed(now, 'connection reset');
      return;
    }
    let status: i32 = 0;
    if (fetchHeader(MapType.HttpCallResponseHeaders, STATUS)) status = I32.parseInt(fetchedString());
    if (status == 304) {
      this.tally.acknowledged();
      this.heardFromControlPlane(now);
      this.pollSucceeded(now, false);
      return;
    }
    if (status != 200) {
      this.pollFailed(now, 'HTTP ' + status.toString() + (status == 401 ? ' (check the token)' : ''));
      return;
    }
    // The control plane took the counters when the poll arrived, whatever the body turns out to be.
    this.tally.acknowledged();
    if (bodySize > MAX_RULE_SET_BYTES) {
      this.pollFailed(now, 'rule set of ' + bodySize.toString() + ' bytes exceeds ' + MAX_RULE_SET_BYTES.toString());
      return;
    }
    if (bodySize <= SINGLE_PASS_MAX_BYTES && this.heldBodySize <= SINGLE_PASS_MAX_BYTES) this.loadOnce(now, bodySize);
    else this.loadTwice(now, bodySize);
  }

  /** A small set replacing a small one: read once, the held set kept until the new one is known good and newer. */
  private loadOnce(now: i64, bodySize: u32): void {
    const loaded = loadRuleSet(this.bodyReader(bodySize), this.identity, now, true, bodySize, false);
    const next = loaded.ruleSet;
    if (next === null) {
      this.pollFailed(now, 'rule set refused: ' + loaded.error);
      return;
    }
    this.heardFromControlPlane(now);
    if (!isNewer(next, this.ruleSet)) {
      this.pollSucceeded(now, false);
      return;
    }
    const current = this.ruleSet;
    this.previous = current === null ? null : new PreviousSet(current);
    this.adopt(next, bodySize);
    this.pollSucceeded(now, true);
  }

  private loadTwice(now: i64, bodySize: u32): void {
    // Streamed in chunks: the whole body is never in linear memory at once. Read twice: a checking pass keeps
    // nothing, and only a good and newer set lets the old one go before it is loaded for real, so the two are
    // never in memory together (docs/adr/0123-rule-set-loaded-in-two-passes.md).
    const checked = loadRuleSet(this.bodyReader(bodySize), this.identity, now, false, bodySize);
    if (checked.ruleSet === null) {
      this.pollFailed(now, 'rule set refused: ' + checked.error);
      return;
    }
    this.heardFromControlPlane(now);
    const current = this.ruleSet;
    if (!isNewer(checked.ruleSet!, current)) {
      this.pollSucceeded(now, false);
      return;
    }
    // From here the old set is reachable from no global: the load's collections free it. Within one callback no
    // request runs, so requests see the old set or the new one.
    this.previous = current === null ? null : new PreviousSet(current);
    this.ruleSet = null;
    this.heldBodySize = 0;
    this.activeSet = null;
    const loaded = loadRuleSet(this.bodyReader(bodySize), this.identity, now, true, bodySize);
    const next = loaded.ruleSet;
    if (next === null) {
      // Cannot happen for bytes the checking pass took; if it does, fail open: no rule set, no faults.
      this.previous = null;
      this.releaseStale(null, true);
      this.pollFailed(now, 'rule set refused on its second read: ' + loaded.error);
      return;
    }
    this.adopt(next, bodySize);
    this.pollSucceeded(now, true);
  }

  private bodyReader(bodySize: u32): JsonReader {
    return JsonReader.streaming(new HostBufferSource(BufferType.HttpCallResponseBody, bodySize));
  }

  /** Takes a newer rule set read from `bodySize` bytes, given what the one it replaces left behind (`previous`). */
  private adopt(next: RuleSet, bodySize: u32): void {
    const previous = this.previous;
    this.previous = null;
    const epochChanged = previous !== null && next.epoch != previous.epoch;
    if (epochChanged) {
      countEpochChange();
      logWarn(
        'control plane epoch changed from ' +
          previous!.epoch +
          ' to ' +
          next.epoch +
          ': its store was reset; dropping ' +
          previous!.ruleCount.toString() +
          ' rules',
      );
    }
    const halted = next.haltReason !== null;
    const wasHalted = previous === null ? false : previous.halted;
    if (halted != wasHalted) {
      countHalted(halted);
      if (halted) logWarn('halted by the control plane (' + next.haltReason! + '): injecting no faults until resumed');
      else logInfo('halt lifted: faults apply again');
    }
    if (previous !== null) carryCounts(previous.limitCounts, next);
    this.ruleSet = next;
    this.heldBodySize = bodySize;
    if (!this.leaseExpired) this.activeSet = next;
    this.tally.newRuleSet();
    countRuleSetUpdate();
    this.releaseStale(next, epochChanged || halted);
    logInfo(
      'rule set ' +
        next.epoch +
        '/' +
        next.version.toString() +
        ' loaded: ' +
        next.rules.length.toString() +
        ' of ' +
        next.totalRules.toString() +
        ' rules apply to this workload' +
        (halted ? ' (halted)' : ''),
    );
  }

  private pollSucceeded(now: i64, changed: bool): void {
    if (this.poller.succeeded(now, changed)) logInfo('control plane reachable again');
    else if (isDebug()) logDebug('poll answered');
  }
}

/** Whether `next` replaces `current`: there is none, the control plane's store was reset (new epoch), or it is a later version. */
function isNewer(next: RuleSet, current: RuleSet | null): bool {
  return current === null || next.epoch != current.epoch || next.version > current.version;
}

/** The headers of a POST to the control plane's `path`. */
function controlPlaneHeaders(config: Config, path: string): ArrayBuffer {
  const headers = new PairsBuilder()
    .addString(':method', 'POST')
    .addString(':path', path)
    .addString(':authority', config.authority)
    .addString('content-type', 'application/json');
  if (config.token.length > 0) headers.addString('authorization', 'Bearer ' + config.token);
  return headers.build();
}

/** What a rule set leaves behind when it is let go before its successor loads. */
class PreviousSet {
  epoch: string;
  halted: bool;
  ruleCount: i32;
  limitCounts: Map<u64, LimitCounts> | null;

  constructor(set: RuleSet) {
    this.epoch = set.epoch;
    this.halted = set.haltReason !== null;
    this.ruleCount = set.rules.length;
    this.limitCounts = limitCountsByTag(set);
  }
}

/** The tags of waiting streams' rules that `next` holds unchanged (equal tag: same id, same policy version). */
function tagsStillIn(next: RuleSet, waiting: Stream[]): Set<u64> {
  const wanted = new Set<u64>();
  for (let i = 0; i < waiting.length; i++) wanted.add(waiting[i].rule.tag);
  const kept = new Set<u64>();
  const rules = next.rules;
  for (let i = 0; i < rules.length; i++) {
    const tag = rules[i].tag;
    if (wanted.has(tag)) kept.add(tag);
  }
  return kept;
}
