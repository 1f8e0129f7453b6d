// rules.md rule 6, variants 3-5 and 7: a consumer's failure path hands the message back to the
// broker with no limit on redeliveries, so a poison message loops forever. Critical when the consumer
// also has no dead-letter path (missing-dlq holds for the same handler).
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeText, type CallLike, contains, type FunctionLike, isFunction, keyName, objectProperty, parentOf, propertyName, unwrap } from '../../src/code/ast.js';
import {
  acksInHandler,
  deadLetterRoute,
  findHandlers,
  isJoined,
  mentionsAny,
  ownNodes,
  resolveFunction,
  walkNodes,
  type ConsumerPatterns,
  type Handler,
} from '../../src/code/handlers.js';
import type { CodeModel } from '../../src/code/model.js';
import { isValidationCall } from '../../src/code/retry-targets.js';
import { isModuleMember, patternNames } from '../../src/code/retry-values.js';
import { compiledPatterns } from '../../src/config/patterns.js';
import type { Config } from '../../src/config/schema.js';
import { missingEvidence } from './missing-dlq.js';

export interface RedeliveryLoop {
  node: TSESTree.Node;
  handler: TSESTree.Node;
  construct: string;
  variant: string;
  critical: boolean;
  precision: 'High' | 'Medium';
  channel: string | null;
  /** What the message says about the variant; the variant id when absent. */
  detail?: string;
}

const DELIVERY_COUNT = /\bredelivered\b|x-death|x-delivery-count|deliveryAttempt|info\.(redeliveryCount|deliveryCount)|\.redeliveryCount|delivery_count|numDelivered/;

