// Scope-aware lookups the lock, SQL and cross-file analyses share: where a name is declared, the
// expression a value came from, literal numbers and the text two key expressions have in common.
// The code model keeps its declarator tables private, so this module re-derives them once per model.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { visitorKeys } from '@typescript-eslint/visitor-keys';
import { enclosingClass, isFunction, isNode, keyName, normalizedText, paramName, objectProperty, parentOf, propertyName, unwrap, type FunctionLike } from './ast.js';
import type { CodeModel, ImportBinding } from './model.js';

export type Declaration =
  | { kind: 'param'; fn: FunctionLike; index: number; param: TSESTree.Parameter }
  | { kind: 'var'; decl: TSESTree.VariableDeclarator }
  | { kind: 'import'; binding: ImportBinding }
  | { kind: 'function'; fn: TSESTree.FunctionDeclaration }
  | { kind: 'class'; cls: TSESTree.ClassDeclaration };


/** Depth-first walk over child nodes (parent pointers are not followed). */
export function walk(root: TSESTree.Node, visit: (node: TSESTree.Node) => boolean | void): void {
  const stack: TSESTree.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    const keys = visitorKeys[node.type] ?? [];
    for (let k = keys.length - 1; k >= 0; k--) {
      const child = (node as unknown as Record<string, unknown>)[keys[k]!];
      if (Array.isArray(child)) {
        for (let i = child.length - 1; i >= 0; i--) if (isNode(child[i])) stack.push(child[i] as TSESTree.Node);
      } else if (isNode(child)) {
        stack.push(child);
      }
    }
  }
}

function scopeOf(node: TSESTree.Node): FunctionLike | TSESTree.Program | null {
  let current = parentOf(node);
  while (current && !isFunction(current) && current.type !== 'Program') current = parentOf(current);
  return (current as FunctionLike | TSESTree.Program | undefined) ?? null;
}

/** The declaration an identifier refers to, walking outwards through enclosing function scopes. */
export function declarationOf(model: CodeModel, id: TSESTree.Identifier): Declaration | null {
  const candidates = model.declaratorsNamed(id.name);
  let current = parentOf(id);
  while (current) {
    if (isFunction(current)) {
      const index = current.params.findIndex((p) => paramName(p) === id.name);
      if (index >= 0) return { kind: 'param', fn: current, index, param: current.params[index]! };
      const fn = current;
      const local = candidates.find((d) => scopeOf(d) === fn);
      if (local) return { kind: 'var', decl: local };
      const named = namedDeclarationIn(model, id.name, fn);
      if (named) return named;
    }
    current = parentOf(current);
  }
  const top = candidates.find((d) => scopeOf(d) === model.program);
  if (top) return { kind: 'var', decl: top };
  const named = namedDeclarationIn(model, id.name, model.program);
  if (named) return named;
  const binding = model.imports.get(id.name);
  return binding ? { kind: 'import', binding } : null;
}

function namedDeclarationIn(model: CodeModel, name: string, scope: FunctionLike | TSESTree.Program): Declaration | null {
  for (const fn of model.functions) {
    if (fn.type === 'FunctionDeclaration' && fn.id?.name === name && scopeOf(fn) === scope) return { kind: 'function', fn };
  }
  for (const cls of model.classes) {
    if (cls.type === 'ClassDeclaration' && cls.id?.name === name && scopeOf(cls) === scope) return { kind: 'class', cls };
  }
  return null;
}

/** The initialiser of a `const`/`let` an identifier names, if it is declared that way. */
export function initializerOf(model: CodeModel, node: TSESTree.Node): TSESTree.Expression | null {
  const target = unwrap(node);
  if (target.type !== 'Identifier') return null;
  const decl = declarationOf(model, target);
  return decl?.kind === 'var' ? decl.decl.init ?? null : null;
}

/** Follows identifiers to their initialisers (a few hops) so shapes like `const k = \`lock:${id}\`` resolve. */
export function originOf(model: CodeModel, node: TSESTree.Node, depth = 0): TSESTree.Node {
  const target = unwrap(node);
  if (depth > 6) return target;
  const init = initializerOf(model, target) ?? fieldValueOf(target);
  return init ? originOf(model, init, depth + 1) : target;
}

