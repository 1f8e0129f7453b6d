// Dedup guards (rules.md §2.7) and non-idempotent effects (rule 5 step 1): what makes a consumer
// safe to run twice on the same message, and which writes change the outcome when it does.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import {
  argumentsOf,
  calleeOf,
  calleeText,
  objectProperty,
  parentOf,
  propertyName,
  toSnakeCase,
  unwrap,
  type CallLike,
} from './ast.js';
import type { CodeModel, Effect } from './model.js';
import { outboundCall } from './outbound.js';
import { moduleRef, originOf } from './retry-values.js';
import type { Pattern } from '../config/patterns.js';

const GUARD_NAME = /idempot|dedup|inbox|markIfAbsent|alreadyProcessed|seen|processOnce/i;
const CONFLICT_SQL = /\bon\s+conflict\b|\binsert\s+ignore\b|\bon\s+duplicate\s+key\s+update\b/i;
const UNIQUE_VIOLATION = /P2002|23505|ER_DUP_ENTRY|QueryFailedError|11000|UniqueConstraintError|unique[_ ]?violation/i;
const CHAIN_GUARDS = new Set(['orIgnore', 'orUpdate', 'onConflictDoNothing', 'onConflictDoUpdate', 'ignore', 'merge', 'onDuplicateKeyUpdate']);

// Stripe's POST methods that create or move money; each accepts request options with an idempotencyKey.
const STRIPE_METHODS = new Set(['create', 'capture', 'confirm', 'pay']);
const STRIPE_MODULES = new Set(['stripe']);

/**
 * `stripe.paymentIntents.create(params, { idempotencyKey })`: a call on a resource of a client built
 * from the `stripe` package (`new Stripe(key)` or `Stripe(key)`, through locals and `this` fields).
 */
function stripeRequest(model: CodeModel, call: CallLike): { resource: string; keyed: boolean } | null {
  const callee = unwrap(calleeOf(call));
  if (callee.type !== 'MemberExpression' || !STRIPE_METHODS.has(propertyName(callee) ?? '')) return null;
  const resources: string[] = [];
  let root = unwrap(callee.object);
  while (root.type === 'MemberExpression' && root.object.type !== 'ThisExpression' && resources.length < 3) {
    const name = propertyName(root);
    if (!name) return null;
    resources.unshift(name);
    root = unwrap(root.object);
  }
  if (resources.length === 0) return null;
  const origin = originOf(model, root);
  if (origin.type !== 'NewExpression' && origin.type !== 'CallExpression') return null;
  const ref = moduleRef(model, origin.callee);
  if (!ref || !STRIPE_MODULES.has(ref.module) || ref.path.some((p) => p !== 'Stripe')) return null;
  const keyed = argumentsOf(call).slice(1).some((arg) => /\bidempotencyKey\b/.test(model.text.slice(arg.range[0], arg.range[1])));
  return { resource: resources.join('.'), keyed };
}

export interface NonIdempotentEffect {
  call: CallLike;
  description: string;
  reason: string;
}

/** Method names called on the result of `call` further along the same chain (`.values().onConflictDoNothing()`). */
export function chainedMethods(call: TSESTree.Node): string[] {
  const out: string[] = [];
  let node: TSESTree.Node = call;
  for (;;) {
    const member = parentOf(node);
    if (member?.type !== 'MemberExpression' || member.object !== node) return out;
    const next = parentOf(member);
    const name = propertyName(member);
    if (next?.type !== 'CallExpression' || next.callee !== member || !name) return out;
    out.push(name);
    node = next;
  }
}

function sqlOf(model: CodeModel, call: CallLike): string | null {
  const arg = argumentsOf(call)[0];
  if (!arg) return null;
  const target = unwrap(arg);
  if (target.type === 'TemplateLiteral') return target.quasis.map((q) => q.value.cooked ?? '').join('?');
  if (target.type === 'ObjectExpression') return model.stringValue(objectProperty(target, 'text') ?? undefined);
  return model.stringValue(target);
}

