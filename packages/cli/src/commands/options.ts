// Option parsers shared by commands; a bad value is a usage error (exit 2) through commander.
import { parseDurationSettingMs } from '@hfi/duration';
import { InvalidArgumentError } from 'commander';

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Whole seconds, as a number ("600") or a duration like every other one ("10m", "1h30m"); 0 = until deleted. */
export function wholeSeconds(value: string): number {
  const parsed = parseDurationSettingMs(value);
  if (!parsed.ok || parsed.ms % 1000 !== 0) {
    throw new InvalidArgumentError('expected whole seconds such as 600, or a duration such as 10m or 1h30m (0 = until deleted)');
  }
  return parsed.ms / 1000;
}

/** --service / --namespace of halt and resume: a field left out is "*", none given = everything. */
export function selectorOf(options: { service?: string; namespace?: string }): { service: string; namespace: string } | undefined {
  if (options.service === undefined && options.namespace === undefined) return undefined;
  return { service: options.service ?? '*', namespace: options.namespace ?? '*' };
}
