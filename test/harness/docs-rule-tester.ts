// RuleTester for docs rules, in the shape of typescript-eslint's: valid cases must produce no
// finding, invalid cases exactly the listed (messageId, path, line) triples. Each case is a
// node:test `it` under `describe(<rule id>)`, so a failure names the rule and the case.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { buildArtifactModel } from '../../src/artifacts/model.js';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import { runDocsRules } from '../../src/review/docs-runner.js';
import type { DocsRule } from '../../src/review/rule.js';
import type { RawFinding, Severity } from '../../src/review/types.js';

export type FileTree = Record<string, string>;

export interface DocsRuleValidCase {
  name: string;
  /** Head tree: repository path -> file text. */
  files: FileTree;
  /** Base tree; when given the rule sees it as `other`. */
  baseFiles?: FileTree;
  /** Extra head paths that exist but are not loaded (link targets). */
  extraPaths?: string[];
  config?: Config;
  /** A case whose files are meant not to parse; otherwise a skipped file fails the case. */
  allowSkipped?: boolean;
}

export interface ExpectedError {
  messageId: string;
  path: string;
  line: number;
  endLine?: number;
  severity?: Severity;
}

export interface DocsRuleInvalidCase extends DocsRuleValidCase {
  errors: ExpectedError[];
}

export interface DocsRuleCases {
  valid: DocsRuleValidCase[];
  invalid: DocsRuleInvalidCase[];
}

export function testDocsRule(rule: DocsRule, cases: DocsRuleCases): void {
  describe(rule.meta.id, () => {
    describe('valid', () => {
      for (const c of cases.valid) it(c.name, () => assertFindings(rule, c, []));
    });
    describe('invalid', () => {
      for (const c of cases.invalid) {
        it(c.name, () => {
          assert.ok(c.errors.length > 0, 'an invalid case must list at least one error');
          assertFindings(rule, c, c.errors);
        });
      }
    });
  });
}

/** Runs the rule on a case the way the engine does and returns everything it reported. */
export function runRuleOnCase(rule: DocsRule, c: DocsRuleValidCase): RawFinding[] {
  const model = buildArtifactModel(entries(c.files), { allPaths: [...Object.keys(c.files), ...(c.extraPaths ?? [])], side: 'head' });
  if (!c.allowSkipped) assert.deepEqual(model.skipped, [], 'a fixture file did not parse');
  const other = c.baseFiles ? buildArtifactModel(entries(c.baseFiles), { side: 'base' }) : null;
  const result = runDocsRules([rule], { side: 'head', model, other, config: c.config ?? defaultConfig });
  assert.deepEqual(result.errors, [], 'the rule threw');
  return [...result.findings, ...result.suppressionProblems];
}

function assertFindings(rule: DocsRule, c: DocsRuleValidCase, expected: ExpectedError[]): void {
  const actual = runRuleOnCase(rule, c);
  for (const finding of actual) {
    assert.doesNotMatch(finding.message, /\{\w+\}/, `message "${finding.messageId}" has an unfilled placeholder`);
  }
  const actualKeys = actual.map((f) => ({ messageId: f.messageId, path: f.location.path, line: f.location.startLine })).sort(byPosition);
  const expectedKeys = expected.map(({ messageId, path, line }) => ({ messageId, path, line })).sort(byPosition);
  assert.deepEqual(actualKeys.map(describeKey), expectedKeys.map(describeKey), 'findings differ (path:line messageId)');

  for (const e of expected) {
    const match = actual.find((f) => f.messageId === e.messageId && f.location.path === e.path && f.location.startLine === e.line)!;
    if (e.endLine !== undefined) assert.equal(match.location.endLine, e.endLine, `endLine of ${describeKey(e)}`);
    if (e.severity !== undefined) assert.equal(match.severity, e.severity, `severity of ${describeKey(e)}`);
  }
}

type Key = { messageId: string; path: string; line: number };

const byPosition = (a: Key, b: Key) => a.path.localeCompare(b.path) || a.line - b.line || a.messageId.localeCompare(b.messageId);
const describeKey = (k: Key) => `${k.path}:${k.line} ${k.messageId}`;
const entries = (tree: FileTree) => Object.entries(tree).map(([path, text]) => ({ path, text }));

/** Reads a fixture folder into a tree keyed by path relative to the folder (`docs/features/...`). */
export function readFixtureTree(folder: string | URL): FileTree {
  const root = folder instanceof URL ? fileURLToPath(folder) : folder;
  const tree: FileTree = {};
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) visit(full);
      else tree[relative(root, full).split(sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  visit(root);
  return tree;
}

/** The example feature of artifacts.md §10, shared by every docs rule's all-pass case. */
export const LOYALTY_POINTS_FIXTURE = new URL('../../fixtures/artifacts/loyalty-points/', import.meta.url);