/** Whether a write sits in a `try` whose `catch` handles the unique-constraint violation. */
function caughtDuplicate(model: CodeModel, call: CallLike): boolean {
  return model.enclosingTries(call).some((t) => model.tryPart(call, t) === 'try' && t.handler !== null &&
    UNIQUE_VIOLATION.test(model.text.slice(t.handler.range[0], t.handler.range[1])));
}

function isInboxTarget(model: CodeModel, effect: Effect, inbox: Pattern): boolean {
  return effect.target !== null && inbox.test(toSnakeCase(effect.target));
}

/** rules.md §2.7: a call that dedupes (or is idempotent by construction). */
export function isDedupGuard(model: CodeModel, call: CallLike, inbox: Pattern): boolean {
  const callee = calleeOf(call);
  const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : null;
  if (name && GUARD_NAME.test(name)) return true;
  const method = callee.type === 'MemberExpression' ? propertyName(callee) : null;
  const args = argumentsOf(call);
  const owner = callee.type === 'MemberExpression' ? model.roleOf(callee.object) : null;

  // Redis SET NX / SETNX.
  if (owner?.role === 'redis') {
    if (method === 'setnx' || method === 'setNX') return true;
    if (method === 'set') {
      if (args.slice(2).some((a) => model.stringValue(a)?.toUpperCase() === 'NX')) return true;
      const opts = args[2];
      if (opts && objectProperty(opts, 'NX')) return true;
    }
  }
  // DynamoDB conditional put.
  if (method === 'send' && args[0]) {
    const command = model.commandOf(args[0]);
    const ctor = command ? model.valueOf(command.callee) : null;
    if (ctor?.kind === 'module' && /dynamodb/.test(ctor.module) && /^Put(Item)?Command$/.test(ctor.path.join('.'))) {
      const condition = model.stringValue(objectProperty(command!.arguments[0], 'ConditionExpression') ?? undefined);
      if (condition && /attribute_not_exists/i.test(condition)) return true;
    }
  }
  const effects = model.effectsOf(call).filter((e) => e.kind === 'dbWrite' && e.via !== 'summary');
  if (effects.length === 0) {
    // One hop: a local helper whose body starts with a guard guards its caller.
    const fn = model.calleeFunction(call);
    if (fn) {
      const region = model.regionOf(fn.body);
      return model.callsIn(region).some((inner) => inner !== call && isDirectGuard(model, inner, inbox));
    }
    return false;
  }
  return isDirectGuard(model, call, inbox);
}

function isDirectGuard(model: CodeModel, call: CallLike, inbox: Pattern): boolean {
  const effect = model.effectsOf(call).find((e) => e.kind === 'dbWrite' && e.via !== 'summary');
  const callee = calleeOf(call);
  const name = callee.type === 'MemberExpression' ? propertyName(callee) : callee.type === 'Identifier' ? callee.name : null;
  if (name && GUARD_NAME.test(name)) return true;
  if (!effect) {
    const owner = callee.type === 'MemberExpression' ? model.roleOf(callee.object) : null;
    if (owner?.role === 'redis' && (name === 'setnx' || name === 'setNX')) return true;
    if (owner?.role === 'redis' && name === 'set') {
      const args = argumentsOf(call);
      return args.slice(2).some((a) => model.stringValue(a)?.toUpperCase() === 'NX') || Boolean(args[2] && objectProperty(args[2], 'NX'));
    }
    return false;
  }
  if (isInboxTarget(model, effect, inbox)) return true;
  if (name === 'upsert') return true;
  if (name === 'createMany' || name === 'bulkCreate') {
    const opts = name === 'createMany' ? argumentsOf(call)[0] : argumentsOf(call)[1];
    const flag = objectProperty(opts, name === 'createMany' ? 'skipDuplicates' : 'ignoreDuplicates') ?? (name === 'bulkCreate' ? objectProperty(opts, 'updateOnDuplicate') : null);
    if (flag && !(flag.type === 'Literal' && flag.value === false)) return true;
  }
  if ((name === 'updateOne' || name === 'findOneAndUpdate' || name === 'updateMany' || name === 'replaceOne') && effect.library === 'mongoose') {
    const opts = argumentsOf(call)[2];
    const upsert = objectProperty(opts, 'upsert');
    if (upsert?.type === 'Literal' && upsert.value === true) return true;
  }
  const sql = sqlOf(model, call);
  if (sql && CONFLICT_SQL.test(sql)) return true;
  if (chainedMethods(call).some((m) => CHAIN_GUARDS.has(m))) return true;
  if (typeOrmBuilderGuarded(call)) return true;
  return caughtDuplicate(model, call);
}

