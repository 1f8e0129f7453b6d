// Retry constructs (rules.md §2.8): library retries (p-retry, async-retry, cockatiel, axios-retry, got,
// BullMQ job options, kafkajs, AWS SDK v3) and hand-rolled loops or recursion around a settled call.
// For each: where it is, its bound, its backoff and jitter, how permanent errors escape it, and what it
// wraps. Libraries are recognised through imports and constructors; only `pRetry` / `axiosRetry` are
// also recognised by name when their import cannot be resolved (the construct is then `via: 'name'`).
// Pure functions over a CodeModel, cached per model; call them at Program:exit.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import {
  argumentsOf,
  calleeOf,
  calleeText,
  type CallLike,
  contains,
  enclosingClass,
  type FunctionLike,
  isFunction,
  paramName,
  parentOf,
  propertyName,
  unwrap,
} from './ast.js';
import type { CodeModel } from './model.js';
import {
  assignmentsTo,
  bindingOf,
  booleanValue,
  calleeName,
  findAll,
  functionOf,
  isModuleMember,
  moduleRef,
  numberValue,
  option,
  originOf,
  patternNames,
  walk,
  type OptionLookup,
} from './retry-values.js';
import { compactText } from './values.js';

export type RetryLibrary =
  | 'p-retry' | 'async-retry' | 'cockatiel' | 'axios-retry' | 'got' | 'bullmq' | 'kafkajs' | 'aws-sdk' | 'loop' | 'recursion';

/**
 * The configured limit, counted the way the library counts it (retries for p-retry, async-retry,
 * cockatiel, axios-retry, got and kafkajs; attempts for BullMQ, AWS SDK and loops). `default:<n>` when
 * the option is absent and the library default applies; `unknown` when the value is not a constant.
 */
export type RetryBound = number | 'unbounded' | `default:${number}` | 'unknown';

/** `unknown` means the delay is computed somewhere the analysis cannot see: rules stay silent. */
export type JitterFact = 'yes' | 'no' | 'unknown';

export interface RetryBackoff {
  /** `none`: immediate retries; `default`: the library's own backoff; `custom`: a delay function. */
  kind: 'none' | 'fixed' | 'linear' | 'exponential' | 'custom' | 'default' | 'unknown';
  jitter: JitterFact;
  /** The option, backoff object or delay call the facts come from. */
  node: TSESTree.Node | null;
}

export type EscapeKind =
  | 'abort-error' | 'bail' | 'should-retry' | 'on-failed-attempt' | 'retry-condition' | 'handle-type'
  | 'unrecoverable-error' | 'status-codes' | 'error-check' | 'library-default';

export interface RetryEscape {
  kind: EscapeKind;
  node: TSESTree.Node | null;
}

/** One place the retried code runs: the `pRetry(...)` call, or each `policy.execute(fn)` of a cockatiel policy. */
export interface RetryRun {
  call: CallLike;
  fn: FunctionLike | null;
}

export interface RetryConstruct {
  library: RetryLibrary;
  /** wrapper: runs a function with retries; client: configures a client; job: queue job options. */
  kind: 'wrapper' | 'client' | 'job' | 'loop' | 'recursion';
  /** Where to report: the call, constructor, loop statement or recursive call. */
  node: TSESTree.Node;
  /** `pRetry(...)`, `while (true) loop`, `axiosRetry(api)`. */
  description: string;
  /** Line-independent key for fingerprints: library plus the construct's head text. */
  key: string;
  bound: RetryBound;
  boundNode: TSESTree.Node | null;
  /** Total calls the bound allows (first try included); null when unbounded or unknown. */
  attempts: number | null;
  backoff: RetryBackoff;
  escapes: RetryEscape[];
  /** cockatiel: which failures the policy retries. */
  handles: 'all' | 'classified' | 'unknown' | null;
  /** Set when the configuration retries every failure (axios-retry condition always true, got 4xx status codes). */
  retryEverything: TSESTree.Node | null;
  runs: RetryRun[];
  /** Calls made inside the retried code, source order, delays excluded (loops: the try block). */
  wraps: CallLike[];
  /** Client configs: the configured value (the axios instance, got instance, Kafka/AWS client expression). */
  client: TSESTree.Node | null;
  /** BullMQ: the queue name the options apply to. */
  channel: string | null;
  /** Loops: the catch that retries (null for result-checking loops). */
  handler: TSESTree.CatchClause | null;
  /** Loops: whether the shape is try/catch or a status check on the result. */
  shape: 'try-catch' | 'status-check' | null;
  via: 'binding' | 'name';
  options: TSESTree.Node | null;
}

const cache = new WeakMap<CodeModel, RetryConstruct[]>();

/** Every retry construct of the file, in source order. */
export function findRetries(model: CodeModel): RetryConstruct[] {
  const cached = cache.get(model);
  if (cached) return cached;
  const out: RetryConstruct[] = [];
  for (const call of model.calls) {
    const found = libraryConstruct(model, call);
    if (found) out.push(...found);
  }
  out.push(...loopConstructs(model));
  out.push(...recursionConstructs(model));
  out.sort((a, b) => a.node.range[0] - b.node.range[0]);
  linkHelperRuns(model, out);
  cache.set(model, out);
  return out;
}

// ------------------------------------------------------------------ shared helpers

/**
 * Fingerprint anchor (rules.md §1.4): the region name plus the construct's key, with an ordinal when
 * the same key occurs twice in one region, so edits elsewhere in the body do not change it.
 */
