import { stringify } from 'yaml';

/** Block-style YAML that `policy apply -f` reads back. */
export function renderYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/** Several objects as one multi-document stream. */
export function renderYamlDocuments(values: readonly unknown[]): string {
  return values.map((v) => `---\n${renderYaml(v)}`).join('\n');
}
