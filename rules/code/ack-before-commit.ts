// rules.md rule 2: a consumer acknowledges (acks, deletes, commits the offset of) a message before the
// durable side effect it triggers has completed, so a crash or a failed effect loses the message.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import {
  acksInHandler,
  callsInHandler,
  deadLetterRoute,
  findHandlers,
  isJoined,
  isSynchronousSink,
  jumpBetween,
  mentionsAny,
  ownNodes,
  sideEffectOf,
  type AckCall,
  type ConsumerPatterns,
  type Handler,
  type SideEffect,
} from '../../src/code/handlers.js';
import { calleeText, contains, normalizedText, parentOf, propertyName, unwrap } from '../../src/code/ast.js';
import type { CodeModel } from '../../src/code/model.js';
import { compiledPatterns, type Pattern } from '../../src/config/patterns.js';
import { createCodeRule } from '../../src/review/rule.js';
import type { Precision } from '../../src/review/types.js';

type Variant = 'ack-first' | 'ack-in-finally' | 'unawaited-effect';

export default createCodeRule({
  meta: {
    id: 'ack-before-commit',
    kind: 'code',
    severity: 'Critical',
    precision: 'High',
    systemTag: false,
    checklist: ['R1', 'R3'],
    antiPattern: 'ack-before-commit',
    failureModes: ['ack-before-commit'],
    pattern: 'Ack after durable work',
    description: 'A consumer acknowledges or commits a message before the durable side effect it triggers has completed.',
    messages: {
      ackBeforeCommit:
        'Ack before commit: {ackCall} at {ackLoc} acknowledges the message before {effect} at {effectLoc} completes ({variant}). ' +
        'If the process dies or the effect fails, the broker will not redeliver. Pattern: commit/ack only after the durable ' +
        'side effect or after a successful DLQ publish.',
    },
  },
  create(context) {
    const { model, config } = context;
    const patterns: ConsumerPatterns = {
      dlqChannel: compiledPatterns(config).dlqChannel,
      dlqWrappers: config.wrappers.dlq,
      nonIdempotentCalls: config.nonIdempotentCalls,
    };
    const inbox = compiledPatterns(config).inboxTable;
    return {
      'Program:exit'() {
        for (const handler of findHandlers(model, { typed: true })) {
          if (!handler.atLeastOnce) continue;
          const acks = acksInHandler(model, handler, { ackWrappers: config.wrappers.ack })
            .filter((ack) => ack.kind === 'positive' && ack.onMessage);
          const batchDelete = batchDeleteBefore(model, handler);
          if (batchDelete) acks.push(batchDelete);
          if (acks.length === 0) continue;
          const effects = callsInHandler(model, handler)
            .map((call) => sideEffectOf(model, call, patterns, handler))
            .filter((effect): effect is SideEffect => effect !== null);
          if (effects.length === 0) continue;
          for (const ack of acks) {
            const found = inFinally(model, handler, ack, effects, patterns) ?? ackFirst(model, ack, effects) ?? unawaited(model, ack, effects);
            if (!found) continue;
            const { effect, variant } = found;
            const durableBefore = inboxWriteBefore(model, ack, effects, inbox);
            context.report({
              node: ack.call,
              messageId: 'ackBeforeCommit',
              data: {
                ackCall: ack.description,
                ackLoc: `line ${model.line(ack.call)}`,
                effect: effect.description,
                effectLoc: `line ${model.line(effect.call)}`,
                variant,
              },
              variant,
              // Two acks with the same text in one handler (different branches) stay distinct findings.
              anchor: `${model.regionOf(ack.call).name}|${normalizedText(model.text, ack.call)}|${variant}|${normalizedText(model.text, effect.call)}`,
              precision: durableBefore ? 'Heuristic' : precisionOf(handler, ack, effect),
              ...(handler.channel ? { channel: handler.channel } : {}),
              related: [
                { path: context.path, line: model.line(effect.call), note: `side effect ${effect.description}` },
                ...effect.related.map((r) => ({ path: context.path, line: r.line, note: r.note })),
                ...(durableBefore
                  ? [{ path: context.path, line: model.line(durableBefore.call), note: 'inbox write before the ack: the message is already stored durably' }]
                  : []),
                { path: context.path, line: model.line(handler.registration), note: handler.typed ? `${handler.library} handler by its parameter's type, registered in another file` : `${handler.library} handler` },
              ],
            });
          }
        }
      },
    };
  },
});

