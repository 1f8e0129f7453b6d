// Distributed lock and lease constructs (rules.md rule 42): where a lock is acquired, whether it is a
// lease and how long, how it is released, which calls run while it is held, and whether the writes
// made under it carry a fencing token. Libraries are resolved through bindings: ioredis / node-redis
// `SET NX` and `SETNX`, redlock (v4 `lock`, v5 `acquire` / `using`), redis-semaphore, PostgreSQL
// advisory locks and MySQL `GET_LOCK` sent through a resolved DB handle.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { argumentsOf, calleeOf, calleeText, type CallLike, type FunctionLike, isFunction, objectProperty, parentOf, propertyName, resultName, unwrap, contains } from './ast.js';
import { httpCallOf, isMutatingHttpCall } from './http-calls.js';
import type { CodeModel, Effect, RoleRef } from './model.js';
import { normalizeSql, sqlCallOf, sqlTextOf } from './sql.js';
import {
  declarationOf,
  identifiersIn,
  instanceImport,
  isAwaited,
  keyTexts,
  memberNamesIn,
  numberValue,
  objectKeysIn,
  originOf,
  sameKey,
  walk,
} from './values.js';

export type LockKind =
  | 'redis-set-nx' | 'redis-setnx' | 'redlock' | 'redlock-using' | 'redis-semaphore'
  | 'pg-advisory' | 'mysql-get-lock' | 'helper';

/**
 * `atomic`: the acquire sets its own expiry; `none`: nothing ever expires it; `separate`: a later
 * EXPIRE sets it (non-atomic); `library`: the lock library manages the lease; `session`: held by a DB
 * session and dropped with it; `pooled`: a session lock taken through a connection pool.
 */
export type Lease = 'atomic' | 'none' | 'separate' | 'library' | 'session' | 'pooled';

export interface LockAcquire {
  call: CallLike;
  kind: LockKind;
  library: string;
  via: 'binding' | 'name' | 'summary';
  key: TSESTree.Node | null;
  /** Lease length in milliseconds when a literal (or const) sets it. */
  ttlMs: number | null;
  lease: Lease;
  /** The library renews the lease while the holder works (redlock `using`, redis-semaphore refresh). */
  autoExtends: boolean;
  /** The handle the lock lives on: the redis client, the DB client of an advisory lock. */
  handle: TSESTree.Node | null;
  /** The name the acquire's result is bound to (`const lock = await redlock.acquire(...)`). */
  result: string | null;
  /** A callback argument that runs while the lock is held (`redlock.using(keys, ttl, async () => ...)`). */
  body: FunctionLike | null;
  /** The separate EXPIRE of a non-atomic lease. */
  expire: CallLike | null;
  /** For helpers: the lock construct inside the helper. */
  inner: LockAcquire | null;
}

export interface LockRelease {
  call: CallLike;
  kind: 'del' | 'compare-and-delete' | 'library' | 'advisory-unlock' | 'helper';
  /** Only the holder can release: compare-and-delete scripts, redlock / redis-semaphore release. */
  safe: boolean;
  via: 'binding' | 'name' | 'summary';
  key: TSESTree.Node | null;
  handle: TSESTree.Node | null;
  /** Set for unsafe releases: why. */
  reason: string | null;
}

const REDLOCK_MODULES = new Set(['redlock', '@sesamecare-oss/redlock', 'node-redlock', '@anchan828/nest-redlock']);
const SEMAPHORE_CLASSES = new Set(['Mutex', 'Semaphore', 'MultiSemaphore', 'RedlockMutex', 'RedlockSemaphore', 'RedlockMultiSemaphore']);
/** redis-semaphore's `lockTimeout` default. */
const SEMAPHORE_DEFAULT_TTL_MS = 10_000;

const LOCK_WORDS = /lock|mutex|leader|lease|semaphore|election|singleton|exclusive/i;
const DEDUP_WORDS = /idempot|dedup|processed|seen|inbox|once|unique/i;

// ------------------------------------------------------------------ redis commands

export interface RedisCommand {
  call: CallLike;
  /** Lower-case command name: `set`, `setnx`, `del`, `eval`, ... */
  name: string;
  args: TSESTree.Node[];
  handle: TSESTree.Node;
  via: 'binding' | 'name';
  library: string;
}

