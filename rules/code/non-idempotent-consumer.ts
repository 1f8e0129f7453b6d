// rules.md rule 5: an at-least-once consumer mutates state in a way that changes the outcome when the
// same message is processed twice, and no dedup guard runs before it.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { enclosingClass, isFunction, type CallLike } from '../../src/code/ast.js';
import { callsInHandler, findHandlers, type Handler } from '../../src/code/handlers.js';
import { isDedupGuard, nonIdempotentEffect, type NonIdempotentEffect } from '../../src/code/idempotency.js';
import type { CodeModel } from '../../src/code/model.js';
import { compiledPatterns, type Pattern } from '../../src/config/patterns.js';
import { createCodeRule } from '../../src/review/rule.js';

const IDEMPOTENCY_INTERCEPTOR = /Idempot|Dedup|Inbox/;
const MAX_HOPS = 3;

export default createCodeRule({
  meta: {
    id: 'non-idempotent-consumer',
    kind: 'code',
    severity: 'Critical',
    precision: 'Medium',
    systemTag: false,
    checklist: ['R2'],
    antiPattern: 'non-idempotent-consumer',
    failureModes: ['duplicate-delivery', 'replay-side-effect'],
    pattern: 'Idempotent Receiver',
    description: 'An at-least-once consumer performs a mutation that is not safe to repeat, with no dedup guard before it.',
    messages: {
      nonIdempotent:
        'Non-idempotent consumer: {effect} at line {line} runs on every delivery of {channel} ({reason}), and at-least-once ' +
        'delivery will repeat it (redelivery, rebalance, redrive, replay). Pattern: Idempotent Receiver; record the event id ' +
        'in an inbox table or SETNX key in the same transaction, or make the write an upsert keyed by the event/business id.',
    },
  },
  create(context) {
    const { model, config } = context;
    const inbox = compiledPatterns(config).inboxTable;
    return {
      'Program:exit'() {
        for (const handler of findHandlers(model, { typed: true })) {
          if (!handler.atLeastOnce || interceptedForIdempotency(model, handler)) continue;
          const calls = callsInHandler(model, handler);
          const guards = calls.filter((call) => isDedupGuard(model, call, inbox));
          for (const call of calls) {
            if (guards.includes(call)) continue;
            const found = effectThrough(model, call, inbox, config.nonIdempotentCalls, 0);
            if (!found) continue;
            if (guards.some((guard) => dominates(model, guard, call))) continue;
            const viaHelper = found.effect.call !== call;
            context.report({
              node: call,
              messageId: 'nonIdempotent',
              data: {
                effect: found.effect.description,
                line: model.line(found.effect.call),
                channel: handler.channel ?? `this ${handler.library} handler's messages`,
                reason: found.effect.reason,
              },
              ...(handler.channel ? { channel: handler.channel } : {}),
              related: [
                { path: context.path, line: model.line(handler.registration), note: handler.typed ? `${handler.library} handler by its parameter's type, registered in another file` : `${handler.library} handler` },
                ...(viaHelper ? [{ path: context.path, line: model.line(found.effect.call), note: 'the write inside the helper' }] : []),
              ],
            });
          }
        }
      },
    };
  },
});

/** The non-idempotent effect a call performs, directly or inside local helpers that do not guard first. */
function effectThrough(
  model: CodeModel,
  call: CallLike,
  inbox: Pattern,
  nonIdempotentCalls: readonly string[],
  depth: number,
): { effect: NonIdempotentEffect } | null {
  const direct = nonIdempotentEffect(model, call, inbox, nonIdempotentCalls);
  if (direct) return { effect: direct };
  if (depth >= MAX_HOPS) return null;
  const fn = model.calleeFunction(call);
  if (!fn) return null;
  const inner = model.callsIn(model.regionOf(fn.body));
  const innerGuards = inner.filter((c) => isDedupGuard(model, c, inbox));
  for (const candidate of inner) {
    if (innerGuards.includes(candidate)) continue;
    const found = effectThrough(model, candidate, inbox, nonIdempotentCalls, depth + 1);
    if (found && !innerGuards.some((g) => dominates(model, g, candidate))) return found;
  }
  return null;
}

/**
 * Dominance approximated on the syntax tree: the guard comes first and every branch arm the guard
 * sits in also holds the effect, so no path reaches the effect without passing the guard.
 */
function dominates(model: CodeModel, guard: TSESTree.Node, effect: TSESTree.Node): boolean {
  if (!model.precedes(guard, effect)) return false;
  const inside = (outer: TSESTree.Node) => effect.range[0] >= outer.range[0] && effect.range[1] <= outer.range[1];
  let child: TSESTree.Node = guard;
  let node = (guard as { parent?: TSESTree.Node }).parent;
  while (node && !isFunction(node)) {
    const conditionalArm =
      ((node.type === 'IfStatement' || node.type === 'ConditionalExpression') && (child === node.consequent || child === node.alternate)) ||
      node.type === 'SwitchCase' ||
      (node.type === 'TryStatement' && child === node.handler) ||
      (node.type === 'LogicalExpression' && child === node.right);
    if (conditionalArm && !inside(child)) return false;
    child = node;
    node = (node as { parent?: TSESTree.Node }).parent;
  }
  return true;
}

/** NestJS handlers behind `@UseInterceptors(IdempotencyInterceptor)` (method or class). */
function interceptedForIdempotency(model: CodeModel, handler: Handler): boolean {
  const member = handler.registration;
  const decorators: TSESTree.Decorator[] = [];
  if (member.type === 'MethodDefinition') {
    decorators.push(...(member.decorators ?? []));
    const cls = enclosingClass(member);
    if (cls) decorators.push(...(cls.decorators ?? []));
  }
  return decorators.some((d) => IDEMPOTENCY_INTERCEPTOR.test(model.text.slice(d.range[0], d.range[1])));
}