/** What `this.x` was set to: the field initialiser or the one `this.x = ...` assignment in its class. */
export function fieldValueOf(node: TSESTree.Node): TSESTree.Expression | null {
  if (node.type !== 'MemberExpression' || node.object.type !== 'ThisExpression') return null;
  const name = propertyName(node);
  const cls = enclosingClass(node);
  if (!cls || !name) return null;
  for (const member of cls.body.body) {
    if (member.type === 'PropertyDefinition' && keyName(member.key) === name && member.value) return member.value;
  }
  const assigned: TSESTree.Expression[] = [];
  walk(cls, (n) => {
    if (
      n.type === 'AssignmentExpression' && n.operator === '=' && n.left.type === 'MemberExpression' &&
      n.left.object.type === 'ThisExpression' && propertyName(n.left) === name
    ) {
      assigned.push(n.right);
    }
    return undefined;
  });
  return assigned.length === 1 ? assigned[0]! : null;
}

/** A compile-time number: literals, numeric strings, `30 * 1000`, `30_000`, and consts holding them. */
export function numberValue(model: CodeModel, node: TSESTree.Node | null | undefined, depth = 0): number | null {
  if (!node || depth > 8) return null;
  const target = unwrap(node);
  switch (target.type) {
    case 'Literal':
      if (typeof target.value === 'number') return target.value;
      if (typeof target.value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(target.value)) return Number(target.value);
      return null;
    case 'UnaryExpression':
      if (target.operator === '-') {
        const inner = numberValue(model, target.argument, depth + 1);
        return inner === null ? null : -inner;
      }
      return null;
    case 'BinaryExpression': {
      const left = target.left.type === 'PrivateIdentifier' ? null : numberValue(model, target.left, depth + 1);
      const right = numberValue(model, target.right, depth + 1);
      if (left === null || right === null) return null;
      switch (target.operator) {
        case '*': return left * right;
        case '+': return left + right;
        case '-': return left - right;
        case '/': return right === 0 ? null : left / right;
        default: return null;
      }
    }
    case 'Identifier': {
      const decl = declarationOf(model, target);
      if (decl?.kind !== 'var' || !decl.decl.init) return null;
      const kind = (parentOf(decl.decl) as TSESTree.VariableDeclaration | undefined)?.kind;
      return kind === 'const' ? numberValue(model, decl.decl.init, depth + 1) : null;
    }
    case 'MemberExpression': {
      // `LOCK.TTL_MS` on a module-level const object literal.
      const name = propertyName(target);
      if (!name || target.object.type !== 'Identifier') return null;
      const init = initializerOf(model, target.object);
      return init ? numberValue(model, objectProperty(init, name) ?? undefined, depth + 1) : null;
    }
    default:
      return null;
  }
}

/** Source text of a node with whitespace removed. */
export function compactText(model: CodeModel, node: TSESTree.Node): string {
  return normalizedText(model.text, node);
}

/**
 * The texts a key expression can be recognised by: its own text and, for an identifier, the text of
 * what it was initialised with. Two expressions denote the same key when these sets intersect.
 */
export function keyTexts(model: CodeModel, node: TSESTree.Node): Set<string> {
  const out = new Set<string>();
  let current: TSESTree.Node = unwrap(node);
  for (let hops = 0; hops < 4; hops++) {
    out.add(compactText(model, current));
    const init = initializerOf(model, current);
    if (!init) break;
    current = unwrap(init);
  }
  return out;
}

export function sameKey(model: CodeModel, a: TSESTree.Node, b: TSESTree.Node): boolean {
  const left = keyTexts(model, a);
  for (const text of keyTexts(model, b)) if (left.has(text)) return true;
  return false;
}

/** Object property keys anywhere inside a node (nested objects included). */
export function objectKeysIn(node: TSESTree.Node): string[] {
  const out: string[] = [];
  walk(node, (n) => {
    if (n.type === 'Property') {
      const key = keyName(n.key);
      if (key) out.push(key);
    }
    if (isFunction(n)) return false;
    return undefined;
  });
  return out;
}

/** Identifiers read inside a node (property keys and member names excluded). */
export function identifiersIn(node: TSESTree.Node): TSESTree.Identifier[] {
  const out: TSESTree.Identifier[] = [];
  walk(node, (n) => {
    if (n.type === 'Identifier') {
      const parent = parentOf(n);
      if (parent?.type === 'MemberExpression' && parent.property === n && !parent.computed) return undefined;
      if (parent?.type === 'Property' && parent.key === n && !parent.computed && !parent.shorthand) return undefined;
      out.push(n);
    }
    return undefined;
  });
  return out;
}

/** Member names read inside a node: `lock.fencingToken` contributes `fencingToken`. */
export function memberNamesIn(node: TSESTree.Node): string[] {
  const out: string[] = [];
  walk(node, (n) => {
    if (n.type === 'MemberExpression') {
      const name = propertyName(n);
      if (name) out.push(name);
    }
    return undefined;
  });
  return out;
}

