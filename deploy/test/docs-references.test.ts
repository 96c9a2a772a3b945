// The docs agree with themselves: relative links resolve, every citation of docs/envoy-facts.md names a fact
// that is there, nothing cites the reference that lives outside this repository, every ADR has a status.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './support/paths.js';

const SKIP = new Set(['node_modules', 'dist', 'build', 'testdata', '.git']);
const TEXT = /\.(ts|mjs|js|md|yaml|yml|json|sh)$|^Makefile$|Dockerfile/;

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return [dir];
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : TEXT.test(name) ? [path] : [];
  });
}

const sources = ['packages', 'deploy', 'docs', 'scripts', 'examples', 'README.md', 'Makefile'].flatMap((p) => files(join(repoRoot, p)));
const markdown = sources.filter((f) => f.endsWith('.md'));
const factsPath = join(repoRoot, 'docs/envoy-facts.md');
const facts = readFileSync(factsPath, 'utf8');
const rel = (f: string) => relative(repoRoot, f);

/** GitHub's heading anchor: lower-case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

const anchors = new Set([
  ...[...facts.matchAll(/^<a id="([\w-]+)"><\/a>$/gm)].map((m) => m[1]!),
  ...[...facts.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)),
]);

test('envoy-facts.md: facts E1..En in order, each under its own stable anchor', () => {
  const headings = [...facts.matchAll(/^## E(\d+)\. /gm)].map((m) => Number(m[1]));
  assert.ok(headings.length > 0, 'no "## E<n>." headings');
  assert.deepEqual(
    headings,
    headings.map((_, i) => i + 1),
    'facts are numbered E1, E2, ... without gaps',
  );
  for (const n of headings) {
    assert.match(facts, new RegExp(`^<a id="e${n}"></a>\\n\\n## E${n}\\. `, 'm'), `E${n} has no <a id="e${n}"> right above it`);
  }
});

test('every citation of docs/envoy-facts.md names a fact that exists', () => {
  let citations = 0;
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    // In code and docs: `docs/envoy-facts.md E4`, `E1, E2`, `E1-E6`.
    for (const m of text.matchAll(/envoy-facts\.md((?:[ ,]+E\d+(?:-E\d+)?)+)/g)) {
      for (const part of m[1]!.matchAll(/E(\d+)(?:-E(\d+))?/g)) {
        const from = Number(part[1]);
        const to = Number(part[2] ?? part[1]);
        for (let n = from; n <= to; n++) {
          citations++;
          assert.ok(anchors.has(`e${n}`), `${rel(file)} cites E${n}, which docs/envoy-facts.md does not have`);
        }
      }
    }
    // Links: `envoy-facts.md#e7`, `(#e7)` inside envoy-facts.md itself.
    const links = [...text.matchAll(/envoy-facts\.md#([\w-]+)/g)].map((x) => x[1]!);
    if (file === factsPath) links.push(...[...text.matchAll(/\]\(#([\w-]+)\)/g)].map((x) => x[1]!));
    for (const anchor of links) {
      citations++;
      assert.ok(anchors.has(anchor), `${rel(file)} links envoy-facts.md#${anchor}, which does not exist`);
    }
  }
  assert.ok(citations > 10, `only ${citations} citations found: is the pattern still right?`);
});

test('nothing cites the reference outside the repository', () => {
  for (const file of sources) {
    if (file.endsWith('docs-references.test.ts')) continue; // this file names the patterns
    const text = readFileSync(file, 'utf8');
    for (const pattern of [/shared reference/i, /shared\/reference/, /reference §/, /proxy-wasm-envoy\.md/]) {
      assert.doesNotMatch(text, pattern, `${rel(file)} cites the outside reference (${pattern}); cite docs/envoy-facts.md`);
    }
  }
});

test('relative links in the Markdown docs resolve to files', () => {
  for (const file of markdown) {
    const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/.test(target) || target.startsWith('#')) continue;
      const path = join(dirname(file), target.split('#')[0]!);
      assert.ok(existsSync(path), `${rel(file)} links ${target}, which does not exist`);
    }
  }
});

test('every ADR starts with its title, then a Status line', () => {
  const adrs = markdown.filter((f) => rel(f).startsWith('docs/adr/'));
  assert.ok(adrs.length > 0);
  for (const file of adrs) {
    const [title, blank, status] = readFileSync(file, 'utf8').split('\n');
    assert.match(title ?? '', /^# \d{4}/, `${rel(file)}: first line is the "# NNNN ..." title`);
    assert.equal(blank, '', `${rel(file)}: a blank line after the title`);
    assert.match(status ?? '', /^Status: \S/, `${rel(file)}: third line is "Status: ..."`);
  }
});

test('every ADR has its own number, the one its file name and title carry', () => {
  const adrs = markdown.filter((f) => rel(f).startsWith('docs/adr/'));
  const owners = new Map<string, string>();
  for (const file of adrs) {
    const number = basename(file).slice(0, 4);
    const title = readFileSync(file, 'utf8').split('\n')[0] ?? '';
    assert.ok(title.startsWith(`# ${number}`), `${rel(file)}: its title carries ${number}`);
    assert.equal(owners.get(number), undefined, `${rel(file)} and ${owners.get(number)} share the number ${number}`);
    owners.set(number, rel(file));
  }
});
