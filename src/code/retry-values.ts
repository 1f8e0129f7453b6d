// Local value resolution for the retry analysis (rules.md §2.8): which declaration a name binds to,
// which expression a value was built from (`const policy = retry(...)`, `this.http = axios.create()`),
// literal numbers, booleans and option objects (with spreads). Pure functions over a CodeModel; the
// indexes are cached per model and only read after the traversal finished (rules call at Program:exit).
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { visitorKeys } from '@typescript-eslint/visitor-keys';
import { enclosingClass, isFunction, isNode, keyName, parentOf, propertyName, unwrap, type FunctionLike } from './ast.js';
import type { CodeModel } from './model.js';

export type Binding =
  | { kind: 'param'; fn: FunctionLike; index: number; node: TSESTree.Node }
  | { kind: 'var'; decl: TSESTree.VariableDeclarator }
  | { kind: 'function'; fn: TSESTree.FunctionDeclaration }
  | { kind: 'catch'; clause: TSESTree.CatchClause }
  | { kind: 'import' };

interface Index {
  declarators: Map<string, TSESTree.VariableDeclarator[]>;
  functions: Map<string, TSESTree.FunctionDeclaration[]>;
}

const indexes = new WeakMap<CodeModel, Index>();

/** Children in source order; `parent` is never followed. */
export function childrenOf(node: TSESTree.Node): TSESTree.Node[] {
  const out: TSESTree.Node[] = [];
  for (const key of visitorKeys[node.type] ?? []) {
    const child = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(child)) {
      for (const item of child) if (isNode(item)) out.push(item);
    } else if (isNode(child)) {
      out.push(child);
    }
  }
  return out;
}

/**
 * Pre-order walk below `root`. `enter` returning false skips the node's subtree. Nested functions
 * are entered unless `intoFunctions` is false.
 */
export function walk(
  root: TSESTree.Node,
  enter: (node: TSESTree.Node) => boolean | void,
  options: { intoFunctions?: boolean } = {},
): void {
  const intoFunctions = options.intoFunctions ?? true;
  const stack: TSESTree.Node[] = [];
  pushChildren(root, stack);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (enter(node) === false) continue;
    if (!intoFunctions && isFunction(node)) continue;
    pushChildren(node, stack);
  }
}

/** Pushes the children of `node` in reverse, so they pop in source order (no array per node). */
function pushChildren(node: TSESTree.Node, stack: TSESTree.Node[]): void {
  const keys = visitorKeys[node.type];
  if (!keys) return;
  for (let k = keys.length - 1; k >= 0; k -= 1) {
    const child = (node as unknown as Record<string, unknown>)[keys[k]!];
    if (Array.isArray(child)) {
      for (let i = child.length - 1; i >= 0; i -= 1) if (isNode(child[i])) stack.push(child[i] as TSESTree.Node);
    } else if (isNode(child)) {
      stack.push(child);
    }
  }
}

/** Every node from `root` down matching the predicate, in source order. */
export function findAll<T extends TSESTree.Node>(
  root: TSESTree.Node,
  predicate: (node: TSESTree.Node) => node is T,
  options: { intoFunctions?: boolean } = {},
): T[] {
  const out: T[] = [];
  if (predicate(root)) out.push(root);
  if (options.intoFunctions === false && isFunction(root)) return out;
  walk(root, (node) => {
    if (predicate(node)) out.push(node);
  }, options);
  return out;
}

function indexOf(model: CodeModel): Index {
  let index = indexes.get(model);
  if (index) return index;
  index = { declarators: new Map(), functions: new Map() };
  const built = index;
  // From the model's own traversal: identifier declarators and named function declarations, in source order.
  for (const node of model.allDeclarators) {
    if (node.id.type !== 'Identifier') continue;
    const list = built.declarators.get(node.id.name) ?? [];
    list.push(node);
    built.declarators.set(node.id.name, list);
  }
  for (const node of model.functions) {
    if (node.type !== 'FunctionDeclaration' || !node.id) continue;
    const list = built.functions.get(node.id.name) ?? [];
    list.push(node);
    built.functions.set(node.id.name, list);
  }
  if (model.complete) indexes.set(model, index);
  return index;
}

