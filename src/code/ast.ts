// Small AST helpers shared by the code model and code rules.
import type { TSESTree } from '@typescript-eslint/typescript-estree';

export type FunctionLike =
  | TSESTree.FunctionDeclaration
  | TSESTree.FunctionExpression
  | TSESTree.ArrowFunctionExpression;

export type CallLike = TSESTree.CallExpression | TSESTree.NewExpression | TSESTree.TaggedTemplateExpression;

export function parentOf(node: TSESTree.Node): TSESTree.Node | undefined {
  return (node as { parent?: TSESTree.Node }).parent;
}

/** A value read off a visitor key that is itself a node (not `null`, a token list or a plain object). */
export function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' && 'range' in value;
}

/** Whether `inner` lies within `outer`'s source range (a node contains itself). */
export function contains(outer: TSESTree.Node, inner: TSESTree.Node): boolean {
  return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}

export function enclosingClass(node: TSESTree.Node): TSESTree.ClassDeclaration | TSESTree.ClassExpression | null {
  let current = parentOf(node);
  while (current) {
    if (current.type === 'ClassDeclaration' || current.type === 'ClassExpression') return current;
    current = parentOf(current);
  }
  return null;
}

/** A parameter's name: `a`, `a = 1`, `private a`; with `rest`, also `...a`. */
export function paramName(param: TSESTree.Node, rest = false): string | null {
  if (param.type === 'Identifier') return param.name;
  if (param.type === 'AssignmentPattern' && param.left.type === 'Identifier') return param.left.name;
  if (param.type === 'TSParameterProperty') return paramName(param.parameter, rest);
  if (rest && param.type === 'RestElement' && param.argument.type === 'Identifier') return param.argument.name;
  return null;
}

export function isFunction(node: TSESTree.Node): node is FunctionLike {
  return (
    node.type === 'FunctionDeclaration' ||
    node.type === 'FunctionExpression' ||
    node.type === 'ArrowFunctionExpression'
  );
}

/** Strips wrappers that do not change which value an expression denotes. */
export function unwrap(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case 'AwaitExpression':
        current = current.argument;
        continue;
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
      case 'TSTypeAssertion':
        current = current.expression;
        continue;
      case 'ChainExpression':
        current = current.expression;
        continue;
      default:
        return current;
    }
  }
}

export function propertyName(node: TSESTree.MemberExpression): string | null {
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  if (node.property.type === 'PrivateIdentifier') return `#${node.property.name}`;
  if (node.property.type === 'Literal' && typeof node.property.value === 'string') return node.property.value;
  return null;
}

export function keyName(key: TSESTree.Node): string | null {
  if (key.type === 'Identifier') return key.name;
  if (key.type === 'Literal' && typeof key.value === 'string') return key.value;
  if (key.type === 'PrivateIdentifier') return `#${key.name}`;
  return null;
}

/** The object property `name` of an object literal, if the expression is one. */
export function objectProperty(node: TSESTree.Node | undefined, name: string): TSESTree.Node | null {
  if (!node) return null;
  const target = unwrap(node);
  if (target.type !== 'ObjectExpression') return null;
  for (const prop of target.properties) {
    if (prop.type === 'Property' && keyName(prop.key) === name) return prop.value;
  }
  return null;
}

export function calleeOf(call: CallLike): TSESTree.Node {
  return call.type === 'TaggedTemplateExpression' ? call.tag : call.callee;
}

export function argumentsOf(call: CallLike): TSESTree.Node[] {
  return call.type === 'TaggedTemplateExpression' ? [call.quasi] : (call.arguments as TSESTree.Node[]);
}

/** Source text with all whitespace removed: the line-independent part of a fingerprint anchor. */
export function normalizedText(text: string, node: TSESTree.Node): string {
  return text.slice(node.range[0], node.range[1]).replace(/\s+/g, '');
}

/** A short human name for a callee: `prisma.order.create`, `this.producer.send`. */
export function calleeText(text: string, call: CallLike): string {
  const callee = calleeOf(call);
  const raw = text.slice(callee.range[0], callee.range[1]).replace(/\s+/g, '');
  return raw.length > 80 ? `${raw.slice(0, 77)}...` : raw;
}

export function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[-\s]+/g, '_')
    .toLowerCase();
}

/** The items whose node lies inside `root`, from items sorted by their node's start: a binary search, then a scan. */
export function nodesWithin<T>(sorted: readonly T[], root: TSESTree.Node, nodeOf: (item: T) => TSESTree.Node): T[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (nodeOf(sorted[mid]!).range[0] < root.range[0]) lo = mid + 1;
    else hi = mid;
  }
  const out: T[] = [];
  for (let i = lo; i < sorted.length && nodeOf(sorted[i]!).range[0] <= root.range[1]; i++) {
    if (nodeOf(sorted[i]!).range[1] <= root.range[1]) out.push(sorted[i]!);
  }
  return out;
}

/** The name a call's result is kept under: `const t = await db.transaction()`, `lock = await redlock.acquire(…)`. */
export function resultName(call: CallLike): string | null {
  let node: TSESTree.Node = call;
  let parent = parentOf(node);
  while (parent && (parent.type === 'AwaitExpression' || parent.type === 'TSAsExpression' || parent.type === 'TSNonNullExpression')) {
    node = parent;
    parent = parentOf(parent);
  }
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  if (parent?.type === 'AssignmentExpression' && parent.left.type === 'Identifier') return parent.left.name;
  return null;
}
