// rules.md rule 10: a consumer catches every error and carries on, so the framework (or an explicit ack
// after the try) acknowledges a message whose processing failed, and no dead-letter copy exists.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { type CallLike, contains, type FunctionLike, isFunction, parentOf, propertyName } from '../../src/code/ast.js';
import {
  acksInHandler,
  callsInHandler,
  classifyAck,
  deadLetterRoute,
  findHandlers,
  isJoined,
  isProcessingCall,
  jumpBetween,
  mentionsAny,
  messageDataNames,
  ownNodes,
  resolveFunction,
  sideEffectOf,
  type AckCall,
  type ConsumerPatterns,
  type Handler,
} from '../../src/code/handlers.js';
import type { CodeModel } from '../../src/code/model.js';
import { compiledPatterns } from '../../src/config/patterns.js';
import { createCodeRule } from '../../src/review/rule.js';
import type { Precision } from '../../src/review/types.js';

const FRAMEWORK: Partial<Record<Handler['library'], string>> = {
  kafkajs: 'kafkajs (autoCommit)',
  bullmq: 'BullMQ',
  nestjs: 'the NestJS transport',
  'lambda-sqs': 'AWS Lambda',
  'sqs-consumer': 'sqs-consumer',
};

/** NestJS request-response handlers answer the caller; an error value returned from the catch is not lost. */
const REQUEST_RESPONSE = new Set(['MessagePattern', 'RabbitRPC']);

const RETRY_CHANNEL = /retry/i;

type Settlement = { kind: 'implicit'; framework: string } | { kind: 'explicit'; acks: AckCall[] };

interface CatchSite {
  /** Where to report: the catch clause, or the `catch` of `promise.catch(fn)`. */
  node: TSESTree.Node;
  /** The code that runs on failure. */
  body: TSESTree.Node;
  /** The try statement, or the `.catch(...)` call. */
  scope: TSESTree.Node;
  errorName: string | null;
}

export default createCodeRule({
  meta: {
    id: 'consumer-error-swallowed',
    kind: 'code',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['R3', 'R1'],
    antiPattern: 'ack-before-commit',
    failureModes: ['ack-before-commit'],
    pattern: 'Dead Letter Channel',
    description: 'A consumer catches every error and returns normally, so a failed message is acknowledged with no dead-letter copy.',
    messages: {
      swallowed:
        'Swallowed consumer error at {loc}: the catch block logs and returns, so {framework} acknowledges a message whose ' +
        'processing failed and no dead-letter copy exists. Rethrow for bounded retry, or publish to the DLQ before acknowledging.',
    },
  },
  create(context) {
    const { model, config } = context;
    const patterns: ConsumerPatterns = {
      dlqChannel: compiledPatterns(config).dlqChannel,
      dlqWrappers: config.wrappers.dlq,
      nonIdempotentCalls: config.nonIdempotentCalls,
    };
    const ackWrappers = config.wrappers.ack;
    const reported = new Set<TSESTree.Node>();
    return {
      'Program:exit'() {
        for (const handler of findHandlers(model, { typed: true })) {
          if (!handler.atLeastOnce) continue;
          const settlement = settlementOf(model, handler, ackWrappers);
          if (!settlement) continue;
          const data = messageDataNames(model, handler);
          const calls = callsInHandler(model, handler);

          const check = (site: CatchSite, scope: Handler, callSite: CallLike | null, precision: Precision) => {
            if (reported.has(site.node)) return;
            if (escapes(model, scope, handler, site, patterns, ackWrappers)) return;
            if (REQUEST_RESPONSE.has(handler.decorator ?? '') && returnsValue(site.body)) return;
            // After the catch (or after the helper returns), does the message still get acknowledged?
            const from = callSite ?? site.scope;
            if (laterEscape(model, handler, from, patterns, ackWrappers)) return;
            let framework: string;
            if (settlement.kind === 'implicit') {
              framework = settlement.framework;
            } else {
              const ack = callSite ? ackAfterCall(model, settlement.acks, callSite) : ackAfterCatch(model, settlement.acks, site);
              if (!ack) return;
              framework = `${ack.description} (line ${model.line(ack.call)})`;
            }
            if (callSite && reportsToCaller(site, callSite)) return;
            reported.add(site.node);
            context.report({
              node: site.node,
              messageId: 'swallowed',
              data: { loc: `line ${model.line(site.node)}`, framework },
              precision,
              ...(handler.channel ? { channel: handler.channel } : {}),
              related: [
                { path: context.path, line: model.line(handler.registration), note: handler.typed ? `${handler.library} handler by its parameter's type, registered in another file` : `${handler.library} handler` },
                ...(callSite ? [{ path: context.path, line: model.line(callSite), note: 'the handler calls the helper that swallows the error' }] : []),
              ],
            });
          };

          // A try around unresolved calls only counts when it holds all of the handler's work: around a
          // part of it, it reads as a best-effort step (a notification, an enrichment).
          for (const site of catchSites(model, handler, calls, patterns)) {
            if (site.resolved) check(site.site, handler, null, handler.via === 'binding' ? 'High' : 'Medium');
          }
          // One hop (rules.md §2.1 item 5): a local helper that receives the message and swallows around
          // durable work (a recognised sink: best-effort helpers around unresolved calls are left alone).
          for (const call of calls) {
            if (call.type !== 'CallExpression' || !isJoined(model, call) || !call.arguments.some((a) => mentionsAny(model, a, data))) continue;
            const fn = model.calleeFunction(call);
            if (!fn || fn === handler.fn || fn.body.type !== 'BlockStatement' || contains(fn, call)) continue;
            const helper = helperScope(handler, fn);
            for (const site of catchSites(model, helper, callsInHandler(model, helper), patterns)) {
              if (site.durable) check(site.site, helper, call, 'Medium');
            }
          }
        }
      },
    };
  },
});

