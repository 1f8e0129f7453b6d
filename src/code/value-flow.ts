// Local data flow for plain values (rules.md §2.1 item 3 applied beyond library roles): where a
// name's value comes from, which object literal an expression denotes and what a property holds.
// The producer-side and outbound rules need option objects (`{ timeout }`, `{ headers }`,
// `axios.create(config)`), which the role model deliberately does not track. Pure functions over a
// CodeModel; the per-file index is built once per model and cached.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { enclosingClass, isFunction, keyName, parentOf, propertyName, unwrap, type FunctionLike } from './ast.js';
import type { CodeModel } from './model.js';

type Scope = FunctionLike | TSESTree.Program;

interface Binding {
  name: string;
  declarator: TSESTree.VariableDeclarator;
  /** Destructuring path from the declarator's init: `const { rows } = r` binds `rows` at ['rows']. */
  path: (string | number)[];
  scope: Scope;
}

interface FlowIndex {
  bindings: Map<string, Binding[]>;
  /** `x.p = v` and `x['p'] = v`, keyed by the root identifier `x`. */
  memberAssignments: Map<string, TSESTree.AssignmentExpression[]>;
  /** `this.p = v`, keyed by `p`. */
  thisAssignments: Map<string, TSESTree.AssignmentExpression[]>;
  /** Plain `x = v` re-assignments, keyed by `x`. */
  reassignments: Map<string, TSESTree.AssignmentExpression[]>;
  /** Named function declarations with the scope they are declared in, keyed by name. */
  functionDeclarations: Map<string, { node: TSESTree.FunctionDeclaration; scope: Scope }[]>;
}

const indexes = new WeakMap<CodeModel, FlowIndex>();

/** The depth-first walk shared with values.ts (a visitor returning false skips the subtree). */
export { walk } from './values.js';
import { walk } from './values.js';

export function scopeOf(node: TSESTree.Node): Scope {
  let current = parentOf(node);
  while (current) {
    if (isFunction(current) || current.type === 'Program') return current;
    current = parentOf(current);
  }
  throw new Error('node outside a program');
}

function patternBindings(pattern: TSESTree.Node, path: (string | number)[], out: { name: string; path: (string | number)[] }[]): void {
  switch (pattern.type) {
    case 'Identifier':
      out.push({ name: pattern.name, path });
      return;
    case 'ObjectPattern':
      for (const prop of pattern.properties) {
        if (prop.type === 'Property') {
          const key = keyName(prop.key);
          if (key !== null) patternBindings(prop.value, [...path, key], out);
        }
      }
      return;
    case 'ArrayPattern':
      pattern.elements.forEach((element, i) => {
        if (element) patternBindings(element, [...path, i], out);
      });
      return;
    case 'AssignmentPattern':
      patternBindings(pattern.left, path, out);
      return;
    default:
      return;
  }
}

function indexOf(model: CodeModel): FlowIndex {
  const cached = indexes.get(model);
  if (cached) return cached;
  const index: FlowIndex = { bindings: new Map(), memberAssignments: new Map(), thisAssignments: new Map(), reassignments: new Map(), functionDeclarations: new Map() };
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
    const list = map.get(key) ?? [];
    list.push(value);
    map.set(key, list);
  };
  // The model's traversal already listed every declarator and assignment in source order.
  for (const node of model.allDeclarators) {
    const found: { name: string; path: (string | number)[] }[] = [];
    patternBindings(node.id, [], found);
    const scope = scopeOf(node);
    for (const { name, path } of found) push(index.bindings, name, { name, declarator: node, path, scope });
  }
  for (const fn of model.functions) {
    if (fn.type === 'FunctionDeclaration' && fn.id) push(index.functionDeclarations, fn.id.name, { node: fn, scope: scopeOf(fn) });
  }
  for (const node of model.assignments) {
    if (node.operator !== '=') continue;
    const left = node.left;
    if (left.type === 'Identifier') push(index.reassignments, left.name, node);
    if (left.type === 'MemberExpression') {
      if (left.object.type === 'ThisExpression') {
        const name = propertyName(left);
        if (name) push(index.thisAssignments, name, node);
      }
      const root = rootIdentifier(left);
      if (root) push(index.memberAssignments, root.name, node);
    }
  }
  if (model.complete) indexes.set(model, index);
  return index;
}

