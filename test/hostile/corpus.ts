// The hostile pull request: the demo repository as base, and a head that adds every hostile case
// of issue 6 where the engine reads it (changed code under the reviewed service, artifacts in the
// feature's docs folder). Small cases are committed under fixtures/hostile/; large ones are
// generated here, so no megabytes are committed. The head also carries symbolic links (one to
// /etc/passwd, one out of the repository) and a git submodule.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { git } from '../../src/git/git.js';
import { createRepoFromSnapshots } from '../../src/git/snapshot-repo.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'fixtures/hostile');
const DEMO = join(ROOT, 'fixtures/demo');
const SRC = 'services/orders/src/hostile';
const DOCS = 'docs/features/order-placement';

export interface HostileCase {
  id: string;
  /** The repository path the case lives at. */
  path: string;
  /** What the engine must do with it: skip it with one of these coverage reasons, or review it. */
  expect: { skipped: string[] } | 'reviewed' | 'skipped-or-reviewed';
}

const MB = 1024 * 1024;

/** Realistic code, repeated: parseable, with a DB write and a publish per block. */
function codeBlock(i: number): string {
  return `export async function handle${i}(db: any, producer: any, input: { id: string }) {
  await db.order${i}.create({ data: { id: input.id } });
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: input.id, value: input.id }] });
}
`;
}

function repeatTo(bytes: number, make: (i: number) => string): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = make(i);
    parts.push(s);
    size += s.length;
  }
  return parts.join('');
}

/** Strings built against the engine's own regular expressions (suppressions, imports, SQL, tracing, links). */
export function regexBait(): string {
  // JSON.stringify makes any text a valid string literal, so the file parses and every scanner runs.
  const str = (name: string, text: string) => `export const ${name} = ${JSON.stringify(text)};`;
  return [
    '// Each line below is built to make a backtracking regular expression work hard.',
    `// arch-review-disable-next-line a${' '.repeat(15_000)}!`,
    `// arch-review-disable-next-line ${'a '.repeat(7_000)}--${' '.repeat(3_000)}!`,
    `/* arch-review-disable ${'a, '.repeat(5_000)}${' '.repeat(3_000)}x */`,
    str('sdk', 'new NodeSDK() + '.repeat(1_200)),
    str('sdk2', `new NodeSDK(${')'.repeat(15_000)}`),
    str('sql', `UPDATE t SET ${'a = b, '.repeat(2_500)}`),
    str('sql2', `update t set ${'x'.repeat(15_000)} = `),
    str('imp', `from '${'./'.repeat(9_000)}`),
    str('req', `require(${'('.repeat(15_000)}`),
    str('topic', `${'orders.'.repeat(2_500)}v1`),
    str('url', `http://${'a.'.repeat(9_000)}`),
    str('ticks', '`'.repeat(15_000)),
    str('md', '[a]('.repeat(4_000)),
    str('spaces', ' '.repeat(18_000)),
    str('redis', "redis.call('get', k) ".repeat(800)),
    str('tracing', `require('dd-trace')${' '.repeat(15_000)}`),
    `export const env = process.env.${'A_'.repeat(8_000)}B;`,
    '',
  ].join('\n');
}

/** The same bait in Markdown, where the prose and link scanners read it (under the parser's marker caps, so it is parsed). */
function markdownBait(): string {
  return [
    '# Orders placed contract',
    '',
    '## Summary',
    '',
    '- **Status:** Accepted',
    '- **Date:** 2026-01-01',
    `- **TL;DR:** ${'`'.repeat(7_000)}`,
    '',
    `[a](${' '.repeat(60_000)}`,
    '',
    `${'../'.repeat(20_000)}a.`,
    '',
    `See ${'section "'.repeat(5_000)}`,
    '',
    `${'**a**: '.repeat(1_900)}`,
    '',
    `<a id="${'x'.repeat(50_000)}`,
    '',
    `${'OQ-1: '.repeat(10_000)}`,
    '',
    `\`${'orders.placed.v1'.repeat(3_000)}\` (consumed) — ${'- '.repeat(10_000)}`,
    '',
  ].join('\n');
}

export interface HostileRepo {
  dir: string;
  base: string;
  head: string;
  cases: HostileCase[];
  /** Unchanged files imported by changed ones that cannot be read as evidence: path → coverage reason. */
  evidence: Map<string, string>;
  remove(): void;
}