function redisRole(model: CodeModel, node: TSESTree.Node): RoleRef | null {
  const role = model.roleOf(node);
  return role?.role === 'redis' ? role : null;
}

/** A Redis command sent through a resolved client, including `call('SET', ...)` and `sendCommand([...])`. */
export function redisCommandOf(model: CodeModel, call: CallLike): RedisCommand | null {
  if (call.type !== 'CallExpression') return null;
  const callee = calleeOf(call);
  if (callee.type !== 'MemberExpression') return null;
  const method = propertyName(callee);
  if (!method) return null;
  const role = redisRole(model, callee.object);
  if (!role) return null;
  const library = libraryOfHandle(model, callee.object);
  const args = argumentsOf(call);
  const lower = method.toLowerCase();
  if (lower === 'call' || lower === 'send_command' || lower === 'sendcommand') {
    const first = args[0] ? unwrap(args[0]) : null;
    if (first?.type === 'ArrayExpression') {
      const elements = first.elements.filter((e): e is TSESTree.Expression => e !== null && e.type !== 'SpreadElement');
      const name = elements[0] ? model.stringValue(elements[0]) : null;
      return name ? { call, name: name.toLowerCase(), args: elements.slice(1), handle: callee.object, via: role.via, library } : null;
    }
    const name = first ? model.stringValue(first) : null;
    return name ? { call, name: name.toLowerCase(), args: args.slice(1), handle: callee.object, via: role.via, library } : null;
  }
  return { call, name: lower, args, handle: callee.object, via: role.via, library };
}

function libraryOfHandle(model: CodeModel, node: TSESTree.Node): string {
  const made = instanceImport(model, node);
  if (made?.module === 'ioredis' || made?.module === 'redis') return made.module;
  return 'redis';
}

export interface SetOptions {
  nx: boolean;
  /** Some expiry option is present (EX / PX / EXAT / PXAT / KEEPTTL). */
  expiry: boolean;
  ttlMs: number | null;
  /** An option could not be read (computed tokens, spread): the caller must not assume either way. */
  unknown: boolean;
}

/** Reads `SET key value [NX] [EX s | PX ms ...]` in ioredis token form or node-redis object form. */
export function setOptions(model: CodeModel, args: TSESTree.Node[]): SetOptions {
  const out: SetOptions = { nx: false, expiry: false, ttlMs: null, unknown: false };
  const rest = args.slice(2);
  for (let i = 0; i < rest.length; i++) {
    const arg = unwrap(rest[i]!);
    if (arg.type === 'SpreadElement') {
      out.unknown = true;
      continue;
    }
    const object = originOf(model, arg);
    if (object.type === 'ObjectExpression') {
      readObjectOptions(model, object, out);
      continue;
    }
    const token = model.stringValue(arg)?.toUpperCase() ?? null;
    if (token === null) {
      // A number right after EX/PX was consumed below; anything else unread is unknown.
      out.unknown = true;
      continue;
    }
    if (token === 'NX') out.nx = true;
    else if (token === 'EX' || token === 'PX') {
      out.expiry = true;
      const value = numberValue(model, rest[i + 1]);
      if (value !== null) out.ttlMs = token === 'EX' ? value * 1000 : value;
      i += 1;
    } else if (token === 'EXAT' || token === 'PXAT') {
      out.expiry = true;
      i += 1;
    } else if (token === 'KEEPTTL') out.expiry = true;
  }
  return out;
}

function readObjectOptions(model: CodeModel, object: TSESTree.ObjectExpression, out: SetOptions): void {
  for (const prop of object.properties) {
    if (prop.type !== 'Property') {
      out.unknown = true;
      continue;
    }
    const key = prop.key.type === 'Identifier' ? prop.key.name : model.stringValue(prop.key);
    if (!key) continue;
    const upper = key.toUpperCase();
    const value = unwrap(prop.value);
    if (upper === 'NX') {
      if (value.type === 'Literal' && value.value === true) out.nx = true;
      else if (!(value.type === 'Literal' && value.value === false)) out.unknown = true;
    } else if (upper === 'CONDITION') {
      const condition = model.stringValue(value);
      if (condition?.toUpperCase() === 'NX') out.nx = true;
      else if (condition === null) out.unknown = true;
    } else if (upper === 'EX' || upper === 'PX') {
      out.expiry = true;
      const n = numberValue(model, value);
      if (n !== null) out.ttlMs = upper === 'EX' ? n * 1000 : n;
    } else if (upper === 'EXAT' || upper === 'PXAT' || upper === 'KEEPTTL') {
      out.expiry = true;
    } else if (upper === 'EXPIRATION') {
      // node-redis v5: { expiration: { type: 'PX', value: 30000 } }
      out.expiry = true;
      const type = model.stringValue(objectProperty(value, 'type') ?? undefined)?.toUpperCase();
      const n = numberValue(model, objectProperty(value, 'value'));
      if (n !== null && (type === 'EX' || type === 'PX')) out.ttlMs = type === 'EX' ? n * 1000 : n;
    }
  }
}

