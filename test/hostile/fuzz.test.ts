// Seeded fuzzing (issue 6): realistic fixtures, mutated deterministically (same seed, same mutants),
// through every parser and every registered rule. Asserted: nothing throws, and no rule reports an
// internal error (the runners catch a throwing rule and record it; for a fuzzer that is a failure).
// FUZZ_SEED and FUZZ_ROUNDS widen a local run; CI uses the defaults.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { allRules, codeRules, docsRules } from '../../rules/index.js';
import { parseCommand } from '../../src/app/commands.js';
import { ownersOf, parseCodeOwners } from '../../src/github/codeowners.js';
import { readAsyncApi } from '../../src/artifacts/asyncapi.js';
import { parseMarkdown } from '../../src/artifacts/markdown.js';
import { buildArtifactModel, type StructuredArtifact } from '../../src/artifacts/model.js';
import { maskInline, proseUnits } from '../../src/artifacts/prose.js';
import { protoModel, schemaModelOf } from '../../src/artifacts/schema-model.js';
import { parseJson, parseYaml } from '../../src/artifacts/structured.js';
import { parseCode } from '../../src/code/parse.js';
import { parseConfig } from '../../src/config/load.js';
import { changedFilesFromUnifiedDiff, hunksFromPatch } from '../../src/git/diff.js';
import { acceptsIn, fingerprintIn } from '../../src/github/markers.js';
import { reversePatch } from '../../src/github/reverse-patch.js';
import { runCodeRules } from '../../src/review/code-runner.js';
import { runDocsRules } from '../../src/review/docs-runner.js';
import { seededRandom } from '../simulator/faults.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 1);

function files(dir: string, filter: (path: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (filter(full)) out.push(full);
    }
  };
  walk(dir);
  return out;
}

/** Tokens that matter to the parsers and rules: brackets, keywords, Markdown and YAML syntax. */
const TOKENS = [
  '{', '}', '(', ')', '[', ']', ';', '\n', '\r\n', '`', '${', '*/', '/*', '//', "'", '"', '\\',
  'await ', 'async ', 'function ', '=> ', 'new ', 'return ', 'try {', '} catch (e) {', 'throw ', 'class X {',
  'producer.send({ topic: "a.b.v1", messages: [] })', 'prisma.order.create({ data: {} })', 'db.transaction(async (tx) => {',
  'channel.ack(msg)', 'consumer.run({ eachMessage: async () => {} })', 'retry(', 'setTimeout(', 'import x from "./y.js";',
  '// arch-review-disable-next-line dual-write -- reason', '/* arch-review-disable */',
  '# ', '## ', '- ', '* ', '1. ', '> ', '| a | b |\n|---|---|\n', '```\n', '<!-- ', ' -->', '[x](../a.md)', '[x]: #',
  '- **Status:** ', '- **Date:** ', '- **TL;DR:** ', '**', '_', '~~', '<', '>',
  ': ', '- ', '&a ', '*a', '!!binary ', '$ref: "#/components/x"', '"$ref": "#"', '---\n', '...\n', '? ', '|\n', '>-\n',
  '\u0000', '\uFFFD', '\u2028', '\uD800', '😀', '\t', '   ', '0'.repeat(40),
];

/** One mutant of `text`: 1-4 edits (delete, duplicate, insert a token, replace a character, swap or repeat lines, truncate). */
function mutate(text: string, random: () => number): string {
  let out = text;
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const at = () => Math.floor(random() * (out.length + 1));
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const op = Math.floor(random() * 8);
    const i = at();
    const len = 1 + Math.floor(random() * 60);
    if (op === 0) out = out.slice(0, i) + out.slice(i + len);
    else if (op === 1) out = out.slice(0, i) + out.slice(i, i + len).repeat(2 + Math.floor(random() * 3)) + out.slice(i + len);
    else if (op === 2 || op === 3) out = out.slice(0, i) + pick(TOKENS) + out.slice(i);
    else if (op === 4) out = out.slice(0, i) + String.fromCharCode(Math.floor(random() * 0x3000)) + out.slice(i + 1);
    else if (op === 5) {
      const lines = out.split('\n');
      const a = Math.floor(random() * lines.length);
      const b = Math.floor(random() * lines.length);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      out = lines.join('\n');
    } else if (op === 6) {
      const lines = out.split('\n');
      const a = Math.floor(random() * lines.length);
      lines.splice(a, 0, ...Array.from({ length: 5 + Math.floor(random() * 40) }, () => lines[a] ?? ''));
      out = lines.join('\n');
    } else out = out.slice(0, i);
  }
  return out;
}

