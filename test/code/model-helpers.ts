// Shared builders for the code-model tests: parse a snippet, run the one traversal, and find calls
// by their callee text so assertions read like the code under test.
import { compilePattern } from '../../src/config/patterns.js';
import assert from 'node:assert/strict';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeText, type CallLike } from '../../src/code/ast.js';
import { CodeModel, type CodeModelOptions } from '../../src/code/model.js';
import { parseCode } from '../../src/code/parse.js';
import { traverse } from '../../src/code/traverse.js';

export const baseOptions: CodeModelOptions = {
  wrappers: { publish: [], dbWrite: [] },
  outboxPattern: compilePattern('(?i)outbox'),
  envPrefixPattern: compilePattern('^(dev|staging|prod)[.-]'),
};

export function build(text: string, path = 'src/service.ts', options: Partial<CodeModelOptions> = {}): CodeModel {
  const parsed = parseCode(path, text);
  assert.ok(parsed.ok, `snippet did not parse: ${parsed.ok ? '' : parsed.detail}`);
  const model = new CodeModel(parsed.ast, path, text, { ...baseOptions, ...options });
  traverse(parsed.ast, [model.collector()]);
  return model;
}

/** Callee text, not node identity, so tests stay readable; source order makes `nth` stable. */
export function callsNamed(model: CodeModel, callee: string): CallLike[] {
  return model.calls
    .filter((c) => calleeText(model.text, c) === callee)
    .sort((a, b) => a.range[0] - b.range[0]);
}

export function call(model: CodeModel, callee: string, nth = 0): CallLike {
  const found = callsNamed(model, callee)[nth];
  assert.ok(found, `no call #${nth} of ${callee}; calls: ${model.calls.map((c) => calleeText(model.text, c)).join(', ')}`);
  return found;
}

export function receiver(c: CallLike): TSESTree.Node {
  const callee = c.type === 'TaggedTemplateExpression' ? c.tag : c.callee;
  assert.equal(callee.type, 'MemberExpression', 'call has no receiver');
  return (callee as TSESTree.MemberExpression).object;
}

/** Roles are asked of use sites, so tests pick the nth occurrence of a name rather than its declaration. */
export function identifier(model: CodeModel, name: string, nth = 0): TSESTree.Identifier {
  const found: TSESTree.Identifier[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; name?: string };
    if (n.type === 'Identifier' && n.name === name) found.push(node as TSESTree.Identifier);
    for (const [key, value] of Object.entries(node)) {
      if (key === 'parent' || key === 'loc' || key === 'range') continue;
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object' && 'type' in value) visit(value);
    }
  };
  visit(model.program);
  found.sort((a, b) => a.range[0] - b.range[0]);
  assert.ok(found[nth], `no identifier #${nth} named ${name}`);
  return found[nth]!;
}

export function effectsAt(model: CodeModel, callee: string, nth = 0) {
  return model.effectsOf(call(model, callee, nth));
}
