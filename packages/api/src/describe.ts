// Field paths and value descriptions for error messages, shared by the policy validator and the schema checks.

/** `spec.rules` + 0 -> `spec.rules[0]`; `spec` + `rules` -> `spec.rules`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** The inverse of childPath: `spec.rules[0]["a.b"]` -> ['spec', 'rules', 0, 'a.b']; undefined when it is no such path. */
export function splitPath(path: string): (string | number)[] | undefined {
  const segments: (string | number)[] = [];
  const token = /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  while (token.lastIndex < path.length) {
    const at = token.lastIndex;
    const m = token.exec(path);
    if (!m || (at === 0 && m[0].startsWith('.'))) return undefined;
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push(JSON.parse(m[3]!) as string);
  }
  return segments;
}

/** A short, safe description of any value for "found ..." in messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
      return `number ${String(value)}`;
    case 'boolean':
      return `boolean ${String(value)}`;
    case 'bigint':
      return `integer ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
