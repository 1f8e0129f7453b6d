// Cache use and clock comparisons, for the failure-mode walk (review-output.md §8.1 modes 8, 9, 17).
// All three signals are Heuristic: they say where to look, never gate.
// - A cache is a redis client the model resolves (ioredis, node-redis), or a receiver named like a
//   cache (`cache`, `userCache`, `this.cache`) that is not a plain `Map`: lru-cache, node-cache,
//   keyv, cache-manager and memcached clients are mostly reached through such names.
// - A write has a TTL when it says so (`setex`, `EX`/`PX` arguments, `{ EX: 60 }`, a numeric or
//   `{ ttl }` third argument), when an `expire` of the same key follows in the same function,
//   or when the cache was built with a default TTL (`new LRUCache({ ttl })`, `stdTTL`). A `SET … NX`
//   is a lock (locks.ts), not a cache write.
// - Cache-aside is a read and then a write on the same receiver in one function; it is coalesced
//   when the file shows a single-flight construct (singleflight, an in-flight map, DataLoader,
//   p-memoize) or the function takes a lock.
// - A clock comparison is `Date.now()` (or arithmetic on it) compared with a value named like an expiry
//   or a lease: set by one process and read by another, it is only as good as their clocks agree.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { argumentsOf, calleeOf, type CallLike, keyName, parentOf, propertyName, unwrap } from './ast.js';
import type { CodeModel } from './model.js';
import { declarationOf, enclosingFunction, originOf } from './values.js';

export interface CacheFacts {
  reads: CallLike[];
  writes: CallLike[];
  /** Writes that never expire (mode 8's likelihood signal). */
  writesWithoutTtl: CallLike[];
  /** The reads of cache-aside functions with no coalescing (mode 9's likelihood signal). */
  uncoalescedReads: CallLike[];
  /** `Date.now()` compared with an expiry or lease value (mode 17's likelihood signal). */
  clockComparisons: TSESTree.Node[];
}

const READS = new Set(['get', 'mget', 'mGet', 'getex', 'getEx', 'hget', 'hGet', 'hgetall', 'hGetAll', 'hmget', 'hmGet', 'getBuffer']);
const WRITES = new Set(['set', 'mset', 'mSet', 'hset', 'hSet', 'hmset', 'setex', 'setEx', 'psetex', 'pSetEx']);
const ALWAYS_TTL = new Set(['setex', 'setEx', 'psetex', 'pSetEx']);
const EXPIRES = new Set(['expire', 'pexpire', 'expireat', 'pexpireat', 'expireAt', 'pExpire', 'pExpireAt']);
const TTL_ARG = /^(EX|PX|EXAT|PXAT|KEEPTTL)$/i;
const TTL_KEY = /^(EX|PX|EXAT|PXAT|KEEPTTL|ttl|expiration|expiresIn)$/i;
const NX_ARG = /^NX$/i;
const DEFAULT_TTL_KEY = /^(ttl|maxAge|stdTTL|defaultTtl|expire|expires)$/;
const CACHE_NAME = /cache/i;
const PLAIN_COLLECTIONS = new Set(['Map', 'WeakMap', 'Set']);
const COALESCING = /singleflight|single-flight|coalesc|inflight|inFlight|in_flight|DataLoader|dataloader|p-memoize|pMemoize|stampede/;
const LOCKING = /\b(acquire|lock|using|withLock|mutex)\b/i;
// Not `deadline` or `until`: a local polling loop (`while (Date.now() < deadline)`) compares its own clock.
const EXPIRY_NAME = /expir|lease|ttl|validUntil|valid_until|notAfter/i;
const COMPARISON = new Set(['<', '>', '<=', '>=']);

export function cacheFacts(model: CodeModel): CacheFacts {
  const out: CacheFacts = { reads: [], writes: [], writesWithoutTtl: [], uncoalescedReads: [], clockComparisons: [] };
  /** Per function (or the program), the cache calls in source order, keyed by receiver text. */
  const byFunction = new Map<TSESTree.Node, { call: CallLike; receiver: string; method: string }[]>();
  for (const call of model.calls) {
    const callee = calleeOf(call);
    if (callee.type !== 'MemberExpression') continue;
    const method = propertyName(callee);
    if (!method) continue;
    if (method === 'now' && callee.object.type === 'Identifier' && callee.object.name === 'Date') {
      const compared = clockComparison(model, call);
      if (compared) out.clockComparisons.push(compared);
      continue;
    }
    const read = READS.has(method);
    const write = WRITES.has(method);
    if (!read && !write && !EXPIRES.has(method)) continue;
    if (!isCache(model, callee.object)) continue;
    const args = argumentsOf(call);
    if (write && args.some(isNx)) continue;
    const receiver = model.text.slice(callee.object.range[0], callee.object.range[1]);
    const fn = enclosingFunction(call) ?? model.program;
    const list = byFunction.get(fn);
    const entry = { call, receiver, method };
    if (list) list.push(entry);
    else byFunction.set(fn, [entry]);
    if (read) out.reads.push(call);
    if (write) out.writes.push(call);
  }
  const coalescedFile = COALESCING.test(model.text);
  for (const [fn, calls] of byFunction) {
    for (const [i, { call, receiver, method }] of calls.entries()) {
      if (!WRITES.has(method)) continue;
      const key = keyText(model, call);
      const expiredLater = calls.slice(i + 1).some((c) => EXPIRES.has(c.method) && c.receiver === receiver && keyText(model, c.call) === key);
      if (!expiredLater && !hasTtl(model, call, method)) out.writesWithoutTtl.push(call);
    }
    if (coalescedFile) continue;
    const firstRead = calls.find((c) => READS.has(c.method));
    if (!firstRead) continue;
    const laterWrite = calls.some((c) => WRITES.has(c.method) && c.receiver === firstRead.receiver && c.call.range[0] > firstRead.call.range[0]);
    const locked = fn !== model.program && LOCKING.test(model.text.slice(fn.range[0], fn.range[1]));
    if (laterWrite && !locked) out.uncoalescedReads.push(firstRead.call);
  }
  return out;
}