// ------------------------------------------------------------------ acquires and releases

interface LockFacts {
  acquires: LockAcquire[];
  releases: LockRelease[];
  redis: RedisCommand[];
}

const factsCache = new WeakMap<CodeModel, LockFacts>();

/** Every lock construct of a file: direct acquires, releases and the Redis commands they came from. */
export function lockFacts(model: CodeModel): LockFacts {
  const cached = factsCache.get(model);
  if (cached) return cached;
  const redis: RedisCommand[] = [];
  for (const call of model.calls) {
    const command = redisCommandOf(model, call);
    if (command) redis.push(command);
  }
  redis.sort((a, b) => a.call.range[0] - b.call.range[0]);
  const acquires: LockAcquire[] = [];
  const releases: LockRelease[] = [];
  const candidates: { command: RedisCommand; options: SetOptions | null }[] = [];
  for (const command of redis) {
    if (command.name === 'set' && command.args.length >= 3) {
      const options = setOptions(model, command.args);
      if (options.nx) candidates.push({ command, options });
    } else if (command.name === 'setnx') {
      candidates.push({ command, options: null });
    }
  }
  const deletes = redis.filter((c) => (c.name === 'del' || c.name === 'unlink') && c.args[0]);
  const keyReleases: { call: CallLike; key: TSESTree.Node }[] = [];
  for (const d of deletes) if (!onlyInCatch(d.call)) keyReleases.push({ call: d.call, key: d.args[0]! });
  for (const c of redis) {
    const key = (c.name === 'eval' || c.name === 'evalsha') && isCompareAndDelete(model, c) ? evalKey(model, c) : null;
    if (key) keyReleases.push({ call: c.call, key });
  }
  for (const { command, options } of candidates) {
    const key = command.args[0] ?? null;
    if (!key) continue;
    const released = keyReleases.filter((r) => releasesSameLock(model, command.call, key, r.call, r.key)).map((r) => r.key);
    if (!isLockKey(model, command.call, key, released)) continue;
    const expire = options?.expiry
      ? null
      : redis.find((c) => ['expire', 'pexpire', 'expireat', 'pexpireat'].includes(c.name) && c.args[0] && sameKey(model, c.args[0], key)) ?? null;
    const lease: Lease = options?.expiry ? 'atomic' : expire ? 'separate' : 'none';
    if (options?.unknown && lease === 'none') continue;
    acquires.push({
      call: command.call,
      kind: options ? 'redis-set-nx' : 'redis-setnx',
      library: command.library,
      via: command.via,
      key,
      ttlMs: options?.ttlMs ?? (expire ? expireMs(model, expire) : null),
      lease,
      autoExtends: false,
      handle: command.handle,
      result: resultName(command.call),
      body: null,
      expire: expire?.call ?? null,
      inner: null,
    });
  }
  for (const command of deletes) {
    const key = command.args[0]!;
    if (!acquires.some((a) => a.key && releasesSameLock(model, a.call, a.key, command.call, key))) continue;
    const watched = redis.some((c) => c.name === 'watch' && c.args[0] && sameKey(model, c.args[0], key) && c.call.range[1] <= command.call.range[0]);
    releases.push({
      call: command.call,
      kind: 'del',
      safe: watched,
      via: command.via,
      key,
      handle: command.handle,
      reason: watched ? null : checkedBeforeDelete(model, command, redis) ? 'check-then-delete is not atomic' : 'deletes the key whoever holds it',
    });
  }
  for (const command of redis) {
    if ((command.name === 'eval' || command.name === 'evalsha') && isCompareAndDelete(model, command)) {
      releases.push({ call: command.call, kind: 'compare-and-delete', safe: true, via: command.via, key: evalKey(model, command), handle: command.handle, reason: null });
    }
  }
  for (const call of model.calls) {
    const found = libraryLockCall(model, call) ?? advisoryLockCall(model, call);
    if (!found) continue;
    if ('lease' in found) acquires.push(found);
    else releases.push(found);
  }
  const sortByPosition = <T extends { call: CallLike }>(list: T[]): T[] => list.sort((a, b) => a.call.range[0] - b.call.range[0]);
  const facts = { acquires: sortByPosition(acquires), releases: sortByPosition(releases), redis };
  factsCache.set(model, facts);
  return facts;
}

