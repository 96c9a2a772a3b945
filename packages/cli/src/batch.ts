// A batch of policies from files: parsed and validated whole, offline, with the same validator as the server,
// before anything is sent. Every error keeps the file and document it came from.
import type { FaultInjectionPolicy } from '@hfi/policy';
import type { SourceFile } from './sources.js';

/** Where a policy came from: `file[doc 0]`, or `file[doc 0, item 2]` for a list document. */
interface Origin {
  file: string;
  document: number;
  item?: number;
}

export interface LoadedPolicy {
  origin: Origin;
  policy: FaultInjectionPolicy;
}

export interface LocatedError {
  origin: Origin | { file: string; document?: number };
  path: string;
  message: string;
}

export interface Batch {
  policies: LoadedPolicy[];
  errors: LocatedError[];
  /** Policies per file, in file order (for `<file>: N policies valid`). */
  counts: Map<string, number>;
}

export interface BatchOptions {
  /** Overrides every rule's fault.duration_seconds. */
  durationSeconds?: number | undefined;
}

export function formatOrigin(origin: LocatedError['origin']): string {
  if (origin.document === undefined) return origin.file;
  const item = 'item' in origin && origin.item !== undefined ? `, item ${origin.item}` : '';
  return `${origin.file}[doc ${origin.document}${item}]`;
}

/** `<file>[doc <i>]: <field path>: <message>` */
export function formatLocatedError(error: LocatedError): string {
  return error.path === ''
    ? `${formatOrigin(error.origin)}: ${error.message}`
    : `${formatOrigin(error.origin)}: ${error.path}: ${error.message}`;
}

/** The validator is loaded on first use: commands that only read from the server start faster without it. */
export async function policyModule(): Promise<typeof import('@hfi/policy')> {
  return import('@hfi/policy');
}

export async function loadBatch(files: readonly SourceFile[], options: BatchOptions = {}): Promise<Batch> {
  const { parsePolicyDocuments, validatePolicy } = await policyModule();
  const batch: Batch = { policies: [], errors: [], counts: new Map() };
  for (const file of files) {
    batch.counts.set(file.label, 0);
    const parsed = parsePolicyDocuments(file.text, { format: /\.json$/i.test(file.label) ? 'json' : 'yaml' });
    if (parsed.errors.length > 0) {
      // Document indices after a syntax error are unreliable: report the syntax, validate nothing of this file.
      for (const e of parsed.errors) {
        batch.errors.push({ origin: { file: file.label, document: e.document }, path: e.path, message: e.message });
      }
      continue;
    }
    parsed.documents.forEach((document, index) => {
      if (document === null || document === undefined) return; // an empty document (a trailing `---`)
      for (const [item, value] of listItems(document)) {
        const origin: Origin = item === undefined ? { file: file.label, document: index } : { file: file.label, document: index, item };
        validateOne(batch, origin, value, options, validatePolicy);
      }
    });
  }
  rejectDuplicateNames(batch);
  return batch;
}

/** A document may be one policy, an array of policies, or a `{items: [...]}` list (what `-o json|yaml` prints). */
export function listItems(document: unknown): Array<[number | undefined, unknown]> {
  if (Array.isArray(document)) return document.map((value, i) => [i, value]);
  if (
    typeof document === 'object' &&
    document !== null &&
    !('kind' in document) &&
    Array.isArray((document as { items?: unknown }).items)
  ) {
    return (document as { items: unknown[] }).items.map((value, i) => [i, value]);
  }
  return [[undefined, document]];
}

function validateOne(
  batch: Batch,
  origin: Origin,
  value: unknown,
  options: BatchOptions,
  validatePolicy: typeof import('@hfi/policy')['validatePolicy'],
): void {
  const first = validatePolicy(withoutServerFields(value));
  if (!first.ok) {
    for (const e of first.errors) batch.errors.push({ origin, path: e.path, message: e.message });
    return;
  }
  let policy = first.policy;
  if (options.durationSeconds !== undefined) {
    const seconds = options.durationSeconds;
    const overridden = structuredClone(policy);
    for (const rule of overridden.spec.rules) rule.fault.duration_seconds = seconds;
    const second = validatePolicy(overridden); // the override obeys the same limits as the file
    if (!second.ok) {
      for (const e of second.errors) batch.errors.push({ origin, path: e.path, message: `${e.message} (after --duration-seconds)` });
      return;
    }
    policy = second.policy;
  }
  batch.policies.push({ origin, policy });
  batch.counts.set(origin.file, (batch.counts.get(origin.file) ?? 0) + 1);
}

/**
 * Drops what the server owns, so `policy get -o yaml > f; edit f; policy apply -f f` works.
 * metadata.version stays: sending it asks the server to refuse the write if the policy changed meanwhile.
 */
function withoutServerFields(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const { status: _status, ...rest } = value as Record<string, unknown>;
  const metadata = rest.metadata;
  if (typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)) {
    const { createdAt: _c, updatedAt: _u, ...kept } = metadata as Record<string, unknown>;
    rest.metadata = kept;
  }
  return rest;
}

function rejectDuplicateNames(batch: Batch): void {
  const seen = new Map<string, Origin>();
  const unique: LoadedPolicy[] = [];
  for (const loaded of batch.policies) {
    const name = loaded.policy.metadata.name;
    const first = seen.get(name);
    if (first === undefined) {
      seen.set(name, loaded.origin);
      unique.push(loaded);
      continue;
    }
    batch.errors.push({
      origin: loaded.origin,
      path: 'metadata.name',
      message: `policy "${name}" is also defined in ${formatOrigin(first)}; a batch may name each policy once`,
    });
    batch.counts.set(loaded.origin.file, (batch.counts.get(loaded.origin.file) ?? 1) - 1);
  }
  batch.policies = unique;
}