function isCache(model: CodeModel, receiver: TSESTree.Node): boolean {
  if (model.roleOf(receiver)?.role === 'redis') return true;
  const name = receiver.type === 'Identifier' ? receiver.name : receiver.type === 'MemberExpression' ? propertyName(receiver) : null;
  if (!name || !CACHE_NAME.test(name)) return false;
  const origin = unwrap(originOf(model, receiver));
  if (origin.type === 'NewExpression' && origin.callee.type === 'Identifier' && PLAIN_COLLECTIONS.has(origin.callee.name)) return false;
  // A parameter or variable typed as a plain collection (`cache: Map<string, User>`).
  if (receiver.type !== 'Identifier') return true;
  const declaration = declarationOf(model, receiver);
  const declared = declaration?.kind === 'param' ? unwrapParam(declaration.param) : declaration?.kind === 'var' ? declaration.decl.id : null;
  const annotation = (declared as { typeAnnotation?: TSESTree.TSTypeAnnotation } | null)?.typeAnnotation?.typeAnnotation;
  return !(annotation?.type === 'TSTypeReference' && annotation.typeName.type === 'Identifier' && PLAIN_COLLECTIONS.has(annotation.typeName.name));
}

/** `cache: Map<…> = new Map()` and `private cache: Map<…>` carry the annotation one level down. */
function unwrapParam(param: TSESTree.Node): TSESTree.Node {
  if (param.type === 'AssignmentPattern') return param.left;
  if (param.type === 'TSParameterProperty') return unwrapParam(param.parameter);
  return param;
}

function hasTtl(model: CodeModel, call: CallLike, method: string): boolean {
  if (ALWAYS_TTL.has(method)) return true;
  const args = argumentsOf(call);
  for (const arg of args.slice(2)) {
    const a = unwrap(arg);
    if (a.type === 'Literal' && typeof a.value === 'string' && TTL_ARG.test(a.value)) return true;
    // keyv, cache-manager, node-cache: `set(key, value, ttl)`.
    if (a.type === 'Literal' && typeof a.value === 'number') return true;
    if (a.type === 'Identifier' && /ttl|expir|seconds|ms$/i.test(a.name)) return true;
    if (a.type === 'ObjectExpression' && a.properties.some((p) => p.type === 'Property' && keyName(p.key) !== null && TTL_KEY.test(keyName(p.key)!))) return true;
  }
  const callee = calleeOf(call) as TSESTree.MemberExpression;
  const origin = unwrap(originOf(model, callee.object));
  if (origin.type === 'NewExpression' || origin.type === 'CallExpression') {
    return origin.arguments.some((arg) => {
      const a = unwrap(arg);
      return a.type === 'ObjectExpression' && a.properties.some((p) => p.type === 'Property' && keyName(p.key) !== null && DEFAULT_TTL_KEY.test(keyName(p.key)!));
    });
  }
  return false;
}

/** The source text of a call's first argument (the key), to pair a write with the expire that follows it. */
function keyText(model: CodeModel, call: CallLike): string | null {
  const first = argumentsOf(call)[0];
  return first ? model.text.slice(first.range[0], first.range[1]) : null;
}

function isNx(arg: TSESTree.Node): boolean {
  const a = unwrap(arg);
  if (a.type === 'Literal' && typeof a.value === 'string') return NX_ARG.test(a.value);
  return a.type === 'ObjectExpression' && a.properties.some((p) => p.type === 'Property' && keyName(p.key) === 'NX');
}



/** The comparison a `Date.now()` call takes part in (through `-`/`+` arithmetic), when its other side names an expiry. */
function clockComparison(model: CodeModel, call: CallLike): TSESTree.Node | null {
  let side: TSESTree.Node = call;
  for (let p = parentOf(call); p; side = p, p = parentOf(p)) {
    if (p.type === 'BinaryExpression' && (p.operator === '-' || p.operator === '+')) continue;
    if (p.type === 'TSAsExpression' || p.type === 'TSNonNullExpression') continue;
    if (p.type !== 'BinaryExpression' || !COMPARISON.has(p.operator)) return null;
    const other = p.left === side ? p.right : p.left;
    const nowSide = model.text.slice(side.range[0], side.range[1]);
    const otherText = model.text.slice(other.range[0], other.range[1]);
    return EXPIRY_NAME.test(otherText) || EXPIRY_NAME.test(nowSide.replace(/Date\.now\(\)/g, '')) ? p : null;
  }
  return null;
}