/** The function (or the program) whose scope a declaration belongs to. */
function ownerOf(node: TSESTree.Node): TSESTree.Node {
  let current = parentOf(node);
  while (current && !isFunction(current) && current.type !== 'Program') current = parentOf(current);
  return current ?? node;
}

/** Names a destructuring pattern binds: `{ data, attempt = 0 }` gives data and attempt. */
export function patternNames(pattern: TSESTree.Node): string[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name];
    case 'AssignmentPattern':
      return patternNames(pattern.left);
    case 'TSParameterProperty':
      return patternNames(pattern.parameter);
    case 'RestElement':
      return patternNames(pattern.argument);
    case 'ArrayPattern':
      return pattern.elements.flatMap((e) => (e ? patternNames(e) : []));
    case 'ObjectPattern':
      return pattern.properties.flatMap((p) => (p.type === 'Property' ? patternNames(p.value) : patternNames(p)));
    default:
      return [];
  }
}

/** The declaration an identifier use refers to, innermost scope first. */
export function bindingOf(model: CodeModel, id: TSESTree.Identifier): Binding | null {
  const name = id.name;
  const index = indexOf(model);
  let current: TSESTree.Node | undefined = parentOf(id);
  while (current) {
    if (current.type === 'CatchClause' && current.param && patternNames(current.param).includes(name)) {
      return { kind: 'catch', clause: current };
    }
    if (isFunction(current) || current.type === 'Program') {
      const scope = current;
      if (isFunction(scope)) {
        const paramIndex = scope.params.findIndex((p) => patternNames(p).includes(name));
        if (paramIndex >= 0) return { kind: 'param', fn: scope, index: paramIndex, node: scope.params[paramIndex]! };
        if (scope.type === 'FunctionExpression' && scope.id?.name === name) return null;
      }
      const decl = (index.declarators.get(name) ?? []).find((d) => ownerOf(d) === scope);
      if (decl) return { kind: 'var', decl };
      const fn = (index.functions.get(name) ?? []).find((f) => ownerOf(f) === scope);
      if (fn) return { kind: 'function', fn };
    }
    current = parentOf(current);
  }
  return model.imports.has(name) ? { kind: 'import' } : null;
}

/** Assignments `name = value` to a local binding, anywhere in the binding's scope. */
export function assignmentsTo(model: CodeModel, id: TSESTree.Identifier): TSESTree.AssignmentExpression[] {
  const binding = bindingOf(model, id);
  if (!binding || binding.kind === 'import') return [];
  const scope = binding.kind === 'var' ? ownerOf(binding.decl) : binding.kind === 'param' ? binding.fn : binding.kind === 'function' ? ownerOf(binding.fn) : binding.clause;
  return findAll(scope, (n): n is TSESTree.AssignmentExpression =>
    n.type === 'AssignmentExpression' && n.left.type === 'Identifier' && n.left.name === id.name);
}

/** What a `this.x` field holds: its initialiser or the first `this.x = ...` in the class. */
export function thisFieldValue(member: TSESTree.MemberExpression): TSESTree.Node | null {
  const name = propertyName(member);
  const cls = enclosingClass(member);
  if (!name || !cls) return null;
  for (const element of cls.body.body) {
    if (element.type === 'PropertyDefinition' && keyName(element.key) === name && element.value) return element.value;
  }
  let found: TSESTree.Node | null = null;
  walk(cls.body, (node) => {
    if (found) return false;
    if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') return false;
    if (
      node.type === 'AssignmentExpression' && node.operator === '=' && node.left.type === 'MemberExpression' &&
      node.left.object.type === 'ThisExpression' && propertyName(node.left) === name
    ) {
      found = node.right;
    }
    return undefined;
  });
  return found;
}

