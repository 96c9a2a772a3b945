// The plugin keeps the contract of @hfi/api: it reads exactly the PluginConfig keys with their ranges
// (its constants are generated from the same schema), and the poll it sends fits DataPlanePollBody.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  COMPONENT_SCHEMAS,
  compileChecker,
  DataPlanePollBody,
  PLUGIN_FLAG_SETTINGS,
  PLUGIN_SECONDS_SETTINGS,
  PLUGIN_TEXT_SETTINGS,
  PluginConfig,
} from '@hfi/api';
import { CLUSTER, startPlugin } from './harness.js';
import { pluginConfigExamples } from './paths.js';
import { ruleSet } from './rules.js';

const schema = compileChecker(PluginConfig);

/** Loads the plugin with `config`; the configuration error it logged, or '' when it took it. */
async function configError(config: Record<string, unknown>): Promise<string> {
  const host = await startPlugin({ ruleSet: ruleSet([]), pluginConfig: JSON.stringify({ control_plane_cluster: CLUSTER, ...config }) });
  try {
    const error = host.logs.find((l) => l.level >= 4 && l.worker === 0);
    if (!error && host.httpCalls.length === 0) assert.fail(`${JSON.stringify(config)}: no error, and no poll either`);
    return error?.message ?? '';
  } finally {
    host.close();
  }
}

for (const [key, setting] of Object.entries(PLUGIN_SECONDS_SETTINGS)) {
  test(`${key}: the plugin and the schema take ${setting.max} and refuse ${setting.max * 2}, naming the key and the range`, async () => {
    const taken = { [key]: setting.max };
    assert.equal(await configError(taken), '');
    assert.ok(schema.check(taken));
    const refused = { [key]: setting.max * 2 };
    assert.match(await configError(refused), new RegExp(`${key}: .*${setting.min}\\.\\.${setting.max}`));
    assert.equal(schema.check(refused), false);
  });
}

for (const key of [...Object.keys(PLUGIN_TEXT_SETTINGS), ...Object.keys(PLUGIN_FLAG_SETTINGS)]) {
  test(`${key}: the plugin and the schema refuse a value of the wrong type, naming the key`, async () => {
    const refused = { [key]: key === 'debug' ? 'yes' : 42 };
    assert.match(await configError(refused), new RegExp(`${key}: expected`));
    assert.equal(schema.check(refused), false);
  });
}

test('every example under examples/plugin-config/ fits PluginConfig, and the plugin takes it', async () => {
  const files = readdirSync(pluginConfigExamples).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 2, files.join(', '));
  for (const file of files) {
    const config = JSON.parse(readFileSync(join(pluginConfigExamples, file), 'utf8'));
    assert.deepEqual(schema.errors(config), [], file);
    assert.equal(await configError({ ...config, control_plane_cluster: CLUSTER }), '', file);
  }
});

test('the poll the plugin sends fits the DataPlanePoll schema', async () => {
  const host = await startPlugin({ ruleSet: ruleSet([]) });
  try {
    const body = JSON.parse(new TextDecoder().decode(host.httpCalls[0]!.body));
    assert.deepEqual(compileChecker(DataPlanePollBody, [...COMPONENT_SCHEMAS]).errors(body), []);
  } finally {
    host.close();
  }
});