/** SET NX is also the idempotency-marker idiom (rules.md §2.7); only keys that behave like locks count. */
function isLockKey(model: CodeModel, call: CallLike, key: TSESTree.Node, releasedKeys: TSESTree.Node[]): boolean {
  const texts = [...keyTexts(model, key)].join(' ');
  if (LOCK_WORDS.test(texts)) return true;
  if (DEDUP_WORDS.test(texts)) return false;
  // `acquireLock(redis, key, ttl)`: the function's own name says what the key is.
  if (LOCK_WORDS.test(model.regionOf(call).name)) return true;
  // Released after the work (not only undone in a catch) is the acquire/release shape of a lock.
  return releasedKeys.some((k) => sameKey(model, k, key));
}

/**
 * A delete frees the lock an acquire took when they name the same key in the same function, or in a
 * function whose name says it releases locks (`releaseLock(key)` next to `acquireLock(key)`); a bare
 * `key` parameter of an unrelated function (cache invalidation) is not the lock's key.
 */
function releasesSameLock(model: CodeModel, acquire: CallLike, acquireKey: TSESTree.Node, release: CallLike, releaseKey: TSESTree.Node): boolean {
  if (!sameKey(model, acquireKey, releaseKey)) return false;
  if (model.regionOf(acquire) === model.regionOf(release)) return true;
  if (LOCK_WORDS.test([...keyTexts(model, releaseKey)].join(' '))) return true;
  return /lock|release|unlock|mutex|lease/i.test(model.regionOf(release).name);
}

function onlyInCatch(node: TSESTree.Node): boolean {
  let current = parentOf(node);
  while (current && !isFunction(current)) {
    if (current.type === 'CatchClause') return true;
    current = parentOf(current);
  }
  return false;
}

function expireMs(model: CodeModel, command: RedisCommand): number | null {
  const n = numberValue(model, command.args[1]);
  if (n === null) return null;
  return command.name === 'expire' ? n * 1000 : command.name === 'pexpire' ? n : null;
}

/** `if (await redis.get(k) === token) await redis.del(k)`: a GET of the same key earlier in the function. */
function checkedBeforeDelete(model: CodeModel, del: RedisCommand, redis: RedisCommand[]): boolean {
  const region = model.regionOf(del.call);
  return redis.some((c) => c.name === 'get' && c.args[0] && sameKey(model, c.args[0], del.args[0]!) &&
    model.regionOf(c.call) === region && c.call.range[1] <= del.call.range[0]);
}

