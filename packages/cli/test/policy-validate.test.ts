// policy validate works offline: no control plane is running in this file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, explain } from './support/cli.js';
import { TESTDATA } from './support/paths.js';

const offline = { server: 'http://127.0.0.1:9' }; // nothing listens there; validate must not care

test('valid files: one line per file with its policy count, exit 0', async () => {
  const r = await cli(['policy', 'validate', '-f', 'testdata/policies'], offline);
  assert.equal(r.code, 0, explain(r));
  assert.equal(
    r.stdout,
    [
      'testdata/policies/api-delay.yaml: 1 policy valid',
      'testdata/policies/checkout.yaml: 2 policies valid',
      'testdata/policies/dir/a.yaml: 1 policy valid',
      'testdata/policies/dir/nested/b.json: 1 policy valid',
      '',
    ].join('\n'),
  );
});

test('every error is <file>[doc <i>]: <field path>: <message>; exit 1', async () => {
  const r = await cli(
    [
      'policy',
      'validate',
      '-f',
      'testdata/invalid/two-bad.yaml',
      '-f',
      'testdata/invalid/syntax.yaml',
      '-f',
      'testdata/policies/api-delay.yaml',
    ],
    offline,
  );
  assert.equal(r.code, 1, explain(r));
  assert.equal(r.stdout, 'testdata/policies/api-delay.yaml: 1 policy valid\n');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 5, explain(r));
  for (const line of lines.slice(0, 3))
    assert.match(
      line,
      /^testdata\/invalid\/two-bad\.yaml\[doc 1\]: spec\.rules\[0\]|^testdata\/invalid\/two-bad\.yaml\[doc 1\]: metadata\.name: /,
    );
  assert.match(lines[3] ?? '', /^testdata\/invalid\/syntax\.yaml\[doc 0\]: syntax error at line \d+, column \d+/);
  assert.equal(lines[4], 'error: 4 validation errors in 2 files; fix them before applying');
});

test('stdin is <stdin>', async () => {
  const text = readFileSync(join(TESTDATA, 'invalid/two-bad.yaml'), 'utf8');
  const r = await cli(['policy', 'validate', '-f', '-'], { ...offline, stdin: text });
  assert.equal(r.code, 1, explain(r));
  assert.match(r.stderr, /^<stdin>\[doc 1\]: spec\.rules\[0\]\.fault\.percentage: /m);
});

test('a directory without policy files, and a missing path, are named', async () => {
  const empty = await cli(['policy', 'validate', '-f', 'src'], offline);
  assert.equal(empty.code, 1, explain(empty));
  assert.equal(empty.stderr, 'error: src: no *.yaml, *.yml or *.json files in this directory\n');
  const missing = await cli(['policy', 'validate', '-f', 'testdata/missing.yaml'], offline);
  assert.equal(missing.code, 1, explain(missing));
  assert.equal(missing.stderr, 'error: cannot read testdata/missing.yaml: no such file or directory\n');
});

test('unknown flags and missing -f are usage errors (exit 2)', async () => {
  const unknown = await cli(['policy', 'validate', '-f', 'testdata/policies', '--frobnicate'], offline);
  assert.equal(unknown.code, 2, explain(unknown));
  assert.match(unknown.stderr, /unknown option '--frobnicate'/);
  const missing = await cli(['policy', 'validate'], offline);
  assert.equal(missing.code, 2, explain(missing));
  const unknownCommand = await cli(['policy', 'frobnicate'], offline);
  assert.equal(unknownCommand.code, 2, explain(unknownCommand));
});

test('a JSON file with a key given twice, and a YAML empty value (null), are invalid: exit 1 naming the field', async () => {
  const r = await cli(
    ['policy', 'validate', '-f', 'testdata/invalid-fields/duplicate-key.json', '-f', 'testdata/invalid-fields/empty-percentage.yaml'],
    offline,
  );
  assert.equal(r.code, 1, explain(r));
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.match(
    lines[0] ?? '',
    /^testdata\/invalid-fields\/duplicate-key\.json\[doc 0\]: spec\.rules: line 5, column 5: duplicate key "rules"/,
  );
  assert.match(
    lines[1] ?? '',
    /^testdata\/invalid-fields\/empty-percentage\.yaml\[doc 0\]: spec\.rules\[0\]\.fault\.percentage: expected a value, found null/,
  );
  assert.equal(lines.length, 3, explain(r));
});