export function constructAnchor(model: CodeModel, construct: RetryConstruct): string {
  let anchors = anchorCache.get(model);
  if (!anchors) {
    // All at once: counting the construct's predecessors per call was quadratic in the constructs.
    anchors = new Map();
    const seen = new Map<string, number>();
    for (const c of findRetries(model)) {
      const group = `${model.regionOf(c.node).name}|${c.key}`;
      const ordinal = seen.get(group) ?? 0;
      seen.set(group, ordinal + 1);
      anchors.set(c, `${group}${ordinal > 0 ? `#${ordinal + 1}` : ''}`);
    }
    anchorCache.set(model, anchors);
  }
  return anchors.get(construct) ?? `${model.regionOf(construct.node).name}|${construct.key}`;
}

const anchorCache = new WeakMap<CodeModel, Map<RetryConstruct, string>>();

/** How many times a failure is retried, for messages: `5`, `10 (p-retry default)`, `an unknown number of`. */
export function retriesText(construct: RetryConstruct): string {
  if (construct.bound === 'unbounded') return 'indefinitely many';
  if (construct.attempts === null) return 'an unknown number of';
  const retries = construct.attempts - 1;
  return typeof construct.bound === 'string' && construct.bound.startsWith('default:') ? `${retries} (the ${construct.library} default)` : String(retries);
}

/** A node's source text with whitespace collapsed, for messages. */
export function sourceText(model: CodeModel, node: TSESTree.Node, max = 60): string {
  const text = model.text.slice(node.range[0], node.range[1]).replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function base(partial: Partial<RetryConstruct> & Pick<RetryConstruct, 'library' | 'kind' | 'node' | 'description' | 'bound'>): RetryConstruct {
  return {
    key: partial.description,
    boundNode: null,
    attempts: null,
    backoff: { kind: 'unknown', jitter: 'unknown', node: null },
    escapes: [],
    handles: null,
    retryEverything: null,
    runs: [],
    wraps: [],
    client: null,
    channel: null,
    handler: null,
    shape: null,
    via: 'binding',
    options: null,
    ...partial,
  };
}

/** Reads a count option: `Infinity`-like values are unbounded, missing ones take the library default. */
function countOption(model: CodeModel, lookup: OptionLookup, fallback: number): { bound: RetryBound; node: TSESTree.Node | null } {
  if (lookup.state === 'absent') return { bound: `default:${fallback}`, node: null };
  if (lookup.state === 'unknown') return { bound: 'unknown', node: null };
  const value = numberValue(model, lookup.value);
  if (value === null) return { bound: 'unknown', node: lookup.property };
  if (!Number.isFinite(value) || value >= Number.MAX_SAFE_INTEGER) return { bound: 'unbounded', node: lookup.property };
  return { bound: value, node: lookup.property };
}

/** The number a bound stands for (a default counts as its value). */
export function boundValue(bound: RetryBound): number | null {
  if (typeof bound === 'number') return bound;
  if (bound.startsWith('default:')) return Number(bound.slice('default:'.length));
  return null;
}

function attemptsFrom(bound: RetryBound, countsRetries: boolean): number | null {
  const value = boundValue(bound);
  if (value === null) return null;
  return countsRetries ? Math.max(1, value + 1) : Math.max(1, value);
}

function callsInside(model: CodeModel, fns: (FunctionLike | null)[]): CallLike[] {
  const out: CallLike[] = [];
  for (const fn of fns) {
    if (!fn) continue;
    for (const call of model.calls) {
      if (call !== (fn as TSESTree.Node) && contains(fn.body, call) && !delayOf(model, call)) out.push(call);
    }
  }
  return [...new Set(out)].sort((a, b) => a.range[0] - b.range[0]);
}

/** Whether a function (or a local helper it calls, up to `hops`) contains a node matching `test`. */
export function functionUses(
  model: CodeModel,
  fn: FunctionLike,
  test: (node: TSESTree.Node) => boolean,
  hops = 1,
  seen = new Set<FunctionLike>(),
): boolean {
  if (seen.has(fn)) return false;
  seen.add(fn);
  let found = false;
  const helpers: FunctionLike[] = [];
  walk(fn.body, (node) => {
    if (found) return false;
    if (test(node)) {
      found = true;
      return false;
    }
    if (hops > 0 && (node.type === 'CallExpression' || node.type === 'NewExpression')) {
      const helper = model.calleeFunction(node) ?? functionOf(model, node.callee);
      if (helper && helper !== fn) helpers.push(helper);
    }
    return undefined;
  });
  if (found) return true;
  return helpers.some((helper) => functionUses(model, helper, test, hops - 1, seen));
}

/** Calls inside the functions and one local hop further. */
export function reachableCalls(model: CodeModel, fns: (FunctionLike | null)[], hops = 1): CallLike[] {
  const out = new Set<CallLike>();
  const visit = (fn: FunctionLike, depth: number, seen: Set<FunctionLike>) => {
    if (seen.has(fn)) return;
    seen.add(fn);
    for (const call of callsInside(model, [fn])) {
      out.add(call);
      if (depth > 0) {
        const helper = model.calleeFunction(call);
        if (helper) visit(helper, depth - 1, seen);
      }
    }
  };
  for (const fn of fns) if (fn) visit(fn, hops, new Set());
  return [...out].sort((a, b) => a.range[0] - b.range[0]);
}

function viaOf(model: CodeModel, callee: TSESTree.Node, modules: string[]): 'binding' | null {
  const ref = moduleRef(model, callee);
  if (ref) return modules.includes(ref.module) && ref.path.length === 0 ? 'binding' : null;
  return null;
}

function keyOf(model: CodeModel, library: string, node: TSESTree.Node): string {
  if (node.type === 'CallExpression' || node.type === 'NewExpression') {
    const first = node.arguments[0];
    const literal = first ? model.stringValue(first) : null;
    return `${library}|${calleeText(model.text, node)}${literal ? `|${literal}` : ''}`;
  }
  return `${library}|${compactText(model, node).slice(0, 60)}`;
}

// ------------------------------------------------------------------ library constructs

function libraryConstruct(model: CodeModel, call: CallLike): RetryConstruct[] | null {
  if (call.type === 'TaggedTemplateExpression') return null;
  const callee = unwrap(calleeOf(call));
  if (call.type === 'NewExpression') return constructorConstruct(model, call);
  const pRetryVia = viaOf(model, callee, ['p-retry']) ?? (callee.type === 'Identifier' && callee.name === 'pRetry' && !moduleRef(model, callee) && !bindingIsLocalFunction(model, callee) ? 'name' : null);
  if (pRetryVia) return [pRetryConstruct(model, call, pRetryVia)];
  if (viaOf(model, callee, ['async-retry'])) return [asyncRetryConstruct(model, call)];
  const axiosVia = viaOf(model, callee, ['axios-retry']) ?? (callee.type === 'Identifier' && callee.name === 'axiosRetry' && !moduleRef(model, callee) && !bindingIsLocalFunction(model, callee) ? 'name' : null);
  if (axiosVia) return [axiosRetryConstruct(model, call, axiosVia)];
  if (isModuleMember(model, callee, ['cockatiel'], ['retry'])) return [cockatielConstruct(model, call)];
  const fluent = cockatielFluent(model, call);
  if (fluent) return [fluent];
  const got = gotConstruct(model, call);
  if (got) return [got];
  if (callee.type === 'MemberExpression') {
    const method = propertyName(callee);
    // Resolving a receiver's role is the costly part; only these four methods can make a construct.
    if (method !== 'add' && method !== 'addBulk' && method !== 'producer' && method !== 'consumer') return null;
    const owner = model.roleOf(callee.object);
    if (owner && (owner.role === 'bullmq.queue' || owner.role === 'bullmq.flow') && (method === 'add' || method === 'addBulk')) {
      return bullmqJobConstructs(model, call, method, owner);
    }
    if (owner?.role === 'kafka.client' && (method === 'producer' || method === 'consumer')) {
      const found = kafkaConstruct(model, call, call.arguments[0]);
      return found ? [found] : null;
    }
  }
  return null;
}

function bindingIsLocalFunction(model: CodeModel, id: TSESTree.Identifier): boolean {
  const binding = bindingOf(model, id);
  return binding?.kind === 'function' || (binding?.kind === 'var' && !!binding.decl.init && isFunction(unwrap(binding.decl.init)));
}

function pRetryConstruct(model: CodeModel, call: TSESTree.CallExpression, via: 'binding' | 'name'): RetryConstruct {
  const opts = call.arguments[1] ?? null;
  const forever = option(model, opts, 'forever');
  let { bound, node: boundNode } = countOption(model, option(model, opts, 'retries'), 10);
  if (forever.state === 'present' && booleanValue(model, forever.value) === true) {
    bound = 'unbounded';
    boundNode = forever.property;
  }
  const randomize = option(model, opts, 'randomize');
  const jitter: JitterFact = randomize.state === 'absent'
    ? 'no'
    : randomize.state === 'unknown'
      ? 'unknown'
      : booleanValue(model, randomize.value) === true ? 'yes' : booleanValue(model, randomize.value) === false ? 'no' : 'unknown';
  const factor = option(model, opts, 'factor');
  const factorValue = factor.state === 'present' ? numberValue(model, factor.value) : null;
  const fn = call.arguments[0] ? functionOf(model, call.arguments[0]) : null;
  const escapes: RetryEscape[] = [];
  const shouldRetry = option(model, opts, 'shouldRetry');
  // Options the analysis cannot read may well carry a shouldRetry: count them as an escape.
  if (shouldRetry.state !== 'absent') escapes.push({ kind: 'should-retry', node: shouldRetry.state === 'present' ? shouldRetry.property : null });
  const onFailed = option(model, opts, 'onFailedAttempt');
  if (onFailed.state === 'present') {
    const handler = functionOf(model, onFailed.value);
    if (!handler || findAll(handler.body, (n): n is TSESTree.ThrowStatement => n.type === 'ThrowStatement').length > 0) {
      escapes.push({ kind: 'on-failed-attempt', node: onFailed.property });
    }
  }
  if (fn) {
    const thrown = abortErrorIn(model, fn);
    if (thrown) escapes.push({ kind: 'abort-error', node: thrown });
  }
  return base({
    library: 'p-retry',
    kind: 'wrapper',
    node: call,
    description: `${calleeText(model.text, call)}(...)`,
    key: keyOf(model, 'p-retry', call),
    bound,
    boundNode,
    attempts: attemptsFrom(bound, true),
    backoff: {
      kind: factorValue === 1 ? 'fixed' : 'exponential',
      jitter,
      node: randomize.state === 'present' ? randomize.property : opts,
    },
    escapes,
    runs: [{ call, fn }],
    wraps: callsInside(model, [fn]),
    via,
    options: opts,
  });
}

/** A `throw new AbortError(...)` of p-retry inside the function or a local helper it calls. */
function abortErrorIn(model: CodeModel, fn: FunctionLike): TSESTree.Node | null {
  let found: TSESTree.Node | null = null;
  functionUses(model, fn, (node) => {
    if (node.type !== 'NewExpression') return false;
    if (isAbortError(model, node.callee)) {
      found = node;
      return true;
    }
    return false;
  });
  return found;
}

function isAbortError(model: CodeModel, callee: TSESTree.Node): boolean {
  const ref = moduleRef(model, callee);
  if (ref) return ref.module === 'p-retry' && ref.path.length === 1 && ref.path[0] === 'AbortError';
  const target = unwrap(callee);
  // A project re-export of p-retry's AbortError keeps its name.
  return target.type === 'Identifier' && target.name === 'AbortError';
}

function asyncRetryConstruct(model: CodeModel, call: TSESTree.CallExpression): RetryConstruct {
  const opts = call.arguments[1] ?? null;
  let { bound, node: boundNode } = countOption(model, option(model, opts, 'retries'), 10);
  const forever = option(model, opts, 'forever');
  if (forever.state === 'present' && booleanValue(model, forever.value) === true) {
    bound = 'unbounded';
    boundNode = forever.property;
  }
  const randomize = option(model, opts, 'randomize');
  const jitter: JitterFact = randomize.state === 'absent'
    ? 'yes'
    : randomize.state === 'unknown' ? 'unknown' : booleanValue(model, randomize.value) === false ? 'no' : booleanValue(model, randomize.value) === true ? 'yes' : 'unknown';
  const fn = call.arguments[0] ? functionOf(model, call.arguments[0]) : null;
  const escapes: RetryEscape[] = [];
  const bailName = fn?.params[0] ? paramName(fn.params[0], true) : null;
  if (fn && bailName) {
    const bailCall = findAll(fn.body, (n): n is TSESTree.CallExpression =>
      n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === bailName)[0];
    // `bail` handed to a helper counts as well: the helper decides.
    const handedOver = findAll(fn.body, (n): n is TSESTree.Identifier =>
      n.type === 'Identifier' && n.name === bailName && parentOf(n)?.type === 'CallExpression' && (parentOf(n) as TSESTree.CallExpression).arguments.includes(n))[0];
    if (bailCall ?? handedOver) escapes.push({ kind: 'bail', node: bailCall ?? handedOver ?? null });
  }
  return base({
    library: 'async-retry',
    kind: 'wrapper',
    node: call,
    description: `${calleeText(model.text, call)}(...)`,
    key: keyOf(model, 'async-retry', call),
    bound,
    boundNode,
    attempts: attemptsFrom(bound, true),
    backoff: { kind: 'exponential', jitter, node: randomize.state === 'present' ? randomize.property : opts },
    escapes,
    runs: [{ call, fn }],
    wraps: callsInside(model, [fn]),
    options: opts,
  });
}

function axiosRetryConstruct(model: CodeModel, call: TSESTree.CallExpression, via: 'binding' | 'name'): RetryConstruct {
  const opts = call.arguments[1] ?? null;
  const { bound, node: boundNode } = countOption(model, option(model, opts, 'retries'), 3);
  const delay = option(model, opts, 'retryDelay');
  let backoff: RetryBackoff;
  if (delay.state === 'absent') backoff = { kind: 'none', jitter: 'no', node: null };
  else if (delay.state === 'unknown') backoff = { kind: 'unknown', jitter: 'unknown', node: null };
  else backoff = axiosDelay(model, delay.value, delay.property);
  const condition = option(model, opts, 'retryCondition');
  const escapes: RetryEscape[] = [];
  let retryEverything: TSESTree.Node | null = null;
  if (condition.state === 'absent') escapes.push({ kind: 'library-default', node: null });
  else if (condition.state === 'present') {
    if (conditionRetriesEverything(model, condition.value)) retryEverything = condition.property;
    else escapes.push({ kind: 'retry-condition', node: condition.property });
  } else escapes.push({ kind: 'retry-condition', node: null });
  return base({
    library: 'axios-retry',
    kind: 'client',
    node: call,
    description: `${calleeText(model.text, call)}(${call.arguments[0] ? compactText(model, call.arguments[0]) : ''})`,
    key: keyOf(model, 'axios-retry', call),
    bound,
    boundNode,
    attempts: attemptsFrom(bound, true),
    backoff,
    escapes,
    retryEverything,
    client: call.arguments[0] ?? null,
    via,
    options: opts,
  });
}

function isAxiosRetryHelper(model: CodeModel, node: TSESTree.Node, name: string): boolean {
  const ref = moduleRef(model, node);
  return ref !== null && ref.module === 'axios-retry' && ref.path.length === 1 && ref.path[0] === name;
}

function axiosDelay(model: CodeModel, value: TSESTree.Node, property: TSESTree.Node): RetryBackoff {
  // The library's exponentialDelay adds a random component (rules.md §2.8).
  if (isAxiosRetryHelper(model, value, 'exponentialDelay')) return { kind: 'exponential', jitter: 'yes', node: property };
  const target = unwrap(value);
  if (target.type === 'CallExpression' && isAxiosRetryHelper(model, target.callee, 'linearDelay')) return { kind: 'linear', jitter: 'no', node: property };
  const fn = functionOf(model, value);
  if (!fn) return { kind: 'custom', jitter: 'unknown', node: property };
  const usesExponential = functionUses(model, fn, (n) => isAxiosRetryHelper(model, n, 'exponentialDelay'), 0);
  return { kind: 'custom', jitter: usesExponential ? 'yes' : functionJitter(model, fn), node: property };
}

/** `() => true`, or a condition that only asks whether the failure is an axios error / has a response. */
function conditionRetriesEverything(model: CodeModel, value: TSESTree.Node): boolean {
  const fn = functionOf(model, value);
  if (!fn) return false;
  const param = fn.params[0] ? paramName(fn.params[0], true) : null;
  const results: TSESTree.Node[] = [];
  if (fn.body.type !== 'BlockStatement') results.push(fn.body);
  else {
    const statements = fn.body.body;
    if (statements.length !== 1 || statements[0]!.type !== 'ReturnStatement' || !statements[0]!.argument) return false;
    results.push(statements[0]!.argument);
  }
  return results.every((expr) => onlyResponseTests(model, expr, param));
}

function onlyResponseTests(model: CodeModel, node: TSESTree.Node, param: string | null): boolean {
  const target = unwrap(node);
  switch (target.type) {
    case 'Literal':
      return target.value === true;
    case 'UnaryExpression':
      return target.operator === '!' && onlyResponseTests(model, target.argument, param);
    case 'LogicalExpression':
      return onlyResponseTests(model, target.left, param) && onlyResponseTests(model, target.right, param);
    case 'BinaryExpression':
      if (!['!==', '!=', '===', '=='].includes(target.operator) || target.left.type === 'PrivateIdentifier') return false;
      return (isResponseMember(target.left, param) && isNullish(target.right)) || (isResponseMember(target.right, param) && isNullish(target.left));
    case 'MemberExpression':
      return isResponseMember(target, param);
    case 'CallExpression': {
      const name = calleeName(target.callee);
      if (name === 'Boolean' && target.arguments[0]) return onlyResponseTests(model, target.arguments[0], param);
      return name === 'isAxiosError' && target.arguments.length === 1;
    }
    default:
      return false;
  }
}

function isResponseMember(node: TSESTree.Node, param: string | null): boolean {
  const target = unwrap(node);
  if (target.type !== 'MemberExpression') return false;
  const name = propertyName(target);
  const object = unwrap(target.object);
  return param !== null && object.type === 'Identifier' && object.name === param && (name === 'response' || name === 'isAxiosError' || name === 'request');
}

function isNullish(node: TSESTree.Node): boolean {
  const target = unwrap(node);
  return (target.type === 'Literal' && target.value === null) || (target.type === 'Identifier' && target.name === 'undefined');
}

// cockatiel v3 ------------------------------------------------------------------

function cockatielConstruct(model: CodeModel, call: TSESTree.CallExpression): RetryConstruct {
  const opts = call.arguments[1] ?? null;
  const max = option(model, opts, 'maxAttempts');
  // The rules require an explicit finite maxAttempts (rules.md §2.8, rule 6).
  const counted = max.state === 'absent' ? { bound: 'unbounded' as RetryBound, node: null } : countOption(model, max, 0);
  const backoffOpt = option(model, opts, 'backoff');
  const backoff: RetryBackoff = backoffOpt.state === 'absent'
    ? { kind: 'default', jitter: 'unknown', node: null }
    : backoffOpt.state === 'unknown' ? { kind: 'unknown', jitter: 'unknown', node: null } : cockatielBackoff(model, backoffOpt.value, backoffOpt.property);
  const handles = call.arguments[0] ? cockatielHandles(model, call.arguments[0]) : 'unknown';
  const runs = executeRuns(model, call);
  return base({
    library: 'cockatiel',
    kind: 'wrapper',
    node: call,
    description: `${calleeText(model.text, call)}(${call.arguments[0] ? compactText(model, call.arguments[0]).slice(0, 40) : ''}, ...)`,
    key: keyOf(model, 'cockatiel', call),
    bound: counted.bound,
    boundNode: counted.node,
    attempts: attemptsFrom(counted.bound, true),
    backoff,
    escapes: handles === 'classified' ? [{ kind: 'handle-type', node: call.arguments[0] ?? null }] : [],
    handles,
    runs,
    wraps: callsInside(model, runs.map((r) => r.fn)),
    options: opts,
  });
}

function cockatielBackoff(model: CodeModel, value: TSESTree.Node, property: TSESTree.Node | null): RetryBackoff {
  const target = originOf(model, value);
  if (target.type !== 'NewExpression') return { kind: 'unknown', jitter: 'unknown', node: property };
  const node = property ?? target;
  if (isModuleMember(model, target.callee, ['cockatiel'], ['ConstantBackoff'])) return { kind: 'fixed', jitter: 'no', node };
  if (isModuleMember(model, target.callee, ['cockatiel'], ['IterableBackoff'])) return { kind: 'fixed', jitter: 'no', node };
  if (isModuleMember(model, target.callee, ['cockatiel'], ['ExponentialBackoff'])) {
    return { kind: 'exponential', jitter: exponentialGeneratorJitter(model, target.arguments[0] ?? null), node };
  }
  if (isModuleMember(model, target.callee, ['cockatiel'], ['DelegateBackoff'])) {
    const fn = target.arguments[0] ? functionOf(model, target.arguments[0]) : null;
    return { kind: 'custom', jitter: fn ? functionJitter(model, fn) : 'unknown', node };
  }
  return { kind: 'unknown', jitter: 'unknown', node };
}

/** ExponentialBackoff defaults to decorrelated jitter; only `noJitterGenerator` removes it. */
function exponentialGeneratorJitter(model: CodeModel, opts: TSESTree.Node | null): JitterFact {
  const generator = option(model, opts, 'generator');
  if (generator.state === 'absent') return 'yes';
  if (generator.state === 'unknown') return 'unknown';
  const ref = moduleRef(model, generator.value);
  if (ref?.module === 'cockatiel') return ref.path[0] === 'noJitterGenerator' ? 'no' : 'yes';
  return 'unknown';
}

/** `handleAll` retries every failure; `handleType` / `handleWhen` classify. */
function cockatielHandles(model: CodeModel, node: TSESTree.Node, depth = 0): 'all' | 'classified' | 'unknown' {
  if (depth > 10) return 'unknown';
  const target = originOf(model, node);
  const ref = moduleRef(model, target);
  if (ref?.module === 'cockatiel') {
    const name = ref.path[ref.path.length - 1];
    if (name === 'handleAll') return 'all';
    if (name && /^handle(Type|When|ResultType|WhenResult)$/.test(name)) return 'classified';
    return 'unknown';
  }
  if (target.type === 'CallExpression') {
    const callee = unwrap(target.callee);
    const calleeRef = moduleRef(model, callee);
    if (calleeRef?.module === 'cockatiel') {
      const name = calleeRef.path[calleeRef.path.length - 1];
      if (name === 'handleAll') return 'all';
      if (name && /^handle(Type|When|ResultType|WhenResult)$/.test(name)) return 'classified';
    }
    // `handleType(A).orType(B)` stays classified; `handleAll.orType(...)` still handles everything.
    if (callee.type === 'MemberExpression') return cockatielHandles(model, callee.object, depth + 1);
  }
  if (target.type === 'MemberExpression') return cockatielHandles(model, target.object, depth + 1);
  return 'unknown';
}

/** `policy.execute(fn)` calls whose receiver is this policy, directly or through `wrap(...)`. */
function executeRuns(model: CodeModel, policy: TSESTree.Node): RetryRun[] {
  const runs: RetryRun[] = [];
  for (const call of model.calls) {
    if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression' || propertyName(call.callee) !== 'execute') continue;
    if (!policyReaches(model, call.callee.object, policy, 0)) continue;
    runs.push({ call, fn: call.arguments[0] ? functionOf(model, call.arguments[0]) : null });
  }
  return runs;
}

function policyReaches(model: CodeModel, receiver: TSESTree.Node, policy: TSESTree.Node, depth: number): boolean {
  if (depth > 4) return false;
  const origin = originOf(model, receiver);
  if (origin === policy) return true;
  if (origin.type === 'CallExpression') {
    const isWrap = isModuleMember(model, origin.callee, ['cockatiel'], ['wrap']) || isModuleMember(model, origin.callee, ['cockatiel'], ['Policy', 'wrap']);
    if (isWrap) return origin.arguments.some((arg) => policyReaches(model, arg, policy, depth + 1));
  }
  return false;
}

// cockatiel v2 fluent: Policy.handleAll().retry().attempts(3).exponential() ------------

function cockatielFluent(model: CodeModel, call: TSESTree.CallExpression): RetryConstruct | null {
  if (call.callee.type !== 'MemberExpression' || propertyName(call.callee) !== 'retry' || call.arguments.length > 0) return null;
  const handles = cockatielHandles(model, call.callee.object);
  if (handles === 'unknown' && !startsAtPolicy(model, call.callee.object)) return null;
  // Walk up the builder chain: `.retry().attempts(3).exponential()`; `.execute(fn)` ends it.
  let top: TSESTree.CallExpression = call;
  let attempts: TSESTree.CallExpression | null = null;
  let backoffCall: TSESTree.CallExpression | null = null;
  const inlineRuns: RetryRun[] = [];
  for (;;) {
    const member = parentOf(top);
    const outer = member ? parentOf(member) : undefined;
    if (member?.type !== 'MemberExpression' || member.object !== top || outer?.type !== 'CallExpression' || outer.callee !== member) break;
    const method = propertyName(member);
    if (method === 'execute') {
      inlineRuns.push({ call: outer, fn: outer.arguments[0] ? functionOf(model, outer.arguments[0]) : null });
      break;
    }
    if (method === 'attempts') attempts = outer;
    else if (method && ['exponential', 'delay', 'delegate', 'backoff'].includes(method)) backoffCall = outer;
    top = outer;
  }
  let bound: RetryBound;
  let boundNode: TSESTree.Node | null = null;
  let backoff: RetryBackoff = { kind: 'default', jitter: 'unknown', node: null };
  if (backoffCall) {
    const method = propertyName(backoffCall.callee as TSESTree.MemberExpression);
    const arg = backoffCall.arguments[0] ?? null;
    if (method === 'exponential') backoff = { kind: 'exponential', jitter: exponentialGeneratorJitter(model, arg), node: backoffCall };
    else if (method === 'delay') backoff = { kind: 'fixed', jitter: arg ? 'no' : 'unknown', node: backoffCall };
    else if (method === 'delegate') {
      const fn = arg ? functionOf(model, arg) : null;
      backoff = { kind: 'custom', jitter: fn ? functionJitter(model, fn) : 'unknown', node: backoffCall };
    } else if (arg) backoff = cockatielBackoff(model, arg, backoffCall);
  }
  if (attempts) {
    const counted = countOption(model, { state: 'present', value: attempts.arguments[0] ?? attempts, property: attempts }, 0);
    bound = counted.bound;
    boundNode = attempts;
  } else if (backoffCall && propertyName(backoffCall.callee as TSESTree.MemberExpression) === 'exponential' && option(model, backoffCall.arguments[0] ?? null, 'maxAttempts').state === 'present') {
    const counted = countOption(model, option(model, backoffCall.arguments[0] ?? null, 'maxAttempts'), 0);
    bound = counted.bound;
    boundNode = counted.node;
  } else if (backoffCall && propertyName(backoffCall.callee as TSESTree.MemberExpression) === 'delay' && backoffCall.arguments[0] && unwrap(backoffCall.arguments[0]).type === 'ArrayExpression') {
    bound = (unwrap(backoffCall.arguments[0]) as TSESTree.ArrayExpression).elements.length;
    boundNode = backoffCall;
  } else if (!backoffCall) {
    // A bare `.retry()` falls back to one immediate retry (cockatiel v2 RetryPolicy.execute).
    bound = 'default:1';
    backoff = { kind: 'none', jitter: 'no', node: null };
  } else {
    bound = 'unbounded';
  }
  const runs = [...inlineRuns, ...executeRuns(model, top)];
  return base({
    library: 'cockatiel',
    kind: 'wrapper',
    node: top,
    description: `${compactText(model, top).replace(/\(\{[^)]*\}\)/g, '(...)').slice(0, 80)}`,
    key: keyOf(model, 'cockatiel', top),
    bound,
    boundNode,
    attempts: attemptsFrom(bound, true),
    backoff,
    escapes: handles === 'classified' ? [{ kind: 'handle-type', node: call.callee.object }] : [],
    handles: handles === 'unknown' ? 'unknown' : handles,
    runs,
    wraps: callsInside(model, runs.map((r) => r.fn)),
  });
}

function startsAtPolicy(model: CodeModel, node: TSESTree.Node, depth = 0): boolean {
  if (depth > 10) return false;
  const target = originOf(model, node);
  if (isModuleMember(model, target, ['cockatiel'], ['Policy'])) return true;
  if (target.type === 'CallExpression' && target.callee.type === 'MemberExpression') return startsAtPolicy(model, target.callee.object, depth + 1);
  if (target.type === 'MemberExpression') return startsAtPolicy(model, target.object, depth + 1);
  return false;
}

// got ---------------------------------------------------------------------------

const GOT_PERMANENT_OK = new Set([408, 413, 429]);

function isGotCallee(model: CodeModel, callee: TSESTree.Node): 'call' | 'extend' | null {
  const ref = moduleRef(model, callee);
  if (ref?.module === 'got') {
    if (ref.path.length === 0) return 'call';
    if (ref.path.length === 1 && ref.path[0] === 'extend') return 'extend';
    if (ref.path.length === 1 && ['get', 'post', 'put', 'patch', 'delete', 'head', 'stream', 'paginate'].includes(ref.path[0]!)) return 'call';
  }
  return null;
}

function gotConstruct(model: CodeModel, call: TSESTree.CallExpression): RetryConstruct | null {
  const kind = isGotCallee(model, call.callee);
  if (!kind) return null;
  const opts = kind === 'extend'
    ? call.arguments[0] ?? null
    : call.arguments.length > 1 ? call.arguments[1]! : call.arguments[0] && unwrap(call.arguments[0]).type === 'ObjectExpression' ? call.arguments[0] : null;
  const retry = option(model, opts, 'retry');
  if (retry.state !== 'present') return null;
  const retryValue = originOf(model, retry.value);
  let counted: { bound: RetryBound; node: TSESTree.Node | null };
  let backoff: RetryBackoff = { kind: 'default', jitter: 'yes', node: retry.property };
  const escapes: RetryEscape[] = [];
  let retryEverything: TSESTree.Node | null = null;
  if (retryValue.type === 'ObjectExpression') {
    counted = countOption(model, option(model, retryValue, 'limit'), 2);
    const statusCodes = option(model, retryValue, 'statusCodes');
    if (statusCodes.state === 'present') {
      const codes = originOf(model, statusCodes.value);
      const permanent = codes.type === 'ArrayExpression' && codes.elements.some((e) => {
        const value = e && e.type !== 'SpreadElement' ? numberValue(model, e) : null;
        return value !== null && value >= 400 && value < 500 && !GOT_PERMANENT_OK.has(value);
      });
      if (permanent) retryEverything = statusCodes.property;
      else escapes.push({ kind: 'status-codes', node: statusCodes.property });
    } else escapes.push({ kind: 'library-default', node: null });
    const calculate = option(model, retryValue, 'calculateDelay');
    if (calculate.state === 'present') {
      const fn = functionOf(model, calculate.value);
      // Returning got's own computedValue keeps its noise.
      const keepsDefault = fn ? functionUses(model, fn, (n) => n.type === 'Identifier' && n.name === 'computedValue', 0) : false;
      backoff = { kind: 'custom', jitter: keepsDefault ? 'yes' : fn ? functionJitter(model, fn) : 'unknown', node: calculate.property };
    }
  } else {
    counted = countOption(model, { state: 'present', value: retry.value, property: retry.property }, 2);
    escapes.push({ kind: 'library-default', node: null });
  }
  return base({
    library: 'got',
    kind: 'client',
    node: call,
    description: `${calleeText(model.text, call)}(...) retry`,
    key: keyOf(model, 'got', call),
    bound: counted.bound,
    boundNode: counted.node ?? retry.property,
    attempts: attemptsFrom(counted.bound, true),
    backoff,
    escapes,
    retryEverything,
    client: kind === 'extend' ? call : null,
    options: opts,
  });
}

// BullMQ ------------------------------------------------------------------------

function bullmqJobConstructs(
  model: CodeModel,
  call: TSESTree.CallExpression,
  method: 'add' | 'addBulk',
  owner: NonNullable<ReturnType<CodeModel['roleOf']>>,
): RetryConstruct[] | null {
  const via = owner.via;
  const channel = model.stringValue(owner.channelNode ?? undefined);
  if (owner.role === 'bullmq.flow') {
    const queueName = option(model, call.arguments[0], 'queueName');
    const flowChannel = queueName.state === 'present' ? model.stringValue(queueName.value) : null;
    const found = bullmqOptions(model, call, option(model, call.arguments[0], 'opts'), via, flowChannel);
    return found ? [found] : null;
  }
  if (method === 'add') {
    const opts = call.arguments[2];
    const found = bullmqOptions(model, call, opts ? { state: 'present', value: opts, property: opts } : { state: 'absent' }, via, channel);
    return found ? [found] : null;
  }
  const list = call.arguments[0] ? originOf(model, call.arguments[0]) : null;
  if (list?.type !== 'ArrayExpression') return null;
  const out: RetryConstruct[] = [];
  for (const element of list.elements) {
    if (!element || element.type === 'SpreadElement') continue;
    const found = bullmqOptions(model, call, option(model, element, 'opts'), via, channel);
    if (found) {
      out.push(found);
      break;
    }
  }
  return out.length ? out : null;
}

function bullmqOptions(
  model: CodeModel,
  node: TSESTree.CallExpression | TSESTree.NewExpression,
  optsLookup: OptionLookup,
  via: 'binding' | 'name',
  channel: string | null,
): RetryConstruct | null {
  if (optsLookup.state !== 'present') return null;
  const opts = optsLookup.value;
  const attemptsOpt = option(model, opts, 'attempts');
  if (attemptsOpt.state !== 'present') return null;
  const counted = countOption(model, attemptsOpt, 1);
  const backoffOpt = option(model, opts, 'backoff');
  let backoff: RetryBackoff;
  if (backoffOpt.state === 'absent') backoff = { kind: 'none', jitter: 'no', node: null };
  else if (backoffOpt.state === 'unknown') backoff = { kind: 'unknown', jitter: 'unknown', node: null };
  else {
    const value = originOf(model, backoffOpt.value);
    if (numberValue(model, value) !== null) backoff = { kind: 'fixed', jitter: 'no', node: backoffOpt.property };
    else if (value.type === 'ObjectExpression') {
      const type = option(model, value, 'type');
      const typeName = type.state === 'present' ? model.stringValue(type.value) : null;
      const jitterOpt = option(model, value, 'jitter');
      const jitterValue = jitterOpt.state === 'present' ? numberValue(model, jitterOpt.value) : null;
      const kind = typeName === 'fixed' ? 'fixed' : typeName === 'exponential' ? 'exponential' : 'custom';
      // Custom strategies live in the worker's settings: their jitter is not visible here.
      const jitter: JitterFact = kind === 'custom'
        ? 'unknown'
        : jitterOpt.state === 'absent' ? 'no' : jitterOpt.state === 'unknown' || jitterValue === null ? 'unknown' : jitterValue > 0 ? 'yes' : 'no';
      backoff = { kind, jitter, node: backoffOpt.property };
    } else backoff = { kind: 'unknown', jitter: 'unknown', node: backoffOpt.property };
  }
  return base({
    library: 'bullmq',
    kind: 'job',
    node,
    description: node.type === 'NewExpression' ? `${calleeText(model.text, node)}(${channel ? `'${channel}'` : '...'}) defaultJobOptions` : `${calleeText(model.text, node)}(...)`,
    key: keyOf(model, 'bullmq', node),
    bound: counted.bound,
    boundNode: counted.node,
    attempts: attemptsFrom(counted.bound, false),
    backoff,
    channel,
    via,
    options: opts,
  });
}

// constructors: new Queue(...), new Kafka(...), new XClient(...) ------------------

function constructorConstruct(model: CodeModel, node: TSESTree.NewExpression): RetryConstruct[] | null {
  const ref = moduleRef(model, node.callee);
  if (!ref) return null;
  if ((ref.module === 'bullmq' || ref.module === 'bullmq-pro') && ref.path.length === 1 && (ref.path[0] === 'Queue' || ref.path[0] === 'QueuePro')) {
    const found = bullmqOptions(model, node, option(model, node.arguments[1], 'defaultJobOptions'), 'binding', model.stringValue(node.arguments[0]));
    return found ? [found] : null;
  }
  if (ref.module === 'kafkajs' && ref.path.length === 1 && ref.path[0] === 'Kafka') {
    const found = kafkaConstruct(model, node, node.arguments[0]);
    return found ? [found] : null;
  }
  if (ref.module.startsWith('@aws-sdk/client-') && ref.path.length === 1) {
    const found = awsConstruct(model, node);
    return found ? [found] : null;
  }
  return null;
}

function kafkaConstruct(model: CodeModel, node: CallLike, opts: TSESTree.Node | undefined): RetryConstruct | null {
  const retry = option(model, opts, 'retry');
  if (retry.state !== 'present') return null;
  const counted = countOption(model, option(model, retry.value, 'retries'), 5);
  const factor = option(model, retry.value, 'randomizationFactor');
  const factorValue = factor.state === 'present' ? numberValue(model, factor.value) : null;
  const jitter: JitterFact = factor.state === 'absent' ? 'yes' : factor.state === 'unknown' || factorValue === null ? 'unknown' : factorValue > 0 ? 'yes' : 'no';
  return base({
    library: 'kafkajs',
    kind: 'client',
    node,
    description: `${calleeText(model.text, node)}({ retry })`,
    key: keyOf(model, 'kafkajs', node),
    bound: counted.bound,
    boundNode: counted.node ?? retry.property,
    attempts: attemptsFrom(counted.bound, true),
    backoff: { kind: 'exponential', jitter, node: factor.state === 'present' ? factor.property : retry.property },
    client: node,
    options: opts ?? null,
  });
}

function awsConstruct(model: CodeModel, node: TSESTree.NewExpression): RetryConstruct | null {
  const opts = node.arguments[0];
  const max = option(model, opts, 'maxAttempts');
  if (max.state !== 'present') return null;
  const counted = countOption(model, max, 3);
  return base({
    library: 'aws-sdk',
    kind: 'client',
    node,
    description: `new ${calleeText(model.text, node)}({ maxAttempts })`,
    key: keyOf(model, 'aws-sdk', node),
    bound: counted.bound,
    boundNode: counted.node,
    attempts: attemptsFrom(counted.bound, false),
    backoff: { kind: 'default', jitter: 'yes', node: null },
    client: node,
    options: opts ?? null,
  });
}

// ------------------------------------------------------------------ delays and jitter

export interface DelayCall {
  call: CallLike;
  /** The expressions that set the delay (the ms argument). */
  args: TSESTree.Node[];
  /** A local helper's function when the delay is a project helper (`sleep`, `backoff`). */
  helper: FunctionLike | null;
  jitter: JitterFact;
}

const TIMER_MODULES = ['timers/promises'];
const PLAIN_DELAY_MODULES = ['delay', 'sleep-promise', 'await-sleep', 'timers-ext/promise/sleep', 'p-sleep'];
const DELAY_NAME = /sleep|delay|wait|backoff/i;
const NOT_A_DELAY = /^(wait(For|Until)|await)/i;
const PLAIN_HELPER_NAME = /^(sleep|wait|delay|pause|snooze)(Ms|Millis|For)?$/i;

/** rules.md §2.8: an awaited timer promise, `new Promise(r => setTimeout(r, d))`, or a sleep/delay/wait/backoff call. */
export function delayOf(model: CodeModel, call: CallLike): DelayCall | null {
  if (call.type === 'TaggedTemplateExpression') return null;
  if (call.type === 'NewExpression') {
    if (call.callee.type !== 'Identifier' || call.callee.name !== 'Promise') return null;
    const executor = call.arguments[0] ? unwrap(call.arguments[0]) : null;
    if (!executor || !isFunction(executor)) return null;
    const timer = findAll(executor.body, (n): n is TSESTree.CallExpression =>
      n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'setTimeout')[0];
    if (!timer) return null;
    const args = timer.arguments[1] ? [timer.arguments[1]] : [];
    return { call, args, helper: null, jitter: combine(args.map((a) => expressionJitter(model, a))) };
  }
  const callee = unwrap(call.callee);
  const ref = moduleRef(model, callee);
  if (ref && TIMER_MODULES.includes(ref.module) && (ref.path.join('.') === 'setTimeout' || ref.path.join('.') === 'scheduler.wait')) {
    const args = call.arguments[0] ? [call.arguments[0]] : [];
    return { call, args, helper: null, jitter: combine(args.map((a) => expressionJitter(model, a))) };
  }
  const name = calleeName(callee);
  if (!name || !DELAY_NAME.test(name) || NOT_A_DELAY.test(name)) return null;
  if (!model.isSettled(call)) return null;
  const args = call.arguments as TSESTree.Node[];
  const argJitter = combine(args.map((a) => expressionJitter(model, a)));
  if (/jitter|random/i.test(name)) return { call, args, helper: null, jitter: 'yes' };
  const helper = functionOf(model, callee);
  if (helper) {
    const body = functionJitter(model, helper);
    return { call, args, helper, jitter: body === 'yes' || argJitter === 'yes' ? 'yes' : combine([body, argJitter]) };
  }
  const plain = (ref !== null && PLAIN_DELAY_MODULES.includes(ref.module)) || PLAIN_HELPER_NAME.test(name);
  return { call, args, helper: null, jitter: argJitter === 'yes' ? 'yes' : plain ? argJitter : 'unknown' };
}

function combine(facts: JitterFact[]): JitterFact {
  if (facts.includes('yes')) return 'yes';
  if (facts.includes('unknown')) return 'unknown';
  return 'no';
}

const RANDOM_METHODS = new Set(['randomInt', 'randomBytes', 'getRandomValues', 'randomFillSync', 'randomFill']);
const TRANSPARENT_GLOBALS = new Set(['Number', 'parseInt', 'parseFloat', 'String', 'Boolean', 'BigInt']);

function isRandomCall(model: CodeModel, call: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
  const callee = unwrap(call.callee);
  if (callee.type === 'MemberExpression') {
    const method = propertyName(callee);
    const object = unwrap(callee.object);
    if (method === 'random' && object.type === 'Identifier' && object.name === 'Math') return true;
    if (method && RANDOM_METHODS.has(method)) return true;
  }
  const name = calleeName(callee);
  if (name && /jitter|^random/i.test(name)) return true;
  const ref = moduleRef(model, callee);
  return ref !== null && ref.module === 'crypto' && RANDOM_METHODS.has(ref.path[ref.path.length - 1] ?? '');
}

function isRandomReference(node: TSESTree.Node): boolean {
  if (node.type === 'MemberExpression') {
    const object = unwrap(node.object);
    return object.type === 'Identifier' && object.name === 'Math' && propertyName(node) === 'random';
  }
  return node.type === 'Identifier' && /jitter/i.test(node.name);
}

/** Whether a delay expression has a random source, following local names and helpers (rules.md §2.8). */
export function expressionJitter(model: CodeModel, node: TSESTree.Node, depth = 0, seen = new Set<TSESTree.Node>()): JitterFact {
  if (depth > 6 || seen.has(node)) return 'no';
  seen.add(node);
  const facts: JitterFact[] = [];
  const visit = (current: TSESTree.Node): boolean | void => {
    if (isRandomReference(current)) {
      facts.push('yes');
      return false;
    }
    if (current.type === 'CallExpression' || current.type === 'NewExpression') {
      if (isRandomCall(model, current)) {
        facts.push('yes');
        return false;
      }
      const callee = unwrap(current.callee);
      if (callee.type === 'MemberExpression' && unwrap(callee.object).type === 'Identifier' && (unwrap(callee.object) as TSESTree.Identifier).name === 'Math') return undefined;
      if (callee.type === 'Identifier' && TRANSPARENT_GLOBALS.has(callee.name) && !bindingOf(model, callee)) return undefined;
      const helper = model.calleeFunction(current) ?? functionOf(model, callee);
      if (helper) facts.push(functionJitter(model, helper, depth + 1));
      else {
        const ref = moduleRef(model, callee);
        // Library helpers (lodash.min, ms('5s')) are deterministic unless named like a random source.
        if (!ref || ref.module.startsWith('.')) facts.push('unknown');
      }
      return undefined;
    }
    if (current.type === 'Identifier') {
      const parent = parentOf(current);
      if (parent?.type === 'MemberExpression' && parent.property === current && !parent.computed) return undefined;
      if (parent?.type === 'Property' && parent.key === current && !parent.shorthand) return undefined;
      facts.push(identifierJitter(model, current, depth + 1, seen));
    }
    if (isFunction(current)) return false;
    return undefined;
  };
  if (visit(node) !== false) walk(node, visit, { intoFunctions: false });
  return combine(facts);
}

function identifierJitter(model: CodeModel, id: TSESTree.Identifier, depth: number, seen: Set<TSESTree.Node>): JitterFact {
  const binding = bindingOf(model, id);
  if (!binding || binding.kind === 'import' || binding.kind === 'catch') return 'no';
  if (binding.kind === 'function') return functionJitter(model, binding.fn, depth);
  if (binding.kind === 'param') return 'no';
  const facts: JitterFact[] = [];
  const decl = binding.decl;
  const declaration = parentOf(decl);
  const loop = declaration ? parentOf(declaration) : undefined;
  if (loop?.type === 'ForOfStatement' && loop.left === declaration) facts.push(expressionJitter(model, loop.right, depth, seen));
  if (decl.init) facts.push(isFunction(unwrap(decl.init)) ? functionJitter(model, unwrap(decl.init) as FunctionLike, depth) : expressionJitter(model, decl.init, depth, seen));
  for (const assignment of assignmentsTo(model, id)) facts.push(expressionJitter(model, assignment.right, depth, seen));
  return combine(facts);
}

/** A helper's body: random sources anywhere in it, following local helpers it calls. */
export function functionJitter(model: CodeModel, fn: FunctionLike, depth = 0, seen = new Set<FunctionLike>()): JitterFact {
  if (depth > 4 || seen.has(fn)) return 'no';
  seen.add(fn);
  const facts: JitterFact[] = [];
  walk(fn.body, (node) => {
    if (isRandomReference(node)) {
      facts.push('yes');
      return false;
    }
    if (node.type === 'CallExpression' || node.type === 'NewExpression') {
      if (isRandomCall(model, node)) {
        facts.push('yes');
        return false;
      }
      const helper = model.calleeFunction(node) ?? functionOf(model, node.callee);
      if (helper && helper !== fn) facts.push(functionJitter(model, helper, depth + 1, seen));
      else if (!helper) {
        const name = calleeName(node.callee);
        const ref = moduleRef(model, node.callee);
        // A delay computed by a helper the analysis cannot read may well be jittered.
        if (name && /delay|backoff|interval/i.test(name) && (!ref || ref.module.startsWith('.'))) facts.push('unknown');
      }
    }
    return undefined;
  });
  return combine(facts);
}

// ------------------------------------------------------------------ hand-rolled loops

type LoopNode = TSESTree.WhileStatement | TSESTree.DoWhileStatement | TSESTree.ForStatement | TSESTree.ForOfStatement;

function isLoop(node: TSESTree.Node): node is LoopNode {
  return node.type === 'WhileStatement' || node.type === 'DoWhileStatement' || node.type === 'ForStatement' || node.type === 'ForOfStatement';
}

function isAnyLoop(node: TSESTree.Node): boolean {
  return isLoop(node) || node.type === 'ForInStatement';
}

/** Nodes of a loop body that belong to this loop: nested functions and nested loops excluded. */
function ownNodes<T extends TSESTree.Node>(root: TSESTree.Node, predicate: (node: TSESTree.Node) => node is T): T[] {
  const out: T[] = [];
  if (predicate(root)) out.push(root);
  walk(root, (node) => {
    if (predicate(node)) out.push(node);
    if (isFunction(node) || isAnyLoop(node)) return false;
    return undefined;
  });
  return out;
}

function isTrueLiteral(model: CodeModel, node: TSESTree.Node | null | undefined): boolean {
  if (!node) return true;
  const value = booleanValue(model, node);
  if (value === true) return true;
  const num = numberValue(model, node);
  return num !== null && num !== 0;
}

function loopLabel(loop: LoopNode): string | null {
  const parent = parentOf(loop);
  return parent?.type === 'LabeledStatement' ? parent.label.name : null;
}

/** Whether a break/continue-free exit statement leaves `loop`. */
function exitsLoop(statement: TSESTree.Node, loop: LoopNode): boolean {
  if (statement.type === 'ReturnStatement' || statement.type === 'ThrowStatement') return true;
  if (statement.type !== 'BreakStatement') return false;
  if (statement.label) return statement.label.name === loopLabel(loop);
  let current = parentOf(statement);
  while (current && current !== loop) {
    if (isAnyLoop(current) || current.type === 'SwitchStatement') return false;
    current = parentOf(current);
  }
  return current === loop;
}

/** Whether every normal path through the statements ends in a return, throw or break out of `loop`. */
function alwaysExits(statements: TSESTree.Statement[], loop: LoopNode, allowThrow: boolean): boolean {
  for (const statement of statements) {
    if (statementExits(statement, loop, allowThrow)) return true;
    // A `continue` before the exit goes round again on that path.
    if (ownNodes(statement, (n): n is TSESTree.ContinueStatement => n.type === 'ContinueStatement').some((c) => continues(c, loop))) return false;
  }
  return false;
}

function continues(statement: TSESTree.ContinueStatement, loop: LoopNode): boolean {
  if (statement.label) return statement.label.name === loopLabel(loop);
  let current = parentOf(statement);
  while (current && current !== loop) {
    if (isAnyLoop(current)) return false;
    current = parentOf(current);
  }
  return current === loop;
}

function statementExits(statement: TSESTree.Statement, loop: LoopNode, allowThrow: boolean): boolean {
  switch (statement.type) {
    case 'ReturnStatement':
      return true;
    case 'ThrowStatement':
      return allowThrow;
    case 'BreakStatement':
      return exitsLoop(statement, loop);
    case 'BlockStatement':
      return alwaysExits(statement.body, loop, allowThrow);
    case 'IfStatement':
      return !!statement.alternate && statementExits(statement.consequent, loop, allowThrow) && statementExits(statement.alternate, loop, allowThrow);
    case 'TryStatement':
      if (statement.finalizer && alwaysExits(statement.finalizer.body, loop, allowThrow)) return true;
      return alwaysExits(statement.block.body, loop, allowThrow) && (!statement.handler || alwaysExits(statement.handler.body.body, loop, allowThrow));
    default:
      return false;
  }
}

/** Names (compact text) updated in a region: `attempt++`, `tries += 1`, `this.attempts = this.attempts + 1`. */
function updatedNames(model: CodeModel, root: TSESTree.Node): Set<string> {
  const out = new Set<string>();
  walk(root, (node) => {
    if (node.type === 'UpdateExpression') out.add(compactText(model, node.argument));
    if (node.type === 'AssignmentExpression') {
      const left = compactText(model, node.left);
      if (node.operator === '+=' || node.operator === '-=' || node.operator === '*=') out.add(left);
      if (node.operator === '=' && node.right.type === 'BinaryExpression' && ['+', '-'].includes(node.right.operator) && compactText(model, node.right.left) === left) {
        out.add(left);
      }
    }
    return isFunction(node) ? false : undefined;
  });
  return out;
}

const COUNTER_NAME = /attempt|retr(y|ies)|tries|tried|count/i;
const TIME_NAME = /deadline|elapsed|expir|budget|until|giveUp/i;

function counterLike(model: CodeModel, node: TSESTree.Node, counters: Set<string>): boolean {
  let target = unwrap(node);
  if (target.type === 'UpdateExpression') target = target.argument;
  if (counters.has(compactText(model, target))) return true;
  let found = false;
  const visit = (n: TSESTree.Node): boolean | void => {
    if (found) return false;
    if (readsClock(n)) found = true;
    if (n.type === 'Identifier' && (COUNTER_NAME.test(n.name) || TIME_NAME.test(n.name))) {
      const parent = parentOf(n);
      if (!(parent?.type === 'MemberExpression' && parent.object === n && /status|code/i.test(propertyName(parent) ?? ''))) found = true;
    }
    // `const elapsed = Date.now() - start` and `const age = +new Date() - +createdAt` are deadlines.
    if (n.type === 'Identifier') {
      const binding = bindingOf(model, n);
      if (binding?.kind === 'var' && binding.decl.init && findAll(binding.decl.init, (m): m is TSESTree.Node => readsClock(m)).length > 0) found = true;
    }
    return undefined;
  };
  if (visit(target) !== false) walk(target, visit);
  return found;
}

/** An operand that counts attempts (a deadline bounds the loop too, but its constant is not a count). */
function attemptCounter(model: CodeModel, node: TSESTree.Node, counters: Set<string>): boolean {
  let target = unwrap(node);
  if (target.type === 'UpdateExpression') target = target.argument;
  if (target.type !== 'Identifier' && target.type !== 'MemberExpression') return false;
  if (findAll(target, (n): n is TSESTree.Node => readsClock(n)).length > 0) return false;
  const name = target.type === 'Identifier' ? target.name : propertyName(target) ?? '';
  if (TIME_NAME.test(name) || /delay|backoff|wait|interval|timeout|ms$/i.test(name)) return false;
  return counters.has(compactText(model, target)) || COUNTER_NAME.test(name);
}

/** `Date.now()`, `new Date()`, `performance.now()`, `process.hrtime()`. */
function readsClock(n: TSESTree.Node): boolean {
  if (n.type === 'NewExpression') return n.callee.type === 'Identifier' && n.callee.name === 'Date';
  if (n.type !== 'CallExpression' || n.callee.type !== 'MemberExpression') return false;
  const object = unwrap(n.callee.object);
  const method = propertyName(n.callee);
  if (object.type === 'Identifier' && (object.name === 'Date' || object.name === 'performance') && method === 'now') return true;
  return object.type === 'Identifier' && object.name === 'process' && (method === 'hrtime' || method === 'uptime');
}

/** A guard that bounds retries: references a counter updated in the loop, or compares attempts/time. */
function isCounterGuard(model: CodeModel, test: TSESTree.Node, counters: Set<string>): boolean {
  let found = false;
  const check = (node: TSESTree.Node): boolean | void => {
    if (found) return false;
    if ((node.type === 'Identifier' || node.type === 'MemberExpression') && counters.has(compactText(model, node))) {
      found = true;
      return false;
    }
    if (node.type === 'BinaryExpression' && ['<', '<=', '>', '>=', '===', '==', '!==', '!='].includes(node.operator) && node.left.type !== 'PrivateIdentifier') {
      if (['<', '<=', '>', '>='].includes(node.operator) && (counterLike(model, node.left, counters) || counterLike(model, node.right, counters))) {
        found = true;
        return false;
      }
    }
    return isFunction(node) ? false : undefined;
  };
  if (check(test) !== false) walk(test, check);
  return found;
}

/** The tests that guard a node on its way up to `stop`: enclosing `if` / `?:` / `&&` conditions. */
function guardsOf(node: TSESTree.Node, stop: TSESTree.Node): TSESTree.Node[] {
  const out: TSESTree.Node[] = [];
  let child = node;
  let current = parentOf(node);
  while (current && current !== stop) {
    if ((current.type === 'IfStatement' || current.type === 'ConditionalExpression') && child !== current.test) out.push(current.test);
    if (current.type === 'LogicalExpression' && child === current.right) out.push(current.left);
    if (current.type === 'SwitchCase' && current.test) out.push(current.test);
    child = current;
    current = parentOf(current);
  }
  return out;
}

/** The constant a counter guard compares against, as a number of attempts. */
function guardBound(model: CodeModel, tests: TSESTree.Node[], counters: Set<string>): number | null {
  for (const test of tests) {
    const comparisons = [unwrap(test), ...findAll(test, (n): n is TSESTree.BinaryExpression => n.type === 'BinaryExpression')];
    for (const node of comparisons) {
      if (node.type !== 'BinaryExpression' || node.left.type === 'PrivateIdentifier') continue;
      const right = numberValue(model, node.right);
      const left = numberValue(model, node.left);
      if (right !== null && left === null && attemptCounter(model, node.left, counters)) return Math.max(1, node.operator === '>' ? right + 1 : right);
      if (left !== null && right === null && attemptCounter(model, node.right, counters)) return Math.max(1, node.operator === '<' ? left + 1 : left);
    }
  }
  return null;
}

/** Attempts a counted loop header allows: `for (let i = 0; i < 3; i++)` runs 3 times, `a = 1; a <= 3` too. */
function loopTestBound(model: CodeModel, loop: LoopNode, test: TSESTree.Node, counters: Set<string>): number | null {
  const t = unwrap(test);
  if (loop.type === 'ForStatement' && t.type === 'BinaryExpression' && t.left.type !== 'PrivateIdentifier' && loop.init?.type === 'VariableDeclaration') {
    const decl = loop.init.declarations[0];
    const start = decl?.init ? numberValue(model, decl.init) : null;
    const left = unwrap(t.left);
    const limit = numberValue(model, t.right);
    if (decl?.id.type === 'Identifier' && left.type === 'Identifier' && left.name === decl.id.name && start !== null && limit !== null) {
      if (t.operator === '<') return Math.max(1, limit - start);
      if (t.operator === '<=') return Math.max(1, limit - start + 1);
    }
  }
  return guardBound(model, [test], counters);
}

/** Whether the catch (or the try) inspects the failure before retrying (rule 17 variant 4). */
export function inspectsError(model: CodeModel, handler: { param: TSESTree.Node | null; body: TSESTree.Node }): TSESTree.Node | null {
  if (!handler.param) return null;
  const aliases = new Set(patternNames(handler.param));
  for (const decl of findAll(handler.body, (n): n is TSESTree.VariableDeclarator => n.type === 'VariableDeclarator')) {
    if (decl.init && mentions(decl.init, aliases)) for (const name of patternNames(decl.id)) aliases.add(name);
  }
  let found: TSESTree.Node | null = null;
  walk(handler.body, (node) => {
    if (found) return false;
    const test = node.type === 'IfStatement' || node.type === 'ConditionalExpression' || node.type === 'WhileStatement' || node.type === 'DoWhileStatement'
      ? node.test
      : node.type === 'SwitchStatement' ? node.discriminant : node.type === 'LogicalExpression' ? node.left : null;
    if (test && mentions(test, aliases)) {
      found = test;
      return false;
    }
    if (node.type === 'CallExpression' && node.arguments.some((a) => mentions(a, aliases))) {
      const name = calleeName(node.callee);
      if (name && /retr(y|iable)|transient|permanent|recoverable|fatal|classif|isNetwork|isTimeout|assert/i.test(name)) {
        found = node;
        return false;
      }
    }
    return isFunction(node) ? false : undefined;
  });
  return found;
}

function mentions(node: TSESTree.Node, names: Set<string>): boolean {
  const target = unwrap(node);
  if (target.type === 'Identifier') return names.has(target.name);
  let found = false;
  walk(target, (n) => {
    if (found) return false;
    if (n.type === 'Identifier' && names.has(n.name)) {
      const parent = parentOf(n);
      if (!(parent?.type === 'MemberExpression' && parent.property === n && !parent.computed)) found = true;
    }
    return undefined;
  });
  return found;
}

const STATUS_MEMBER = /^(status|statusCode)$/;

/** Whether a test classifies a response status: it reads `.status` and names a 4xx/5xx code. */
function isStatusClassifier(model: CodeModel, test: TSESTree.Node): boolean {
  const nodes = [unwrap(test), ...findAll(test, (n): n is TSESTree.Node => true)];
  const readsStatus = nodes.some((n) => n.type === 'MemberExpression' && STATUS_MEMBER.test(propertyName(n) ?? '')) ||
    nodes.some((n) => n.type === 'Identifier' && /^(status|statusCode)$/.test(n.name));
  const namesCode = nodes.some((n) => {
    const value = n.type === 'Literal' ? numberValue(model, n) : null;
    return value !== null && value >= 400 && value <= 599;
  });
  return readsStatus && namesCode;
}

/** An exit guarded by a status classification: permanent results leave the loop instead of retrying. */
function statusGuardedExit(model: CodeModel, root: TSESTree.Node, loop: LoopNode, exitKinds: Set<string>): TSESTree.Node | null {
  const exits = ownNodes(root, (n): n is TSESTree.Statement => exitKinds.has(n.type) && exitsLoop(n, loop));
  for (const exit of exits) {
    for (const guard of guardsOf(exit, loop)) {
      if (isStatusClassifier(model, guard)) return guard;
    }
  }
  return null;
}

function loopDescription(model: CodeModel, loop: LoopNode): string {
  switch (loop.type) {
    case 'WhileStatement':
      return `while (${compactText(model, loop.test).slice(0, 40)}) loop`;
    case 'DoWhileStatement':
      return `do...while (${compactText(model, loop.test).slice(0, 40)}) loop`;
    case 'ForStatement':
      return `for (${loop.init ? compactText(model, loop.init) : ''};${loop.test ? compactText(model, loop.test) : ''};${loop.update ? compactText(model, loop.update) : ''}) loop`.slice(0, 80);
    default:
      return `for...of (${compactText(model, loop.right).slice(0, 40)}) loop`;
  }
}

function loopConstructs(model: CodeModel): RetryConstruct[] {
  const out: RetryConstruct[] = [];
  const loops = model.loops.filter(isLoop);
  for (const loop of loops) {
    const found = loopConstruct(model, loop);
    if (found) out.push(found);
  }
  return out;
}

function settledCallsIn(model: CodeModel, root: TSESTree.Node): CallLike[] {
  return ownNodes(root, (n): n is CallLike => (n.type === 'CallExpression' || n.type === 'NewExpression'))
    .filter((call) => model.isSettled(call) && !delayOf(model, call));
}

function loopConstruct(model: CodeModel, loop: LoopNode): RetryConstruct | null {
  const body = loop.body;
  const tries = ownNodes(body, (n): n is TSESTree.TryStatement => n.type === 'TryStatement' && !!n.handler);
  const test = loop.type === 'ForOfStatement' ? null : loop.test;
  const counters = updatedNames(model, loop);
  let flag: string | null = null;
  let infinite = loop.type !== 'ForOfStatement' && isTrueLiteral(model, test);
  if (!infinite && test) {
    // `while (!done)` and `while (!done && tries < max)`: success sets the flag.
    const conjuncts: TSESTree.Node[] = [];
    const collect = (n: TSESTree.Node) => {
      const t = unwrap(n);
      if (t.type === 'LogicalExpression' && t.operator === '&&') {
        collect(t.left);
        collect(t.right);
      } else conjuncts.push(t);
    };
    collect(test);
    for (const t of conjuncts) {
      if (t.type === 'UnaryExpression' && t.operator === '!' && (t.argument.type === 'Identifier' || t.argument.type === 'MemberExpression')) {
        flag = compactText(model, t.argument);
        break;
      }
    }
  }
  const delays = ownNodes(body, (n): n is CallLike => n.type === 'CallExpression' || n.type === 'NewExpression')
    .map((c) => delayOf(model, c))
    .filter((d): d is DelayCall => d !== null);
  const backoff: RetryBackoff = delays.length === 0
    ? { kind: 'none', jitter: 'no', node: null }
    : {
        kind: delayKind(model, delays),
        jitter: combine(delays.map((d) => d.jitter)),
        node: delays[0]!.call,
      };

  for (const attempt of tries) {
    const handler = attempt.handler!;
    const wrapped = settledCallsIn(model, attempt.block);
    if (wrapped.length === 0) continue;
    // A catch that always leaves the loop makes this a single attempt, not a retry.
    if (alwaysExits(handler.body.body, loop, true)) continue;
    // The flag must be set on the try's normal path (`await call(); done = true;`), not on a branch.
    const setsFlag = flag !== null && attempt.block.body.some((statement) =>
      statement.type === 'ExpressionStatement' && statement.expression.type === 'AssignmentExpression' &&
      compactText(model, statement.expression.left) === flag);
    // Success must leave the loop; otherwise this is a poll or drain loop that keeps going.
    const successExits = alwaysExits(attempt.block.body, loop, true) &&
      ownNodes(attempt.block, (n): n is TSESTree.Node => (n.type === 'ReturnStatement' || n.type === 'BreakStatement') && exitsLoop(n, loop)).length > 0;
    if (!successExits && !setsFlag) continue;
    // Fail-over loops call a different target each time (`urls[i]`, `for (const url of urls)`).
    if (iteratesTargets(model, loop, wrapped, counters)) continue;
    const effectiveInfinite = infinite || (setsFlag && !(test && isCounterGuard(model, test, counters)));
    let bound: RetryBound;
    let boundNode: TSESTree.Node | null = null;
    if (loop.type === 'ForOfStatement') {
      const list = originOf(model, loop.right);
      // `for (const ms of [100, 500, 2000])` is a retry only when the items are the delays.
      if (list.type !== 'ArrayExpression' || delays.length === 0) continue;
      bound = list.elements.length;
      boundNode = loop.right;
    } else if (effectiveInfinite) {
      const exitGuards = boundingGuards(model, loop, attempt, counters, flag);
      if (exitGuards.length > 0) {
        bound = guardBound(model, exitGuards, counters) ?? 'unknown';
        boundNode = exitGuards[0]!;
      } else {
        bound = 'unbounded';
      }
    } else if (test && isCounterGuard(model, test, counters)) {
      bound = loopTestBound(model, loop, test, counters) ?? 'unknown';
      boundNode = test;
    } else {
      const exitGuards = boundingGuards(model, loop, attempt, counters, flag);
      bound = exitGuards.length > 0 ? guardBound(model, exitGuards, counters) ?? 'unknown' : 'unknown';
      boundNode = exitGuards[0] ?? null;
    }
    const escapes: RetryEscape[] = [];
    const inspected = inspectsError(model, handler) ?? statusGuardedExit(model, attempt.block, loop, new Set(['ReturnStatement', 'BreakStatement']));
    if (inspected) escapes.push({ kind: 'error-check', node: inspected });
    return base({
      library: 'loop',
      kind: 'loop',
      node: loop,
      description: loopDescription(model, loop),
      key: `loop|${loopDescription(model, loop)}|${wrapped.map((c) => calleeText(model.text, c)).join(',')}`,
      bound,
      boundNode,
      attempts: typeof bound === 'number' ? Math.max(1, bound) : null,
      backoff,
      escapes,
      wraps: wrapped,
      handler,
      shape: 'try-catch',
    });
  }
  // A counted loop that retries on a failed response status, without try/catch.
  if (tries.length === 0 && delays.length > 0 && test && !infinite && isCounterGuard(model, test, counters)) {
    const exit = statusOrOkExit(model, body, loop);
    const wrapped = settledCallsIn(model, body);
    if (exit && wrapped.length > 0 && !iteratesTargets(model, loop, wrapped, counters)) {
      const bound = loopTestBound(model, loop, test, counters) ?? 'unknown';
      const classified = statusGuardedExit(model, body, loop, new Set(['ReturnStatement', 'BreakStatement', 'ThrowStatement']));
      return base({
        library: 'loop',
        kind: 'loop',
        node: loop,
        description: loopDescription(model, loop),
        key: `loop|${loopDescription(model, loop)}|${wrapped.map((c) => calleeText(model.text, c)).join(',')}`,
        bound,
        boundNode: test,
        attempts: typeof bound === 'number' ? Math.max(1, bound) : null,
        backoff,
        escapes: classified ? [{ kind: 'error-check', node: classified }] : [],
        wraps: wrapped,
        shape: 'status-check',
      });
    }
  }
  return null;
}

/** Whether the wrapped calls take the loop's item or index as an argument: a fail-over, not a retry. */
function iteratesTargets(model: CodeModel, loop: LoopNode, wrapped: CallLike[], counters: Set<string>): boolean {
  const names = new Set<string>();
  if (loop.type === 'ForOfStatement') {
    for (const name of loop.left.type === 'VariableDeclaration' ? loop.left.declarations.flatMap((d) => patternNames(d.id)) : patternNames(loop.left)) names.add(name);
  }
  for (const call of wrapped) {
    for (const arg of argumentsOf(call)) {
      const uses = findAll(arg, (n): n is TSESTree.Node =>
        (n.type === 'Identifier' && names.has(n.name)) ||
        (n.type === 'MemberExpression' && n.computed && counters.has(compactText(model, n.property))));
      if (uses.length > 0) return true;
    }
    const callee = calleeOf(call);
    if (findAll(callee, (n): n is TSESTree.Node => n.type === 'Identifier' && names.has(n.name)).length > 0) return true;
  }
  return false;
}

/** `if (res.ok) return res` style: the loop leaves on a good response and otherwise sleeps and goes again. */
function statusOrOkExit(model: CodeModel, body: TSESTree.Node, loop: LoopNode): TSESTree.Node | null {
  const exits = ownNodes(body, (n): n is TSESTree.Statement => (n.type === 'ReturnStatement' || n.type === 'BreakStatement') && exitsLoop(n, loop));
  for (const exit of exits) {
    for (const guard of guardsOf(exit, loop)) {
      const members = [unwrap(guard), ...findAll(guard, (n): n is TSESTree.MemberExpression => n.type === 'MemberExpression')];
      if (members.some((m) => m.type === 'MemberExpression' && /^(ok|status|statusCode)$/.test(propertyName(m) ?? ''))) return guard;
    }
  }
  return null;
}

function delayKind(model: CodeModel, delays: DelayCall[]): RetryBackoff['kind'] {
  const args = delays.flatMap((d) => d.args);
  if (args.length > 0 && args.every((a) => numberValue(model, a) !== null)) return 'fixed';
  const text = args.map((a) => compactText(model, a)).join(' ');
  if (/\*\*|Math\.pow|<</.test(text)) return 'exponential';
  return 'custom';
}

/** Exits from the catch or the rest of the loop body (not the success path) guarded by a counter. */
function boundingGuards(model: CodeModel, loop: LoopNode, attempt: TSESTree.TryStatement, counters: Set<string>, flag: string | null): TSESTree.Node[] {
  const out: TSESTree.Node[] = [];
  const exits = ownNodes(loop.body, (n): n is TSESTree.Node =>
    ((n.type === 'ReturnStatement' || n.type === 'ThrowStatement' || n.type === 'BreakStatement') && exitsLoop(n, loop)) ||
    (flag !== null && n.type === 'AssignmentExpression' && compactText(model, n.left) === flag));
  for (const exit of exits) {
    if (contains(attempt.block, exit)) continue;
    const guards = guardsOf(exit, loop).filter((g) => isCounterGuard(model, g, counters));
    out.push(...guards);
  }
  // `do { ... } while (!done && attempt < max)` style tests bound it too.
  if (loop.type !== 'ForOfStatement' && loop.test && flag !== null && isCounterGuard(model, loop.test, counters)) out.push(loop.test);
  return out;
}

// ------------------------------------------------------------------ recursion from a catch

function selfReference(model: CodeModel, fn: FunctionLike): ((call: CallLike) => boolean) | null {
  const parent = parentOf(fn);
  if (fn.type === 'FunctionDeclaration' && fn.id) {
    const name = fn.id.name;
    return (call) => {
      const callee = unwrap(calleeOf(call));
      if (callee.type !== 'Identifier' || callee.name !== name) return false;
      const binding = bindingOf(model, callee);
      return binding?.kind === 'function' && binding.fn === fn;
    };
  }
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') {
    const name = parent.id.name;
    return (call) => {
      const callee = unwrap(calleeOf(call));
      if (callee.type !== 'Identifier' || callee.name !== name) return false;
      const binding = bindingOf(model, callee);
      return binding?.kind === 'var' && binding.decl === parent;
    };
  }
  if (parent?.type === 'MethodDefinition' || (parent?.type === 'PropertyDefinition' && fn.type === 'ArrowFunctionExpression')) {
    const key = parent.key;
    const name = key.type === 'Identifier' ? key.name : null;
    if (!name) return null;
    return (call) => {
      const callee = unwrap(calleeOf(call));
      return callee.type === 'MemberExpression' && callee.object.type === 'ThisExpression' && propertyName(callee) === name && thisMethodIs(callee, fn);
    };
  }
  return null;
}

function thisMethodIs(member: TSESTree.MemberExpression, fn: FunctionLike): boolean {
  // Arrow functions keep the method's `this`; a nested function expression would not, unless it is
  // another method of the same class (a named rejection handler `this.onError`).
  let current = parentOf(member);
  while (current && current !== fn) {
    if (current.type === 'FunctionExpression' || current.type === 'FunctionDeclaration') {
      return parentOf(current)?.type === 'MethodDefinition' && enclosingClass(current) === enclosingClass(fn);
    }
    current = parentOf(current);
  }
  return current === fn;
}

function recursionConstructs(model: CodeModel): RetryConstruct[] {
  const out: RetryConstruct[] = [];
  for (const fn of model.functions) {
    // A retry by recursion re-calls from a catch clause or a rejection handler: neither word in the
    // function's text, no walk.
    if (!inText(model, fn, 'catch') && !inText(model, fn, 'then')) continue;
    const isSelf = selfReference(model, fn);
    if (!isSelf) continue;
    const site = catchClauseSite(model, fn, isSelf) ?? rejectionHandlerSite(model, fn, isSelf);
    if (!site) continue;
    const { selfCall, body } = site;
    const counters = updatedNames(model, fn.body);
    const params = new Set(fn.params.flatMap((p) => patternNames(p)));
    const { bound, boundNode } = recursionBound(model, fn, selfCall, counters, params, site.onRejected);
    const delays = findAll(body, (n): n is CallLike => n.type === 'CallExpression' || n.type === 'NewExpression')
      .map((c) => delayOf(model, c) ?? scheduledDelay(model, c, selfCall))
      .filter((d): d is DelayCall => d !== null);
    const inspected = inspectsError(model, { param: site.errorParam, body });
    out.push(base({
      library: 'recursion',
      kind: 'recursion',
      node: selfCall,
      description: `recursive call ${calleeText(model.text, selfCall)}() from ${site.from}`,
      key: `recursion|${model.functionName(fn)}|${calleeText(model.text, selfCall)}`,
      bound,
      boundNode,
      attempts: typeof bound === 'number' ? Math.max(1, bound) : null,
      backoff: delays.length === 0
        ? { kind: 'none', jitter: 'no', node: null }
        : { kind: delayKind(model, delays), jitter: combine(delays.map((d) => d.jitter)), node: delays[0]!.call },
      escapes: inspected ? [{ kind: 'error-check', node: inspected }] : [],
      runs: [{ call: selfCall, fn }],
      wraps: site.wrapped,
      handler: site.handler,
      shape: 'try-catch',
    }));
  }
  return out;
}

function inText(model: CodeModel, fn: FunctionLike, word: string): boolean {
  const at = model.text.indexOf(word, fn.range[0]);
  return at !== -1 && at < fn.range[1];
}

/** Where a function calls itself again after a failure. */
interface RecursionSite {
  selfCall: CallLike;
  /** The failure handler's code: a catch clause body or a rejection callback body. */
  body: TSESTree.Node;
  errorParam: TSESTree.Node | null;
  wrapped: CallLike[];
  handler: TSESTree.CatchClause | null;
  onRejected: FunctionLike | null;
  from: string;
}

function catchClauseSite(model: CodeModel, fn: FunctionLike, isSelf: (call: CallLike) => boolean): RecursionSite | null {
  const tries = findAll(fn.body, (n): n is TSESTree.TryStatement => n.type === 'TryStatement' && !!n.handler, { intoFunctions: false });
  for (const attempt of tries) {
    const handler = attempt.handler!;
    const selfCall = retryingSelfCall(handler.body, handler.param, isSelf);
    if (!selfCall) continue;
    const wrapped = settledCallsIn(model, attempt.block).filter((c) => !isSelf(c));
    if (wrapped.length === 0) continue;
    return { selfCall, body: handler.body, errorParam: handler.param, wrapped, handler, onRejected: null, from: 'catch' };
  }
  return null;
}

/**
 * `call().catch(() => f())`, `call().catch(onFailure)` and `call().then(ok, () => f())`: the rejection
 * handler is the catch. The
 * handler settles the chain's rejection itself, so the chained calls count as wrapped whether or not
 * anything awaits the chain.
 */
function rejectionHandlerSite(model: CodeModel, fn: FunctionLike, isSelf: (call: CallLike) => boolean): RecursionSite | null {
  const chains = findAll(fn.body, (n): n is TSESTree.CallExpression => n.type === 'CallExpression' && n.callee.type === 'MemberExpression', { intoFunctions: false });
  for (const chain of chains) {
    const member = chain.callee as TSESTree.MemberExpression;
    const method = propertyName(member);
    const callback = method === 'catch' ? chain.arguments[0] : method === 'then' ? chain.arguments[1] : undefined;
    // `.catch(onFailure)` names its handler as often as it writes it inline.
    const onRejected = callback ? functionOf(model, callback) : null;
    if (!onRejected || onRejected === fn) continue;
    // `handler.bind(this, a, b)` fills the first parameters; the rejection reason comes after them.
    const bound = unwrap(callback!);
    const filled = bound.type === 'CallExpression' && bound.callee.type === 'MemberExpression' && propertyName(bound.callee) === 'bind' ? Math.max(0, bound.arguments.length - 1) : 0;
    const errorParam = onRejected.params[filled] ?? null;
    const selfCall = retryingSelfCall(onRejected.body, errorParam, isSelf);
    if (!selfCall) continue;
    const wrapped = ownNodes(chainStart(member.object), (n): n is CallLike => n.type === 'CallExpression' || n.type === 'NewExpression')
      .filter((c) => !isSelf(c) && !delayOf(model, c));
    if (wrapped.length === 0) continue;
    return {
      selfCall, body: onRejected.body, errorParam, wrapped, handler: null, onRejected, from: method === 'catch' ? '.catch()' : '.then() rejection handler',
    };
  }
  return null;
}

/** `call().then(a).catch(b)`: the call the promise chain starts from. */
function chainStart(node: TSESTree.Node): TSESTree.Node {
  let current = unwrap(node);
  while (current.type === 'CallExpression' && current.callee.type === 'MemberExpression' &&
    ['then', 'catch', 'finally'].includes(propertyName(current.callee) ?? '')) {
    current = unwrap(current.callee.object);
  }
  return current;
}

function retryingSelfCall(body: TSESTree.Node, errorParam: TSESTree.Node | null, isSelf: (call: CallLike) => boolean): CallLike | null {
  const selfCall = findAll(body, (n): n is CallLike => (n.type === 'CallExpression') && isSelf(n))[0];
  if (!selfCall) return null;
  // `this.emit('error', err)` inside an emitter re-enters with another operation, not a retry.
  const errorNames = new Set(errorParam ? patternNames(errorParam) : []);
  const reenters = argumentsOf(selfCall).some((arg) => {
    const target = unwrap(arg);
    return (target.type === 'Literal' && typeof target.value === 'string') || mentions(target, errorNames);
  });
  return reenters ? null : selfCall;
}

/** `setTimeout(() => this.connect(), 5_000)` schedules the retry after a delay. */
function scheduledDelay(model: CodeModel, call: CallLike, selfCall: CallLike): DelayCall | null {
  if (call.type !== 'CallExpression' || call.callee.type !== 'Identifier' || call.callee.name !== 'setTimeout') return null;
  if (!contains(call, selfCall)) return null;
  const args = call.arguments[1] ? [call.arguments[1]] : [];
  return { call, args, helper: null, jitter: combine(args.map((a) => expressionJitter(model, a))) };
}

/** A decreasing or compared counter argument, or an exit guarded by a compared counter (rule 6 variant 2). */
function recursionBound(
  model: CodeModel,
  fn: FunctionLike,
  selfCall: CallLike,
  counters: Set<string>,
  params: Set<string>,
  onRejected: FunctionLike | null,
): { bound: RetryBound; boundNode: TSESTree.Node | null } {
  const exits = exitsOf(fn, onRejected);
  const args = argumentsOf(selfCall);
  const names = new Set([...counters, ...params]);
  for (let i = 0; i < args.length; i += 1) {
    const arg = unwrap(args[i]!);
    const counter = counterArgument(arg, params);
    if (counter) {
      const param = fn.params[i];
      const start = param?.type === 'AssignmentPattern' ? numberValue(model, param.right) : null;
      const decreasing = (arg.type === 'BinaryExpression' && arg.operator === '-') || (arg.type === 'UpdateExpression' && arg.operator === '--');
      if (decreasing && start !== null) return { bound: start + 1, boundNode: arg };
      // A rising counter only feeds the backoff unless something compares it with a limit.
      if (!decreasing && !comparesParam(fn, counter)) return { bound: 'unbounded', boundNode: null };
      const guard = paramGuards(fn, exits, new Set([counter]))[0];
      const limit = guard ? guardBound(model, [guard], names) : null;
      return { bound: limit ?? 'unknown', boundNode: arg };
    }
    if (arg.type === 'ObjectExpression') {
      for (const prop of arg.properties) {
        if (prop.type === 'Property' && counterArgument(unwrap(prop.value), null)) return { bound: 'unknown', boundNode: prop };
      }
    }
  }
  const guards = [...exitGuards(model, fn, exits, counters), ...paramGuards(fn, exits, params)];
  if (guards.length > 0) return { bound: guardBound(model, guards, names) ?? 'unknown', boundNode: guards[0]! };
  return { bound: 'unbounded', boundNode: null };
}

function counterArgument(arg: TSESTree.Node, params: Set<string> | null): string | null {
  const isName = (n: TSESTree.Node): string | null => {
    const t = unwrap(n);
    if (t.type === 'Identifier' && (params === null || params.has(t.name))) return t.name;
    if (t.type === 'MemberExpression' && params === null) return propertyName(t);
    if (t.type === 'MemberExpression' && t.object.type === 'Identifier' && params?.has(t.object.name) && COUNTER_NAME.test(propertyName(t) ?? '')) return t.object.name;
    return null;
  };
  if (arg.type === 'BinaryExpression' && (arg.operator === '-' || arg.operator === '+')) {
    const right = unwrap(arg.right);
    if (right.type === 'Literal' && typeof right.value === 'number') return isName(arg.left);
  }
  if (arg.type === 'UpdateExpression' && arg.prefix) return isName(arg.argument);
  return null;
}

/**
 * Throws and returns of the function, and of its rejection handler: a throw there rejects the chain
 * instead of retrying, so it ends the recursion just the same.
 */
function exitsOf(fn: FunctionLike, onRejected: FunctionLike | null): TSESTree.Node[] {
  const isExit = (n: TSESTree.Node): n is TSESTree.Node => n.type === 'ThrowStatement' || n.type === 'ReturnStatement';
  return [fn.body, ...(onRejected ? [onRejected.body] : [])].flatMap((root) => findAll(root, isExit, { intoFunctions: false }));
}

/** Guards of throws/returns that bound the recursion: a counter updated in the function (`this.attempts++`), or a deadline. */
function exitGuards(model: CodeModel, fn: FunctionLike, exits: TSESTree.Node[], counters: Set<string>): TSESTree.Node[] {
  const out: TSESTree.Node[] = [];
  for (const exit of exits) {
    for (const guard of guardsOf(exit, fn)) {
      if (isCounterGuard(model, guard, counters)) out.push(guard);
    }
  }
  return out;
}

/** Guards of throws/returns that compare a parameter (`if (attempt >= 5) throw err`). */
function paramGuards(fn: FunctionLike, exits: TSESTree.Node[], params: Set<string>): TSESTree.Node[] {
  const out: TSESTree.Node[] = [];
  for (const exit of exits) {
    for (const guard of guardsOf(exit, fn)) {
      const comparisons = [unwrap(guard), ...findAll(guard, (n): n is TSESTree.BinaryExpression => n.type === 'BinaryExpression')];
      const compared = comparisons.some((c) => c.type === 'BinaryExpression' && ['<', '<=', '>', '>=', '===', '=='].includes(c.operator) &&
        c.left.type !== 'PrivateIdentifier' && (isParamOperand(c.left, params) || isParamOperand(c.right, params)));
      if (compared) out.push(guard);
    }
  }
  return out;
}

/** Anywhere in the function, callbacks included: the limit may pick a branch (`attempt < 5 ? retry() : fail()`) rather than guard an exit. */
function comparesParam(fn: FunctionLike, param: string): boolean {
  const names = new Set([param]);
  const compared = findAll(fn.body, (n): n is TSESTree.BinaryExpression => n.type === 'BinaryExpression' &&
    ['<', '<=', '>', '>=', '===', '==', '!==', '!='].includes(n.operator) && n.left.type !== 'PrivateIdentifier' &&
    (isParamOperand(n.left, names) || isParamOperand(n.right, names))).length > 0;
  if (compared) return true;
  // A retry policy may do the comparing: `if (giveUp(attempt)) throw err`, `policy.shouldRetry(attempt)
  // ? retry() : fail()`. Only as a condition: `logRetry(attempt)` or `sleep(backoff(attempt))` bound nothing.
  return findAll(fn.body, (n): n is TSESTree.CallExpression => n.type === 'CallExpression' &&
    POLICY_CALL.test(calleeName(n.callee) ?? '') && n.arguments.some((a) => isParamOperand(a, names)) && decidesBranch(n)).length > 0;
}

/** Names of calls that decide whether to try again (a predicate over the attempt count), not delays or logs. */
const POLICY_CALL = /^(should|can|may|is|has|give|stop|exceed|allow|check|within|keep|continue)([A-Z_]|$)|^(retryable|exhausted|overLimit|underLimit|withinBudget)$/;

/** The call is (part of) the test of an `if`, a loop or a ternary, through `!`, `&&`, `||` and parentheses. */
function decidesBranch(call: TSESTree.Node): boolean {
  let node: TSESTree.Node = call;
  let parent = parentOf(node);
  while (parent && (parent.type === 'UnaryExpression' || parent.type === 'LogicalExpression' || parent.type === 'TSNonNullExpression')) {
    node = parent;
    parent = parentOf(node);
  }
  if (!parent) return false;
  return (parent.type === 'IfStatement' || parent.type === 'ConditionalExpression' || parent.type === 'WhileStatement' ||
    parent.type === 'DoWhileStatement' || parent.type === 'ForStatement') && parent.test === node;
}

function isParamOperand(node: TSESTree.Node, params: Set<string>): boolean {
  let target = unwrap(node);
  if (target.type === 'UpdateExpression') target = target.argument;
  if (target.type === 'Identifier') return params.has(target.name);
  if (target.type === 'MemberExpression' && target.object.type === 'Identifier') return params.has(target.object.name) && COUNTER_NAME.test(propertyName(target) ?? '');
  return false;
}

// ------------------------------------------------------------------ retry helpers

/**
 * `const withRetry = (fn) => pRetry(fn, opts)`: the construct retries whatever its callers pass, so each
 * call of the helper becomes a run with the caller's function (one hop, same file).
 */
function linkHelperRuns(model: CodeModel, constructs: RetryConstruct[]): void {
  for (const construct of constructs) {
    if (construct.kind !== 'wrapper') continue;
    for (const run of [...construct.runs]) {
      if (run.fn) continue;
      const arg = run.call.type === 'CallExpression' ? run.call.arguments[0] : undefined;
      const target = arg ? unwrap(arg) : null;
      if (target?.type !== 'Identifier') continue;
      const binding = bindingOf(model, target);
      if (binding?.kind !== 'param') continue;
      const helper = binding.fn;
      for (const call of model.calls) {
        if (call === run.call || model.calleeFunction(call) !== helper) continue;
        const passed = argumentsOf(call)[binding.index];
        const fn = passed ? functionOf(model, passed) : null;
        construct.runs.push({ call, fn });
      }
    }
    construct.wraps = [...new Set([...construct.wraps, ...callsInside(model, construct.runs.map((r) => r.fn))])].sort((a, b) => a.range[0] - b.range[0]);
  }
}

// ------------------------------------------------------------------ inner retry layers (stacked retries)

export interface RetryLayer {
  library: RetryLibrary;
  description: string;
  bound: RetryBound;
  attempts: number | null;
  /** Where the layer is configured (for `related`), or the call itself for defaults. */
  node: TSESTree.Node;
  construct: RetryConstruct | null;
}

const AXIOS_CALL_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'postForm', 'putForm', 'patchForm']);