const SCRIPT_COMPARES = /redis\.call\(\s*['"]get['"][\s\S]*redis\.call\(\s*['"](del|unlink)['"]|redis\.call\(\s*['"](del|unlink)['"][\s\S]*==|==[\s\S]*redis\.call\(\s*['"](del|unlink)['"]/i;

function isCompareAndDelete(model: CodeModel, command: RedisCommand): boolean {
  if (command.name === 'evalsha') return true;
  const script = command.args[0] ? sqlTextOf(model, command.args[0]) : null;
  return script !== null && SCRIPT_COMPARES.test(script);
}

function evalKey(model: CodeModel, command: RedisCommand): TSESTree.Node | null {
  // ioredis: eval(script, numKeys, key1, ...); node-redis: eval(script, { keys: [k], arguments: [...] })
  const second = command.args[1] ? unwrap(command.args[1]) : null;
  if (second?.type === 'ObjectExpression') {
    const keys = objectProperty(second, 'keys');
    const first = keys && unwrap(keys).type === 'ArrayExpression' ? (unwrap(keys) as TSESTree.ArrayExpression).elements[0] : null;
    return first && first.type !== 'SpreadElement' ? first : null;
  }
  void model;
  return command.args[2] ?? null;
}

/** redlock and redis-semaphore acquires and releases, resolved through the receiver's class import. */
function libraryLockCall(model: CodeModel, call: CallLike): LockAcquire | LockRelease | null {
  if (call.type !== 'CallExpression') return null;
  const callee = calleeOf(call);
  if (callee.type !== 'MemberExpression') return null;
  const method = propertyName(callee);
  if (!method) return null;
  const args = argumentsOf(call);
  const made = instanceImport(model, callee.object);
  if (made && REDLOCK_MODULES.has(made.module)) {
    const base = { call, library: 'redlock', via: 'binding' as const, handle: callee.object, expire: null, inner: null };
    if (method === 'acquire' || method === 'lock') {
      return { ...base, kind: 'redlock', key: args[0] ?? null, ttlMs: numberValue(model, args[1]), lease: 'library', autoExtends: false, result: resultName(call), body: null };
    }
    if (method === 'using') {
      const body = [...args].reverse().find((a) => isFunction(unwrap(a)));
      return {
        ...base, kind: 'redlock-using', key: args[0] ?? null, ttlMs: numberValue(model, args[1]), lease: 'library',
        autoExtends: true, result: null, body: body ? (unwrap(body) as FunctionLike) : null,
      };
    }
    if (method === 'release' || method === 'unlock') {
      return { call, kind: 'library', safe: true, via: 'binding', key: null, handle: args[0] ?? null, reason: null };
    }
    return null;
  }
  if (made?.module === 'redis-semaphore' && SEMAPHORE_CLASSES.has(made.path[0] ?? '')) {
    const origin = originOf(model, callee.object);
    const ctorArgs = origin.type === 'NewExpression' ? origin.arguments : [];
    const isSemaphore = (made.path[0] ?? '').includes('Semaphore');
    const keyIndex = 1;
    const optionsIndex = isSemaphore ? 3 : 2;
    const options = ctorArgs[optionsIndex] ? originOf(model, ctorArgs[optionsIndex]) : null;
    if (method === 'acquire' || method === 'tryAcquire') {
      const ttl = options ? numberValue(model, objectProperty(options, 'lockTimeout')) : null;
      const refresh = options ? numberValue(model, objectProperty(options, 'refreshInterval')) : null;
      return {
        call, kind: 'redis-semaphore', library: 'redis-semaphore', via: 'binding', key: ctorArgs[keyIndex] ?? null,
        ttlMs: ttl ?? (options && objectProperty(options, 'lockTimeout') ? null : SEMAPHORE_DEFAULT_TTL_MS),
        lease: 'library', autoExtends: refresh !== 0, handle: callee.object, result: null, body: null, expire: null, inner: null,
      };
    }
    if (method === 'release') return { call, kind: 'library', safe: true, via: 'binding', key: null, handle: callee.object, reason: null };
  }
  return null;
}

const ADVISORY_LOCK = /\bpg_(try_)?advisory_(xact_)?lock(_shared)?\s*\(/i;
const ADVISORY_UNLOCK = /\bpg_advisory_unlock(_shared|_all)?\s*\(/i;
const MYSQL_GET_LOCK = /\bget_lock\s*\(/i;

/** PostgreSQL advisory locks and MySQL GET_LOCK sent through a resolved DB handle. */
function advisoryLockCall(model: CodeModel, call: CallLike): LockAcquire | LockRelease | null {
  const sqlCall = sqlCallOf(model, call);
  if (!sqlCall || !sqlCall.role || !sqlCall.receiver) return null;
  const sql = normalizeSql(sqlCall.sql);
  const role = sqlCall.role;
  const via = role.via;
  if (ADVISORY_LOCK.test(sql) && (role.role === 'pg.pool' || role.role === 'pg.client' || role.role.startsWith('typeorm') || role.role === 'knex' || role.role.startsWith('prisma'))) {
    const transactional = /advisory_xact_lock/i.test(sql);
    const pooled = !transactional && (role.role === 'pg.pool' || role.role === 'prisma' || role.role === 'typeorm.ds');
    return {
      call, kind: 'pg-advisory', library: 'pg', via, key: null, ttlMs: null, lease: pooled ? 'pooled' : 'session',
      autoExtends: false, handle: sqlCall.receiver, result: null, body: null, expire: null, inner: null,
    };
  }
  if (ADVISORY_UNLOCK.test(sql)) {
    const pooled = role.role === 'pg.pool' || role.role === 'prisma' || role.role === 'typeorm.ds';
    return {
      call, kind: 'advisory-unlock', safe: !pooled, via, key: null, handle: sqlCall.receiver,
      reason: pooled ? 'a connection pool may run the unlock on a different session than the one holding the lock' : null,
    };
  }
  if (MYSQL_GET_LOCK.test(sql) && role.role === 'mysql') {
    return {
      call, kind: 'mysql-get-lock', library: 'mysql2', via, key: null, ttlMs: null, lease: 'session',
      autoExtends: false, handle: sqlCall.receiver, result: null, body: null, expire: null, inner: null,
    };
  }
  return null;
}

// ------------------------------------------------------------------ helpers (one-hop summaries)

/**
 * A call of a local function or method whose body acquires a lock (`await this.locks.acquire(key)`,
 * `withLock(key, async () => ...)`): the caller holds the lock from there on, or inside the callback.
 */
export function helperAcquireOf(model: CodeModel, call: CallLike): LockAcquire | null {
  const fn = model.calleeFunction(call);
  if (!fn) return null;
  const facts = lockFacts(model);
  const inner = facts.acquires.find((a) => a.kind !== 'helper' && contains(fn, a.call));
  if (!inner) return null;
  const body = argumentsOf(call).map((a) => unwrap(a)).find((a) => isFunction(a)) as FunctionLike | undefined;
  // A helper that takes and releases the lock itself guards only its own body, unless it runs the
  // caller's callback in between (`withLock(key, fn)`).
  const releasesInside = facts.releases.some((r) => contains(fn, r.call));
  if (releasesInside && !(body && callsOwnParameter(fn))) return null;
  return {
    call, kind: 'helper', library: inner.library, via: 'summary', key: argumentsOf(call)[0] ?? null, ttlMs: inner.ttlMs,
    lease: inner.lease, autoExtends: inner.autoExtends, handle: null, result: resultName(call), body: body ?? null, expire: null, inner,
  };
}

function callsOwnParameter(fn: FunctionLike): boolean {
  const params = new Set(fn.params.map((p) => (p.type === 'Identifier' ? p.name : p.type === 'AssignmentPattern' && p.left.type === 'Identifier' ? p.left.name : null)));
  let found = false;
  walk(fn.body, (n) => {
    if (found) return false;
    if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && params.has(n.callee.name)) found = true;
    return undefined;
  });
  return found;
}

function helperReleases(model: CodeModel, call: CallLike): boolean {
  const fn = model.calleeFunction(call);
  return fn !== null && lockFacts(model).releases.some((r) => contains(fn, r.call));
}

// ------------------------------------------------------------------ critical sections

/** The calls that run while `acquire` holds its lock, in source order. */
export function criticalSection(model: CodeModel, acquire: LockAcquire): CallLike[] {
  const region = model.regionOf(acquire.call);
  if (acquire.body) {
    const body = acquire.body;
    return model.calls
      .filter((c) => contains(body, c) && c !== acquire.call)
      .filter((c) => model.regionOf(c) === region || model.regionOf(c).node === body)
      .sort((a, b) => a.range[0] - b.range[0]);
  }
  const calls = model.callsIn(region).filter((c) => c.range[0] >= acquire.call.range[1] && !model.exclusive(acquire.call, c));
  const releases = calls.filter((c) => releasesAcquire(model, acquire, c));
  const end = releases.length > 0 ? Math.max(...releases.map((r) => r.range[0])) : Infinity;
  return calls.filter((c) => c.range[0] < end && !releases.includes(c));
}

function releasesAcquire(model: CodeModel, acquire: LockAcquire, call: CallLike): boolean {
  const facts = lockFacts(model);
  const release = facts.releases.find((r) => r.call === call);
  if (release) {
    if (release.key && acquire.key) return sameKey(model, release.key, acquire.key);
    if (release.kind === 'advisory-unlock' || release.kind === 'library') return true;
    return false;
  }
  if (call.type === 'CallExpression' && call.callee.type === 'MemberExpression') {
    const method = propertyName(call.callee);
    const receiver = unwrap(call.callee.object);
    if (acquire.result && receiver.type === 'Identifier' && receiver.name === acquire.result && (method === 'release' || method === 'unlock')) return true;
  }
  return acquire.kind === 'helper' && helperReleases(model, call);
}

/** Whether the lease is renewed while held: `extend` / `pexpire` / `refresh` in the same function. */
export function extendsLease(model: CodeModel, acquire: LockAcquire): boolean {
  if (acquire.autoExtends) return true;
  const region = model.regionOf(acquire.call);
  let found = false;
  walk(region.node, (n) => {
    if (found) return false;
    if (n.type === 'CallExpression' && n !== acquire.expire && n.callee.type === 'MemberExpression') {
      const method = propertyName(n.callee)?.toLowerCase();
      if (method && ['extend', 'refresh', 'renew', 'pexpire', 'expire', 'touch'].includes(method) && n.range[0] > acquire.call.range[0]) found = true;
    }
    return undefined;
  });
  return found;
}

// ------------------------------------------------------------------ protected writes and fencing

export interface ProtectedWrite {
  call: CallLike;
  kind: 'dbWrite' | 'publish' | 'http';
  description: string;
  via: string;
  /** Another handle than the one holding a session lock (advisory locks). */
  effect: Effect | null;
}

/** Writes made while the lock is held: DB writes, publishes and mutating outbound HTTP calls. */
export function protectedWrites(model: CodeModel, acquire: LockAcquire, section: CallLike[]): ProtectedWrite[] {
  const out: ProtectedWrite[] = [];
  for (const call of section) {
    const effects = model.effectsOf(call);
    const effect = effects[0];
    if (effect) {
      if (effect.kind === 'dbWrite' && sessionProtected(model, acquire, call)) continue;
      out.push({ call, kind: effect.kind, description: effect.description, via: effect.via, effect });
      continue;
    }
    const http = httpCallOf(model, call);
    if (http && isMutatingHttpCall(http)) {
      out.push({ call, kind: 'http', description: `${http.method ?? 'HTTP'} ${calleeText(model.text, call)}`, via: 'binding', effect: null });
    }
  }
  return out;
}

/** A write on the very session that holds an advisory lock fails with it, so the lock cannot outlive it. */
function sessionProtected(model: CodeModel, acquire: LockAcquire, write: CallLike): boolean {
  if (acquire.lease !== 'session' || !acquire.handle) return false;
  const callee = calleeOf(write);
  let receiver: TSESTree.Node | null = callee.type === 'MemberExpression' ? callee.object : null;
  while (receiver && receiver.type === 'MemberExpression' && receiver.object.type !== 'ThisExpression') receiver = receiver.object;
  while (receiver && receiver.type === 'CallExpression' && receiver.callee.type === 'MemberExpression') receiver = receiver.callee.object;
  return receiver !== null && sameKey(model, receiver, acquire.handle);
}

const FENCE_NAME = /fenc|epoch/i;
const FENCE_KEY = /^(fence|fenc\w*|fencing_?token|version|lock_?version|epoch|token|lock_?token|lease_?token|__v|generation)$/i;
const CONDITIONAL_SQL = /\bwhere\b[\s\S]*?(fence|fencing|version|token|epoch|generation)\w*["`\]]?\s*(<|=|>)/i;
const MONOTONIC_REDIS = new Set(['incr', 'incrby', 'hincrby']);

/** Names bound to fencing values in a file: INCR results, `nextval`, fields named like a fence or epoch. */
export function fenceNames(model: CodeModel): Set<string> {
  const cached = fenceNamesCache.get(model);
  if (cached) return cached;
  const out = new Set<string>();
  for (const n of model.allDeclarators) {
    if (n.id.type === 'Identifier') {
      if (FENCE_NAME.test(n.id.name) || (n.init && isMonotonicSource(model, n.init))) out.add(n.id.name);
    } else if (n.id.type === 'ObjectPattern') {
      for (const prop of n.id.properties) {
        if (prop.type === 'Property' && prop.value.type === 'Identifier' && (FENCE_NAME.test(prop.value.name) || /^version$/i.test(prop.value.name))) {
          out.add(prop.value.name);
        }
      }
    }
  }
  if (model.complete) fenceNamesCache.set(model, out);
  return out;
}

const fenceNamesCache = new WeakMap<CodeModel, Set<string>>();

const namesCounter = new WeakMap<CodeModel, boolean>();

function isMonotonicSource(model: CodeModel, init: TSESTree.Node): boolean {
  // INCR, INCRBY, HINCRBY, nextval() or a member named like a fence or epoch: without one of those
  // words in the file there is no walk to do.
  let named = namesCounter.get(model);
  if (named === undefined) namesCounter.set(model, (named = /incr|nextval|fenc|epoch/i.test(model.text)));
  if (!named) return false;
  let found = false;
  walk(init, (n) => {
    if (found) return false;
    if (n.type === 'CallExpression') {
      const command = redisCommandOf(model, n);
      if (command && MONOTONIC_REDIS.has(command.name)) found = true;
      const sql = sqlCallOf(model, n);
      if (sql && /\bnextval\s*\(/i.test(sql.sql)) found = true;
    }
    if (n.type === 'MemberExpression' && FENCE_NAME.test(propertyName(n) ?? '')) found = true;
    return undefined;
  });
  return found;
}

/** A write that carries a fencing token or only applies when the stored version / fence still matches. */
export function isFenced(model: CodeModel, call: CallLike, fences: Set<string>): boolean {
  const sql = sqlCallOf(model, call)?.sql ?? sqlTextOf(model, argumentsOf(call)[0]);
  if (sql && CONDITIONAL_SQL.test(normalizeSql(sql))) return true;
  // The callee chain holds knex `.where({ version })` and drizzle `.where(eq(t.version, v))`.
  const scope: TSESTree.Node = call;
  if (objectKeysIn(scope).some((k) => FENCE_KEY.test(k))) return true;
  if (identifiersIn(scope).some((id) => fences.has(id.name) || FENCE_NAME.test(id.name))) return true;
  if (memberNamesIn(scope).some((name) => FENCE_NAME.test(name) || /^version$/i.test(name))) return true;
  const resolved = argumentsOf(call).map((a) => originOf(model, a)).filter((a) => a.type === 'ObjectExpression');
  return resolved.some((o) => objectKeysIn(o).some((k) => FENCE_KEY.test(k)));
}

// ------------------------------------------------------------------ timeouts inside the critical section

const TIMEOUT_KEYS = /^(timeout|timeoutMs|timeoutMillis|requestTimeout|responseTimeout|socketTimeout|statement_timeout|query_timeout|deadline|startToCloseTimeout)$/;

/** The longest literal timeout (or awaited sleep) of an awaited call in the section, with its call. */
export function longestAwaitedTimeout(model: CodeModel, section: CallLike[]): { call: CallLike; ms: number } | null {
  let best: { call: CallLike; ms: number } | null = null;
  for (const call of section) {
    if (!isAwaited(call) && !model.isSettled(call)) continue;
    const ms = callTimeout(model, call);
    if (ms !== null && (!best || ms > best.ms)) best = { call, ms };
  }
  return best;
}

function callTimeout(model: CodeModel, call: CallLike): number | null {
  const callee = calleeOf(call);
  if (callee.type === 'Identifier') {
    const decl = declarationOf(model, callee);
    if (decl?.kind === 'import' && /^(node:)?timers\/promises$/.test(decl.binding.module) && decl.binding.path[0] === 'setTimeout') {
      return numberValue(model, argumentsOf(call)[0]);
    }
  }
  let best: number | null = null;
  for (const arg of argumentsOf(call)) {
    walk(originOf(model, arg), (n) => {
      if (isFunction(n)) return false;
      if (n.type === 'Property') {
        const key = n.key.type === 'Identifier' ? n.key.name : model.stringValue(n.key);
        if (key && TIMEOUT_KEYS.test(key)) {
          const value = originOf(model, n.value);
          const direct = numberValue(model, value);
          const nested = value.type === 'ObjectExpression'
            ? Math.max(-1, ...value.properties.map((p) => (p.type === 'Property' ? numberValue(model, p.value) ?? -1 : -1)))
            : null;
          const ms = direct ?? (nested !== null && nested >= 0 ? nested : null);
          if (ms !== null && (best === null || ms > best)) best = ms;
        }
      }
      if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && propertyName(n.callee) === 'timeout' &&
        n.callee.object.type === 'Identifier' && n.callee.object.name === 'AbortSignal') {
        const ms = numberValue(model, n.arguments[0]);
        if (ms !== null && (best === null || ms > best)) best = ms;
      }
      return undefined;
    });
  }
  return best;
}