/** `a` of `a.b.c` / `a['b']`, when the chain starts at a plain identifier. */
export function rootIdentifier(node: TSESTree.Node): TSESTree.Identifier | null {
  let current = unwrap(node);
  while (current.type === 'MemberExpression') current = unwrap(current.object);
  return current.type === 'Identifier' ? current : null;
}

export type Definition =
  | { kind: 'binding'; binding: Binding }
  | { kind: 'param'; fn: FunctionLike; param: TSESTree.Parameter; index: number; path: (string | number)[]; type: TSESTree.TypeNode | null }
  | { kind: 'import'; module: string; path: string[] }
  | { kind: 'function'; node: FunctionLike }
  | { kind: 'class'; node: TSESTree.ClassDeclaration }
  | { kind: 'field'; member: TSESTree.PropertyDefinition }
  /** The parameter of a `catch` clause: whatever was thrown. */
  | { kind: 'caught' }
  | { kind: 'global'; name: string };

function paramType(param: TSESTree.Node): TSESTree.TypeNode | null {
  if (param.type === 'TSParameterProperty') return paramType(param.parameter);
  if (param.type === 'AssignmentPattern') return paramType(param.left);
  if ('typeAnnotation' in param && param.typeAnnotation && param.typeAnnotation.type === 'TSTypeAnnotation') {
    return param.typeAnnotation.typeAnnotation;
  }
  return null;
}

function paramPath(param: TSESTree.Node, name: string): (string | number)[] | null {
  // The common shapes (`x`, `x = 1`, `private x`) without building the binding list.
  const plain = param.type === 'TSParameterProperty' ? param.parameter : param;
  if (plain.type === 'Identifier') return plain.name === name ? [] : null;
  if (plain.type === 'AssignmentPattern' && plain.left.type === 'Identifier') return plain.left.name === name ? [] : null;
  const found: { name: string; path: (string | number)[] }[] = [];
  patternBindings(param.type === 'TSParameterProperty' ? param.parameter : param, [], found);
  return found.find((f) => f.name === name)?.path ?? null;
}

/** Where an identifier's value comes from, walking outwards through the enclosing functions. */
// Definitions and origins are pure functions of the file; rules ask for the same identifiers many times.
const definitions = new WeakMap<TSESTree.Identifier, Definition>();
const origins = new WeakMap<TSESTree.Node, Origin>();

export function definitionOf(model: CodeModel, id: TSESTree.Identifier): Definition {
  let def = definitions.get(id);
  if (!def) {
    def = computeDefinition(model, id);
    if (model.complete) definitions.set(id, def);
  }
  return def;
}

function computeDefinition(model: CodeModel, id: TSESTree.Identifier): Definition {
  const index = indexOf(model);
  const declared = index.functionDeclarations.get(id.name) ?? [];
  const name = id.name;
  let current = parentOf(id);
  while (current) {
    if (current.type === 'CatchClause' && current.param && paramPath(current.param, name)) return { kind: 'caught' };
    if (isFunction(current)) {
      for (let i = 0; i < current.params.length; i++) {
        const param = current.params[i]!;
        const path = paramPath(param, name);
        if (path) return { kind: 'param', fn: current, param, index: i, path, type: path.length === 0 ? paramType(param) : null };
      }
      const local = (index.bindings.get(name) ?? []).find((b) => b.scope === current);
      if (local) return { kind: 'binding', binding: local };
      const fn = declared.find((d) => d.scope === current);
      if (fn) return { kind: 'function', node: fn.node };
    }
    current = parentOf(current);
  }
  const top = (index.bindings.get(name) ?? []).find((b) => b.scope === model.program);
  if (top) return { kind: 'binding', binding: top };
  const imported = model.imports.get(name);
  if (imported) return { kind: 'import', module: imported.module, path: imported.path };
  const topFn = declared.find((d) => d.scope === model.program);
  if (topFn) return { kind: 'function', node: topFn.node };
  const cls = model.classes.find((c) => c.type === 'ClassDeclaration' && c.id?.name === name);
  if (cls) return { kind: 'class', node: cls as TSESTree.ClassDeclaration };
  return { kind: 'global', name };
}