/** TypeORM query builders put the guard before `.execute()`: `.insert().into(X).values(v).orIgnore().execute()`. */
function typeOrmBuilderGuarded(call: CallLike): boolean {
  const callee = calleeOf(call);
  if (callee.type !== 'MemberExpression' || propertyName(callee) !== 'execute') return false;
  let node: TSESTree.Node = callee.object;
  while (node.type === 'CallExpression' && node.callee.type === 'MemberExpression') {
    const name = propertyName(node.callee);
    if (name && CHAIN_GUARDS.has(name)) return true;
    node = node.callee.object;
  }
  return false;
}

/** rule 5 step 1: effects that change the outcome when repeated. */
export function nonIdempotentEffect(model: CodeModel, call: CallLike, inbox: Pattern, nonIdempotentCalls: readonly string[]): NonIdempotentEffect | null {
  const callee = calleeOf(call);
  const name = callee.type === 'MemberExpression' ? propertyName(callee) : callee.type === 'Identifier' ? callee.name : null;
  const description = calleeText(model.text, call);
  const stripe = stripeRequest(model, call);
  if (stripe) {
    if (stripe.keyed) return null;
    return { call, description, reason: `Stripe ${stripe.resource}.${name} without an idempotencyKey repeats it on every delivery` };
  }
  if (name && nonIdempotentCalls.includes(name)) {
    return { call, description, reason: `${name} is listed in nonIdempotentCalls` };
  }
  const outbound = outboundCall(model, call, { internalHosts: [] });
  if (outbound && outbound.client !== 'grpc' && outbound.method === 'POST' && outbound.via === 'binding') {
    const text = model.text.slice(call.range[0], call.range[1]);
    if (!/idempotency[-_]?key/i.test(text)) {
      return { call, description, reason: 'an outbound POST without an Idempotency-Key header repeats its side effect' };
    }
    return null;
  }
  const effect = model.effectsOf(call).find((e) => e.kind === 'dbWrite' && e.via !== 'summary');
  if (!effect || isDirectGuard(model, call, inbox)) return null;
  const args = argumentsOf(call);
  const text = (node: TSESTree.Node | undefined) => (node ? model.text.slice(node.range[0], node.range[1]) : '');
  switch (effect.library) {
    case 'prisma':
      if (name === 'create' || name === 'createMany' || name === 'createManyAndReturn') return { call, description, reason: 'inserts a new row on every delivery' };
      if ((name === 'update' || name === 'updateMany') && /\b(increment|decrement|multiply)\s*:/.test(text(objectProperty(args[0], 'data') ?? undefined))) {
        return { call, description, reason: 'applies a relative update (increment/decrement) on every delivery' };
      }
      if (name === '$executeRaw' || name === '$executeRawUnsafe') return sqlEffect(model, call, description);
      return null;
    case 'typeorm':
      if (name === 'insert') return { call, description, reason: 'inserts a new row on every delivery' };
      if (name === 'increment' || name === 'decrement') return { call, description, reason: `${name}s a counter on every delivery` };
      if (name === 'save' && builtInHandler(model, args[args.length - 1])) return { call, description, reason: 'saves a new entity built from the message on every delivery' };
      if (name === 'execute') return { call, description, reason: 'inserts through a query builder without orIgnore/orUpdate' };
      if (name === 'query') return sqlEffect(model, call, description);
      return null;
    case 'mongoose':
      if (name === 'create' || name === 'insertMany') return { call, description, reason: 'inserts a new document on every delivery' };
      if (name && /^(updateOne|updateMany|findOneAndUpdate|findByIdAndUpdate)$/.test(name) && /\$(inc|push)\b/.test(text(args[1]))) {
        return { call, description, reason: 'applies $inc/$push on every delivery' };
      }
      if (name === 'save' && callee.type === 'MemberExpression' && unwrap(callee.object).type === 'NewExpression') {
        return { call, description, reason: 'saves a new document on every delivery' };
      }
      return null;
    case 'knex':
      if (name === 'insert') return { call, description, reason: 'inserts without onConflict on every delivery' };
      if (name === 'increment' || name === 'decrement') return { call, description, reason: `${name}s a counter on every delivery` };
      if (name === 'raw') return sqlEffect(model, call, description);
      return null;
    case 'sequelize':
      if (name === 'create' || name === 'bulkCreate') return { call, description, reason: 'inserts a new row on every delivery' };
      if (name === 'increment' || name === 'decrement') return { call, description, reason: `${name}s a counter on every delivery` };
      return null;
    case 'drizzle':
      if (name === 'insert') return { call, description, reason: 'inserts without onConflictDo* on every delivery' };
      if (name === 'update' && chainedSetIsRelative(model, call)) return { call, description, reason: 'applies a relative update on every delivery' };
      if (name === 'execute') return sqlEffect(model, call, description);
      return null;
    case 'pg':
    case 'mysql':
      return sqlEffect(model, call, description);
    default:
      return null;
  }
}

