// A search space as dimensions: where (target route), what (fault kind and its parameters), how often (percentage).
import { faultKind } from '../faults/registry.js';
import type { PathChoice, SearchSpace, Target } from '../space/types.js';
import { type Candidate, type Dimension, isActive } from './dimensions.js';

export const TARGET_DIMENSION = 'target';
export const KIND_DIMENSION = 'kind';
export const PERCENTAGE_DIMENSION = 'percentage';

/** One place a fault can go: a service, and the path and method matchers of its rule (null: any). */
interface Route {
  target: Target;
  path: PathChoice | null;
  method: string | null;
}

export interface SpaceEncoding {
  dimensions: readonly Dimension[];
  routes: ReadonlyMap<string, Route>;
}

export function encodeSpace(space: SearchSpace): SpaceEncoding {
  const routes = new Map<string, Route>();
  const routeChoices = [];
  for (const target of space.targets) {
    for (const path of target.paths) {
      for (const method of target.methods) {
        const label = routeLabel(target, path, method);
        routes.set(label, { target, path, method });
        const service = `${target.namespace}/${target.service}`;
        // Two routes on one service share a feature, so the kernel sees them as related.
        routeChoices.push({ label, features: [`service=${service}`, `path=${service} ${pathLabel(path)}`, `method=${method ?? '*'}`] });
      }
    }
  }
  const kinds = Object.keys(space.faults);
  const dimensions: Dimension[] = [
    { kind: 'categorical', name: TARGET_DIMENSION, choices: routeChoices },
    { kind: 'categorical', name: KIND_DIMENSION, choices: kinds.map((k) => ({ label: k, features: [k] })) },
    ...kinds.flatMap((k) => faultKind(k).dimensions((space.faults as Record<string, unknown>)[k])),
    { kind: 'numeric', name: PERCENTAGE_DIMENSION, ...space.percentage, integer: true },
  ];
  return { dimensions, routes };
}

function routeLabel(target: Target, path: PathChoice | null, method: string | null): string {
  return `${target.namespace}/${target.service} ${method ?? '*'} ${pathLabel(path)}`;
}

function pathLabel(path: PathChoice | null): string {
  if (path === null) return '*';
  return 'exact' in path ? `=${path.exact}` : `${path.prefix}*`;
}

/** Keeps the values of the active dimensions only, so that equal faults have equal candidates. */
export function canonicalCandidate(dimensions: readonly Dimension[], values: Readonly<Record<string, string | number>>): Candidate {
  const out: Record<string, string | number> = {};
  for (const dimension of dimensions) {
    if (isActive(dimension, values) && values[dimension.name] !== undefined) out[dimension.name] = values[dimension.name]!;
  }
  return out;
}

/** Why a stored candidate no longer fits the space (a session's space edited by hand); empty when it fits. */
export function candidateProblems(encoding: SpaceEncoding, candidate: Candidate): string[] {
  const problems: string[] = [];
  for (const dimension of encoding.dimensions) {
    const active = isActive(dimension, candidate);
    const value = candidate[dimension.name];
    if (!active) {
      if (value !== undefined) problems.push(`${dimension.name} is set but does not apply`);
      continue;
    }
    if (dimension.kind === 'categorical') {
      if (!dimension.choices.some((c) => c.label === value)) problems.push(`${dimension.name}: ${JSON.stringify(value)} is not a choice`);
    } else if (typeof value !== 'number' || value < dimension.min || value > dimension.max) {
      problems.push(`${dimension.name}: ${JSON.stringify(value)} is outside ${dimension.min}..${dimension.max}`);
    }
  }
  return problems;
}
