// Transaction events per DB handle (rules.md rule 15, hand-rolled variant): where a transaction
// starts and commits, and which pool / data source / client factory the handle ultimately comes
// from, so two transactions can be told apart as "same database" or "different databases".
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { argumentsOf, calleeOf, isFunction, parentOf, propertyName, unwrap, type CallLike, type FunctionLike } from './ast.js';
import { TRANSACTION_METHOD_NAMES } from './libraries.js';
import type { CodeModel, Region } from './model.js';
import { compactText, declarationOf, fieldValueOf } from './values.js';

/** Calls that hand out a connection, session or transaction bound to the receiver's database. */
const DERIVING_METHODS = new Set([
  'connect', 'getConnection', 'createQueryRunner', 'startSession', 'transaction', 'begin', 'beginTransaction',
  'reserve', 'acquire', 'promise', 'getRepository', 'withSchema',
]);

const DB_ROLE = /^(pg|mysql|typeorm|knex|sequelize|mongoose|prisma|drizzle)/;

export interface HandleRoot {
  /** Identity of the database handle: a declaration, a class field, an import. */
  key: string;
  /** The root is a function parameter: two different parameters may still be the same pool. */
  opaque: boolean;
}

/** The pool / data source / client a DB handle derives from. */
export function handleRoot(model: CodeModel, node: TSESTree.Node, depth = 0): HandleRoot | null {
  if (depth > 8) return null;
  const target = unwrap(node);
  if (target.type === 'Identifier') {
    const decl = declarationOf(model, target);
    if (!decl) return null;
    if (decl.kind === 'import') return { key: `import:${decl.binding.module}#${decl.binding.path.join('.')}`, opaque: false };
    if (decl.kind === 'param') {
      const owner = transactionCallOfCallback(decl.fn);
      if (owner && owner.callee.type === 'MemberExpression') return handleRoot(model, owner.callee.object, depth + 1);
      return { key: `param:${target.name}@${decl.fn.range[0]}`, opaque: true };
    }
    if (decl.kind !== 'var') return null;
    const init = decl.decl.init ? unwrap(decl.decl.init) : null;
    if (init) {
      const derived = derivedFrom(init);
      if (derived) return handleRoot(model, derived, depth + 1);
      if (init.type === 'Identifier' || init.type === 'MemberExpression') return handleRoot(model, init, depth + 1);
    }
    return { key: `var:${decl.decl.range[0]}`, opaque: !isDatabaseRoot(model, target) };
  }
  if (target.type === 'MemberExpression') {
    if (target.object.type === 'ThisExpression') {
      const value = fieldValueOf(target);
      const derived = value ? derivedFrom(unwrap(value)) : null;
      if (derived) return handleRoot(model, derived, depth + 1);
      return { key: compactText(model, target), opaque: !isDatabaseRoot(model, target) };
    }
    if (propertyName(target) === 'manager') return handleRoot(model, target.object, depth + 1);
    return { key: compactText(model, target), opaque: !isDatabaseRoot(model, target) };
  }
  if (target.type === 'CallExpression') {
    const derived = derivedFrom(target);
    return derived ? handleRoot(model, derived, depth + 1) : null;
  }
  return null;
}

/** Roles that stand for a database connection of their own: a pool, a data source, a client. */
const ROOT_ROLES = new Set(['pg.pool', 'pg.client', 'mysql', 'typeorm.ds', 'prisma', 'sequelize', 'knex', 'mongoose.conn', 'drizzle.db']);

/**
 * Whether a handle that is not derived from another one is itself a database: injected repositories,
 * entity managers and models share their module's default connection, so two of them are the same DB.
 */
function isDatabaseRoot(model: CodeModel, node: TSESTree.Node): boolean {
  const role = model.roleOf(node);
  return role !== null && ROOT_ROLES.has(role.role);
}

function derivedFrom(node: TSESTree.Node): TSESTree.Node | null {
  if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && DERIVING_METHODS.has(propertyName(node.callee) ?? '')) {
    return node.callee.object;
  }
  return null;
}