/** How the handler's message gets acknowledged when the handler carries on after a failure. */
function settlementOf(model: CodeModel, handler: Handler, ackWrappers: readonly string[]): Settlement | null {
  const acks = acksInHandler(model, handler, { ackWrappers }).filter((a) => a.kind === 'positive' && a.onMessage);
  if (acks.length > 0) return { kind: 'explicit', acks };
  if (!handler.implicitSettlement) return null;
  if (handler.library === 'kafkajs') {
    const option = handler.kind === 'eachBatch' ? 'eachBatchAutoResolve' : 'autoCommit';
    const value = handler.options?.properties.find((p) => p.type === 'Property' && !p.computed &&
      ((p.key.type === 'Identifier' && p.key.name === option) || (p.key.type === 'Literal' && p.key.value === option)));
    if (value?.type === 'Property' && !(value.value.type === 'Literal' && value.value.value === true)) return null;
    return { kind: 'implicit', framework: handler.kind === 'eachBatch' ? 'kafkajs (eachBatchAutoResolve)' : 'kafkajs (autoCommit)' };
  }
  if (handler.library === 'nestjs' && handler.decorator === 'Process') return { kind: 'implicit', framework: 'BullMQ (NestJS processor)' };
  const framework = FRAMEWORK[handler.library];
  return framework ? { kind: 'implicit', framework } : null;
}

/** A local helper seen as a handler: its parameters hold the message. */
function helperScope(handler: Handler, fn: FunctionLike): Handler {
  const names = new Set<string>();
  for (const param of fn.params) {
    const target = param.type === 'AssignmentPattern' ? param.left : param.type === 'TSParameterProperty' ? param.parameter : param;
    if (target.type === 'Identifier') names.add(target.name);
    if (target.type === 'ObjectPattern') {
      for (const prop of target.properties) if (prop.type === 'Property' && prop.value.type === 'Identifier') names.add(prop.value.name);
    }
  }
  return { ...handler, fn, root: fn.body, messageNames: names, kind: handler.kind === 'eachBatch' ? 'consume' : handler.kind };
}

/**
 * Step 1: `try/catch` statements and `.catch(fn)` on a settled promise that enclose the handler's work.
 * `resolved` tells whether the work is a recognised sink (else it is processing read from names).
 */
interface Site {
  site: CatchSite;
  /** A recognised sink in the try, or the whole of the handler's work. */
  resolved: boolean;
  /** A recognised sink (DB write, publish, configured call) in the try. */
  durable: boolean;
}