/**
 * The retry layer a call goes through by itself: an axios instance configured with axios-retry, a got
 * call or instance with `retry`, a kafkajs producer (client retries, default 5), an AWS SDK v3 client
 * (default 3 attempts), or another retry construct.
 */
export function retryLayerOf(model: CodeModel, call: CallLike): RetryLayer | null {
  const constructs = findRetries(model);
  const own = constructs.find((c) => c.node === call && c.kind === 'wrapper') ??
    constructs.find((c) => c.kind === 'wrapper' && c.runs.some((r) => r.call === call && r.call !== c.node));
  if (own) return { library: own.library, description: own.description, bound: own.bound, attempts: own.attempts, node: own.node, construct: own };
  if (call.type !== 'CallExpression') return null;
  const callee = unwrap(call.callee);
  const got = constructs.find((c) => c.library === 'got' && c.node === call);
  if (got) return layerFrom(got);
  if (callee.type === 'MemberExpression') {
    const method = propertyName(callee);
    const receiver = callee.object;
    if (method && AXIOS_CALL_METHODS.has(method)) {
      const axios = axiosRetryFor(model, constructs, receiver);
      if (axios) return layerFrom(axios);
      const gotInstance = gotRetryFor(model, constructs, receiver);
      if (gotInstance) return layerFrom(gotInstance);
    }
    const owner = model.roleOf(receiver);
    if (owner?.via === 'binding' && owner.role === 'kafka.producer' && (method === 'send' || method === 'sendBatch')) return kafkaLayer(model, constructs, receiver, call);
    if (method === 'send' && call.arguments[0]) {
      const client = awsClientOf(model, receiver);
      if (client) {
        const configured = constructs.find((c) => c.library === 'aws-sdk' && c.node === client.node);
        if (configured) return layerFrom(configured);
        return { library: 'aws-sdk', description: `the AWS SDK retry strategy of ${client.name}`, bound: 'default:3', attempts: 3, node: client.node ?? call, construct: null };
      }
    }
  } else {
    const axios = axiosRetryFor(model, constructs, callee);
    if (axios) return layerFrom(axios);
    const gotInstance = gotRetryFor(model, constructs, callee);
    if (gotInstance) return layerFrom(gotInstance);
  }
  return null;
}

