// Option parsers shared by commands; a bad value is a usage error (exit 2) through commander.
import { InvalidArgumentError } from 'commander';

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number of seconds (0 = until deleted)');
  return Number(value.trim());
}
