// recommend ...: hfi-recommender's commands (run, resume, list, report) under hfi-cli, handed the rest of the command
// line as it is (its flags are its own: `--output` is its report file, not hfi-cli's format). runCli hands it over
// before hfi-cli parses anything, so `recommend` must come first; this entry lists it in --help and says so otherwise.
import { Command } from 'commander';
import { UsageError } from '../errors.js';

export const RECOMMEND = 'recommend';
/** How hfi-recommender's help names itself under hfi-cli. */
export const RECOMMEND_PROGRAM = `hfi-cli ${RECOMMEND}`;

export function recommendCommand(): Command {
  return new Command(RECOMMEND)
    .description('search a fault space for the faults that hurt most: hfi-recommender run|resume|list|report (docs/recommender.md)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action(() => {
      throw new UsageError(`write "${RECOMMEND}" first, before any hfi-cli flag: hfi-cli recommend run -f space.yaml --server URL ...`, [
        '  (its commands take their own --server and --token; see hfi-cli recommend --help)',
      ]);
    });
}
