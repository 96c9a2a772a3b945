// YAML is loaded on first use: most commands never print it, and every command pays for what it imports.

/** Block-style YAML that `policy apply -f` reads back. */
export async function renderYaml(value: unknown): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify(value, { lineWidth: 0 }).trimEnd();
}
