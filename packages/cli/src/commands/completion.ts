// completion bash|zsh: prints a completion script generated from the command tree.
import { Argument, Command } from 'commander';
import { completionScript, SHELLS, type Shell } from '../completion-script.js';
import type { CliIo } from '../context.js';

export function completionCommand(io: CliIo, program: () => Command): Command {
  return new Command('completion')
    .description('print a shell completion script (bash or zsh)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(SHELLS))
    .addHelpText(
      'after',
      '\nInstall:\n  bash:  source <(hfi-cli completion bash)     # or save it to /etc/bash_completion.d/hfi-cli\n  zsh:   source <(hfi-cli completion zsh)      # or save it as _hfi-cli in a directory on $fpath',
    )
    .action((shell: Shell) => {
      io.writeOut(completionScript(program(), shell));
    });
}
