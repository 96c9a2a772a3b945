// A trial cut short by a stop condition (the control plane halted its policy, status.haltReason): the record says
// which condition held and what it observed, it is scored over the window it ran, the session goes on, and every
// report marks it. The executor is the simulated mesh with the halt scripted; the live window: live-executor.test.ts.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { FaultInjectionPolicy } from '@hfi/policy';
import type { RecommenderError } from '../src/errors.js';
import { jsonReport } from '../src/reports/json-report.js';
import { markdownReport } from '../src/reports/markdown-report.js';
import { tableReport } from '../src/reports/table-report.js';
import { SessionStore } from '../src/sessions/store.js';
import { SimulatedExecutor } from '../src/simulate/executor.js';
import type { TrialWindow } from '../src/trials/executor.js';
import { runSession } from '../src/trials/runner.js';
import { HALT_REASON } from './support/halt.js';
import { newSession, stateDir } from './support/sessions.js';
import { meshSpaceWith } from './support/spaces.js';

const STOPPED_TRIAL = 2;
const RAN_SECONDS = 3;

/** The simulated mesh, with trial 2's policy halted by its stop condition 3 s into its window. */
class HaltingExecutor extends SimulatedExecutor {
  override async waitForWindow(policy: FaultInjectionPolicy, seconds: number): Promise<TrialWindow> {
    if (!policy.metadata.name.endsWith(`-t${STOPPED_TRIAL}`)) return super.waitForWindow(policy, seconds);
    const ran = await super.waitForWindow(policy, RAN_SECONDS);
    return { ...ran, stoppedBy: HALT_REASON };
  }
}

const { space, document } = meshSpaceWith({
  guards: { stopWhen: [{ workload: { service: 'frontend', namespace: 'demo' }, metric: 'errorRate', above: 0.3 }] },
});
const store = new SessionStore(stateDir());
const session = await runSession(newSession(document, { id: 'stopped-1', budget: 4, seed: 2 }), space, {
  executor: new HaltingExecutor({ seed: 2 }),
  store,
  now: () => Date.UTC(2026, 5, 1),
});
const stopped = session.trials[STOPPED_TRIAL - 1]!;

test('the trial a stop condition cut short records the condition and what it observed; the session goes on', () => {
  assert.deepEqual(stopped.stoppedBy, HALT_REASON);
  assert.equal(session.trials.length, 4, 'the next trials run as usual');
  assert.equal(session.state, 'completed');
  assert.deepEqual(
    session.trials.map((t) => t.stoppedBy !== undefined),
    [false, true, false, false],
  );
  const windowMs = Date.parse(stopped.outcomes.window.to) - Date.parse(stopped.outcomes.window.from);
  assert.equal(windowMs, RAN_SECONDS * 1000, 'scored over the window it ran, not the planned one');
  assert.equal(stopped.outcomes.requests, 20 * RAN_SECONDS);
});

test('the stop is kept in the state file, and a state file with a broken stoppedBy is refused naming the field', async () => {
  const loaded = await store.load('stopped-1');
  assert.deepEqual(loaded.session.trials[STOPPED_TRIAL - 1]!.stoppedBy, HALT_REASON);
  const saved = JSON.parse(readFileSync(store.pathOf('stopped-1'), 'utf8'));
  saved.id = 'stopped-2';
  saved.trials[1].stoppedBy.observed.requests = 'many';
  writeFileSync(store.pathOf('stopped-2'), JSON.stringify(saved));
  await assert.rejects(store.load('stopped-2'), (error: RecommenderError) => {
    assert.match(error.message, /trials\[1\]\.stoppedBy is not a stop condition's halt reason/);
    assert.match(error.details.join('\n'), /trials\[1\]\.stoppedBy\.observed\.requests: expected integer/);
    return true;
  });
});

const STOP_TEXT = 'stopped by stopWhen[0]: demo/frontend error rate 65.6% > 30% (61 req)';

test('the table marks the cut-short trial, whether or not it is among the findings shown', () => {
  const table = tableReport(session, 10);
  assert.ok(table.includes(`Trial ${STOPPED_TRIAL} cut short: ${STOP_TEXT}\n`), table);
  const row = table.split('\n').find((line) => new RegExp(`^│ \\d +│ [\\d.]+ +│ ${STOPPED_TRIAL} +│`).test(line));
  assert.match(row ?? '', /; cut short by stopWhen\[0\] │$/, `its findings row: ${table}`);
  const top = tableReport(session, 1);
  assert.doesNotMatch(top, new RegExp(`│ ${STOPPED_TRIAL} +│`), 'not among the one finding shown');
  assert.ok(top.includes(`Trial ${STOPPED_TRIAL} cut short: ${STOP_TEXT}`), top);
});

test('the JSON report lists the cut-short trials, and the trial (and its finding, if any) carries stoppedBy', () => {
  const report = jsonReport(session);
  assert.deepEqual(report.session.stoppedTrials, [STOPPED_TRIAL]);
  assert.deepEqual(report.trials[STOPPED_TRIAL - 1]!.stoppedBy, HALT_REASON);
  assert.ok(
    report.findings.some((f) => f.trial === STOPPED_TRIAL),
    'the cut-short trial hurt a little (severity > 0): it is a finding',
  );
  for (const finding of report.findings) {
    assert.deepEqual(finding.stoppedBy, finding.trial === STOPPED_TRIAL ? HALT_REASON : undefined, `finding of trial ${finding.trial}`);
  }
});

test('the Markdown report says which trial was cut short, by what, and over how long it was scored', () => {
  const text = markdownReport(session);
  assert.ok(text.includes(`- trial ${STOPPED_TRIAL} cut short, scored over a ${RAN_SECONDS}s window: ${STOP_TEXT}\n`), text);
});
