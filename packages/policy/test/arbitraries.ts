// fast-check generators for the forms users write: every accepted spelling, so that properties cover them.
import fc from 'fast-check';

const name = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);

/** Small valid regexes (a grammar, so every one compiles): literals, classes, groups, alternation, quantifiers. */
export const regexSource: fc.Arbitrary<string> = fc
  .letrec<{ node: string; atom: string }>((tie) => ({
    atom: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(
        'a',
        'b',
        'c',
        '/',
        '-',
        '\\.',
        '\\/',
        '\\d',
        '\\w',
        '\\s',
        '.',
        '[a-c]',
        '[^a]',
        '[0-9]',
        '\\xE9',
        '[\\x80-\\xFF]',
        '\\W',
      ),
      tie('node').map((inner) => `(${inner})`),
      tie('node').map((inner) => `(?:${inner})`),
    ),
    node: fc.oneof(
      { depthSize: 'small' },
      tie('atom'),
      fc.tuple(tie('atom'), fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '{0,2}', '*?', '+?')).map(([atom, q]) => atom + q),
      fc.array(tie('atom'), { minLength: 2, maxLength: 4 }).map((atoms) => atoms.join('')),
      fc.tuple(tie('node'), tie('node')).map(([a, b]) => `${a}|${b}`),
    ),
  }))
  .node.chain((body) => fc.constantFrom(body, `^${body}`, `${body}$`, `^(?:${body})$`));

/** Latin-1 strings biased towards the characters the patterns use. */
export const latin1String: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom('a', 'b', 'c', '/', '-', '.', '0', '5', '9', ' ', '_', '\n', '\xE9', '\x80', '\xFF'),
      fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
    ),
    { maxLength: 12 },
  )
  .map((chars) => chars.join(''));

const stringMatch = fc.oneof(
  fc.record({ exact: fc.constantFrom('/a', '/api/v1', '/x') }),
  fc.record({ prefix: fc.constantFrom('/', '/api', '/b') }),
  fc.record({ regex: fc.constantFrom('/v[0-9]+/.*', '^/a|/b$', '/(x|y)*') }),
);
const methodMatch = fc.oneof(
  fc.record({ exact: fc.constantFrom('GET', 'get', 'Post') }),
  fc.record({ prefix: fc.constantFrom('P', 'g') }),
  fc.record({ regex: fc.constantFrom('GET|HEAD') }),
);
const headerMatch = fc.oneof(
  fc.record({ name: fc.constantFrom('x-user', 'X-Tenant', ':authority'), exact: fc.constantFrom('a', '') }),
  fc.record({ name: fc.constantFrom('x-user', 'User-Agent'), prefix: fc.constantFrom('curl/', 'a') }),
  fc.record({ name: fc.constantFrom('x-user'), regex: fc.constantFrom('t[0-9]+', '.*') }),
  fc.record({ name: fc.constantFrom('x-bypass', 'X-Id'), present: fc.boolean() }),
);
const delayForm = fc.oneof(
  fc.integer({ min: 1, max: 5000 }).map((ms) => ({ delay_ms: ms })),
  fc.integer({ min: 1, max: 5000 }).map((ms) => ({ delay: { fixed_delay_ms: ms } })),
  fc.constantFrom('1s', '250ms', '1.5s', '2m', '1m30s', '0.25s').map((text) => ({ delay: { fixedDelay: text } })),
);
const abort = fc.record(
  {
    httpStatus: fc.integer({ min: 200, max: 599 }),
    grpcStatus: fc.integer({ min: 0, max: 16 }),
    body: fc.string({ maxLength: 20 }),
    headers: fc.dictionary(fc.constantFrom('X-A', 'retry-after', 'Content-Type'), fc.constantFrom('1', 'text/plain')),
  },
  { requiredKeys: ['httpStatus'] },
);
const fault = fc
  .tuple(
    fc.option(delayForm, { nil: undefined }),
    fc.option(abort, { nil: undefined }),
    fc.record(
      {
        percentage: fc.integer({ min: 0, max: 1_000_000 }).map((pm) => pm / 10_000),
        start_delay_ms: fc.integer({ min: 0, max: 1000 }),
        duration_seconds: fc.integer({ min: 0, max: 3600 }),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([delay, abortFault, rest]) => ({
    ...rest,
    ...(delay ?? (abortFault ? {} : { delay_ms: 10 })),
    ...(abortFault ? { abort: abortFault } : {}),
  }));
const match = fc.record({ path: stringMatch, method: methodMatch, headers: fc.array(headerMatch, { maxLength: 3 }) }, { requiredKeys: [] });
const rule = fc.record({ match, fault }, { requiredKeys: ['fault'] });

/** A valid policy in any accepted input form. */
export function policyInput(policyName: fc.Arbitrary<string> = name): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(
    {
      apiVersion: fc.constant('v1'),
      kind: fc.constant('FaultInjectionPolicy'),
      metadata: fc.record(
        { name: policyName, labels: fc.dictionary(fc.constantFrom('team', 'app', 'hfi.io/run'), fc.constantFrom('a', 'b-1', '')) },
        { requiredKeys: ['name'] },
      ),
      spec: fc.record(
        {
          selector: fc.oneof(
            fc.constant(undefined),
            fc.constant('*'),
            fc.record(
              { service: fc.constantFrom('*', '', 'frontend', 'cart'), namespace: fc.constantFrom('*', 'demo') },
              { requiredKeys: [] },
            ),
          ),
          priority: fc.integer({ min: -3, max: 3 }),
          rules: fc.array(rule, { minLength: 1, maxLength: 4 }),
        },
        { requiredKeys: ['rules'] },
      ),
    },
    { requiredKeys: ['metadata', 'spec'] },
  );
}