/** What `this.name` holds inside the class that encloses `at`: initialiser, assignment or typed injection. */
export function thisFieldDefinition(model: CodeModel, at: TSESTree.Node, name: string): Definition | { kind: 'value'; node: TSESTree.Node } | null {
  const cls = enclosingClass(at);
  if (!cls) return null;
  let declared: TSESTree.PropertyDefinition | null = null;
  for (const member of cls.body.body) {
    if (member.type === 'PropertyDefinition' && keyName(member.key) === name) {
      if (member.value) return { kind: 'value', node: member.value };
      // `private channel!: Channel` is filled later; the assignment says more than the type.
      declared = member;
    }
    if (member.type === 'MethodDefinition' && member.kind === 'constructor') {
      const params = member.value.params;
      for (let i = 0; i < params.length; i++) {
        const param = params[i]!;
        if (param.type === 'TSParameterProperty' && paramPath(param, name)?.length === 0) {
          return { kind: 'param', fn: member.value as FunctionLike, param, index: i, path: [], type: paramType(param) };
        }
      }
    }
  }
  for (const assign of indexOf(model).thisAssignments.get(name) ?? []) {
    if (enclosingClass(assign) === cls) return { kind: 'value', node: assign.right };
  }
  return declared ? { kind: 'field', member: declared } : null;
}

/** Where a value comes from after following names, fields and `await`. */
export type Origin =
  | { kind: 'expr'; node: TSESTree.Node }
  | { kind: 'module'; module: string; path: string[] }
  | { kind: 'param'; fn: FunctionLike; index: number; path: (string | number)[]; type: TSESTree.TypeNode | null }
  | { kind: 'typed'; type: TSESTree.TypeNode }
  | { kind: 'destructured'; init: TSESTree.Node; path: (string | number)[] }
  | { kind: 'function'; node: FunctionLike }
  | { kind: 'class'; node: TSESTree.ClassDeclaration }
  | { kind: 'global'; name: string }
  | { kind: 'unknown' };

const MAX_DEPTH = 10;

export function originOf(model: CodeModel, node: TSESTree.Node, depth = 0): Origin {
  // Only whole answers are kept: one cut short by the depth limit holds for that depth alone.
  if (depth > 0) return computeOrigin(model, node, depth);
  let origin = origins.get(node);
  if (!origin) {
    origin = computeOrigin(model, node, 0);
    if (model.complete) origins.set(node, origin);
  }
  return origin;
}

function computeOrigin(model: CodeModel, node: TSESTree.Node, depth: number): Origin {
  if (depth > MAX_DEPTH) return { kind: 'unknown' };
  const target = unwrap(node);
  if (target.type === 'Identifier') return originOfDefinition(model, definitionOf(model, target), depth);
  if (target.type === 'MemberExpression') {
    const name = propertyName(target);
    if (target.object.type === 'ThisExpression') {
      if (!name) return { kind: 'unknown' };
      const def = thisFieldDefinition(model, target, name);
      if (!def) return { kind: 'unknown' };
      if (def.kind === 'value') return originOf(model, def.node, depth + 1);
      return originOfDefinition(model, def, depth);
    }
    const object = originOf(model, target.object, depth + 1);
    if (object.kind === 'module' && name) return { kind: 'module', module: object.module, path: [...object.path, name] };
    if (name) {
      const objectLiteral = object.kind === 'expr' && object.node.type === 'ObjectExpression' ? object.node : null;
      if (objectLiteral) {
        const prop = lookupProperty(model, objectLiteral, name, depth + 1);
        if (prop.state === 'present') return originOf(model, prop.value, depth + 1);
      }
    }
    return { kind: 'expr', node: target };
  }
  if (target.type === 'CallExpression' && target.callee.type === 'Identifier' && target.callee.name === 'require') {
    const arg = target.arguments[0];
    if (arg?.type === 'Literal' && typeof arg.value === 'string') return { kind: 'module', module: arg.value, path: [] };
  }
  return { kind: 'expr', node: target };
}