function layerFrom(construct: RetryConstruct): RetryLayer {
  return { library: construct.library, description: construct.description, bound: construct.bound, attempts: construct.attempts, node: construct.node, construct };
}

function axiosRetryFor(model: CodeModel, constructs: RetryConstruct[], receiver: TSESTree.Node): RetryConstruct | null {
  const origin = originOf(model, receiver);
  const receiverRef = moduleRef(model, receiver);
  for (const construct of constructs) {
    if (construct.library !== 'axios-retry' || !construct.client) continue;
    const configured = originOf(model, construct.client);
    if (configured === origin) return construct;
    const configuredRef = moduleRef(model, construct.client);
    // axiosRetry(axios) configures the default instance every `axios.get` goes through.
    if (configuredRef?.module === 'axios' && configuredRef.path.length === 0 && receiverRef?.module === 'axios' && receiverRef.path.length === 0) return construct;
    if (compactText(model, construct.client) === compactText(model, receiver) && unwrap(receiver).type === 'MemberExpression') return construct;
  }
  return null;
}

function gotRetryFor(model: CodeModel, constructs: RetryConstruct[], receiver: TSESTree.Node): RetryConstruct | null {
  const origin = originOf(model, receiver);
  return constructs.find((c) => c.library === 'got' && c.client !== null && c.client === origin) ?? null;
}

