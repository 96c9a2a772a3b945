// The process as the recommender sees it; main.ts supplies the real one, tests their own.
import { join } from 'node:path';

export interface RecommenderIo {
  writeOut(text: string): void;
  writeErr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  now(): number;
  /** Waits (live trials wait for their windows). */
  sleep(ms: number): Promise<void>;
  /** A short random suffix for new session ids (ids need not be reproducible; trials are). */
  newIdSuffix(): string;
  homedir: string;
  version: string;
}

const STATE_ENV = 'HFI_RECOMMENDER_STATE';

/** --state-dir, else $HFI_RECOMMENDER_STATE, else ~/.hfi/recommender. */
export function stateDirectory(io: RecommenderIo, flag: string | undefined): string {
  return flag ?? io.env[STATE_ENV] ?? join(io.homedir, '.hfi', 'recommender');
}