function config() {
  const parsed = parseConfig('', '.github/arch-review.yml', { knownRuleIds: allRules.map((r) => r.meta.id) });
  assert.ok(parsed.ok);
  return parsed.config;
}

const noThrow = (what: string, fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    assert.fail(`${what} threw: ${(error as Error)?.stack ?? String(error)}`);
  }
};

describe('seeded fuzzing', { timeout: 300_000 }, () => {
  const cfg = config();

  it('every code rule, the code model and the TypeScript parser on mutated service code', () => {
    const random = seededRandom(SEED);
    const corpus = files(join(ROOT, 'fixtures/corpus'), (p) => /\.(ts|js|mjs)$/.test(p));
    const sample = corpus.filter((_, i) => i % 3 === 0).concat(join(ROOT, 'fixtures/demo/head/services/orders/src/place-order.ts'));
    assert.ok(sample.length >= 40, `${sample.length} code fixtures`);
    assert.ok(codeRules.length >= 20);
    let runs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const path of sample) {
        const rel = relative(ROOT, path);
        const original = readFileSync(path, 'utf8');
        for (let m = 0; m < 6; m++) {
          const text = mutate(original, random);
          noThrow(`parseCode(${rel} mutant ${m})`, () => parseCode(rel, text));
          let result: ReturnType<typeof runCodeRules> | undefined;
          noThrow(`code rules on ${rel} mutant ${m}`, () => {
            result = runCodeRules([{ path: `services/svc/src/${rel.split('/').pop()}`, text }], codeRules, { side: 'head', config: cfg });
          });
          assert.deepEqual(result!.errors, [], `rule errors on ${rel} mutant ${m} (seed ${SEED})`);
          runs++;
        }
      }
    }
    assert.ok(runs > 200);
  });

  it('every docs rule and the artifact model on mutated feature documentation', () => {
    const random = seededRandom(SEED + 1);
    const dirs = [join(ROOT, 'fixtures/artifacts/loyalty-points'), join(ROOT, 'fixtures/demo/head')];
    let runs = 0;
    assert.ok(docsRules.length >= 20);
    for (let round = 0; round < ROUNDS; round++) {
      for (const dir of dirs) {
        const docs = files(join(dir, 'docs'), () => true).map((p) => ({ path: relative(dir, p), text: readFileSync(p, 'utf8') }));
        const allPaths = docs.map((d) => d.path);
        const base = buildArtifactModel(docs, { allPaths, side: 'base' });
        for (let m = 0; m < 30; m++) {
          // Mutate one or two files of the set; the others stay as they were.
          const mutated = docs.map((d) => ({ ...d }));
          for (let k = 0; k < 1 + Math.floor(random() * 2); k++) {
            const target = mutated[Math.floor(random() * mutated.length)]!;
            target.text = mutate(target.text, random);
          }
          noThrow(`docs rules, ${relative(ROOT, dir)} mutant ${m}`, () => {
            const model = buildArtifactModel(mutated, { allPaths, side: 'head' });
            const result = runDocsRules(docsRules, { side: 'head', model, other: base, config: cfg });
            assert.deepEqual(result.errors, [], `docs rule errors on mutant ${m} (seed ${SEED})`);
            for (const artifact of model.artifacts.values()) {
              if (artifact.syntax === 'markdown') proseUnits(artifact.doc);
              if (artifact.syntax === 'yaml' && artifact.type === 'asyncapi') readAsyncApi(artifact as StructuredArtifact, model);
              if (artifact.type === 'schema') schemaModelOf(artifact as StructuredArtifact);
            }
          });
          runs++;
        }
      }
    }
    assert.ok(runs >= 60);
  });

  it('the structured, Markdown, Protobuf, diff, config and command parsers on mutated input', () => {
    const random = seededRandom(SEED + 2);
    const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
    const yaml = read('fixtures/artifacts/loyalty-points/docs/features/loyalty-points/asyncapi/loyalty.points-awarded.v1.yaml');
    const json = read('fixtures/artifacts/loyalty-points/docs/features/loyalty-points/schemas/loyalty.points-awarded.v1.json');
    const md = read('fixtures/artifacts/loyalty-points/docs/features/loyalty-points/design.md');
    const cfgText = read('fixtures/demo/base/.github/arch-review.yml');
    const proto = 'syntax = "proto3";\npackage orders.v1;\n\nmessage OrderPlaced {\n  string order_id = 1;\n  int64 amount_cents = 2;\n  repeated Line lines = 3;\n  oneof payer { string card = 4; string wallet = 5; }\n  map<string, string> attributes = 6;\n}\n\nmessage Line { string sku = 1; int32 qty = 2; }\n';
    const head = 'export function f() {\n  const a = 1;\n  const b = 2;\n  return a + b;\n}\n';
    const patch = '@@ -1,4 +1,5 @@\n export function f() {\n-  const a = 0;\n+  const a = 1;\n   const b = 2;\n+  const c = 3;\n   return a + b;\n';
    const diff = `diff --git a/x.ts b/x.ts\nindex 1111111..2222222 100644\n--- a/x.ts\n+++ b/x.ts\n${patch}diff --git a/sub b/sub\nnew file mode 160000\nindex 0000000..${'a'.repeat(40)}\n--- /dev/null\n+++ b/sub\n@@ -0,0 +1 @@\n+Subproject commit ${'a'.repeat(40)}\n`;
    const comment = `/review accept abcdef12 we know\n<!-- arch-review:accept fp=${'a'.repeat(40)} by=boss reason=ok -->\n<!-- arch-review:fp=${'b'.repeat(40)} -->`;
    const knownRuleIds = allRules.map((r) => r.meta.id);
    for (let m = 0; m < 60 * ROUNDS; m++) {
      const y = mutate(yaml, random);
      const j = mutate(json, random);
      noThrow(`parseYaml mutant ${m}`, () => parseYaml(y));
      noThrow(`parseJson mutant ${m}`, () => parseJson(j));
      noThrow(`parseMarkdown mutant ${m}`, () => {
        const parsed = parseMarkdown(mutate(md, random));
        if (parsed.ok) proseUnits(parsed.doc);
      });
      noThrow(`maskInline mutant ${m}`, () => maskInline(mutate(md, random).slice(0, 2_000)));
      noThrow(`protoModel mutant ${m}`, () => protoModel('schemas/x.proto', mutate(proto, random)));
      noThrow(`parseConfig mutant ${m}`, () => parseConfig(mutate(cfgText, random), '.github/arch-review.yml', { knownRuleIds }));
      noThrow(`hunksFromPatch mutant ${m}`, () => hunksFromPatch(mutate(patch, random)));
      noThrow(`changedFilesFromUnifiedDiff mutant ${m}`, () => changedFilesFromUnifiedDiff(mutate(diff, random)));
      noThrow(`reversePatch mutant ${m}`, () => reversePatch(mutate(head, random), mutate(patch, random)));
      noThrow(`CODEOWNERS mutant ${m}`, () => {
        const owners = parseCodeOwners(mutate('* @a\nservices/orders/ @acme/orders ops@x.example\ndocs/* @w\n/apps/github\n', random));
        ownersOf(owners, mutate('services/orders/src/a.ts', random));
      });
      noThrow(`command and marker parsers mutant ${m}`, () => {
        const c = mutate(comment, random);
        parseCommand(c);
        fingerprintIn(c);
        acceptsIn(c);
      });
    }
  });
});