/** A class method reached through `this.name` from inside the class. */
export function thisMethod(member: TSESTree.MemberExpression): FunctionLike | null {
  const name = propertyName(member);
  const cls = enclosingClass(member);
  if (!name || !cls) return null;
  for (const element of cls.body.body) {
    if (element.type === 'MethodDefinition' && keyName(element.key) === name) return element.value as FunctionLike;
    if (element.type === 'PropertyDefinition' && keyName(element.key) === name && element.value && isFunction(element.value)) {
      return element.value;
    }
  }
  return null;
}

/**
 * The expression a value was built from: follows local declarators, `this.x` fields and members of
 * const object literals. Stops at parameters, imports and anything computed.
 */
export function originOf(model: CodeModel, node: TSESTree.Node, depth = 0): TSESTree.Node {
  const target = unwrap(node);
  if (depth > 8) return target;
  if (target.type === 'Identifier') {
    const binding = bindingOf(model, target);
    if (binding?.kind === 'var' && binding.decl.init) return originOf(model, binding.decl.init, depth + 1);
    return target;
  }
  if (target.type === 'MemberExpression') {
    if (target.object.type === 'ThisExpression') {
      const value = thisFieldValue(target);
      return value ? originOf(model, value, depth + 1) : target;
    }
    const name = propertyName(target);
    const object = originOf(model, target.object, depth + 1);
    if (name && object.type === 'ObjectExpression') {
      const found = option(model, object, name, depth + 1);
      if (found.state === 'present') return originOf(model, found.value, depth + 1);
    }
  }
  return target;
}

/** A function a value denotes: a literal function, a local function name, `this.m`, `f.bind(x)`. */
export function functionOf(model: CodeModel, node: TSESTree.Node, depth = 0): FunctionLike | null {
  const target = unwrap(node);
  if (depth > 6) return null;
  if (isFunction(target)) return target;
  if (target.type === 'CallExpression' && target.callee.type === 'MemberExpression' && propertyName(target.callee) === 'bind') {
    return functionOf(model, target.callee.object, depth + 1);
  }
  if (target.type === 'Identifier') {
    const binding = bindingOf(model, target);
    if (binding?.kind === 'function') return binding.fn;
    if (binding?.kind === 'var' && binding.decl.init) return functionOf(model, binding.decl.init, depth + 1);
    return null;
  }
  if (target.type === 'MemberExpression' && target.object.type === 'ThisExpression') {
    const method = thisMethod(target);
    if (method) return method;
    const value = thisFieldValue(target);
    return value ? functionOf(model, value, depth + 1) : null;
  }
  return null;
}

export type OptionLookup =
  | { state: 'absent' }
  | { state: 'unknown' }
  | { state: 'present'; value: TSESTree.Node; property: TSESTree.Node };

/**
 * One property of an options object. `absent` when there is no options object or it lacks the key;
 * `unknown` when the object cannot be read (a parameter, a call result, an unresolved spread).
 */
export function option(model: CodeModel, node: TSESTree.Node | null | undefined, name: string, depth = 0): OptionLookup {
  if (!node) return { state: 'absent' };
  const raw = unwrap(node);
  if (raw.type === 'Identifier' && raw.name === 'undefined') return { state: 'absent' };
  const target = originOf(model, raw, depth + 1);
  if (target.type !== 'ObjectExpression') return { state: 'unknown' };
  for (let i = target.properties.length - 1; i >= 0; i -= 1) {
    const prop = target.properties[i]!;
    if (prop.type === 'SpreadElement') {
      if (depth > 6) return { state: 'unknown' };
      const inner = option(model, prop.argument, name, depth + 1);
      if (inner.state !== 'absent') return inner;
      continue;
    }
    if (prop.computed) {
      const key = prop.key.type === 'Literal' ? keyName(prop.key) : null;
      if (key === null) return { state: 'unknown' };
      if (key === name) return { state: 'present', value: prop.value, property: prop };
      continue;
    }
    if (keyName(prop.key) === name) return { state: 'present', value: prop.value, property: prop };
  }
  return { state: 'absent' };
}

const INFINITE_MEMBERS = new Set(['POSITIVE_INFINITY', 'MAX_SAFE_INTEGER', 'MAX_VALUE']);

