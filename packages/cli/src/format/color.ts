// ANSI colour, only when a human is watching: stdout is a TTY, NO_COLOR is unset and --no-color was not given.
export interface Palette {
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export const COLOR: Palette = { green: wrap(32, 39), yellow: wrap(33, 39), red: wrap(31, 39), dim: wrap(2, 22), bold: wrap(1, 22) };

const same = (text: string) => text;
export const PLAIN: Palette = { green: same, yellow: same, red: same, dim: same, bold: same };

export function shouldColor(flag: boolean, isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (!flag || !isTTY) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}
