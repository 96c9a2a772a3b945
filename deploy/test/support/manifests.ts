// Queries over rendered objects, used by the cross-reference tests.
import type { K8sObject } from './kubectl.js';

export type Any = any;

export function all(objects: K8sObject[], kind: string): Any[] {
  return objects.filter((o) => o.kind === kind);
}

export function one(objects: K8sObject[], kind: string, name: string): Any {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind} ${name}, found ${found.length}`);
  return found[0];
}

/** Deployments and StatefulSets: their pod templates, with the owning object. */
export function workloads(objects: K8sObject[]): Any[] {
  return objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
}

/** A LabelSelector (matchLabels + matchExpressions) against labels. */
export function selects(selector: Any, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector?.matchExpressions ?? []) {
    const has = Object.hasOwn(l, e.key);
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
    if (e.operator === 'In' && !(has && e.values.includes(l[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(l[e.key])) return false;
  }
  return true;
}

export function containerPorts(workload: Any): Any[] {
  return (workload.spec.template.spec.containers as Any[]).flatMap((c) => c.ports ?? []);
}

export function envOf(container: Any): Map<string, Any> {
  return new Map(((container.env ?? []) as Any[]).map((e) => [e.name, e]));
}
