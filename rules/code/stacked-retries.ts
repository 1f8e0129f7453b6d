// rules.md rule 40: several retry layers wrap the same call, so attempts multiply with no shared budget.
// Detection 1 (a retry construct around a client or construct that retries by itself) lives here;
// detection 2 (in-handler retries under broker redelivery) needs the consumer entry points of
// src/code/handlers.ts.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeText, contains, nodesWithin, parentOf, type CallLike } from '../../src/code/ast.js';
import type { CodeModel } from '../../src/code/model.js';
import { constructAnchor, findRetries, retryLayerOf, type RetryConstruct, type RetryLayer } from '../../src/code/retries.js';
import { createCodeRule } from '../../src/review/rule.js';

interface Site {
  node: TSESTree.Node;
  roots: TSESTree.Node[];
}

interface Inner {
  layer: RetryLayer;
  via: CallLike | TSESTree.Node;
}

export default createCodeRule({
  meta: {
    id: 'stacked-retries',
    kind: 'code',
    severity: 'Important',
    precision: 'Medium',
    systemTag: false,
    checklist: ['R4', 'D4'],
    antiPattern: 'retry-storm',
    failureModes: ['retry-storm'],
    pattern: 'One retry layer with a shared retry budget',
    description: 'Several retry layers wrap the same call, so attempts multiply and no single budget bounds the load.',
    messages: {
      stackedRetries:
        'Stacked retries at {loc}: {outer} wraps {inner}; up to {product} attempts per {unit} with no shared retry ' +
        'budget. Keep one retry layer (or a shared budget) and disable the others.',
    },
  },
  create(context) {
    const { model } = context;
    return {
      'Program:exit'() {
        const constructs = findRetries(model);
        // Sorted once, so each layer finds what lies inside it by binary search: scanning every call
        // for every layer was quadratic (a file of 7,500 retry loops took 14.5 s).
        const index: Index = {
          calls: [...model.calls].sort((a, b) => a.range[0] - b.range[0]),
          constructs: [...constructs].sort((a, b) => a.node.range[0] - b.node.range[0]),
          order: new Map(constructs.map((c, i) => [c, i] as const)),
        };
        for (const outer of constructs) {
          if (outer.kind !== 'wrapper' && outer.kind !== 'loop' && outer.kind !== 'recursion') continue;
          if (outer.attempts !== null && outer.attempts <= 1) continue;
          for (const site of sitesOf(outer)) {
            const inners = innerLayers(model, index, outer, site);
            const first = inners[0];
            if (!first) continue;
            const inner = first.layer;
            context.report({
              node: site.node,
              messageId: 'stackedRetries',
              data: {
                loc: `${context.path}:${model.line(site.node)}`,
                outer: `${outer.description} (${attemptsLabel(outer.attempts, outer.bound)})`,
                inner: `${inner.description} (${attemptsLabel(inner.attempts, inner.bound)})${first.via !== inner.node && isCall(first.via) ? ` through ${calleeText(model.text, first.via)}` : ''}`,
                product: product(outer, inner),
                unit: 'call',
              },
              variant: 'nested-retry-layers',
              anchor: site.node === outer.node ? constructAnchor(model, outer) : `${constructAnchor(model, outer)}|${calleeText(model.text, site.node as CallLike)}`,
              related: inners.map(({ layer }) => ({
                path: context.path,
                line: model.line(layer.node),
                note: `inner retry layer: ${layer.description}`,
              })),
            });
          }
        }
      },
    };
  },
});

function isCall(node: TSESTree.Node): node is CallLike {
  return node.type === 'CallExpression' || node.type === 'NewExpression';
}

/** Where the outer layer runs its retried code: each run of a wrapper, or the loop's retried block. */
function sitesOf(outer: RetryConstruct): Site[] {
  if (outer.kind === 'wrapper') {
    return outer.runs.filter((run) => run.fn).map((run) => ({ node: run.call, roots: [run.fn!.body] }));
  }
  const attempt = outer.handler ? parentOf(outer.handler) : null;
  if (attempt?.type === 'TryStatement') return [{ node: outer.node, roots: [attempt.block] }];
  if (outer.kind === 'loop' && 'body' in outer.node) return [{ node: outer.node, roots: [(outer.node as TSESTree.WhileStatement).body] }];
  return [];
}

