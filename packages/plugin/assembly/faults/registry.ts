// The fault kinds the plugin knows, by the compiled-rule fields they own (docs/wire-format.md "A compiled
// rule"). The loader hands each field it does not read itself to the kind that owns it; a new kind is a module
// in this folder, its fields here, and its action where the stream is (../http.ts, ../root.ts).

import { JsonReader } from '../json';
import { FieldReader } from '../loader/fields';
import { Rule } from '../ruleset';
import { Abort, readAbortField } from './abort';
import { readDelayDistributionField, readDelayField } from './delay';
import { readDryRunField } from './dry-run';
import { readLimitField } from './limit';
import { readOverridesField } from './overrides';
import { readPhaseField, readResponseStatusField } from './phase';
import { readResetField } from './reset';
import { readWindowsField } from './schedule';

const DELAY_MS: u32 = 1 << 0;
const ABORT: u32 = 1 << 1;
const DELAY_DISTRIBUTION: u32 = 1 << 2;
const LIMIT: u32 = 1 << 3;
const RESET: u32 = 1 << 4;
const PHASE: u32 = 1 << 5;
const RESPONSE_STATUS: u32 = 1 << 6;
const OVERRIDES: u32 = 1 << 7;
const WINDOWS: u32 = 1 << 8;
const DRY_RUN: u32 = 1 << 9;

/** Fields every rule must carry, whatever its fault. */
export const REQUIRED_FAULT_FIELDS: u32 = DELAY_MS | ABORT;
export const REQUIRED_FAULT_FIELD_NAMES = 'delayMs, abort';

/** Reads the value at the current key when a fault kind owns it, and returns that field's bit; 0 when none does. */
export function readFaultField(r: JsonReader, fields: FieldReader, rule: Rule, aborts: Abort[]): u32 {
  if (r.keyIs('delayMs')) {
    readDelayField(fields, rule);
    return DELAY_MS;
  }
  if (r.keyIs('delayDistribution')) {
    readDelayDistributionField(fields, rule);
    return DELAY_DISTRIBUTION;
  }
  if (r.keyIs('limit')) {
    readLimitField(fields, rule);
    return LIMIT;
  }
  if (r.keyIs('phase')) {
    readPhaseField(fields, rule);
    return PHASE;
  }
  if (r.keyIs('responseStatus')) {
    readResponseStatusField(fields, rule);
    return RESPONSE_STATUS;
  }
  if (r.keyIs('overrides')) {
    readOverridesField(fields, rule);
    return OVERRIDES;
  }
  if (r.keyIs('windows')) {
    readWindowsField(fields, rule);
    return WINDOWS;
  }
  if (r.keyIs('dryRun')) {
    readDryRunField(fields, rule);
    return DRY_RUN;
  }
  if (r.keyIs('reset')) {
    readResetField(fields, rule);
    return RESET;
  }
  if (r.keyIs('abort')) {
    readAbortField(fields, rule, aborts);
    return ABORT;
  }
  return 0;
}
