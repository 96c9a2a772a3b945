#!/usr/bin/env node
// Writes assembly/generated/contract.ts: what the plugin must agree on with the control plane (the wire
// version, the data-plane limits, the configuration keys with their ranges and defaults), as AssemblyScript
// constants generated from @hfi/api. Run by `build:wasm` before every asc run; the output is not committed
// (docs/adr/0080). Needs @hfi/api built (`tsc -b` runs first in scripts/build.mjs).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import {
  DATA_PLANE_LIMITS,
  DELAY_TABLE_SIZE,
  LATENCY_BUCKET_BOUNDS_US,
  LATENCY_BUCKETS,
  LIMITS,
  OUTCOME_REPORT_INTERVAL_MS,
  OUTCOME_STATUS_CLASSES,
  OVERRIDE_ABORT_HEADER,
  OVERRIDE_DELAY_HEADER,
  PLUGIN_CONFIG_KEYS,
  PLUGIN_DEFAULT_AUTHORITY,
  PLUGIN_FLAG_SETTINGS,
  PLUGIN_SECONDS_SETTINGS,
  PLUGIN_TEXT_SETTINGS,
  WIRE_COMPACT_VERSION,
  WIRE_VERSION,
} from '@hfi/api';

const target = new URL('../assembly/generated/contract.ts', import.meta.url);
const upper = (key) => key.toUpperCase();
const text = (value) => `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const lines = [
  '// Generated from @hfi/api by packages/plugin/scripts/generate-contract.mjs before every asc run. Do not edit.',
  '',
  `export const WIRE_VERSION: i32 = ${WIRE_VERSION};`,
  `export const WIRE_COMPACT_VERSION: i32 = ${WIRE_COMPACT_VERSION};`,
  `export const MAX_RULE_SET_BYTES: u32 = ${DATA_PLANE_LIMITS.ruleSetBytes};`,
  `export const MAX_RULES: i32 = ${DATA_PLANE_LIMITS.rules};`,
  `export const MAX_HEADERS_PER_RULE: i32 = ${DATA_PLANE_LIMITS.headersPerRule};`,
  `export const MAX_ABORT_HEADERS: i32 = ${DATA_PLANE_LIMITS.abortHeaders};`,
  `export const MAX_DELAY_MS: i64 = ${DATA_PLANE_LIMITS.maxDelayMs};`,
  `export const MAX_DFA_STATES: i32 = ${DATA_PLANE_LIMITS.dfaMaxStates};`,
  `export const MAX_DFA_CELLS: i32 = ${DATA_PLANE_LIMITS.dfaMaxCells};`,
  `export const MAX_COUNTED_RULES: i32 = ${DATA_PLANE_LIMITS.countedRulesPerPoll};`,
  `export const MAX_SCHEDULE_WINDOWS: i32 = ${DATA_PLANE_LIMITS.scheduleWindows};`,
  `export const DELAY_TABLE_SIZE: i32 = ${DELAY_TABLE_SIZE};`,
  `export const LIMIT_MAX_FIRST_REQUESTS: i64 = ${LIMITS.maxFirstRequests};`,
  `export const LIMIT_MAX_PER_SECOND: i64 = ${LIMITS.maxPerSecond};`,
  `export const LIMIT_MAX_ACTIVE: i32 = ${LIMITS.maxActive};`,
  `export const OVERRIDE_DELAY_HEADER: string = ${text(OVERRIDE_DELAY_HEADER)};`,
  `export const OVERRIDE_ABORT_HEADER: string = ${text(OVERRIDE_ABORT_HEADER)};`,
  '',
  '// Traffic outcomes (docs/outcomes.md).',
  `export const OUTCOME_STATUS_CLASSES: i32 = ${OUTCOME_STATUS_CLASSES.length};`,
  `export const LATENCY_BUCKETS: i32 = ${LATENCY_BUCKETS};`,
  `export const LATENCY_BUCKET_BOUNDS_US: StaticArray<i64> = [${LATENCY_BUCKET_BOUNDS_US.join(', ')}];`,
  `export const OUTCOME_REPORT_INTERVAL_MS: i64 = ${OUTCOME_REPORT_INTERVAL_MS};`,
  '',
  '// Configuration keys (PluginConfig).',
  ...PLUGIN_CONFIG_KEYS.map((key) => `export const KEY_${upper(key)}: string = ${text(key)};`),
  '',
  ...Object.entries(PLUGIN_TEXT_SETTINGS)
    .filter(([, setting]) => setting.default !== undefined)
    .map(([key, setting]) => `export const DEFAULT_${upper(key)}: string = ${text(setting.default)};`),
  `export const DEFAULT_CONTROL_PLANE_AUTHORITY: string = ${text(PLUGIN_DEFAULT_AUTHORITY)};`,
  ...Object.entries(PLUGIN_FLAG_SETTINGS).map(([key, setting]) => `export const DEFAULT_${upper(key)}: bool = ${setting.default};`),
  ...Object.entries(PLUGIN_SECONDS_SETTINGS).flatMap(([key, setting]) => [
    `export const ${upper(key)}_MIN: f64 = ${setting.min};`,
    `export const ${upper(key)}_MAX: f64 = ${setting.max};`,
    `export const ${upper(key)}_RANGE: string = ${text(`${setting.min}..${setting.max}`)};`,
    typeof setting.default === 'number'
      ? `export const ${upper(key)}_DEFAULT_MS: i64 = ${setting.default * 1000};`
      : setting.default === 'off'
        ? `export const ${upper(key)}_DEFAULT_MS: i64 = 0; // unset: off`
        : `export const ${upper(key)}_HOLD_PLUS_MS: i64 = ${setting.default.holdPlus * 1000};`,
  ]),
  '',
];
const contents = lines.join('\n');

let previous = '';
try {
  previous = readFileSync(target, 'utf8');
} catch {
  // first build
}
if (previous !== contents) {
  mkdirSync(new URL('.', target), { recursive: true });
  writeFileSync(target, contents);
}