/** The import a type annotation names (`Redlock`, `Mutex`), as its binding. */
export function typeImport(model: CodeModel, type: TSESTree.TypeNode | undefined | null): ImportBinding | null {
  if (!type || type.type !== 'TSTypeReference') return null;
  let name: TSESTree.EntityName = type.typeName;
  const rest: string[] = [];
  while (name.type === 'TSQualifiedName') {
    rest.unshift(name.right.name);
    name = name.left;
  }
  if (name.type !== 'Identifier') return null;
  const binding = model.imports.get(name.name);
  return binding ? { module: binding.module, path: [...binding.path, ...rest] } : null;
}

/**
 * The library class a receiver is an instance of, resolved through `new X()`, type annotations,
 * class fields and constructor parameter properties: `{ module: 'redlock', path: [] }`.
 */
export function instanceImport(model: CodeModel, node: TSESTree.Node): ImportBinding | null {
  const target = unwrap(node);
  if (target.type === 'NewExpression') return constructedImport(model, target);
  if (target.type === 'Identifier') {
    const decl = declarationOf(model, target);
    if (decl?.kind === 'param') return typeImport(model, annotationOf(decl.param));
    if (decl?.kind === 'var') {
      const annotated = decl.decl.id.type === 'Identifier' ? typeImport(model, decl.decl.id.typeAnnotation?.typeAnnotation) : null;
      if (annotated) return annotated;
      return decl.decl.init ? instanceImport(model, decl.decl.init) : null;
    }
  }
  if (target.type === 'MemberExpression' && target.object.type === 'ThisExpression') {
    const name = propertyName(target);
    const cls = enclosingClass(target);
    if (!cls || !name) return null;
    for (const member of cls.body.body) {
      if (member.type === 'PropertyDefinition' && keyName(member.key) === name) {
        const typed = typeImport(model, member.typeAnnotation?.typeAnnotation);
        if (typed) return typed;
        if (member.value) return instanceImport(model, member.value);
      }
      if (member.type === 'MethodDefinition' && member.kind === 'constructor') {
        for (const param of member.value.params) {
          if (param.type === 'TSParameterProperty' && paramName(param.parameter) === name) {
            return typeImport(model, annotationOf(param.parameter));
          }
        }
      }
    }
    let found: ImportBinding | null = null;
    walk(cls, (n) => {
      if (found) return false;
      if (
        n.type === 'AssignmentExpression' && n.left.type === 'MemberExpression' &&
        n.left.object.type === 'ThisExpression' && propertyName(n.left) === name
      ) {
        found = instanceImport(model, n.right);
      }
      return undefined;
    });
    return found;
  }
  return null;
}

function constructedImport(model: CodeModel, expr: TSESTree.NewExpression): ImportBinding | null {
  const callee = expr.callee;
  if (callee.type === 'Identifier') {
    const decl = declarationOf(model, callee);
    return decl?.kind === 'import' ? decl.binding : null;
  }
  if (callee.type === 'MemberExpression' && callee.object.type === 'Identifier') {
    const decl = declarationOf(model, callee.object);
    const name = propertyName(callee);
    if (decl?.kind === 'import' && name) return { module: decl.binding.module, path: [...decl.binding.path, name] };
  }
  return null;
}

export function annotationOf(param: TSESTree.Node): TSESTree.TypeNode | null {
  if (param.type === 'Identifier') return param.typeAnnotation?.typeAnnotation ?? null;
  if (param.type === 'AssignmentPattern') return annotationOf(param.left);
  if (param.type === 'TSParameterProperty') return annotationOf(param.parameter);
  return null;
}

export function enclosingFunction(node: TSESTree.Node): FunctionLike | null {
  let current = parentOf(node);
  while (current) {
    if (isFunction(current)) return current;
    current = parentOf(current);
  }
  return null;
}

/** Whether the expression a call produces is awaited (directly or through `return await`). */
export function isAwaited(call: TSESTree.Node): boolean {
  let node: TSESTree.Node = call;
  let parent = parentOf(node);
  while (parent && (parent.type === 'ChainExpression' || parent.type === 'TSNonNullExpression' || parent.type === 'TSAsExpression')) {
    node = parent;
    parent = parentOf(parent);
  }
  return parent?.type === 'AwaitExpression';
}

/** Literal options of a call argument (inline or a same-file const); null when they cannot be read. */
export function optionsObject(model: CodeModel, node: TSESTree.Node | undefined, depth = 0): TSESTree.ObjectExpression | null {
  if (!node || depth > 3) return null;
  const target = unwrap(node);
  if (target.type === 'ObjectExpression') return target;
  if (target.type === 'Identifier') {
    const decl = model.nearestDeclarator(target) ?? model.declaratorIn(target.name, model.program);
    return decl?.init ? optionsObject(model, decl.init, depth + 1) : null;
  }
  return null;
}
