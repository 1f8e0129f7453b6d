// rules.md rule 14: a producer sends to a channel that needs per-key ordering without setting the
// broker's ordering field (kafkajs / rdkafka key, Pub/Sub orderingKey, SQS / SNS FIFO
// MessageGroupId), or keys it by a field other than the contract's ordering key.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { normalizedText, propertyName, unwrap } from '../../src/code/ast.js';
import type { CodeModel, Effect } from '../../src/code/model.js';
import { publishMetadata, type MessageFacts } from '../../src/code/publish-metadata.js';
import { contractOf, type ContractFact } from '../../src/code/rule-facts.js';
import { booleanValue, lookupProperty, originOf } from '../../src/code/value-flow.js';
import { normKey } from '../../src/artifacts/markdown.js';
import { createCodeRule } from '../../src/review/rule.js';
import type { Precision, Severity } from '../../src/review/types.js';

type Variant = 'missing-key' | 'ordering-disabled' | 'key-name-mismatch';

export default createCodeRule({
  meta: {
    id: 'producer-ordering-key-missing',
    kind: 'code',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['R5'],
    failureModes: ['out-of-order-delivery'],
    pattern: 'Per-key ordering',
    description: 'A producer sends to a channel that requires per-key ordering without setting the broker ordering field.',
    messages: {
      orderingKey:
        '{channel} requires per-key ordering by {key}, but the producer at {loc} {problem}. Messages for one {key} may ' +
        'land on different partitions / groups and be processed out of order.',
    },
  },
  create(context) {
    const { model } = context;
    return {
      'Program:exit'() {
        for (const call of model.calls) {
          for (const effect of model.effectsOf(call)) {
            const meta = publishMetadata(model, effect);
            if (!meta) continue;
            const seen = new Set<string>();
            for (const message of meta.messages) {
              const contract = message.channel ? contractOf(context, message.channel) : null;
              for (const finding of check(model, effect, message, contract)) {
                if (seen.has(finding.variant)) continue;
                seen.add(finding.variant);
                const node = finding.node ?? (finding.variant === 'missing-key' && message.node !== call ? message.node : call);
                context.report({
                  node,
                  messageId: 'orderingKey',
                  data: { channel: message.channel!, key: finding.key, loc: `${context.path}:${model.line(node)}`, problem: finding.problem },
                  variant: finding.variant,
                  severity: finding.severity,
                  precision: finding.precision,
                  channel: message.channel!,
                  anchor: `${model.regionOf(call).name}|${normalizedText(model.text, call)}|${finding.variant}`,
                  ...(contract ? { related: [{ path: contract.path, line: 1, note: `contract ordering key ${contract.orderingKey}` }] } : {}),
                });
              }
            }
          }
        }
      },
    };
  },
});

interface Finding {
  variant: Variant;
  /** The key expression, for the name mismatch: the text to change. */
  node?: TSESTree.Node;
  key: string;
  problem: string;
  severity: Severity;
  precision: Precision;
}

function check(model: CodeModel, effect: Effect, message: MessageFacts, contract: ContractFact | null): Finding[] {
  if (!message.channel || message.orderingField === null) return [];
  const declared = contract?.orderingKey ?? null;
  if (declared === 'none') return [];
  const out: Finding[] = [];
  const fifo = (effect.library === 'sqs' || effect.library === 'sns') && message.channel.endsWith('.fifo');
  const precise: Precision = effect.via === 'binding' ? 'High' : 'Medium';
  const slot = message.orderingKey;

  // Pub/Sub needs `messageOrdering: true` on the topic handle for orderingKey to mean anything.
  if (effect.library === 'pubsub' && (slot.state === 'present' || declared !== null) && orderingDisabled(model, effect)) {
    out.push({
      variant: 'ordering-disabled',
      key: declared ?? 'orderingKey',
      problem: 'publishes through a topic obtained without { messageOrdering: true }',
      severity: 'Important',
      precision: precise,
    });
  }
  if (declared === null && !fifo) return out;
  const key = declared ?? 'MessageGroupId';
  if (slot.state === 'absent' || slot.state === 'null') {
    out.push({
      variant: 'missing-key',
      key,
      problem: missingProblem(effect.library, slot.state === 'null', fifo),
      severity: 'Important',
      precision: precise,
    });
    return out;
  }
  if (slot.state !== 'present' || declared === null || declared.includes(',')) return out;
  const candidates = keyCandidates(slot.value);
  if (candidates === null || candidates.includes(declared)) return out;
  out.push({
    variant: 'key-name-mismatch',
    node: slot.value,
    key: declared,
    problem: `keys messages by ${model.text.slice(slot.value.range[0], slot.value.range[1]).replace(/\s+/g, ' ')} (${candidates.join(' / ')})`,
    severity: 'Suggestion',
    precision: effect.via === 'binding' ? 'Medium' : 'Heuristic',
  });
  return out;
}