/** The `$transaction` / `transaction` / `withTransaction` call a function is the callback of. */
export function transactionCallOfCallback(fn: FunctionLike): TSESTree.CallExpression | null {
  const parent = parentOf(fn);
  if (parent?.type !== 'CallExpression' || parent.callee.type !== 'MemberExpression') return null;
  if (!parent.arguments.includes(fn as TSESTree.CallExpressionArgument)) return null;
  const method = propertyName(parent.callee);
  return method && TRANSACTION_METHOD_NAMES.has(method) ? parent : null;
}

export interface TransactionEvent {
  call: CallLike;
  kind: 'begin' | 'commit';
  root: HandleRoot;
}

function isDbHandle(model: CodeModel, node: TSESTree.Node): boolean {
  const role = model.roleOf(node);
  return role !== null && DB_ROLE.test(role.role);
}

/** Manual transaction starts and commits of a region, each with the database handle it runs on. */
export function transactionEvents(model: CodeModel, region: Region): TransactionEvent[] {
  const out: TransactionEvent[] = [];
  for (const call of model.callsIn(region)) {
    const callee = calleeOf(call);
    if (callee.type !== 'MemberExpression') continue;
    let kind = model.transactionMarker(call);
    const method = propertyName(callee);
    // Unmanaged sequelize / knex transactions: `const t = await sequelize.transaction()`.
    if (!kind && method === 'transaction' && call.type === 'CallExpression' && !argumentsOf(call).some((a) => isFunction(unwrap(a)))) {
      const role = model.roleOf(callee.object)?.role;
      if (role === 'sequelize' || role === 'knex') kind = 'begin';
    }
    if (!kind) continue;
    if (!isDbHandle(model, callee.object) && !isTransactionObject(model, callee.object)) continue;
    const root = handleRoot(model, callee.object);
    if (root) out.push({ call, kind, root });
  }
  return out;
}

/** `t` of `const t = await sequelize.transaction()`: committing it commits on sequelize's database. */
function isTransactionObject(model: CodeModel, node: TSESTree.Node): boolean {
  const target = unwrap(node);
  if (target.type !== 'Identifier') return false;
  const decl = declarationOf(model, target);
  const init = decl?.kind === 'var' && decl.decl.init ? unwrap(decl.decl.init) : null;
  return init?.type === 'CallExpression' && init.callee.type === 'MemberExpression' &&
    propertyName(init.callee) === 'transaction' && isDbHandle(model, init.callee.object);
}

/**
 * Transactions on two different databases open at the same time in one region, both later
 * committed: the second start, with the first one still open.
 */
export function overlappingTransactions(model: CodeModel, region: Region): { first: TransactionEvent; second: TransactionEvent; commits: TransactionEvent[] } | null {
  const events = transactionEvents(model, region);
  const open = new Map<string, TransactionEvent>();
  for (const event of events) {
    if (event.kind === 'commit') {
      open.delete(event.root.key);
      continue;
    }
    const other = [...open.values()].find((o) => o.root.key !== event.root.key && !o.root.opaque && !event.root.opaque && !model.exclusive(o.call, event.call));
    open.set(event.root.key, event);
    if (!other) continue;
    const later = events.filter((e) => e.kind === 'commit' && e.call.range[0] > event.call.range[1]);
    const commitFirst = later.find((e) => e.root.key === other.root.key);
    const commitSecond = later.find((e) => e.root.key === event.root.key);
    if (commitFirst && commitSecond) return { first: other, second: event, commits: [commitFirst, commitSecond] };
  }
  return null;
}

/** A transaction callback started on one database inside the callback of a transaction on another. */
export function nestedForeignTransaction(model: CodeModel, call: CallLike): { outer: TSESTree.CallExpression } | null {
  if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression') return null;
  const method = propertyName(call.callee);
  if (!method || !TRANSACTION_METHOD_NAMES.has(method) || !call.arguments.some((a) => isFunction(a))) return null;
  if (!isDbHandle(model, call.callee.object)) return null;
  const inner = handleRoot(model, call.callee.object);
  if (!inner || inner.opaque) return null;
  let current = parentOf(call);
  while (current) {
    if (isFunction(current)) {
      const owner = transactionCallOfCallback(current);
      if (!owner) break;
      if (owner.callee.type === 'MemberExpression' && isDbHandle(model, owner.callee.object)) {
        const outer = handleRoot(model, owner.callee.object);
        if (outer && !outer.opaque && outer.key !== inner.key) return { outer: owner };
      }
    }
    current = parentOf(current);
  }
  return null;
}