function kafkaLayer(model: CodeModel, constructs: RetryConstruct[], receiver: TSESTree.Node, call: CallLike): RetryLayer {
  const producer = originOf(model, receiver);
  const producerConfig = constructs.find((c) => c.library === 'kafkajs' && c.node === producer);
  if (producerConfig) return layerFrom(producerConfig);
  if (producer.type === 'CallExpression' && producer.callee.type === 'MemberExpression') {
    const client = originOf(model, producer.callee.object);
    const clientConfig = constructs.find((c) => c.library === 'kafkajs' && c.node === client);
    if (clientConfig) return layerFrom(clientConfig);
  }
  return { library: 'kafkajs', description: 'the kafkajs client retry of the producer', bound: 'default:5', attempts: 6, node: producer.type === 'Identifier' ? call : producer, construct: null };
}

function awsClientOf(model: CodeModel, receiver: TSESTree.Node): { name: string; node: TSESTree.Node | null } | null {
  const origin = originOf(model, receiver);
  if (origin.type === 'NewExpression') {
    const ref = moduleRef(model, origin.callee);
    if (ref && ref.module.startsWith('@aws-sdk/client-') && ref.path.length === 1) return { name: ref.path[0]!, node: origin };
    return null;
  }
  const cls = model.classNameOf(receiver);
  const binding = cls ? model.imports.get(cls) : undefined;
  if (cls && binding && binding.module.startsWith('@aws-sdk/client-')) return { name: cls, node: null };
  return null;
}