/** A number a node denotes when it is a literal or a constant expression; `Infinity` included. */
export function numberValue(model: CodeModel, node: TSESTree.Node | null | undefined, depth = 0): number | null {
  if (!node || depth > 8) return null;
  const target = unwrap(node);
  switch (target.type) {
    case 'Literal':
      return typeof target.value === 'number' ? target.value : null;
    case 'Identifier': {
      if (target.name === 'Infinity') return bindingOf(model, target) ? null : Infinity;
      const binding = bindingOf(model, target);
      if (binding?.kind === 'var' && binding.decl.init && (parentOf(binding.decl) as TSESTree.VariableDeclaration | undefined)?.kind === 'const') {
        return numberValue(model, binding.decl.init, depth + 1);
      }
      return null;
    }
    case 'MemberExpression': {
      const name = propertyName(target);
      if (target.object.type === 'Identifier' && target.object.name === 'Number' && name && INFINITE_MEMBERS.has(name)) return Infinity;
      const origin = originOf(model, target, depth + 1);
      return origin === target ? null : numberValue(model, origin, depth + 1);
    }
    case 'UnaryExpression': {
      const inner = numberValue(model, target.argument, depth + 1);
      if (inner === null) return null;
      return target.operator === '-' ? -inner : target.operator === '+' ? inner : null;
    }
    case 'BinaryExpression': {
      if (target.left.type === 'PrivateIdentifier') return null;
      const left = numberValue(model, target.left, depth + 1);
      const right = numberValue(model, target.right, depth + 1);
      if (left === null || right === null) return null;
      switch (target.operator) {
        case '+': return left + right;
        case '-': return left - right;
        case '*': return left * right;
        case '/': return right === 0 ? null : left / right;
        case '**': return left ** right;
        default: return null;
      }
    }
    default:
      return null;
  }
}

/** A boolean literal (or a const bound to one). */
export function booleanValue(model: CodeModel, node: TSESTree.Node | null | undefined, depth = 0): boolean | null {
  if (!node || depth > 6) return null;
  const target = unwrap(node);
  if (target.type === 'Literal' && typeof target.value === 'boolean') return target.value;
  if (target.type === 'UnaryExpression' && target.operator === '!') {
    const inner = booleanValue(model, target.argument, depth + 1);
    if (inner !== null) return !inner;
    const num = numberValue(model, target.argument, depth + 1);
    return num === null ? null : num === 0;
  }
  if (target.type === 'Identifier') {
    // Only constants: `let done = false` is a flag that changes, not a literal.
    const binding = bindingOf(model, target);
    if (binding?.kind === 'var' && binding.decl.init && (parentOf(binding.decl) as TSESTree.VariableDeclaration | undefined)?.kind === 'const') {
      return booleanValue(model, binding.decl.init, depth + 1);
    }
    return null;
  }
  // `this.running = true` is state that changes; only members of constant objects are literals.
  if (target.type === 'MemberExpression' && target.object.type !== 'ThisExpression') {
    const origin = originOf(model, target, depth + 1);
    return origin === target ? null : booleanValue(model, origin, depth + 1);
  }
  return null;
}

/** An import a callee or value resolves to, with a default export read as the bare module. */
export function moduleRef(model: CodeModel, node: TSESTree.Node): { module: string; path: string[] } | null {
  const value = model.valueOf(node);
  if (value?.kind !== 'module') return null;
  const module = value.module.replace(/^node:/, '');
  const path = value.path[0] === 'default' ? value.path.slice(1) : value.path;
  return { module, path };
}

export function isModuleMember(model: CodeModel, node: TSESTree.Node, modules: readonly string[], path: readonly string[]): boolean {
  const ref = moduleRef(model, node);
  return ref !== null && modules.includes(ref.module) && ref.path.length === path.length && ref.path.every((p, i) => p === path[i]);
}

/** The name a call is made by: `sleep` for `sleep(1)` and `this.sleep(1)`. */
export function calleeName(callee: TSESTree.Node): string | null {
  const target = unwrap(callee);
  if (target.type === 'Identifier') return target.name;
  if (target.type === 'MemberExpression') return propertyName(target);
  return null;
}