/** Writes base and head snapshots, commits them, and adds the submodule; the caller removes `dir`. */
export async function buildHostileRepo(): Promise<HostileRepo> {
  const work = mkdtempSync(join(tmpdir(), 'arch-review-hostile-'));
  const base = join(work, 'base');
  const head = join(work, 'head');
  const cases: HostileCase[] = [];
  const copyTree = (from: string, to: string) => {
    // fs.cpSync would do, but the demo is small: keep it explicit.
    const walk = (rel: string) => {
      const src = join(from, rel);
      for (const name of readdirSafe(src)) {
        const r = rel ? `${rel}/${name.name}` : name.name;
        if (name.isDirectory()) walk(r);
        else {
          mkdirSync(dirname(join(to, r)), { recursive: true });
          copyFileSync(join(from, r), join(to, r));
        }
      }
    };
    walk('');
  };
  copyTree(join(DEMO, 'base'), base);
  copyTree(join(DEMO, 'base'), head);

  const put = (path: string, content: string | Buffer, expect: HostileCase['expect'], id: string) => {
    const full = join(head, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    cases.push({ id, path, expect });
  };
  const fixture = (name: string) => readFileSync(join(FIXTURES, name));
  // A line break every 100 levels, so the nesting (not the line-length cap) is what the parser meets.
  const deep = (n: number, open: string, close: string, inner = '1') => {
    const wrap = (s: string) => Array.from({ length: n / 100 }, () => s.repeat(100)).join('\n');
    return `${wrap(open)}${inner}${wrap(close)}`;
  };

  // ---- code ----
  put(`${SRC}/huge-20mb.ts`, repeatTo(20 * MB, codeBlock), { skipped: ['too-large'] }, '20 MB file');
  put(`${SRC}/bundle.min.js`, `!function(){${repeatTo(5 * MB, (i) => `var a${i}=function(b){return b+${i}};`)}}();\n`, { skipped: ['too-large'] }, '5 MB minified JS');
  put(`${SRC}/one-line.js`, `var x=[${repeatTo(900 * 1024, (i) => `${i},`)}0];\n`, { skipped: ['too-large'] }, '900 KB on one line');
  put(`${SRC}/deep-arrays.ts`, `export const x = ${deep(10_000, '[', ']')};\n`, { skipped: ['unparseable'] }, '10,000-deep arrays');
  // Parentheses leave no node in the tree: only the parser's own recursion was deep, and its retry on a larger stack reads it.
  put(`${SRC}/deep-parens.ts`, `export const x = ${deep(10_000, '(', ')')};\n`, 'reviewed', '10,000-deep parentheses');
  // Deep for the parser's recursion on Node's default stack, ordinary for a person (they once came out "unparseable").
  put(`${SRC}/long-concatenation.ts`, `export const s = ${Array.from({ length: 900 }, (_, i) => `'p${i}'`).join(' + ')};\n`, 'reviewed', 'a 900-term string concatenation');
  put(`${SRC}/nested-ifs.ts`, `export function f(x: number) {\n${Array.from({ length: 500 }, (_, i) => `if (x > ${i}) {\n`).join('')}return 1;\n${'}\n'.repeat(500)}return 0;\n}\n`, 'reviewed', '500 nested ifs');
  put(`${SRC}/deep-calls.ts`, `export const x = ${deep(10_000, 'f(', ')')};\n`, { skipped: ['unparseable'] }, '10,000-deep calls');
  put(`${SRC}/deep-blocks.ts`, `export function f() ${deep(10_000, '{', '}', '')}\n`, { skipped: ['unparseable'] }, '10,000-deep blocks');
  put(`${SRC}/deep-arrows.ts`, `export const f = ${deep(10_000, '() => ', '', '1')};\n`, { skipped: ['unparseable'] }, '10,000-deep arrow functions');
  put(`${SRC}/deep-ternary.ts`, `export const t = ${deep(10_000, 'a ? b : ', '', 'c')};\n`, { skipped: ['unparseable'] }, '10,000-deep conditional');
  put(`${SRC}/long-chain.ts`, `export const s = ${Array.from({ length: 50_000 }, (_, i) => `a${i % 10}`).join(' +\n  ')};\n`, { skipped: ['unparseable'] }, '50,000-term binary chain');
  put(`${SRC}/deep-objects.ts`, `export const o = ${deep(10_000, '{ a: ', ' }')};\n`, { skipped: ['unparseable'] }, '10,000-deep object literal');
  // TypeScript's parser is exponential on nested `async (`: 20 levels take about 2 s, each level
  // doubles it, so 40 levels would run for weeks. Only the per-file parse budget stops it.
  put(`${SRC}/exponential-parse.ts`, `export const x = ${'async ('.repeat(40)}a${')'.repeat(40)};\n`, { skipped: ['time-budget'] }, 'exponential TypeScript parse (nested async arrows)');
  // Imports read as evidence (unchanged, so in base and head) that cannot be: named in the coverage.
  const evidence = new Map<string, string>();
  const unchanged = (path: string, content: string | Buffer, reason: string) => {
    for (const dir of [base, head]) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    evidence.set(path, reason);
  };
  unchanged(`${SRC}/lib/huge-helper.ts`, repeatTo(2 * MB, codeBlock), 'too-large');
  unchanged(`${SRC}/lib/broken-helper.ts`, 'export function handle0( {\n', 'unparseable');
  put(`${SRC}/uses-helpers.ts`, `import { handle0 } from './lib/huge-helper';\nimport { handle0 as h } from './lib/broken-helper';\nexport const run = (db: any, p: any) => handle0(db, p, { id: '1' }) && h(db, p, { id: '2' });\n`, 'reviewed', 'a changed file importing an oversized and an unparseable helper');
  put(`${SRC}/invalid-utf8.ts`, fixture('invalid-utf8.ts'), 'reviewed', 'invalid UTF-8');
  put(`${SRC}/binary.ts`, fixture('binary.ts'), { skipped: ['binary'] }, 'binary content');
  put(`${SRC}/unparseable.ts`, fixture('unparseable.ts'), { skipped: ['unparseable'] }, 'unparseable TS');
  put(`${SRC}/regex-bait.ts`, regexBait(), 'reviewed', 'pathological strings for the code regexes');
  // The service's entry point, which the instrumentation check scans as text for an SDK start.
  writeFileSync(join(head, 'services/orders/package.json'), JSON.stringify({ name: 'orders', main: 'src/hostile/tracing-bait.js', dependencies: { '@opentelemetry/sdk-node': '0.50.0' } }));
  put(`${SRC}/tracing-bait.ts`, repeatTo(900 * 1024, (i) => `export const s${i} = ${JSON.stringify('new NodeSDK() + '.repeat(60))};\n`), 'reviewed', '900 KB of `new NodeSDK()` without a start (tracing scan)');
  put(`${SRC}/many-comments.ts`, repeatTo(900 * 1024, (i) => `// arch-review-disable-next-line a${' '.repeat(19_000)}! ${i}\n`), 'reviewed', '900 KB of pathological suppression comments');

  // ---- artifacts ----
  put(`${DOCS}/design.md`, `# Order Placement Design\n\n${Array.from({ length: 100_000 }, (_, i) => `## h${i}\n`).join('')}`, { skipped: ['too-large', 'time-budget'] }, 'Markdown with 100,000 headings');
  put(`${DOCS}/README.md`, fixture('escaping-links.md'), 'reviewed', 'links escaping the repository');
  put(`${DOCS}/runbooks/deep-quotes.md`, `# Runbook\n\n${'>'.repeat(10_000)} x\n`, { skipped: ['unparseable'] }, '10,000-deep block quotes');
  put(`${DOCS}/runbooks/deep-lists.md`, `# Runbook\n\n${Array.from({ length: 10_000 }, (_, i) => `${'  '.repeat(i)}- x`).join('\n').slice(0, 900 * 1024)}\n`, { skipped: ['unparseable', 'too-large'] }, '10,000-deep lists');
  put(`${DOCS}/runbooks/dashes.md`, `# Runbook\n\n${'- '.repeat(100_000)}x\n`, { skipped: ['unparseable'] }, 'a run of 100,000 list markers');
  put(`${DOCS}/adrs/0001-huge.md`, repeatTo(2 * MB, (i) => `Paragraph ${i} with some words in it.\n\n`), { skipped: ['too-large'] }, '2 MB Markdown');
  put(`${DOCS}/contracts/orders.bait.v1.md`, markdownBait(), 'reviewed', 'pathological strings for the Markdown regexes');
  put(`${DOCS}/asyncapi/orders.bomb.v1.yaml`, fixture('alias-bomb.yaml'), { skipped: ['unparseable'] }, 'YAML alias bomb');
  put(`${DOCS}/asyncapi/orders.cyclic.v1.yaml`, fixture('cyclic-refs.asyncapi.yaml'), 'reviewed', 'cyclic $refs (AsyncAPI)');
  put(`${DOCS}/asyncapi/orders.deep.v1.yaml`, `asyncapi: 3.0.0\nx: ${deep(10_000, '[', ']')}\n`, { skipped: ['unparseable'] }, '10,000-deep YAML');
  put(`${DOCS}/asyncapi/orders.deepmap.v1.yaml`, `asyncapi: 3.0.0\n${Array.from({ length: 10_000 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n').slice(0, 900 * 1024)} 1\n`, { skipped: ['unparseable', 'too-large'] }, '10,000-deep YAML mappings');
  put(`${DOCS}/schemas/orders.cyclic.v1.json`, fixture('cyclic-refs.schema.json'), 'reviewed', 'cyclic $refs (JSON Schema)');
  put(`${DOCS}/schemas/orders.deep.v1.json`, deep(10_000, '{"a":', '}'), { skipped: ['unparseable'] }, '10,000-deep JSON');
  put(`${DOCS}/schemas/orders.huge.v1.json`, `{"title":"x","properties":{${repeatTo(20 * MB, (i) => `"f${i}":{"type":"string"},`)}"z":{}}}`, { skipped: ['too-large'] }, '20 MB JSON Schema');
  put(`${DOCS}/schemas/orders.garbage.v1.proto`, `syntax = "proto3";\n${'message { { { '.repeat(10_000)}\n`, 'skipped-or-reviewed', 'garbage Protobuf');

  // ---- the tree: symbolic links and a submodule ----
  const link = (path: string, target: string, id: string, expect: HostileCase['expect']) => {
    mkdirSync(dirname(join(head, path)), { recursive: true });
    symlinkSync(target, join(head, path));
    cases.push({ id, path, expect });
  };
  link(`${SRC}/passwd.ts`, '/etc/passwd', 'symbolic link to /etc/passwd', { skipped: ['not-reviewable'] });
  link(`${SRC}/outside.ts`, '../../../../../../../../../../etc/hostname', 'symbolic link out of the repository', { skipped: ['not-reviewable'] });
  link(`${DOCS}/runbooks/outside.md`, '../../../../../../../../../etc/passwd', 'symbolic link (Markdown) out of the repository', { skipped: ['not-reviewable'] });

  const repo = await createRepoFromSnapshots(base, head, { dir: join(work, 'repo') });
  // A submodule: a gitlink entry (mode 160000) pointing at a commit of another repository.
  const run = { cwd: repo.dir, env: { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'h', GIT_AUTHOR_EMAIL: 'h@example.invalid', GIT_COMMITTER_NAME: 'h', GIT_COMMITTER_EMAIL: 'h@example.invalid', GIT_AUTHOR_DATE: '1704074400 +0000', GIT_COMMITTER_DATE: '1704074400 +0000' } };
  await git(['update-index', '--add', '--cacheinfo', `160000,${repo.base},services/payments`], run);
  writeFileSync(join(repo.dir, '.gitmodules'), '[submodule "services/payments"]\n\tpath = services/payments\n\turl = ../payments.git\n');
  await git(['add', '.gitmodules'], run);
  await git(['-c', 'commit.gpgSign=false', '-c', 'core.hooksPath=/dev/null', 'commit', '-q', '--no-verify', '-m', 'add a submodule'], run);
  const headSha = (await git(['rev-parse', 'HEAD'], run)).trim();
  cases.push({ id: 'git submodule', path: 'services/payments', expect: { skipped: ['not-reviewable'] } });

  rmSync(base, { recursive: true, force: true });
  rmSync(head, { recursive: true, force: true });
  return { dir: repo.dir, base: repo.base, head: headSha, cases, evidence, remove: () => rmSync(work, { recursive: true, force: true }) };
}

function readdirSafe(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
