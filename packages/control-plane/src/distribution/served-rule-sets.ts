// Rule sets ready to send: serialised once per version, identity and wire form, so answering 1,000 held polls
// writes the same bytes 1,000 times (no per-poll JSON or hashing); a fleet of mixed plugin versions costs one
// serialisation per identity and form.
import type { CompiledRuleSet, Identity, WireForm } from '@hfi/policy';
import { ruleSetForIdentity, serializeRuleSetAs } from '@hfi/policy';
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

  /** `ruleSet` for one identity (or whole), serialised in `form`; cached until asked for another rule set. */
  of(ruleSet: CompiledRuleSet, identity: Identity | undefined, form: WireForm): ServedRuleSet {
    if (ruleSet !== this.source) {
      this.byIdentity.clear();
      this.source = ruleSet;
    }
    const key = `${form} ${identity ? identityKey(identity) : WHOLE_SET}`;
    let served = this.byIdentity.get(key);
    if (!served) {
      served = serve(identity ? this.subset(ruleSet, identity) : ruleSet, form);
      this.byIdentity.set(key, served);
    }
    return served;
  }

  /** One identity's subset, shared by its forms. */
  private subset(ruleSet: CompiledRuleSet, identity: Identity): CompiledRuleSet {
    const key = identityKey(identity);
    for (const form of WIRE_FORMS) {
      const served = this.byIdentity.get(`${form} ${key}`);
      if (served) return served.ruleSet;
    }
    return ruleSetForIdentity(ruleSet, identity);
  }
}

const WIRE_FORMS: readonly WireForm[] = ['compact', 'rules', 'inline'];

function serve(ruleSet: CompiledRuleSet, form: WireForm): ServedRuleSet {
  const body = Buffer.from(serializeRuleSetAs(ruleSet, form));
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
