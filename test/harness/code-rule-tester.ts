// RuleTester for code rules, in the shape of typescript-eslint's: each valid case must produce no
// finding; each invalid case must produce exactly the listed findings (message id and position).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import { runCodeRules } from '../../src/review/code-runner.js';
import type { CodeRule } from '../../src/review/rule.js';
import type { RawFinding } from '../../src/review/types.js';
import { classifyPath } from '../../src/artifacts/classify.js';

function declaredFromPaths(paths: string[]): Map<string, { feature: string; path: string }> {
  const out = new Map<string, { feature: string; path: string }>();
  for (const path of paths) {
    const c = classifyPath(path);
    if (c?.slug && c.channel && (c.type === 'contract' || c.type === 'asyncapi') && !out.has(c.channel)) out.set(c.channel, { feature: c.slug, path });
  }
  return out;
}

export interface CodeCase {
  name: string;
  code: string;
  filename?: string;
  config?: Partial<Config>;
  /** Other files of the repository, read for helper summaries only. */
  context?: Record<string, string>;
  /** Contract / AsyncAPI paths present in the repository, for code↔contract rules. */
  declaredChannelPaths?: string[];
}

export interface ExpectedError {
  messageId: string;
  line: number;
  column?: number;
  endLine?: number;
  variant?: string;
  precision?: string;
  severity?: string;
}

export interface CodeRuleTests {
  valid: CodeCase[];
  invalid: (CodeCase & { errors: ExpectedError[] })[];
}

export function runCodeCase(rule: CodeRule, c: CodeCase): RawFinding[] {
  const config = { ...defaultConfig, ...(c.config ?? {}) } as Config;
  const path = c.filename ?? 'src/handler.ts';
  const result = runCodeRules([{ path, text: c.code }], [rule], {
    side: 'head',
    config,
    contextFiles: Object.entries(c.context ?? {}).map(([p, text]) => ({ path: p, text })),
    declaredChannels: c.declaredChannelPaths ? declaredFromPaths(c.declaredChannelPaths) : null,
  });
  assert.deepEqual(result.errors, [], `rule crashed: ${result.errors.join('; ')}`);
  assert.deepEqual(result.skipped, [], `case did not parse: ${JSON.stringify(result.skipped)}`);
  return result.findings.filter((f) => f.ruleId === rule.meta.id);
}

function describeFinding(f: RawFinding, expected?: ExpectedError): Record<string, unknown> {
  const out: Record<string, unknown> = { messageId: f.messageId, line: f.location.startLine };
  if (expected?.column !== undefined) out.column = f.location.startColumn;
  if (expected?.endLine !== undefined) out.endLine = f.location.endLine;
  if (expected?.variant !== undefined) out.variant = f.variant;
  if (expected?.precision !== undefined) out.precision = f.precision;
  if (expected?.severity !== undefined) out.severity = f.severity;
  return out;
}

export function testCodeRule(rule: CodeRule, tests: CodeRuleTests): void {
  describe(rule.meta.id, () => {
    describe('valid', () => {
      for (const c of tests.valid) {
        it(c.name, () => {
          const findings = runCodeCase(rule, c);
          assert.deepEqual(findings.map((f) => describeFinding(f)), [], 'expected no findings');
        });
      }
    });
    describe('invalid', () => {
      for (const c of tests.invalid) {
        it(c.name, () => {
          const findings = runCodeCase(rule, c).sort((a, b) => a.location.startLine - b.location.startLine);
          const actual = findings.map((f, i) => describeFinding(f, c.errors[i]));
          const expected = c.errors.map((e) => ({ ...e }));
          assert.deepEqual(actual, expected);
        });
      }
    });
  });
}