function originOfDefinition(model: CodeModel, def: Definition, depth: number): Origin {
  switch (def.kind) {
    case 'binding': {
      const { declarator, path } = def.binding;
      const annotation = declarator.id.type === 'Identifier' ? declarator.id.typeAnnotation?.typeAnnotation ?? null : null;
      if (!declarator.init) return annotation ? { kind: 'typed', type: annotation } : { kind: 'unknown' };
      if (path.length > 0) {
        const init = unwrap(declarator.init);
        if (init.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require') {
          const mod = originOf(model, init, depth + 1);
          if (mod.kind === 'module' && path.every((p) => typeof p === 'string')) return { ...mod, path: [...mod.path, ...(path as string[])] };
        }
        const base = originOf(model, declarator.init, depth + 1);
        if (base.kind === 'module' && path.every((p) => typeof p === 'string')) return { ...base, path: [...base.path, ...(path as string[])] };
        if (base.kind === 'expr' && base.node.type === 'ObjectExpression' && typeof path[0] === 'string' && path.length === 1) {
          const prop = lookupProperty(model, base.node, path[0], depth + 1);
          if (prop.state === 'present') return originOf(model, prop.value, depth + 1);
        }
        return { kind: 'destructured', init: declarator.init, path };
      }
      const origin = originOf(model, declarator.init, depth + 1);
      if (origin.kind === 'expr' && annotation && isOpaque(origin.node)) return { kind: 'typed', type: annotation };
      return origin;
    }
    case 'param':
      return { kind: 'param', fn: def.fn, index: def.index, path: def.path, type: def.type };
    case 'import':
      return { kind: 'module', module: def.module, path: def.path };
    case 'function':
      return { kind: 'function', node: def.node };
    case 'class':
      return { kind: 'class', node: def.node };
    case 'field':
      return def.member.typeAnnotation ? { kind: 'typed', type: def.member.typeAnnotation.typeAnnotation } : { kind: 'unknown' };
    case 'caught':
      return { kind: 'unknown' };
    case 'global':
      return { kind: 'global', name: def.name };
  }
}

/** An initialiser that says nothing about the value (`= null as any`, `= undefined!`). */
function isOpaque(node: TSESTree.Node): boolean {
  return (node.type === 'Literal' && node.value === null) || (node.type === 'Identifier' && node.name === 'undefined');
}

/** `module#Export.Path` of a type annotation naming an imported type, like the role tables' keys. */
export function typeKey(model: CodeModel, type: TSESTree.TypeNode | null): string | null {
  if (!type || type.type !== 'TSTypeReference') return null;
  const names: string[] = [];
  let name: TSESTree.EntityName = type.typeName;
  while (name.type === 'TSQualifiedName') {
    names.unshift(name.right.name);
    name = name.left;
  }
  if (name.type !== 'Identifier') return null;
  const binding = model.imports.get(name.name);
  if (!binding) return null;
  return `${binding.module}#${[...binding.path, ...names].join('.')}`;
}

/** The simple name of a type annotation (`OrdersServiceClient` of `pb.OrdersServiceClient`). */
export function typeName(type: TSESTree.TypeNode | null): string | null {
  if (!type || type.type !== 'TSTypeReference') return null;
  const name = type.typeName;
  if (name.type === 'Identifier') return name.name;
  if (name.type === 'TSQualifiedName') return name.right.name;
  return null;
}

/** The object literal an expression denotes, following names; null when it is not visible. */
export function objectLiteralOf(model: CodeModel, node: TSESTree.Node | null | undefined, depth = 0): TSESTree.ObjectExpression | null {
  if (!node) return null;
  const origin = originOf(model, node, depth);
  return origin.kind === 'expr' && origin.node.type === 'ObjectExpression' ? origin.node : null;
}

/** The array literal an expression denotes, following names. */
export function arrayLiteralOf(model: CodeModel, node: TSESTree.Node | null | undefined): TSESTree.ArrayExpression | null {
  if (!node) return null;
  const origin = originOf(model, node);
  return origin.kind === 'expr' && origin.node.type === 'ArrayExpression' ? origin.node : null;
}

export type PropertyLookup =
  | { state: 'present'; value: TSESTree.Node; property: TSESTree.Node }
  | { state: 'absent' }
  | { state: 'unknown' };

/**
 * Looks a property up in the object an expression denotes. Later properties win, spreads are
 * followed, and `x.p = v` assignments to a named object count. `unknown` when a spread or a
 * computed key could hide the property, or when the object itself is not visible.
 */
export function lookupProperty(model: CodeModel, node: TSESTree.Node | null | undefined, name: string, depth = 0): PropertyLookup {
  if (!node || depth > MAX_DEPTH) return { state: 'unknown' };
  const object = objectLiteralOf(model, node, depth);
  if (!object) return { state: 'unknown' };
  const assigned = assignedProperty(model, node, name);
  if (assigned) return assigned;
  let unknown = false;
  for (let i = object.properties.length - 1; i >= 0; i--) {
    const prop = object.properties[i]!;
    if (prop.type === 'SpreadElement') {
      const inner = lookupProperty(model, prop.argument, name, depth + 1);
      if (inner.state === 'present') return inner;
      if (inner.state === 'unknown') unknown = true;
      continue;
    }
    const key = propertyKey(model, prop);
    if (key === name) return { state: 'present', value: prop.value, property: prop };
    if (key === null) unknown = true;
  }
  return unknown ? { state: 'unknown' } : { state: 'absent' };
}

