// The labelled corpus (fixtures/corpus/code) must stay well-formed: every file parses, the manifest
// and the files agree, every expected line exists, and each of the first ten code rules has enough
// positives and tricky negatives. Also checks the scoring of scripts/eval.ts on a tiny example.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from '@typescript-eslint/typescript-estree';
import { score, type Manifest } from '../../scripts/eval.js';

const CORPUS = fileURLToPath(new URL('../../fixtures/corpus/code/', import.meta.url));
const CODE = /\.(ts|tsx|js|jsx|mjs|cjs)$/;
const FIRST_TEN = [
  'dual-write',
  'ack-before-commit',
  'auto-commit-consumer',
  'non-idempotent-consumer',
  'unbounded-retry',
  'consumer-error-swallowed',
  'missing-dlq',
  'producer-ordering-key-missing',
  'distributed-2pc',
  'retry-permanent-errors',
];

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}

const manifest = JSON.parse(readFileSync(join(CORPUS, 'expected.json'), 'utf8')) as Manifest;
const codeFiles = walk(CORPUS)
  .filter((f) => CODE.test(f))
  .map((f) => relative(CORPUS, f).split(sep).join('/'));

describe('labelled code corpus', () => {
  it('has at least 80 code files', () => {
    assert.ok(codeFiles.length >= 80, `only ${codeFiles.length} code files`);
  });

  it('parses every code file with typescript-estree', () => {
    for (const path of codeFiles) {
      const text = readFileSync(join(CORPUS, path), 'utf8');
      assert.doesNotThrow(() => parse(text, { jsx: /\.(tsx|jsx)$/.test(path), loc: true, range: true }), `${path} does not parse`);
    }
  });

  it('lists every code file in the manifest, and only existing files', () => {
    const listed = Object.keys(manifest.files).sort();
    assert.deepEqual(listed, [...codeFiles].sort());
  });

  it('declares expectations on existing lines, for labelled rules only', () => {
    const labelled = new Set(manifest.labelledRules);
    for (const [path, entry] of Object.entries(manifest.files)) {
      const lines = readFileSync(join(CORPUS, path), 'utf8').split('\n').length;
      for (const e of entry.expected) {
        assert.ok(labelled.has(e.rule), `${path}: unknown rule ${e.rule}`);
        assert.ok(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines, `${path}:${e.line} is outside the file (${lines} lines)`);
        assert.ok(e.note.length > 0, `${path}:${e.line} ${e.rule} has no note`);
        const text = readFileSync(join(CORPUS, path), 'utf8').split('\n')[e.line - 1]!;
        assert.ok(text.trim().length > 0, `${path}:${e.line} points at a blank line`);
      }
      for (const rule of entry.negativeFor ?? []) {
        assert.ok(labelled.has(rule), `${path}: negativeFor names unknown rule ${rule}`);
        assert.ok(!entry.expected.some((e) => e.rule === rule), `${path} is a negative for ${rule} but expects it`);
        assert.ok(!(entry.unscored ?? []).some((u) => u.rule === rule), `${path} is a negative for ${rule} but leaves it unscored`);
      }
      for (const u of entry.unscored ?? []) {
        assert.ok(labelled.has(u.rule), `${path}: unscored names unknown rule ${u.rule}`);
        assert.ok(u.reason.length > 0, `${path}: unscored ${u.rule} has no reason`);
        assert.ok(!entry.expected.some((e) => e.rule === u.rule), `${path}: ${u.rule} is both unscored and expected`);
      }
    }
  });

  it('has at least 4 positives and 4 negative files for each of the first ten code rules', () => {
    for (const rule of FIRST_TEN) {
      const positives = Object.values(manifest.files).flatMap((e) => e.expected).filter((e) => e.rule === rule && !e.optional);
      const negatives = Object.values(manifest.files).filter((e) => (e.negativeFor ?? []).includes(rule));
      assert.ok(positives.length >= 4, `${rule}: ${positives.length} positives`);
      assert.ok(negatives.length >= 4, `${rule}: ${negatives.length} negative files`);
    }
  });
});

describe('eval scoring', () => {
  const m: Manifest = {
    labelledRules: ['dual-write', 'missing-dlq'],
    files: {
      'a.ts': { expected: [{ rule: 'dual-write', line: 10, note: 'x' }, { rule: 'dual-write', line: 12, note: 'y' }] },
      'b.ts': { expected: [{ rule: 'missing-dlq', line: 3, note: 'z', optional: true }], negativeFor: ['dual-write'] },
      'c.ts': { expected: [], unscored: [{ rule: 'missing-dlq', reason: 'r' }] },
    },
  };
  const f = (ruleId: string, path: string, line: number, endLine = line) => ({ ruleId, path, line, endLine, severity: 'Critical', status: 'introduced', message: 'm' });

  it('matches by rule, path and line range, one finding per expectation', () => {
    const r = score(m, [f('dual-write', 'a.ts', 9, 11), f('dual-write', 'a.ts', 10, 10), f('dual-write', 'b.ts', 4)]);
    const dw = r.rows.find((x) => x.rule === 'dual-write')!;
    // 9-11 covers 10 only, 10-10 covers 10 only: one of them is a TP, the other a FP; line 12 is missed.
    assert.deepEqual([dw.expected, dw.tp, dw.fp, dw.fn], [2, 1, 2, 1]);
    assert.equal(dw.precision, 1 / 3);
    assert.equal(dw.recall, 0.5);
    assert.deepEqual(r.falseNegatives.map((x) => `${x.path}:${x.line}`), ['a.ts:12']);
  });

  it('neither rewards nor penalises optional expectations and unscored rules, and lists unlabelled rules apart', () => {
    const r = score(m, [f('missing-dlq', 'b.ts', 3), f('missing-dlq', 'c.ts', 1), f('summary-metadata', 'docs/x.md', 1)]);
    const dlq = r.rows.find((x) => x.rule === 'missing-dlq')!;
    assert.deepEqual([dlq.expected, dlq.tp, dlq.fp, dlq.fn, dlq.ignored], [0, 0, 0, 0, 2]);
    assert.equal(dlq.precision, null);
    assert.equal(dlq.recall, null);
    assert.deepEqual(r.unlabelled, [{ rule: 'summary-metadata', findings: 1 }]);
  });
});
