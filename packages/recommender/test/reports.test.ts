// Reports: findings ranked by severity with their policy and outcomes, as JSON, Markdown and a table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validatePolicy } from '@hfi/policy';
import { jsonReport } from '../src/reports/json-report.js';
import { markdownReport } from '../src/reports/markdown-report.js';
import { tableReport } from '../src/reports/table-report.js';
import { SessionStore } from '../src/sessions/store.js';
import { SimulatedExecutor } from '../src/simulate/executor.js';
import { runSession } from '../src/trials/runner.js';
import { newSession, stateDir } from './support/sessions.js';
import { meshSpace } from './support/spaces.js';

const { space, document } = meshSpace();
const session = await runSession(newSession(document, { id: 'report-1', budget: 12, seed: 2 }), space, {
  executor: new SimulatedExecutor({ seed: 2 }),
  store: new SessionStore(stateDir()),
  now: () => Date.UTC(2026, 5, 1),
});

test('the JSON report: session, findings worst first (severity, policy, outcomes, trial), and every trial', () => {
  const report = jsonReport(session);
  assert.deepEqual(Object.keys(report), ['session', 'findings', 'trials']);
  assert.equal(report.session.id, 'report-1');
  assert.equal(report.session.executor, 'simulated');
  assert.equal(report.trials.length, 12);
  assert.ok(report.findings.length > 0);
  const severities = report.findings.map((f) => f.severity);
  assert.deepEqual(
    severities,
    [...severities].sort((a, b) => b - a),
  );
  assert.ok(severities.every((s) => s > 0));
  for (const [i, finding] of report.findings.entries()) {
    assert.equal(finding.rank, i + 1);
    for (const key of ['severity', 'policy', 'outcomes', 'trial']) assert.ok(key in finding, key);
    assert.ok(validatePolicy(finding.policy).ok);
    assert.equal(finding.policy, session.trials[finding.trial - 1]!.policy);
  }
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report, 'plain JSON');
});

test('the Markdown report names the session, says it is simulated, ranks findings and shows the worst policies', () => {
  const text = markdownReport(session);
  assert.match(text, /^# Recommender report: session report-1\n/);
  assert.match(text, /simulated mesh \(a dry demonstration/);
  assert.match(text, /\| 1 \| \d+\.\d\d \| \d+ \| demo\//);
  assert.match(text, /```yaml\napiVersion: v1\nkind: FaultInjectionPolicy\n/);
});

test('the table lists at most --top findings, worst first', () => {
  const rows = tableReport(session, 3)
    .split('\n')
    .filter((line) => /^│ \d/.test(line));
  assert.equal(rows.length, 3);
  assert.match(rows[0]!, new RegExp(`^│ 1 +│ ${jsonReport(session).findings[0]!.severity.toFixed(2)}`));
});
