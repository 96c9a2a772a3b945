// policy get [NAME]: one policy (a table row, or json / yaml to feed back to apply); without NAME, like list.
import { Command } from 'commander';
import { CliContext, type CliIo } from '../context.js';
import { policyNotFound } from './not-found.js';
import { LIST_FORMATS, printPolicies } from './policy-list.js';

export function policyGetCommand(io: CliIo): Command {
  return new Command('get')
    .description('show one policy (or all, without NAME)')
    .argument('[name]', 'policy name')
    .addHelpText(
      'after',
      "\nOutput (-o): table (default), wide, json, yaml, name\n\nExamples:\n  hfi-cli policy get api-delay\n  hfi-cli policy get api-delay -o yaml > api-delay.yaml\n  hfi-cli policy get -o json | jq '.[] | .spec.rules | length'",
    )
    .action(async (name: string | undefined, _options: unknown, command: Command) => {
      const ctx = CliContext.of(io, command);
      const format = ctx.output(LIST_FORMATS, 'table');
      if (name === undefined) {
        await printPolicies(ctx, await ctx.client.listPolicies(), format, true);
        return;
      }
      const policy = await policyNotFound(name, () => ctx.client.getPolicy(name));
      await printPolicies(ctx, [policy], format, false);
    });
}
