// The real bin end to end, with --simulate: what a user types and sees, and the exit codes scripts rely on.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { explain, recommender } from './support/bin.js';
import { MESH_SPACE, TESTDATA } from './support/paths.js';
import { stateDir } from './support/sessions.js';

const sessionIdOf = (stdout: string): string => /^Session (\S+):/m.exec(stdout)![1]!;

test('run --simulate: one line per trial, the findings table, the reports, and a session that list and report show', async () => {
  const dir = stateDir();
  const json = join(dir, 'report.json');
  const markdown = join(dir, 'report.md');
  const run = await recommender([
    'run',
    '-f',
    MESH_SPACE,
    '--simulate',
    '--budget',
    '6',
    '--seed',
    '3',
    '--output',
    json,
    '--markdown',
    markdown,
    '--state-dir',
    dir,
  ]);
  assert.equal(run.code, 0, explain(run));
  assert.equal(run.stdout.match(/^trial +\d\/6 +severity/gm)?.length, 6, explain(run));
  assert.match(run.stdout, /│ # +│ severity +│ trial +│ fault/);
  assert.match(run.stdout, /Simulated: trials ran on the simulated mesh, not on a control plane\./);
  const id = sessionIdOf(run.stdout);
  assert.match(id, /^mesh-weak-spots-[0-9a-z]{8}$/);
  const report = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(report.session.id, id);
  assert.equal(report.trials.length, 6);
  assert.match(readFileSync(markdown, 'utf8'), new RegExp(`^# Recommender report: session ${id}`));

  const list = await recommender(['list'], { HFI_RECOMMENDER_STATE: dir });
  assert.equal(list.code, 0, explain(list));
  assert.match(list.stdout, new RegExp(`${id} +│ completed +│ bo +│ 6/6`));

  const printed = await recommender(['report', id, '--json', '--state-dir', dir]);
  assert.equal(printed.code, 0, explain(printed));
  assert.deepEqual(JSON.parse(printed.stdout), report);
});

test('resume with a larger budget continues exactly where a shorter run stopped', async () => {
  const dir = stateDir();
  const short = await recommender(['run', '-f', MESH_SPACE, '--simulate', '--budget', '4', '--seed', '9', '--state-dir', dir]);
  assert.equal(short.code, 0, explain(short));
  const id = sessionIdOf(short.stdout);
  const resumed = await recommender(['resume', id, '--budget', '8', '--state-dir', dir]);
  assert.equal(resumed.code, 0, explain(resumed));
  assert.match(resumed.stdout, /resuming at trial 5 of 8/);
  const straight = await recommender(['run', '-f', MESH_SPACE, '--simulate', '--budget', '8', '--seed', '9', '--state-dir', dir]);
  const lines = (text: string) => text.match(/^trial .*$/gm) ?? [];
  // Compare what each trial tried and scored (the lines differ in the budget they show: /4 and /8).
  const trialsOf = (text: string) => lines(text).map((l) => l.replace(/\/\d+/, '').replace(/ best +[\d.]+/, ''));
  assert.deepEqual([...trialsOf(short.stdout), ...trialsOf(resumed.stdout)], trialsOf(straight.stdout));
});

test('an invalid space: every error with its field path, exit 1, and no session written', async () => {
  const dir = stateDir();
  const r = await recommender(['run', '-f', join(TESTDATA, 'invalid-space.yaml'), '--simulate', '--state-dir', dir]);
  assert.equal(r.code, 1, explain(r));
  assert.equal(
    r.stderr,
    [
      `error: ${join(TESTDATA, 'invalid-space.yaml')}: invalid search space (4 errors); no trial was run`,
      '  budgte: unknown field (did you mean "budget"?)',
      '  targets[0].paths[0].prefix: expected a path starting with "/" and without a query string, found string "cart"',
      '  faults.delay.max: must not be below min (5000ms), found 1000ms',
      '  objective.latency.quantil: unknown field (did you mean "quantile"?)',
      '',
    ].join('\n'),
  );
  const list = await recommender(['list', '--state-dir', dir]);
  assert.match(list.stdout, /^No session in /);
});

test('run without --simulate against a control plane that is not there: exit 1 naming the server, no session', async () => {
  const dir = stateDir();
  const r = await recommender(['run', '-f', MESH_SPACE, '--server', 'http://127.0.0.1:9', '--state-dir', dir]);
  assert.equal(r.code, 1, explain(r));
  assert.match(r.stderr, /^error: cannot reach the control plane at http:\/\/127\.0\.0\.1:9 /);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  const list = await recommender(['list', '--state-dir', dir]);
  assert.match(list.stdout, /^No session in /);
});

test('an unknown session exits 3; a corrupt state file exits 1 naming the file', async () => {
  const dir = stateDir();
  const missing = await recommender(['report', 'no-such-session', '--state-dir', dir]);
  assert.equal(missing.code, 3, explain(missing));
  assert.match(missing.stderr, /no session "no-such-session"/);
  writeFileSync(join(dir, 'torn-1.json'), '{"format": 1,');
  const corrupt = await recommender(['resume', 'torn-1', '--state-dir', dir]);
  assert.equal(corrupt.code, 1, explain(corrupt));
  assert.match(corrupt.stderr, /state file .*torn-1\.json is corrupt: not JSON/);
  const list = await recommender(['list', '--state-dir', dir]);
  assert.match(list.stdout, /torn-1 +│ unreadable/);
});

test('bad flags are usage errors (exit 2)', async () => {
  const r = await recommender(['run', '-f', MESH_SPACE, '--simulate', '--budget', 'lots']);
  assert.equal(r.code, 2, explain(r));
  assert.match(r.stderr, /--budget <n>' argument 'lots' is invalid\. expected a number of trials from 1 to 1000/);
  const optimizer = await recommender(['run', '-f', MESH_SPACE, '--simulate', '--optimizer', 'genetic']);
  assert.equal(optimizer.code, 2, explain(optimizer));
  assert.match(optimizer.stderr, /Allowed choices are bo, tpe, random, grid/);
});
