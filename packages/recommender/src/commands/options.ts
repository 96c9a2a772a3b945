// Option parsers shared by the commands: each refuses a bad value with the flag's name.
import { InvalidArgumentError } from 'commander';
import { SPACE_LIMITS } from '../space/read.js';

export function budgetOption(value: string): number {
  return integerOption(value, 1, SPACE_LIMITS.maxBudget, 'a number of trials');
}

export function seedOption(value: string): number {
  return integerOption(value, 0, SPACE_LIMITS.maxSeed, 'a seed');
}

export function topOption(value: string): number {
  return integerOption(value, 1, 1000, 'a number of rows');
}

function integerOption(value: string, min: number, max: number, what: string): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InvalidArgumentError(`expected ${what} from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}