function catchSites(model: CodeModel, scope: Handler, calls: CallLike[], patterns: ConsumerPatterns): Site[] {
  const region = model.regionOf(scope.root);
  const work = calls
    .filter((call) => isJoined(model, call) || insideJoinedCatch(call))
    .map((call) => sideEffectOf(model, call, patterns, scope))
    .filter((effect): effect is NonNullable<typeof effect> => effect !== null);
  const sites = new Map<TSESTree.Node, { site: CatchSite; around: TSESTree.Node; effects: typeof work }>();
  const add = (key: TSESTree.Node, site: CatchSite, around: TSESTree.Node, effect: (typeof work)[number]) => {
    const entry = sites.get(key) ?? { site, around, effects: [] };
    entry.effects.push(effect);
    sites.set(key, entry);
  };
  for (const effect of work) {
    const call = effect.call;
    // Innermost first; an outer catch matters only when the inner one rethrows.
    for (const tryStatement of model.enclosingTries(call)) {
      if (!tryStatement.handler || model.tryPart(call, tryStatement) !== 'try') continue;
      if (!contains(scope.root, tryStatement) || model.regionOf(tryStatement) !== region) continue;
      const clause = tryStatement.handler;
      const site = { node: clause, body: clause.body, scope: tryStatement, errorName: clause.param?.type === 'Identifier' ? clause.param.name : null };
      add(tryStatement, site, tryStatement.block, effect);
      if (ownNodes(clause.body, (n): n is TSESTree.ThrowStatement => n.type === 'ThrowStatement').length === 0) break;
    }
    const promiseCatch = chainedCatch(model, call);
    if (promiseCatch) add(promiseCatch.call, promiseCatch.site, call, effect);
  }
  return [...sites.values()].map(({ site, around, effects }) => {
    const durable = effects.some((e) => e.via !== 'heuristic');
    // A recognised sink, or the whole of the handler's work: not a best-effort side call.
    return { site, durable, resolved: durable || work.every((w) => contains(around, w.call)) };
  });
}

/** `await work(m).catch((err) => log(err))`: the `.catch` directly on the work call, itself settled. */
function chainedCatch(model: CodeModel, call: CallLike): { call: CallLike; site: CatchSite } | null {
  const member = parentOf(call);
  if (member?.type !== 'MemberExpression' || member.object !== call || propertyName(member) !== 'catch') return null;
  const outer = parentOf(member);
  if (outer?.type !== 'CallExpression' || outer.callee !== member || !isJoined(model, outer)) return null;
  const fn = resolveFunction(model, outer.arguments[0]);
  if (!fn) return null;
  const param = fn.params[0];
  return { call: outer, site: { node: member.property, body: fn.body, scope: outer, errorName: param?.type === 'Identifier' ? param.name : null } };
}

/** The work call of `await work(m).catch(...)` is settled through its `.catch`. */
function insideJoinedCatch(call: CallLike): boolean {
  const member = parentOf(call);
  return member?.type === 'MemberExpression' && member.object === call && propertyName(member) === 'catch';
}

/**
 * Step 2: the catch does something that keeps the failure visible: rethrows, returns a rejected
 * promise, negatively acknowledges, dead-letters (DLQ publish, `wrappers.dlq`, a helper named like a
 * dead-letter route, a dead-letter table), forwards to a retry topic, reports a Lambda batch item
 * failure, exits the process, or hands the error to code this analysis cannot see.
 */
function escapes(model: CodeModel, scope: Handler, handler: Handler, site: CatchSite, patterns: ConsumerPatterns, ackWrappers: readonly string[]): boolean {
  const body = site.body;
  if (ownNodes(body, (n): n is TSESTree.ThrowStatement => n.type === 'ThrowStatement').length > 0) return true;
  const returns = ownNodes(body, (n): n is TSESTree.ReturnStatement => n.type === 'ReturnStatement');
  if (returns.some((r) => r.argument && /^Promise\s*\.\s*reject\b/.test(model.text.slice(r.argument.range[0], r.argument.range[1])))) return true;
  if (body.type !== 'BlockStatement' && /^Promise\s*\.\s*reject\b/.test(model.text.slice(body.range[0], body.range[1]))) return true;
  const unknownScope: Handler = { ...scope, messageNames: new Set([...messageDataNames(model, scope), ...(site.errorName ? [site.errorName] : [])]) };
  for (const call of model.calls) {
    if (!contains(body, call)) continue;
    if (failureHandlingCall(model, scope, handler, call, patterns, ackWrappers)) return true;
    // A write or publish of the message or the error (`failedEvents.save({ ...payload, error })`): the
    // failure is recorded durably, a dead-letter store by another name.
    if (call.type === 'CallExpression' && model.effectsOf(call).length > 0 && call.arguments.some((a) => mentionsAny(model, a, unknownScope.messageNames))) return true;
    // An unresolved helper that receives the error or the message (`await this.errors.handle(err, msg)`)
    // may well dead-letter it; precision first.
    if (!model.calleeFunction(call) && isProcessingCall(model, call, unknownScope)) return true;
  }
  return false;
}