function missingProblem(library: string, explicitNull: boolean, fifo: boolean): string {
  switch (library) {
    case 'kafka':
    case 'node-rdkafka':
      return explicitNull ? 'passes a null message key' : 'sets no message key';
    case 'pubsub':
      return 'publishes without an orderingKey';
    default:
      return fifo ? 'sends to a FIFO queue / topic without MessageGroupId' : 'sends without MessageGroupId';
  }
}

/**
 * rules.md rule 14 step 3: the last identifier and the last two joined by `_`, through normKey.
 * `String(x)`, `x.toString()` and `` `${x}` `` are looked through; any other call is a helper
 * whose result cannot be named, so there is nothing to compare.
 */
export function keyCandidates(node: TSESTree.Node): string[] | null {
  let target = unwrap(node);
  for (;;) {
    if (target.type === 'CallExpression' && target.callee.type === 'Identifier' && target.callee.name === 'String' && target.arguments[0]) {
      target = unwrap(target.arguments[0]);
    } else if (target.type === 'CallExpression' && target.callee.type === 'MemberExpression' && propertyName(target.callee) === 'toString') {
      target = unwrap(target.callee.object);
    } else if (target.type === 'TemplateLiteral' && target.expressions.length === 1 && target.quasis.every((q) => (q.value.cooked ?? '') === '')) {
      target = unwrap(target.expressions[0]!);
    } else {
      break;
    }
  }
  const names: string[] = [];
  let current: TSESTree.Node = target;
  while (current.type === 'MemberExpression') {
    const name = propertyName(current);
    if (name === null) return null;
    names.unshift(name);
    current = unwrap(current.object);
  }
  if (current.type === 'Identifier') names.unshift(current.name);
  else if (current.type !== 'ThisExpression') return null;
  if (names.length === 0) return null;
  const last = normKey(names[names.length - 1]!);
  const out = [last];
  if (names.length >= 2) out.push(`${normKey(names[names.length - 2]!)}_${last}`);
  return out;
}

/** The Pub/Sub topic handle was obtained with `pubsub.topic(name)` and no `messageOrdering: true`. */
function orderingDisabled(model: CodeModel, effect: Effect): boolean {
  const callee = effect.call.type === 'TaggedTemplateExpression' ? effect.call.tag : effect.call.callee;
  if (callee.type !== 'MemberExpression') return false;
  const origin = originOf(model, callee.object);
  if (origin.kind !== 'expr') return false;
  const topicCall = unwrap(origin.node);
  if (topicCall.type !== 'CallExpression' || topicCall.callee.type !== 'MemberExpression' || propertyName(topicCall.callee) !== 'topic') return false;
  const client = model.roleOf(topicCall.callee.object);
  if (client?.role !== 'pubsub.client') return false;
  const options = topicCall.arguments[1];
  if (options) {
    const ordering = lookupProperty(model, options, 'messageOrdering');
    if (ordering.state === 'unknown') return false;
    if (ordering.state === 'present' && booleanValue(model, ordering.value) !== false) return false;
  }
  // `topic.setPublishOptions({ messageOrdering: true })` later on the same handle.
  const handle = model.text.slice(callee.object.range[0], callee.object.range[1]).replace(/\s+/g, '');
  return !model.calls.some((c) => {
    if (c.type !== 'CallExpression' || c.callee.type !== 'MemberExpression' || propertyName(c.callee) !== 'setPublishOptions') return false;
    const receiver = model.text.slice(c.callee.object.range[0], c.callee.object.range[1]).replace(/\s+/g, '');
    const ordering = lookupProperty(model, c.arguments[0], 'messageOrdering');
    return receiver === handle && ordering.state !== 'absent';
  });
}
