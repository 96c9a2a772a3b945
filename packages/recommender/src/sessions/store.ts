// Sessions on disk: one JSON file per session in the state directory, replaced atomically after every trial.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileChecker, HaltReason } from '@hfi/api';
import { isRecord } from '@hfi/policy';
import writeFileAtomic from 'write-file-atomic';
import { candidateKey } from '../encoding/dimensions.js';
import { candidateProblems, encodeSpace } from '../encoding/space-encoding.js';
import { EXIT, RecommenderError } from '../errors.js';
import { isOptimiserName } from '../optimisers/registry.js';
import { validateSearchSpace } from '../space/read.js';
import type { SearchSpace } from '../space/types.js';
import { SESSION_FORMAT, SESSION_STATES, type Session } from './session.js';

const SESSION_ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const stopChecker = compileChecker(HaltReason);

export interface LoadedSession {
  session: Session;
  space: SearchSpace;
}

export class SessionStore {
  constructor(readonly directory: string) {}

  pathOf(id: string): string {
    return join(this.directory, `${id}.json`);
  }

  /** Write to a temporary file, then rename over the old one: a crash leaves the previous state or the new one. */
  async save(session: Session): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    await writeFileAtomic(this.pathOf(session.id), `${JSON.stringify(session, null, 2)}\n`);
  }

  async load(id: string): Promise<LoadedSession> {
    if (!SESSION_ID.test(id)) throw new RecommenderError(`"${id}" is not a session id (see \`hfi-recommender list\`)`, EXIT.usage);
    const path = this.pathOf(id);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new RecommenderError(`no session "${id}" in ${this.directory} (see \`hfi-recommender list\`)`, EXIT.notFound);
      }
      throw new RecommenderError(`cannot read ${path}: ${(error as Error).message}`);
    }
    return parseSession(text, path, id);
  }

  /** Every session, newest first; unreadable files are listed with the reason instead of failing the listing. */
  async list(): Promise<({ ok: true; session: Session } | { ok: false; id: string; reason: string })[]> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new RecommenderError(`cannot read the state directory ${this.directory}: ${(error as Error).message}`);
    }
    const out = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const id = name.slice(0, -'.json'.length);
      try {
        out.push({ ok: true as const, session: (await this.load(id)).session });
      } catch (error) {
        out.push({ ok: false as const, id, reason: (error as Error).message });
      }
    }
    return out.sort((a, b) => (a.ok && b.ok ? b.session.createdAt.localeCompare(a.session.createdAt) : a.ok ? -1 : 1));
  }
}

/** Checks a state file as strictly as a space file: a hand-edited or truncated file is an error, not a wrong resume. */
function parseSession(text: string, path: string, id: string): LoadedSession {
  const corrupt = (reason: string, details: string[] = []): RecommenderError =>
    new RecommenderError(`state file ${path} is corrupt: ${reason}`, EXIT.error, details);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(`not JSON (${(error as Error).message})`);
  }
  if (!isRecord(value)) throw corrupt('expected a session object');
  const session = value as unknown as Session;
  if (session.format !== SESSION_FORMAT) throw corrupt(`format is ${JSON.stringify(session.format)}, this version reads ${SESSION_FORMAT}`);
  if (session.id !== id) throw corrupt(`it holds session ${JSON.stringify(session.id)}`);
  if (!SESSION_STATES.includes(session.state)) throw corrupt(`state is ${JSON.stringify(session.state)}`);
  if (!isOptimiserName(String(session.optimizer))) throw corrupt(`optimizer is ${JSON.stringify(session.optimizer)}`);
  if (session.executor !== 'simulated' && session.executor !== 'live') throw corrupt(`executor is ${JSON.stringify(session.executor)}`);
  if (!Number.isInteger(session.seed) || !Number.isInteger(session.budget)) throw corrupt('seed and budget must be integers');
  if (typeof session.createdAt !== 'string' || typeof session.updatedAt !== 'string')
    throw corrupt('createdAt and updatedAt must be timestamps');
  const result = validateSearchSpace(session.space);
  if (!result.ok) {
    throw corrupt(
      'its search space is invalid',
      result.errors.map((e) => `  space.${e.path}: ${e.message}`),
    );
  }
  if (!Array.isArray(session.trials)) throw corrupt('trials must be a list');
  const encoding = encodeSpace(result.space);
  session.trials.forEach((trial, index) => {
    const where = `trials[${index}]`;
    if (!isRecord(trial) || trial.trial !== index + 1) throw corrupt(`${where} must be trial ${index + 1}`);
    if (!isRecord(trial.candidate)) throw corrupt(`${where}.candidate must be an object`);
    const problems = candidateProblems(encoding, trial.candidate);
    if (problems.length > 0)
      throw corrupt(`${where}.candidate does not fit the space (${candidateKey(encoding.dimensions, trial.candidate)})`, problems);
    const severity = (trial.score as { severity?: unknown } | undefined)?.severity;
    if (typeof severity !== 'number' || !Number.isFinite(severity)) throw corrupt(`${where}.score.severity must be a number`);
    if (!isRecord(trial.outcomes) || !isRecord(trial.policy)) throw corrupt(`${where} needs its outcomes and policy`);
    if (trial.stoppedBy !== undefined && !stopChecker.check(trial.stoppedBy)) {
      throw corrupt(
        `${where}.stoppedBy is not a stop condition's halt reason`,
        stopChecker.errors(trial.stoppedBy).map((e) => `  ${where}.stoppedBy${e.path === '' ? '' : `.${e.path}`}: ${e.message}`),
      );
    }
  });
  return { session, space: result.space };
}
