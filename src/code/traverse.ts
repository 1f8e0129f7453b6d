// One traversal per file. Listeners are keyed like ESLint selectors reduced to node types:
// `CallExpression` on enter, `CallExpression:exit` on exit. Parent pointers are set on the way
// down because typescript-estree's plain parse does not set them.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { visitorKeys } from '@typescript-eslint/visitor-keys';

export type NodeListener = (node: TSESTree.Node) => void;
export type ListenerMap = Partial<Record<string, NodeListener>>;

/** Guards against pathological nesting (10,000-deep expressions) blowing the JS stack. */
export const MAX_DEPTH = 2_000;

export class TraversalTooDeep extends Error {
  constructor() {
    super(`syntax tree nesting exceeds ${MAX_DEPTH} levels`);
  }
}

export function traverse(root: TSESTree.Node, listeners: ListenerMap[]): void {
  const enter = new Map<string, NodeListener[]>();
  const exit = new Map<string, NodeListener[]>();
  for (const map of listeners) {
    for (const [key, fn] of Object.entries(map)) {
      if (!fn) continue;
      const [type, phase] = key.split(':');
      const target = phase === 'exit' ? exit : enter;
      const list = target.get(type!) ?? [];
      list.push(fn);
      target.set(type!, list);
    }
  }
  const fire = (table: Map<string, NodeListener[]>, node: TSESTree.Node) => {
    const fns = table.get(node.type);
    if (fns) for (const fn of fns) fn(node);
    const any = table.get('*');
    if (any) for (const fn of any) fn(node);
  };
  const visit = (node: TSESTree.Node, parent: TSESTree.Node | undefined, depth: number): void => {
    if (depth > MAX_DEPTH) throw new TraversalTooDeep();
    if (parent) (node as { parent?: TSESTree.Node }).parent = parent;
    fire(enter, node);
    const keys = visitorKeys[node.type] ?? [];
    for (const key of keys) {
      const child = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(child)) {
        for (const item of child) if (isNode(item)) visit(item, node, depth + 1);
      } else if (isNode(child)) {
        visit(child, node, depth + 1);
      }
    }
    fire(exit, node);
  };
  visit(root, undefined, 0);
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