type Found = { effect: SideEffect; variant: Variant };

/**
 * SQS: the whole received batch deleted before the per-message loop runs
 * (`DeleteMessageBatchCommand` with entries built from `Messages`, then `for (const m of Messages)`):
 * an ack of every message of the loop, before any of its work.
 */
function batchDeleteBefore(model: CodeModel, handler: Handler): AckCall | null {
  if (handler.library !== 'sqs' || handler.kind !== 'receive-loop') return null;
  const registration = handler.registration;
  const iterable = registration.type === 'ForOfStatement' ? registration.right
    : registration.type === 'CallExpression' && registration.callee.type === 'MemberExpression' ? registration.callee.object : null;
  const batchName = iterable ? rootIdentifier(iterable) : null;
  if (!batchName) return null;
  const names = new Set([batchName]);
  for (const call of model.callsIn(model.regionOf(registration))) {
    if (call.range[1] > registration.range[0] || call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression') continue;
    const callee = call.callee;
    const method = propertyName(callee);
    const args = call.arguments as TSESTree.Node[];
    let deletes = false;
    if (method === 'send' && args[0]) {
      const command = model.commandOf(args[0]);
      const ctor = command ? model.valueOf(command.callee) : null;
      deletes = ctor?.kind === 'module' && ctor.module === '@aws-sdk/client-sqs' && ctor.path.join('.') === 'DeleteMessageBatchCommand';
    } else if (method === 'deleteMessageBatch') {
      deletes = model.roleOf(callee.object)?.role === 'sqs.v2';
    }
    if (deletes && args.some((arg) => mentionsAny(model, model.commandOf(arg) ?? arg, names))) {
      return { call, kind: 'positive', requeue: null, onMessage: true, description: `${calleeText(model.text, call)} (the whole batch)`, via: 'binding' };
    }
  }
  return null;
}

function rootIdentifier(node: TSESTree.Node): string | null {
  let current = unwrap(node);
  while (current.type === 'LogicalExpression') current = unwrap(current.left);
  while (current.type === 'MemberExpression') current = unwrap(current.object);
  return current.type === 'Identifier' ? current.name : null;
}

function precisionOf(handler: Handler, ack: AckCall, effect: SideEffect): Precision {
  if (effect.via === 'heuristic') return 'Heuristic';
  const resolved = handler.via === 'binding' && effect.via === 'binding' && (ack.via ?? 'binding') === 'binding';
  return resolved ? 'High' : 'Medium';
}

/**
 * Step 4: an ack in `finally` also runs when the work in the `try` threw. Safe when the `catch`
 * dead-letters or negatively acknowledges the message, or when the ack is guarded by a flag the
 * `try` / `catch` sets (ack only after success).
 */
function inFinally(model: CodeModel, handler: Handler, ack: AckCall, effects: SideEffect[], patterns: ConsumerPatterns): Found | null {
  for (const tryStatement of model.enclosingTries(ack.call)) {
    if (model.tryPart(ack.call, tryStatement) !== 'finally' || !contains(handler.root, tryStatement)) continue;
    const effect = effects.find((e) => model.tryPart(e.call, tryStatement) === 'try');
    if (!effect) continue;
    if (tryStatement.handler && catchHandlesFailure(model, handler, tryStatement.handler, patterns)) continue;
    if (guardedByFlag(model, ack.call, tryStatement)) continue;
    return { effect, variant: 'ack-in-finally' };
  }
  return null;
}

function catchHandlesFailure(model: CodeModel, handler: Handler, clause: TSESTree.CatchClause, patterns: ConsumerPatterns): boolean {
  for (const call of callsInHandler(model, handler)) {
    if (!contains(clause.body, call)) continue;
    if (deadLetterRoute(model, call, patterns)) return true;
  }
  return acksInHandler(model, handler).some((a) => a.kind === 'negative' && contains(clause.body, a.call));
}

/** `finally { if (processed) ch.ack(msg); }` where `processed` is assigned in the try or catch. */
function guardedByFlag(model: CodeModel, ack: TSESTree.Node, tryStatement: TSESTree.TryStatement): boolean {
  const assigned = new Set<string>();
  for (const part of [tryStatement.block, tryStatement.handler?.body]) {
    if (!part) continue;
    for (const assign of ownNodes(part, (n): n is TSESTree.AssignmentExpression => n.type === 'AssignmentExpression')) {
      if (assign.left.type === 'Identifier') assigned.add(assign.left.name);
    }
  }
  if (assigned.size === 0 || !tryStatement.finalizer) return false;
  let current: TSESTree.Node | undefined = ack;
  while (current && current !== tryStatement.finalizer) {
    const parent = parentOf(current);
    if (!parent) break;
    const test = parent.type === 'IfStatement' || parent.type === 'ConditionalExpression'
      ? (parent.test !== current ? parent.test : null)
      : parent.type === 'LogicalExpression' && parent.right === current ? parent.left : null;
    if (test) {
      const text = model.text.slice(test.range[0], test.range[1]);
      for (const name of assigned) if (new RegExp(`(^|[^\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(text)) return true;
    }
    current = parent;
  }
  return false;
}

/** Step 3: the ack precedes a side effect that is still reachable after it. */
function ackFirst(model: CodeModel, ack: AckCall, effects: SideEffect[]): Found | null {
  const after = effects.filter((e) => e.call.range[0] >= ack.call.range[1] && model.precedes(ack.call, e.call) && !jumpBetween(model, ack.call, e.call));
  const effect = preferResolved(after);
  return effect ? { effect, variant: 'ack-first' } : null;
}

/** Step 5: a floating side effect (not awaited) that the ack follows. */
function unawaited(model: CodeModel, ack: AckCall, effects: SideEffect[]): Found | null {
  const before = effects.filter((e) =>
    e.call.range[1] <= ack.call.range[0] && model.precedes(e.call, ack.call) && !isJoined(model, e.call) &&
    !isSynchronousSink(model, e.call) &&
    // an unresolved call that is not awaited may well be synchronous; `void` or a local async function is not
    (e.via !== 'heuristic' || isVoided(e.call) || model.calleeFunction(e.call)?.async === true) &&
    !jumpBetween(model, e.call, ack.call));
  const effect = preferResolved(before);
  return effect ? { effect, variant: 'unawaited-effect' } : null;
}

function isVoided(call: TSESTree.Node): boolean {
  const parent = parentOf(call);
  return parent?.type === 'UnaryExpression' && parent.operator === 'void';
}

function preferResolved(effects: SideEffect[]): SideEffect | undefined {
  return effects.find((e) => e.via !== 'heuristic') ?? effects[0];
}

/**
 * The false positive rules.md names for rule 2: an inbox write settled before the ack already stores
 * the message durably; later work in the same region reads as ack-then-write. Reported, not gated.
 */
function inboxWriteBefore(model: CodeModel, ack: AckCall, effects: SideEffect[], inbox: Pattern): SideEffect | null {
  return effects.find((e) =>
    e.kind === 'dbWrite' && e.target !== null && inbox.test(e.target.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()) &&
    e.call.range[1] <= ack.call.range[0] && model.precedes(e.call, ack.call) && isJoined(model, e.call)) ?? null;
}
