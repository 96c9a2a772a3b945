// A fresh state directory per test and a new session over a space.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESSION_FORMAT, type Session } from '../../src/sessions/session.js';

export function stateDir(): string {
  return mkdtempSync(join(tmpdir(), 'hfi-recommender-test-'));
}

export function newSession(document: unknown, overrides: Partial<Session> = {}): Session {
  return {
    format: SESSION_FORMAT,
    id: 'mesh-weak-spots-test0001',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    state: 'running',
    space: document,
    seed: 4,
    budget: 8,
    optimizer: 'bo',
    executor: 'simulated',
    trials: [],
    ...overrides,
  };
}

/** What a trial tried and observed, without the wall clock and the session's name. */
export function trialsWithoutTimes(session: Session): unknown[] {
  return session.trials.map((t) => ({ trial: t.trial, candidate: t.candidate, spec: t.policy.spec, outcomes: t.outcomes, score: t.score }));
}
