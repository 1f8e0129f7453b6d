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
    for (const key in map) {
      const fn = map[key];
      if (!fn) continue;
      const colon = key.indexOf(':');
      const type = colon === -1 ? key : key.slice(0, colon);
      const target = colon !== -1 && key.slice(colon + 1) === 'exit' ? exit : enter;
      const list = target.get(type);
      if (list) list.push(fn);
      else target.set(type, [fn]);
    }
  }
  // `*` listeners are merged into every type's list up front, so a node costs one lookup per phase.
  const anyEnter = enter.get('*') ?? [];
  const anyExit = exit.get('*') ?? [];
  enter.delete('*');
  exit.delete('*');
  const resolved = (table: Map<string, NodeListener[]>, any: NodeListener[]) => {
    const cache = new Map<string, NodeListener[] | null>();
    return (type: string): NodeListener[] | null => {
      let fns = cache.get(type);
      if (fns === undefined) {
        const own = table.get(type) ?? [];
        fns = own.length + any.length > 0 ? [...own, ...any] : null;
        cache.set(type, fns);
      }
      return fns;
    };
  };
  const enterFor = resolved(enter, anyEnter);
  const exitFor = resolved(exit, anyExit);
  // Index loops rather than for-of: this runs for every node of every file and must not allocate.
  const visit = (node: TSESTree.Node, parent: TSESTree.Node | undefined, depth: number): void => {
    if (depth > MAX_DEPTH) throw new TraversalTooDeep();
    if (parent) (node as { parent?: TSESTree.Node }).parent = parent;
    const type = node.type;
    const onEnter = enterFor(type);
    if (onEnter) for (let i = 0; i < onEnter.length; i++) onEnter[i]!(node);
    const keys = visitorKeys[type];
    if (keys) {
      for (let k = 0; k < keys.length; k++) {
        const child = (node as unknown as Record<string, unknown>)[keys[k]!];
        if (Array.isArray(child)) {
          for (let i = 0; i < child.length; i++) {
            const item = child[i] as unknown;
            if (isNode(item)) visit(item, node, depth + 1);
          }
        } else if (isNode(child)) {
          visit(child, node, depth + 1);
        }
      }
    }
    const onExit = exitFor(type);
    if (onExit) for (let i = 0; i < onExit.length; i++) onExit[i]!(node);
  };
  visit(root, undefined, 0);
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