/** Not a rule (the `_` prefix keeps it out of the registry): it lives beside unbounded-retry because it reads missing-dlq. */
export function redeliveryLoops(model: CodeModel, config: Config): RedeliveryLoop[] {
  const patterns: ConsumerPatterns = {
    dlqChannel: compiledPatterns(config).dlqChannel,
    dlqWrappers: config.wrappers.dlq,
    nonIdempotentCalls: config.nonIdempotentCalls,
  };
  const out: RedeliveryLoop[] = [];
  for (const handler of findHandlers(model)) {
    if (!handler.atLeastOnce) continue;
    const handlerText = model.text.slice(handler.root.range[0], handler.root.range[1]);
    const noDlq = () => missingEvidence(model, handler, patterns) !== null;
    const precision = handler.via === 'binding' ? 'High' : 'Medium';
    // A handler that reads the delivery count bounds its own redeliveries.
    if (DELIVERY_COUNT.test(handlerText)) continue;
    if (handler.library === 'kafkajs' && !ATTEMPT_COUNTER.test(handlerText)) {
      const point = restartPoint(model, handler, patterns);
      if (point) {
        out.push({ node: point.node, handler: handler.registration, construct: point.what, variant: 'consumer-restart-loop-kafkajs',
          critical: noDlq(), precision, channel: handler.channel, detail: RESTART_DETAIL });
      }
    }
    for (const ack of acksInHandler(model, handler)) {
      if (ack.kind !== 'negative' || !onCatchAllPath(model, ack.call, handler)) continue;
      if (handler.library === 'amqplib' && ack.requeue === true) {
        out.push({ node: ack.call, handler: handler.registration, construct: `${ack.description} (requeue)`, variant: 'requeue-loop',
          critical: noDlq(), precision, channel: handler.channel });
      }
      if (handler.library === 'jetstream' && /\.nak\s*\(/.test(model.text.slice(ack.call.range[0], ack.call.range[1])) && unlimitedMaxDeliver(model)) {
        out.push({ node: ack.call, handler: handler.registration, construct: ack.description, variant: 'unlimited-redelivery-jetstream',
          critical: noDlq(), precision, channel: handler.channel });
      }
      if (handler.library === 'pubsub' && /\.nack\s*\(/.test(model.text.slice(ack.call.range[0], ack.call.range[1])) && subscriptionWithoutDeadLetter(model)) {
        out.push({ node: ack.call, handler: handler.registration, construct: ack.description, variant: 'unlimited-redelivery-pubsub',
          critical: noDlq(), precision, channel: handler.channel });
      }
    }
  }
  return out;
}

/** In a `catch` (or `.catch` callback) with no error-type check before the call. */
function onCatchAllPath(model: CodeModel, call: TSESTree.Node, handler: Handler): boolean {
  for (const tryStatement of model.enclosingTries(call)) {
    if (model.tryPart(call, tryStatement) !== 'catch' || !tryStatement.handler) continue;
    if (tryStatement.range[0] < handler.root.range[0]) continue;
    return !guardedByErrorCheck(model, call, tryStatement.handler);
  }
  let node = parentOf(call);
  while (node && node !== handler.root) {
    if ((node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression')) {
      const holder = parentOf(node);
      if (holder?.type === 'CallExpression' && holder.callee.type === 'MemberExpression' && keyName(holder.callee.property) === 'catch') return true;
    }
    node = parentOf(node);
  }
  return false;
}

const ERROR_CHECK = /instanceof|\.code\b|\.name\b|\.status|isTransient|isRetryable|transient|retryable/i;

function guardedByErrorCheck(model: CodeModel, call: TSESTree.Node, clause: TSESTree.Node): boolean {
  let node = parentOf(call);
  let child: TSESTree.Node = call;
  while (node && node !== clause) {
    if ((node.type === 'IfStatement' || node.type === 'ConditionalExpression') && child !== node.test) {
      const test = model.text.slice(node.test.range[0], node.test.range[1]);
      if (ERROR_CHECK.test(test)) return true;
    }
    child = node;
    node = parentOf(node);
  }
  return false;
}

/** A JetStream consumer config in the file with `max_deliver` missing or -1. */
function unlimitedMaxDeliver(model: CodeModel): boolean {
  const configs = model.calls.filter((c) => {
    const text = model.text.slice(c.range[0], c.range[1]);
    return /consumers\.add|consumers\.update|consumerOpts|addConsumer/.test(text.slice(0, 60));
  });
  if (configs.length === 0) return false;
  return configs.some((c) => {
    const text = model.text.slice(c.range[0], c.range[1]);
    const match = /max_deliver\s*:\s*([-\w.]+)|maxDeliver\s*\(\s*([-\w.]+)/.exec(text);
    if (!match) return true;
    const raw = match[1] ?? match[2]!;
    const value = /^-?\d+$/.test(raw) ? Number(raw) : constNumber(model, raw);
    // An unresolvable bound is given the benefit of the doubt.
    return value !== null && value < 0;
  });
}

function constNumber(model: CodeModel, name: string): number | null {
  const decl = model.declaratorIn(name, model.program);
  const init = decl?.init ? unwrap(decl.init) : null;
  if (init?.type === 'Literal' && typeof init.value === 'number') return init.value;
  if (init?.type === 'UnaryExpression' && init.operator === '-' && init.argument.type === 'Literal' && typeof init.argument.value === 'number') return -init.argument.value;
  return null;
}

/** The file creates or configures a subscription without a `deadLetterPolicy`. */
function subscriptionWithoutDeadLetter(model: CodeModel): boolean {
  const creations = model.calls.filter((c) => {
    const callee = c.type === 'CallExpression' ? c.callee : null;
    return callee?.type === 'MemberExpression' && ['createSubscription', 'create', 'setMetadata'].includes(keyName(callee.property) ?? '') &&
      model.roleOf(callee.object)?.role?.startsWith('pubsub') === true;
  });
  if (creations.length === 0) return false;
  return creations.every((c) => {
    const args = c.type === 'CallExpression' ? c.arguments : [];
    return !args.some((a) => objectProperty(unwrap(a as TSESTree.Node), 'deadLetterPolicy') !== null);
  });
}

// ---------------------------------------------------------------- variant 7: kafkajs restart loop
// A throw out of eachMessage / eachBatch does not skip the message: kafkajs retries the handler with the
// consumer's `retry` settings, then crashes and (restartOnFailure defaults to true) restarts the
// consumer, which fetches the same uncommitted offset again. A bounded `retry.retries` only spaces the
// loop out, so only a try that dead-letters or drops the message ends it.

const RESTART_DETAIL = 'consumer restart loop (kafkajs): a permanent failure leaves the handler outside any try that dead-letters ' +
  'or drops the message, so kafkajs retries it, restarts the consumer and reads the same offset again';

/** A retry / attempt header read, or a counter compared with a bound: the handler gives up on its own. */
const ATTEMPT_COUNTER = /headers\s*\??\.?\s*\[?\s*['"`][\w-]*(retry|retries|attempt|deliver)|\b\w*(attempts?|retryCount|retries|deliveryCount)\w*\s*(>=?|<=?|===?|!==?)|(>=?|<=?)\s*\w*(attempts?|retries)\b/i;

/** Schema methods that throw on invalid input (`safeParse`, joi / ajv `validate` return a result instead). */
const THROWING_SCHEMA_METHODS = new Set(['parse', 'parseAsync', 'validateSync', 'validateAsync', 'assert', 'cast']);
const ASYNC_VALIDATION = /Async$|^validateOrReject$|^decode$/;
/** Array methods that call their callback before returning, so its throw reaches the caller. */
const SYNC_ARRAY_METHODS = new Set(['map', 'flatMap', 'forEach', 'filter', 'reduce', 'some', 'every', 'find', 'findIndex', 'sort']);
const SCHEMA_REGISTRY = '@kafkajs/confluent-schema-registry';

interface ThrowPoint {
  /** Where the permanent failure is raised (in the handler or in the helper it calls). */
  node: TSESTree.Node;
  /** The node of the handler's own code the failure leaves through: the throw point itself or the helper call. */
  at: TSESTree.Node;
  what: string;
  /** The local helper the failure is raised in, when not in the handler itself. */
  helper?: string;
}

/** The first permanent-failure throw point whose error leaves the handler, or null. */
function restartPoint(model: CodeModel, handler: Handler, patterns: ConsumerPatterns): ThrowPoint | null {
  const body = handler.root;
  const payload = payloadNames(model, body, handler.messageNames);
  let found: ThrowPoint | null = null;
  inFlow(model, body, (node) => {
    if (found) return;
    const point = throwPointAt(model, node, body, payload) ?? helperThrowPoint(model, node, handler, payload, patterns);
    if (!point || !escapes(model, point.at, body, patterns)) return;
    found = { ...point, what: point.helper ? `${point.what} in ${point.helper}, called from ${handler.kind}` : `${point.what} in ${handler.kind}` };
  });
  return found;
}

/** One hop into a local helper the handler calls with the message (`await project(message)`). */
function helperThrowPoint(model: CodeModel, node: TSESTree.Node, handler: Handler, payload: Set<string>, patterns: ConsumerPatterns): ThrowPoint | null {
  if (node.type !== 'CallExpression') return null;
  const fn = model.calleeFunction(node);
  if (!fn || fn === handler.fn || contains(fn, node) || (handler.fn && contains(fn, handler.fn))) return null;
  // An async helper whose promise nobody waits for rejects on its own, not through the handler.
  if (fn.async && !isJoined(model, node)) return null;
  const seed = new Set<string>();
  node.arguments.forEach((arg, index) => {
    const param = fn.params[index];
    if (param && mentionsAny(model, arg, payload)) for (const name of patternNames(param)) seed.add(name);
  });
  if (seed.size === 0) return null;
  const inner = directThrowPoints(model, fn.body, payloadNames(model, fn.body, seed), patterns)[0];
  return inner ? { node: inner.node, at: node, what: inner.what, helper: `${calleeText(model.text, node)}()` } : null;
}

function directThrowPoints(model: CodeModel, body: TSESTree.Node, payload: Set<string>, patterns: ConsumerPatterns): ThrowPoint[] {
  const out: ThrowPoint[] = [];
  inFlow(model, body, (node) => {
    const point = throwPointAt(model, node, body, payload);
    if (point && escapes(model, point.at, body, patterns)) out.push(point);
  });
  return out;
}

/** A parse / validation of the message that throws, or a `throw` decided by the message's content. */
function throwPointAt(model: CodeModel, node: TSESTree.Node, body: TSESTree.Node, payload: Set<string>): ThrowPoint | null {
  if (node.type === 'CallExpression') {
    const what = permanentCall(model, node);
    if (!what || !node.arguments.some((arg) => mentionsAny(model, arg, payload))) return null;
    // An async validation nobody awaits rejects on its own, not through the handler.
    if (ASYNC_VALIDATION.test(calleeName(node)) && !isJoined(model, node)) return null;
    return { node, at: node, what };
  }
  if (node.type === 'ThrowStatement' && !inCatch(model, node, body) && guardedByPayload(model, node, body, payload)) {
    const thrown = node.argument ? unwrap(node.argument) : null;
    const what = thrown?.type === 'NewExpression' ? `throw new ${calleeText(model.text, thrown)}` : 'throw';
    return { node, at: node, what };
  }
  return null;
}

/** JSON.parse, a throwing schema method, class-validator validateOrReject, a schema-registry decode. */
function permanentCall(model: CodeModel, call: TSESTree.CallExpression): string | null {
  const callee = unwrap(call.callee);
  if (callee.type === 'Identifier') {
    return isModuleMember(model, callee, ['class-validator'], ['validateOrReject']) ? callee.name : null;
  }
  if (callee.type !== 'MemberExpression') return null;
  const method = propertyName(callee);
  if (callee.object.type === 'Identifier' && callee.object.name === 'JSON') return method === 'parse' ? 'JSON.parse' : null;
  if (method && THROWING_SCHEMA_METHODS.has(method) && isValidationCall(model, call)) return calleeText(model.text, call);
  if (method === 'decode') {
    const type = model.classNameOf(callee.object);
    if (type && model.imports.get(type)?.module === SCHEMA_REGISTRY) return calleeText(model.text, call);
  }
  return null;
}

function calleeName(call: TSESTree.CallExpression): string {
  const callee = unwrap(call.callee);
  if (callee.type === 'Identifier') return callee.name;
  return callee.type === 'MemberExpression' ? propertyName(callee) ?? '' : '';
}

/**
 * Visits the code whose exceptions reach `body`'s caller: nested functions only when they run before
 * the enclosing expression completes (an awaited or transaction callback, a sync array callback).
 */
function inFlow(model: CodeModel, body: TSESTree.Node, visit: (node: TSESTree.Node) => void): void {
  walkNodes(body, (node) => {
    if (node !== body && isFunction(node) && !runsInline(model, node)) return false;
    visit(node);
    return undefined;
  });
}

function runsInline(model: CodeModel, fn: FunctionLike): boolean {
  if (model.isInlineCallback(fn)) return true;
  const holder = parentOf(fn);
  return !fn.async && holder?.type === 'CallExpression' && holder.arguments[0] === fn && holder.callee.type === 'MemberExpression' &&
    SYNC_ARRAY_METHODS.has(propertyName(holder.callee) ?? '');
}

/**
 * The message and the values computed from it without waiting on another system: the only inputs
 * whose failure repeats identically on every redelivery. A value read back from a database or an HTTP
 * call may change between deliveries (an order not replicated yet), so a throw on it is not permanent.
 */
function payloadNames(model: CodeModel, body: TSESTree.Node, seed: ReadonlySet<string>): Set<string> {
  const names = new Set(seed);
  const bindings: { id: TSESTree.Node; from: TSESTree.Node }[] = [];
  inFlow(model, body, (node) => {
    if (node.type === 'VariableDeclarator' && node.init) bindings.push({ id: node.id, from: node.init });
    if (node.type === 'AssignmentExpression' && node.operator === '=') bindings.push({ id: node.left, from: node.right });
    if ((node.type === 'ForOfStatement' || node.type === 'ForInStatement') && node.left.type === 'VariableDeclaration') {
      for (const decl of node.left.declarations) bindings.push({ id: decl.id, from: node.right });
    }
  });
  for (let pass = 0; pass < 4; pass++) {
    let grew = false;
    for (const { id, from } of bindings) {
      if (!mentionsAny(model, from, names) || !decidedLocally(model, from)) continue;
      for (const name of patternNames(id)) {
        if (names.has(name)) continue;
        names.add(name);
        grew = true;
      }
    }
    if (!grew) break;
  }
  return names;
}

/** No call with a side effect and no await other than of a validation call. */
function decidedLocally(model: CodeModel, expression: TSESTree.Node): boolean {
  let local = true;
  walkNodes(expression, (node) => {
    if (!local || isFunction(node)) return false;
    if (node.type === 'AwaitExpression') {
      const awaited = unwrap(node.argument);
      if (awaited.type !== 'CallExpression' || (!permanentCall(model, awaited) && !isValidationCall(model, awaited))) local = false;
    }
    if ((node.type === 'CallExpression' || node.type === 'NewExpression') && model.effectsOf(node).length > 0) local = false;
    return undefined;
  });
  return local;
}

/** An `if`, `?:` or `switch` on the message's content decides the throw. */
function guardedByPayload(model: CodeModel, node: TSESTree.Node, body: TSESTree.Node, payload: Set<string>): boolean {
  let child = node;
  let parent = parentOf(node);
  while (parent && child !== body) {
    let test: TSESTree.Node | null = null;
    if ((parent.type === 'IfStatement' || parent.type === 'ConditionalExpression') && child !== parent.test) test = parent.test;
    if (parent.type === 'SwitchStatement' && child !== parent.discriminant) test = parent.discriminant;
    if (test && mentionsAny(model, test, payload) && decidedLocally(model, test)) return true;
    child = parent;
    parent = parentOf(parent);
  }
  return false;
}

/** A throw in a catch rethrows whatever the try raised; the try's own throw points are judged instead. */
function inCatch(model: CodeModel, node: TSESTree.Node, body: TSESTree.Node): boolean {
  return model.enclosingTries(node).some((t) => contains(body, t) && model.tryPart(node, t) === 'catch');
}

/** No enclosing try inside `body` (or `.catch` on the promise) dead-letters or drops the failure. */
function escapes(model: CodeModel, node: TSESTree.Node, body: TSESTree.Node, patterns: ConsumerPatterns): boolean {
  if (caughtByPromise(model, node, body, patterns)) return false;
  for (const tryStatement of model.enclosingTries(node)) {
    if (!contains(body, tryStatement) || model.tryPart(node, tryStatement) !== 'try' || !tryStatement.handler) continue;
    if (endsFailure(model, tryStatement.handler.body, patterns)) return false;
  }
  return true;
}

/**
 * The failure handler dead-letters the message, never rethrows (it swallows the error, a
 * consumer-error-swallowed concern), or tells error kinds apart (`if (err instanceof SyntaxError)
 * return;`): which kinds it lets through is the author's stated choice, not an oversight.
 */
function endsFailure(model: CodeModel, code: TSESTree.Node, patterns: ConsumerPatterns): boolean {
  if (model.calls.some((call) => contains(code, call) && deadLetterRoute(model, call, patterns) !== null)) return true;
  const throws = ownNodes(code, (n): n is TSESTree.ThrowStatement => n.type === 'ThrowStatement');
  if (throws.length === 0 && !/\bPromise\.reject\s*\(/.test(model.text.slice(code.range[0], code.range[1]))) return true;
  return ownNodes(code, (n): n is TSESTree.IfStatement | TSESTree.ConditionalExpression | TSESTree.SwitchStatement =>
    n.type === 'IfStatement' || n.type === 'ConditionalExpression' || n.type === 'SwitchStatement')
    .some((branch) => {
      const test = branch.type === 'SwitchStatement' ? branch.discriminant : branch.test;
      return ERROR_CHECK.test(model.text.slice(test.range[0], test.range[1]));
    });
}

/**
 * `await project(message).catch(onError)`: the rejection of the call, or of a callback it runs, goes to
 * `onError`. A synchronous throw while building the call's arguments does not.
 */
function caughtByPromise(model: CodeModel, node: TSESTree.Node, body: TSESTree.Node, patterns: ConsumerPatterns): boolean {
  let current: TSESTree.Node = node;
  let deferred = false;
  while (current !== body) {
    if (isFunction(current)) deferred = true;
    if ((current === node || deferred) && current.type === 'CallExpression' && rejectionHandled(model, current, patterns)) return true;
    const parent = parentOf(current);
    if (!parent) return false;
    current = parent;
  }
  return false;
}

function rejectionHandled(model: CodeModel, call: CallLike, patterns: ConsumerPatterns): boolean {
  let current: TSESTree.Node = call;
  for (;;) {
    let member = parentOf(current);
    while (member && (member.type === 'TSNonNullExpression' || member.type === 'ChainExpression')) member = parentOf(member);
    const chained = member ? parentOf(member) : undefined;
    if (member?.type !== 'MemberExpression' || member.computed || chained?.type !== 'CallExpression' || chained.callee !== member) return false;
    const method = propertyName(member);
    const onError = method === 'catch' ? chained.arguments[0] : method === 'then' ? chained.arguments[1] : undefined;
    if (onError) {
      const fn = resolveFunction(model, onError);
      // A handler defined elsewhere is given the benefit of the doubt.
      return !fn || endsFailure(model, fn.body, patterns);
    }
    current = chained;
  }
}
