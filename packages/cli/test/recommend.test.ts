// hfi-cli recommend: hfi-recommender's command line under hfi-cli, its arguments handed over as they are. On the
// simulated mesh (no control plane needed); the recommender's own behaviour is tested in packages/recommender.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, cliBin, explain } from './support/cli.js';
import { PACKAGE_ROOT } from './support/paths.js';

const MESH_SPACE = join(PACKAGE_ROOT, '../../examples/recommender/mesh.yaml');

function stateDir(): string {
  return mkdtempSync(join(tmpdir(), 'hfi-cli-recommend-'));
}

test('recommend run --simulate runs a session, --output is its JSON report (not hfi-cli -o), and list and report see it', async () => {
  const dir = stateDir();
  const report = join(dir, 'report.json');
  const run = await cli(['recommend', 'run', '-f', MESH_SPACE, '--simulate', '--budget', '3', '--state-dir', dir, '--output', report]);
  assert.equal(run.code, 0, explain(run));
  const id = /^Session (\S+): bo, 3 trials, seed 1, simulated mesh$/m.exec(run.stdout)?.[1];
  assert.ok(id, run.stdout);
  assert.match(run.stdout, /^trial 3\/3 /m);
  const json = JSON.parse(readFileSync(report, 'utf8')) as { session: { id: string; trials: number } };
  assert.deepEqual([json.session.id, json.session.trials], [id, 3]);
  const list = await cli(['recommend', 'list', '--state-dir', dir]);
  assert.equal(list.code, 0, explain(list));
  assert.match(list.stdout, new RegExp(`${id} +│ completed +│ bo +│ 3/3`));
  const again = await cli(['recommend', 'report', id, '--json', '--state-dir', dir]);
  assert.equal((JSON.parse(again.stdout) as { session: { id: string } }).session.id, id);
});

test("recommend passes on the recommender's exit codes: 2 for a bad flag, 3 for a session that does not exist", async () => {
  const usage = await cli(['recommend', 'run', '-f', MESH_SPACE, '--budget', 'lots']);
  assert.equal(usage.code, 2, explain(usage));
  assert.match(usage.stderr, /--budget <n>.*expected a number of trials/);
  const missing = await cli(['recommend', 'report', 'no-such-session', '--state-dir', stateDir()]);
  assert.equal(missing.code, 3, explain(missing));
  assert.match(missing.stderr, /no session "no-such-session"/);
});

test('the real bin: hfi-cli --help lists recommend, and recommend --help is the recommender help under its hfi-cli name', async () => {
  const help = await cliBin(['--help']);
  assert.equal(help.code, 0, explain(help));
  assert.match(help.stdout, /^ {2}recommend \[args\.\.\.\] +search a fault space for the faults that hurt most/m);
  const recommend = await cliBin(['recommend', '--help']);
  assert.equal(recommend.code, 0, explain(recommend));
  assert.match(recommend.stdout, /^Usage: hfi-cli recommend \[options\] \[command\]/);
  assert.match(recommend.stdout, /^ {2}run \[options\]/m);
});

test('recommend after an hfi-cli flag is a usage error that says to write it first', async () => {
  const r = await cli(['--no-color', 'recommend', 'list']);
  assert.equal(r.code, 2, explain(r));
  assert.match(r.stderr, /^error: write "recommend" first, before any hfi-cli flag: hfi-cli recommend run -f space.yaml --server URL/);
});