/** Retry layers reached from the site: directly, through nested constructs, or one local helper hop. */
function innerLayers(model: CodeModel, index: Index, outer: RetryConstruct, site: Site): Inner[] {
  const found: Inner[] = [];
  const seen = new Set<TSESTree.Node>();
  const add = (layer: RetryLayer | null, via: TSESTree.Node) => {
    if (!layer || layer.construct === outer || seen.has(layer.node)) return;
    // rules.md rule 40 item 4: a layer with a single attempt does not stack.
    if (layer.attempts !== null && layer.attempts <= 1) return;
    seen.add(layer.node);
    found.push({ layer, via });
  };
  const scan = (roots: TSESTree.Node[], hops: number) => {
    const calls = inside(index.calls, roots, (call) => call);
    // Calls inside a nested retry construct belong to that construct's own check.
    const nested = inside(index.constructs, roots, (c) => c.node)
      .filter((c) => c !== outer && c.kind !== 'client' && c.kind !== 'job')
      .sort((a, b) => index.order.get(a)! - index.order.get(b)!);
    const owned = (call: CallLike) => nested.some((c) =>
      (c.kind === 'wrapper' && c.runs.some((r) => r.fn && contains(r.fn.body, call))) ||
      ((c.kind === 'loop' || c.kind === 'recursion') && contains(c.node, call) && c.node !== call));
    for (const loop of nested.filter((c) => c.kind === 'loop' || c.kind === 'recursion')) {
      add({ library: loop.library, description: loop.description, bound: loop.bound, attempts: loop.attempts, node: loop.node, construct: loop }, loop.node);
    }
    for (const call of calls) {
      if (owned(call)) continue;
      add(retryLayerOf(model, call), call);
    }
    if (hops > 0) {
      for (const call of calls) {
        if (owned(call)) continue;
        const helper = model.calleeFunction(call);
        if (!helper || roots.some((root) => contains(root, helper))) continue;
        const before = found.length;
        scan([helper.body], hops - 1);
        for (const inner of found.slice(before)) inner.via = call;
      }
    }
  };
  scan(site.roots, 1);
  return found;
}

interface Index {
  calls: CallLike[];
  constructs: RetryConstruct[];
  /** findRetries' order, which decides which inner layer a report names first. */
  order: Map<RetryConstruct, number>;
}

/** The items (sorted by their node's start) whose node lies inside any of `roots`, in source order, once each. */
function inside<T>(sorted: T[], roots: TSESTree.Node[], nodeOf: (item: T) => TSESTree.Node): T[] {
  if (roots.length === 1) return nodesWithin(sorted, roots[0]!, nodeOf);
  const found = new Set<T>();
  for (const root of roots) for (const hit of nodesWithin(sorted, root, nodeOf)) found.add(hit);
  return [...found].sort((a, b) => nodeOf(a).range[0] - nodeOf(b).range[0]);
}

function attemptsLabel(attempts: number | null, bound: RetryLayer['bound']): string {
  if (bound === 'unbounded') return 'unbounded attempts';
  if (attempts === null) return 'an unknown number of attempts';
  const byDefault = typeof bound === 'string' && bound.startsWith('default:') ? ' by default' : '';
  return `${attempts} attempt${attempts === 1 ? '' : 's'}${byDefault}`;
}

function product(outer: RetryConstruct, inner: RetryLayer): string {
  if (outer.bound === 'unbounded' || inner.bound === 'unbounded') return 'infinitely many';
  if (outer.attempts !== null && inner.attempts !== null) return `${outer.attempts} x ${inner.attempts} = ${outer.attempts * inner.attempts}`;
  const known = outer.attempts ?? inner.attempts;
  return known !== null ? `a multiple of ${known}` : 'a multiple of both layers\' attempts';
}
