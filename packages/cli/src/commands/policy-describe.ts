// policy describe NAME: the policy in words.
import { Command } from 'commander';
import { CliContext, type CliIo } from '../context.js';
import { describePolicy } from '../format/policy-describe.js';
import { policyNotFound } from './not-found.js';

export function policyDescribeCommand(io: CliIo): Command {
  return new Command('describe')
    .description('explain a policy: what it matches, what it does, when, where it is applied, its counters')
    .argument('<name>', 'policy name')
    .action(async (name: string, _options: unknown, command: Command) => {
      const ctx = CliContext.of(io, command);
      const policy = await policyNotFound(name, () => ctx.client.getPolicy(name));
      ctx.out(describePolicy(policy, ctx.now(), ctx.palette));
    });
}
