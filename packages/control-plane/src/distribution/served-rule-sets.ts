// Rule sets ready to send: serialised once per version and identity, so answering 1,000 held polls
// writes the same bytes 1,000 times (no per-poll JSON or hashing).
import type { CompiledRuleSet, Identity } from '@hfi/policy';
import { ruleSetForIdentity, serializeRuleSet } from '@hfi/policy';
import { identityKey } from '../identity-key.js';

/** Response header carrying the rule set's version, so a client can tell what it got without parsing the body. */
export const RULESET_VERSION_HEADER = 'hfi-ruleset-version';

export interface ServedRuleSet {
  ruleSet: CompiledRuleSet;
  body: Buffer;
  /** Response headers for `body` as a flat [name, value, ...] list (content type, length, version). */
  headers: string[];
}

const WHOLE_SET = '';

export class ServedRuleSets {
  private readonly byIdentity = new Map<string, ServedRuleSet>();
  /** The rule set the cached bytes were made from; another one empties the cache. */
  private source: CompiledRuleSet | undefined;

  /** `ruleSet` for one identity (or whole), serialised; cached until asked for another rule set. */
  of(ruleSet: CompiledRuleSet, identity: Identity | undefined): ServedRuleSet {
    if (ruleSet !== this.source) {
      this.byIdentity.clear();
      this.source = ruleSet;
    }
    const key = identity ? identityKey(identity) : WHOLE_SET;
    let served = this.byIdentity.get(key);
    if (!served) {
      served = serve(identity ? ruleSetForIdentity(ruleSet, identity) : ruleSet);
      this.byIdentity.set(key, served);
    }
    return served;
  }
}

function serve(ruleSet: CompiledRuleSet): ServedRuleSet {
  const body = Buffer.from(serializeRuleSet(ruleSet));
  const headers = [
    'content-type',
    'application/json',
    'content-length',
    String(body.length),
    RULESET_VERSION_HEADER,
    String(ruleSet.version),
  ];
  return { ruleSet, body, headers };
}