/** `x.name = v` after `const x = {...}` in the file. */
function assignedProperty(model: CodeModel, node: TSESTree.Node, name: string): PropertyLookup | null {
  const target = unwrap(node);
  if (target.type !== 'Identifier') return null;
  for (const assign of indexOf(model).memberAssignments.get(target.name) ?? []) {
    const left = assign.left as TSESTree.MemberExpression;
    if (left.object.type === 'Identifier' && left.object.name === target.name && memberKey(model, left) === name) {
      return { state: 'present', value: assign.right, property: assign };
    }
  }
  return null;
}

function memberKey(model: CodeModel, member: TSESTree.MemberExpression): string | null {
  const direct = propertyName(member);
  if (direct !== null) return direct;
  return member.computed ? model.stringValue(member.property) : null;
}

function propertyKey(model: CodeModel, prop: TSESTree.Property): string | null {
  if (!prop.computed) return keyName(prop.key);
  return model.stringValue(prop.key);
}

export interface KeySet {
  /** Lower-cased key names with the value each holds. */
  keys: Map<string, TSESTree.Node>;
  /** A spread, computed key or invisible object could add keys not listed. */
  unknown: boolean;
  /** Identifiers spread into the object (`{ ...carrier }`), for carrier-flow checks. */
  spreads: TSESTree.Node[];
}

/** Every key an object expression visibly has, with `x.k = v` and `x.set('k', v)` additions. */
export function keysOf(model: CodeModel, node: TSESTree.Node | null | undefined, depth = 0): KeySet {
  const out: KeySet = { keys: new Map(), unknown: false, spreads: [] };
  if (!node || depth > MAX_DEPTH) return { ...out, unknown: true };
  const target = unwrap(node);
  const object = objectLiteralOf(model, target, depth);
  if (!object) {
    out.unknown = true;
    return out;
  }
  for (const prop of object.properties) {
    if (prop.type === 'SpreadElement') {
      out.spreads.push(prop.argument);
      const inner = keysOf(model, prop.argument, depth + 1);
      for (const [k, v] of inner.keys) out.keys.set(k, v);
      out.spreads.push(...inner.spreads);
      if (inner.unknown) out.unknown = true;
      continue;
    }
    const key = propertyKey(model, prop);
    if (key === null) out.unknown = true;
    else out.keys.set(key.toLowerCase(), prop.value);
  }
  if (target.type === 'Identifier') {
    for (const [k, v] of addedKeys(model, target.name)) out.keys.set(k, v);
  }
  return out;
}

/** Keys added to a named object after its literal: `h.k = v`, `h['k'] = v`, `h.set('k', v)`. */
export function addedKeys(model: CodeModel, name: string): Map<string, TSESTree.Node> {
  const out = new Map<string, TSESTree.Node>();
  for (const assign of indexOf(model).memberAssignments.get(name) ?? []) {
    const left = assign.left as TSESTree.MemberExpression;
    if (left.object.type !== 'Identifier' || left.object.name !== name) continue;
    const key = memberKey(model, left);
    if (key !== null) out.set(key.toLowerCase(), assign.right);
  }
  for (const call of model.calls) {
    if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression') continue;
    const method = propertyName(call.callee);
    if (method !== 'set' && method !== 'append') continue;
    const obj = unwrap(call.callee.object);
    if (obj.type !== 'Identifier' || obj.name !== name) continue;
    const key = model.stringValue(call.arguments[0]);
    if (key !== null && call.arguments[1]) out.set(key.toLowerCase(), call.arguments[1]);
  }
  return out;
}

