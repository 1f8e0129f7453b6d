// rules.md rule 6, variants 3-5: a consumer's failure path hands the message back to the broker
// with no limit on redeliveries, so a poison message loops forever. Critical when the consumer also
// has no dead-letter path (missing-dlq holds for the same handler).
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { keyName, objectProperty, parentOf, unwrap } from '../../src/code/ast.js';
import { acksInHandler, findHandlers, type ConsumerPatterns, type Handler } from '../../src/code/handlers.js';
import type { CodeModel } from '../../src/code/model.js';
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

function guardedByErrorCheck(model: CodeModel, call: TSESTree.Node, clause: TSESTree.CatchClause): boolean {
  let node = parentOf(call);
  let child: TSESTree.Node = call;
  while (node && node !== clause) {
    if ((node.type === 'IfStatement' || node.type === 'ConditionalExpression') && child !== node.test) {
      const test = model.text.slice(node.test.range[0], node.test.range[1]);
      if (/instanceof|\.code\b|\.name\b|\.status|isTransient|isRetryable|transient|retryable/i.test(test)) return true;
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
