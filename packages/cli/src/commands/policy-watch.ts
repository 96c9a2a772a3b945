// policy watch: follows the control plane's config stream and prints each rule set it pushes, until Ctrl-C.

import { type CompiledRuleSet, HfiUnreachableError } from '@hfi/client';
import { Command } from 'commander';
import { CliContext, type CliIo } from '../context.js';
import { sleep } from '../sleep.js';

const RECONNECT_MS = 1000;

export function policyWatchCommand(io: CliIo): Command {
  return new Command('watch')
    .description('print every rule-set change the control plane pushes to data planes (Ctrl-C to stop)')
    .addHelpText('after', '\nOutput (-o): text (default) or json (one compiled rule set per line)\n\nExample:\n  hfi-cli policy watch')
    .action(async (_options: unknown, command: Command) => {
      const ctx = CliContext.of(io, command);
      const format = ctx.output(['text', 'json'] as const, 'text');
      const stop = new AbortController();
      const unsubscribe = io.onInterrupt(() => stop.abort());
      try {
        await follow(ctx, format, stop.signal);
      } finally {
        unsubscribe();
      }
    });
}

async function follow(ctx: CliContext, format: 'text' | 'json', signal: AbortSignal): Promise<void> {
  let connectedOnce = false;
  let previous: PolicyVersions | undefined;
  while (!signal.aborted) {
    try {
      const events = await ctx.client.watchRuleSets(signal);
      if (format === 'text' && !connectedOnce) ctx.err(`watching ${ctx.server} for rule-set changes (Ctrl-C to stop)`);
      connectedOnce = true;
      for await (const event of events) {
        if (event.event !== 'update' && event.event !== 'message') continue;
        previous = printUpdate(ctx, event.data, format, previous);
      }
      if (signal.aborted) return;
      ctx.err('the control plane closed the stream; reconnecting');
    } catch (error) {
      if (signal.aborted) return;
      // The first connection fails loudly (wrong address, bad token); later drops are retried.
      if (!connectedOnce || !(error instanceof HfiUnreachableError)) throw error;
      ctx.err(`lost the stream (${error.reason}); reconnecting`);
    }
    await sleep(RECONNECT_MS, signal);
  }
}

/** Policy name -> version, as a rule set carries them. */
export type PolicyVersions = Map<string, string>;

function printUpdate(
  ctx: CliContext,
  data: string,
  format: 'text' | 'json',
  previous: PolicyVersions | undefined,
): PolicyVersions | undefined {
  let set: CompiledRuleSet;
  try {
    set = JSON.parse(data) as CompiledRuleSet;
  } catch {
    ctx.err(`ignored an update that is not JSON: ${data.slice(0, 80)}`);
    return previous;
  }
  if (format === 'json') {
    ctx.out(JSON.stringify(set));
    return previous;
  }
  const { line, versions } = summariseRuleSet(set, new Date(ctx.now()).toISOString(), previous);
  ctx.out(line);
  return versions;
}

/**
 * `<time> version 7: 3 rules from 2 policies: api-delay (v5), checkout-abort (v7) [added checkout-abort]`;
 * the bracket says what changed since the previous update (nothing on the first one).
 */
export function summariseRuleSet(set: CompiledRuleSet, at: string, previous?: PolicyVersions): { line: string; versions: PolicyVersions } {
  const rules = Array.isArray(set.rules) ? set.rules : [];
  const versions: PolicyVersions = new Map();
  for (const rule of rules) versions.set(rule.policy, rule.policyVersion);
  const names = [...versions.keys()].sort();
  const policies = names.map((n) => `${n} (v${versions.get(n)})`).join(', ');
  const ruleWord = rules.length === 1 ? 'rule' : 'rules';
  const policyWord = names.length === 1 ? 'policy' : 'policies';
  let line = `${at} version ${set.version}: ${rules.length} ${ruleWord} from ${names.length} ${policyWord}`;
  if (names.length > 0) line += `: ${policies}`;
  if (previous !== undefined) {
    const added = names.filter((n) => !previous.has(n));
    const updated = names.filter((n) => previous.has(n) && previous.get(n) !== versions.get(n));
    const removed = [...previous.keys()].filter((n) => !versions.has(n)).sort();
    const changes = [
      added.length > 0 ? `added ${added.join(', ')}` : '',
      updated.length > 0 ? `updated ${updated.join(', ')}` : '',
      removed.length > 0 ? `removed ${removed.join(', ')}` : '',
    ].filter(Boolean);
    if (changes.length > 0) line += ` [${changes.join('; ')}]`;
  }
  return { line, versions };
}
