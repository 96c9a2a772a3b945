// The user docs say what the contract says: the error-code table of docs/api.md is the registry, the
// limits table of docs/policy.md is LIMITS, the configuration table of docs/plugin.md is PluginConfig.
// (As fastify checks its error registry against its docs.) When one fails, fix the doc or the code.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  API_LIMITS,
  compileChecker,
  ERROR_CODES,
  LIMITS,
  PLUGIN_CONFIG_KEYS,
  PLUGIN_FLAG_SETTINGS,
  PLUGIN_SECONDS_SETTINGS,
  PluginConfig,
} from '../src/index.js';
import { readDoc, tableAfter, unquote } from './markdown.js';

test('docs/api.md lists every error code of the registry, in its order, with its status', () => {
  const documented = tableAfter(readDoc('api.md'), 'Errors').map(([code, status]) => [unquote(code!), Number(status)]);
  const registry = Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]);
  assert.deepEqual(documented, registry);
});

test('docs/api.md states the API limits the control plane applies', () => {
  const api = readDoc('api.md');
  assert.ok(api.includes(`body over ${API_LIMITS.bodyBytes / 1024} KiB`), 'the body limit');
  assert.ok(api.includes(`A policy is at most ${LIMITS.policyBytes / 1024} KiB`), 'the policy size the body limit derives from');
  assert.ok(api.includes(`min(holdMs, ${API_LIMITS.maxHoldMs})`), 'the longest hold');
});

/** The limits table as docs/policy.md must show it, from LIMITS. */
function limitsTable(): string[][] {
  const hours = (ms: number) => `${ms / 3_600_000} h`;
  const thousands = (n: number) => n.toLocaleString('en-US');
  return [
    ['name length', `${LIMITS.nameMaxLength}`],
    ['labels per policy', `${LIMITS.labelsMax}`],
    ['rules per policy', `${LIMITS.rulesPerPolicy}`],
    ['header conditions per rule', `${LIMITS.headersPerRule}`],
    ['exact / prefix value length', `${LIMITS.matchValueLength}`],
    ['regex source length', `${LIMITS.regexSourceLength}`],
    ['regex automaton', `${LIMITS.dfaMaxStates} states, ${LIMITS.dfaMaxCells} table cells (states × byte classes)`],
    ['delay, start delay', hours(LIMITS.maxDelayMs)],
    ['duration', `${LIMITS.maxDurationSeconds / 86_400} days`],
    ['abort body', `${LIMITS.abortBodyBytes} bytes`],
    ['abort headers', `${LIMITS.abortHeaders}, values ≤ ${LIMITS.headerValueLength}`],
    ['priority', `${LIMITS.priorityMin}..${LIMITS.priorityMax}`.replace(/-/g, '−')],
    ['a whole policy', `${thousands(LIMITS.policyBytes)} bytes (${LIMITS.policyBytes / 1024} KiB) as canonical JSON (UTF-8)`],
    ['nesting, keys per object', `${LIMITS.nestingDepth} levels, ${LIMITS.objectKeys} keys (checked while parsing)`],
    ['regex build', `${thousands(LIMITS.dfaMaxBuildStates)} states before minimisation, ${thousands(LIMITS.nfaMaxNodes)} NFA nodes`],
  ];
}

test('docs/policy.md lists the limits the validator applies', () => {
  assert.deepEqual(tableAfter(readDoc('policy.md'), 'Limits'), limitsTable());
});

test('docs/plugin.md lists every configuration key of PluginConfig, with its range and default', () => {
  const rows = tableAfter(readDoc('plugin.md'), 'Configuration');
  assert.deepEqual(
    rows.map(([key]) => unquote(key!)),
    PLUGIN_CONFIG_KEYS,
  );
  const row = (key: string) => rows.find(([k]) => unquote(k!) === key)!;
  for (const [key, setting] of Object.entries(PLUGIN_SECONDS_SETTINGS)) {
    const [, defaultCell, meaning] = row(key);
    assert.ok(meaning!.includes(`(${setting.min}..${setting.max})`), `${key}: the range ${setting.min}..${setting.max}`);
    if (typeof setting.default === 'number') assert.equal(defaultCell, String(setting.default), `${key}: the default`);
  }
  for (const [key, setting] of Object.entries(PLUGIN_FLAG_SETTINGS)) assert.equal(row(key)[1], String(setting.default), key);
});

test('every plugin configuration the docs show fits PluginConfig, and every key they name is one', () => {
  const docs = readdirSync(fileURLToPath(new URL('../../../../docs/', import.meta.url))).filter((f) => f.endsWith('.md'));
  const checker = compileChecker(PluginConfig);
  let configs = 0;
  for (const file of docs) {
    const text = readDoc(file);
    for (const [json] of text.matchAll(/\{"(?:control_plane_|poll_|retry_)[^{}]*\}/g)) {
      configs++;
      assert.deepEqual(checker.errors(JSON.parse(json)), [], `${file}: ${json}`);
    }
    const named = [...text.matchAll(/`(control_plane_[a-z_]+|[a-z]+(?:_[a-z]+)*_sec)`/g)].map((m) => m[1]!);
    for (const key of named)
      assert.ok((PLUGIN_CONFIG_KEYS as readonly string[]).includes(key), `${file} names \`${key}\`, not a PluginConfig key`);
  }
  assert.ok(configs >= 3, `only ${configs} configurations found in the docs`);
});
