// Selector matching, shared by rules and halts.

/** '*' selects everyone; a named selector needs a known, equal identity field. */
export function selects(selector: string, actual: string | null | undefined): boolean {
  return selector === '*' || (actual !== null && actual !== undefined && selector === actual);
}
