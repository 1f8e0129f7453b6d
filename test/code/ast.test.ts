import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { isFunction, nodesWithin } from '../../src/code/ast.js';
import { build } from './model-helpers.js';

describe('nodesWithin', () => {
  const contains = (outer: TSESTree.Node, inner: TSESTree.Node) => outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];

  it('finds the same calls inside each function as a scan of every call, in the same order', () => {
    const model = build(`
export async function outer(c: any) {
  await c.a(c.b(), () => c.c());
  for (;;) { try { await c.d(); break; } catch { await inner(c)(c.e()); } }
  function inner(x: any) { return x.f(x.g()); }
}
const top = f(g(h()), (y: any) => y.i());
`);
    const sorted = [...model.calls].sort((a, b) => a.range[0] - b.range[0]);
    const roots: TSESTree.Node[] = [model.program];
    const collect = (node: TSESTree.Node) => {
      if (isFunction(node)) roots.push(node);
      for (const value of Object.values(node)) {
        if (value && typeof value === 'object' && value !== node.parent) {
          for (const child of Array.isArray(value) ? value : [value]) if (child && typeof child.type === 'string') collect(child);
        }
      }
    };
    collect(model.program);
    assert.ok(roots.length >= 5, `${roots.length} roots`);
    for (const root of roots) {
      const expected = sorted.filter((call) => contains(root, call));
      assert.deepEqual(nodesWithin(sorted, root, (call) => call), expected);
    }
    assert.equal(nodesWithin(sorted, model.program, (call) => call).length, model.calls.length);
  });

  it('returns nothing for a root with no calls and for an empty list', () => {
    const model = build('const a = 1;\nexport function f(c: any) { return c.g(); }\n');
    const sorted = [...model.calls];
    const declaration = model.program.body[0]!;
    assert.deepEqual(nodesWithin(sorted, declaration, (call) => call), []);
    assert.deepEqual(nodesWithin([], model.program, (call: TSESTree.Node) => call), []);
  });
});