/** A number an expression denotes: literal, negated literal, or a const bound to one. */
export function numberValue(model: CodeModel, node: TSESTree.Node | null | undefined, depth = 0): number | null {
  if (!node || depth > MAX_DEPTH) return null;
  const target = unwrap(node);
  if (target.type === 'Literal' && typeof target.value === 'number') return target.value;
  if (target.type === 'UnaryExpression' && (target.operator === '-' || target.operator === '+')) {
    const inner = numberValue(model, target.argument, depth + 1);
    return inner === null ? null : target.operator === '-' ? -inner : inner;
  }
  if (target.type === 'BinaryExpression' && ['*', '+', '-'].includes(target.operator)) {
    const left = numberValue(model, target.left, depth + 1);
    const right = numberValue(model, target.right, depth + 1);
    if (left === null || right === null) return null;
    return target.operator === '*' ? left * right : target.operator === '+' ? left + right : left - right;
  }
  if (target.type === 'Identifier' || target.type === 'MemberExpression') {
    const origin = originOf(model, target, depth + 1);
    if (origin.kind === 'expr' && origin.node !== target) return numberValue(model, origin.node, depth + 1);
  }
  return null;
}

/** A boolean literal an expression denotes, following consts. */
export function booleanValue(model: CodeModel, node: TSESTree.Node | null | undefined): boolean | null {
  if (!node) return null;
  const target = unwrap(node);
  if (target.type === 'Literal' && typeof target.value === 'boolean') return target.value;
  if (target.type === 'Identifier' || target.type === 'MemberExpression') {
    const origin = originOf(model, target);
    if (origin.kind === 'expr' && origin.node !== target) return booleanValue(model, origin.node);
  }
  return null;
}

/** A string an expression denotes, through the model's constant resolution and local bindings. */
export function stringOf(model: CodeModel, node: TSESTree.Node | null | undefined): string | null {
  if (!node) return null;
  const direct = model.stringValue(node);
  if (direct !== null) return direct;
  const target = unwrap(node);
  if (target.type === 'Identifier' || target.type === 'MemberExpression') {
    const origin = originOf(model, target);
    if (origin.kind === 'expr' && origin.node !== target) return model.stringValue(origin.node);
  }
  return null;
}

/** The function a callback argument denotes: inline, or a local function named by it. */
export function functionOf(model: CodeModel, node: TSESTree.Node | null | undefined): FunctionLike | null {
  if (!node) return null;
  const target = unwrap(node);
  if (isFunction(target)) return target;
  const origin = originOf(model, target);
  if (origin.kind === 'function') return origin.node;
  if (origin.kind === 'expr' && isFunction(origin.node)) return origin.node;
  return null;
}

/** Expressions a function can return: the arrow's expression body or each `return` argument. */
export function returnedExpressions(fn: FunctionLike): TSESTree.Node[] {
  if (fn.body.type !== 'BlockStatement') return [fn.body];
  const out: TSESTree.Node[] = [];
  walk(fn.body, (node) => {
    if (node !== fn.body && isFunction(node)) return false;
    if (node.type === 'ReturnStatement' && node.argument) out.push(node.argument);
    return true;
  });
  return out;
}

/** `process.env.X`, `process.env['X']`, `env.X` of a destructured `process.env`: the variable name. */
export function envVarName(model: CodeModel, node: TSESTree.Node): string | null {
  const target = unwrap(node);
  if (target.type === 'MemberExpression') {
    const obj = unwrap(target.object);
    if (isProcessEnv(model, obj)) return propertyName(target) ?? (target.computed ? model.stringValue(target.property) : null);
  }
  if (target.type === 'Identifier') {
    const def = definitionOf(model, target);
    if (def.kind === 'binding' && def.binding.path.length === 1 && typeof def.binding.path[0] === 'string' && def.binding.declarator.init) {
      if (isProcessEnv(model, unwrap(def.binding.declarator.init))) return def.binding.path[0];
    }
  }
  return null;
}

function isProcessEnv(model: CodeModel, node: TSESTree.Node): boolean {
  if (node.type === 'MemberExpression' && propertyName(node) === 'env') {
    const obj = unwrap(node.object);
    if (obj.type === 'Identifier' && obj.name === 'process') return true;
  }
  if (node.type === 'Identifier') {
    const origin = originOf(model, node);
    if (origin.kind === 'module' && (origin.module === 'process' || origin.module === 'node:process') && origin.path.join('.') === 'env') return true;
    if (origin.kind === 'expr' && origin.node !== node) return isProcessEnv(model, origin.node);
  }
  return false;
}

/** The `k` of `{ k: v }` or `o.k`: a name, not a reference to a variable. */
export function isPropertyName(node: TSESTree.Identifier): boolean {
  const parent = parentOf(node);
  if (parent?.type === 'Property' && parent.key === node && !parent.computed) return true;
  if (parent?.type === 'MemberExpression' && parent.property === node && !parent.computed) return true;
  return false;
}