function sqlEffect(model: CodeModel, call: CallLike, description: string): NonIdempotentEffect | null {
  const sql = sqlOf(model, call);
  if (!sql) return null;
  if (/^\s*insert\b/i.test(sql) && !CONFLICT_SQL.test(sql)) return { call, description, reason: 'INSERT without conflict handling runs on every delivery' };
  const relative = /\bset\b[\s\S]*?\b(\w+)\s*=\s*\1\s*[-+]/i;
  if (/^\s*update\b/i.test(sql) && relative.test(sql)) return { call, description, reason: 'UPDATE with a relative SET (x = x + ...) runs on every delivery' };
  return null;
}

/** `repo.save({ ... })`, `repo.save(repo.create(...))`, `repo.save(new Entity())`: a new entity, not a loaded one. */
function builtInHandler(model: CodeModel, arg: TSESTree.Node | undefined): boolean {
  if (!arg) return false;
  const target = unwrap(arg);
  if (target.type === 'ObjectExpression' || target.type === 'NewExpression') return true;
  if (target.type === 'CallExpression' && target.callee.type === 'MemberExpression' && propertyName(target.callee) === 'create') return true;
  if (target.type === 'Identifier') {
    const decl = model.nearestDeclarator(target);
    return decl?.init ? builtInHandler(model, decl.init) : false;
  }
  return false;
}

function chainedSetIsRelative(model: CodeModel, call: CallLike): boolean {
  let node: TSESTree.Node = call;
  for (;;) {
    const member = parentOf(node);
    const next = member ? parentOf(member) : undefined;
    if (member?.type !== 'MemberExpression' || next?.type !== 'CallExpression') return false;
    if (propertyName(member) === 'set') {
      const arg = next.arguments[0];
      return Boolean(arg && /sql`[^`]*\$\{[^}]+\}\s*[-+]/.test(model.text.slice(arg.range[0], arg.range[1])));
    }
    node = next;
  }
}