function failureHandlingCall(
  model: CodeModel, scope: Handler, handler: Handler, call: CallLike, patterns: ConsumerPatterns, ackWrappers: readonly string[], depth = 0,
): boolean {
  if (deadLetterRoute(model, call, patterns)) return true;
  const ack = classifyAck(model, scope, call, { ackWrappers }) ?? classifyAck(model, handler, call, { ackWrappers });
  if (ack?.kind === 'negative') return true;
  const callee = call.type === 'TaggedTemplateExpression' ? call.tag : call.callee;
  const text = model.text.slice(callee.range[0], callee.range[1]).replace(/\s+/g, '');
  if (text === 'process.exit' || /(^|\.)seek$/.test(text)) return true;
  if (/(^|\.)push$/.test(text) && callee.type === 'MemberExpression') {
    const receiver = model.text.slice(callee.object.range[0], callee.object.range[1]);
    const args = call.type === 'CallExpression' ? call.arguments : [];
    if (/batchItemFailures|failures|failed/i.test(receiver) || args.some((a) => /itemIdentifier/.test(model.text.slice(a.range[0], a.range[1])))) return true;
  }
  for (const effect of model.effectsOf(call)) {
    if (effect.kind === 'publish' && effect.channel && RETRY_CHANNEL.test(effect.channel)) return true;
  }
  const fn = depth === 0 ? model.calleeFunction(call) : null;
  if (fn && !contains(fn, call)) {
    if (ownNodes(fn.body, (n): n is TSESTree.ThrowStatement => n.type === 'ThrowStatement').length > 0) return true;
    for (const inner of model.calls) {
      if (contains(fn.body, inner) && failureHandlingCall(model, scope, handler, inner, patterns, ackWrappers, depth + 1)) return true;
    }
  }
  return false;
}

/** A throw, a negative ack or a dead-letter route later in the handler surfaces the failure after all. */
function laterEscape(model: CodeModel, handler: Handler, from: TSESTree.Node, patterns: ConsumerPatterns, ackWrappers: readonly string[]): boolean {
  const throws = ownNodes(handler.root, (n): n is TSESTree.ThrowStatement => n.type === 'ThrowStatement');
  if (throws.some((t) => t.range[0] >= from.range[1])) return true;
  return callsInHandler(model, handler).some((call) =>
    call.range[0] >= from.range[1] && failureHandlingCall(model, handler, handler, call, patterns, ackWrappers, 1));
}

/** A positive ack the failure path reaches: in the catch, in the `finally`, or after the try. */
function ackAfterCatch(model: CodeModel, acks: AckCall[], site: CatchSite): AckCall | null {
  const inside = acks.find((a) => contains(site.body, a.call));
  if (inside) return inside;
  const scope = site.scope;
  if (scope.type === 'TryStatement' && scope.finalizer) {
    const inFinally = acks.find((a) => contains(scope.finalizer!, a.call));
    if (inFinally) return inFinally;
  }
  const first = site.body.type === 'BlockStatement' ? site.body.body[0] ?? site.node : site.body;
  return acks.find((a) => a.call.range[0] >= scope.range[1] && !model.exclusive(site.node, a.call) && !jumpBetween(model, first, a.call)) ?? null;
}

function ackAfterCall(model: CodeModel, acks: AckCall[], call: CallLike): AckCall | null {
  return acks.find((a) => a.call.range[0] >= call.range[1] && model.precedes(call, a.call) && !jumpBetween(model, call, a.call)) ?? null;
}

function returnsValue(body: TSESTree.Node): boolean {
  if (body.type !== 'BlockStatement') return true;
  return ownNodes(body, (n): n is TSESTree.ReturnStatement => n.type === 'ReturnStatement').some((r) => r.argument !== null);
}

/** `const ok = await this.process(msg); if (ok) ...`: a helper whose catch returns a value the caller checks. */
function reportsToCaller(site: CatchSite, callSite: CallLike): boolean {
  if (!returnsValue(site.body) || site.body.type !== 'BlockStatement') return false;
  let parent = parentOf(callSite);
  while (parent && (parent.type === 'AwaitExpression' || parent.type === 'TSAsExpression' || parent.type === 'TSNonNullExpression')) {
    parent = parentOf(parent);
  }
  return parent !== undefined && parent.type !== 'ExpressionStatement' && !isFunction(parent);
}
