// rules.md rule 46: a producer on a non-lossy path that does not wait for a durable broker
// acknowledgement (kafkajs / rdkafka acks 0 or 1, core NATS publish, non-persistent amqplib
// messages, amqplib channels without publisher confirms next to a state change).
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeOf, normalizedText, propertyName, unwrap, type CallLike } from '../../src/code/ast.js';
import type { CodeModel, Effect } from '../../src/code/model.js';
import { publishMetadata } from '../../src/code/publish-metadata.js';
import { contractOf, type ContractFact } from '../../src/code/rule-facts.js';
import { booleanValue, lookupProperty, numberValue, originOf, stringOf } from '../../src/code/value-flow.js';
import { createCodeRule } from '../../src/review/rule.js';
import type { Precision, Severity } from '../../src/review/types.js';

type Variant = 'kafka-acks' | 'rdkafka-acks' | 'nats-core' | 'amqp-not-persistent' | 'amqp-no-confirms';

interface Hit {
  /** Where to report: the offending option when there is one, else the publish call. */
  node: TSESTree.Node;
  /** The call or constructor the finding belongs to, for a line-independent anchor. */
  owner: TSESTree.Node;
  variant: Variant;
  detail: string;
  severity: Severity;
  precision: Precision;
  channel: string | null;
}

export default createCodeRule({
  meta: {
    id: 'producer-durability',
    kind: 'code',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['R1'],
    // review-output.md §8.1 lists this rule under no failure mode; a signal here would change the walk.
    failureModes: [],
    pattern: 'Guaranteed Delivery',
    description: 'A producer on a non-lossy path does not wait for a durable acknowledgement from the broker.',
    messages: {
      notDurable:
        'Producer at {loc} does not wait for durable acknowledgement ({variant}); a broker failover can drop ' +
        'acknowledged-looking writes. Use acks=all / persistent messages / publisher confirms / JetStream for this channel.',
    },
  },
  create(context) {
    const { model } = context;
    const contract = (channel: string) => contractOf(context, channel);
    const lossy = (channel: string | null) => channel !== null && /^at-most-once/.test(contract(channel)?.delivery ?? '');
    return {
      'Program:exit'() {
        const hits: Hit[] = [];
        for (const call of model.calls) {
          const rdkafka = rdkafkaConfigHit(model, call);
          if (rdkafka) hits.push(rdkafka);
          for (const effect of model.effectsOf(call)) {
            if (effect.kind !== 'publish' || (effect.via !== 'binding' && effect.via !== 'name')) continue;
            hits.push(...publishHits(model, effect, contract));
          }
        }
        for (const hit of hits) {
          if (lossy(hit.channel)) continue;
          context.report({
            node: hit.node,
            messageId: 'notDurable',
            data: { loc: `${context.path}:${model.line(hit.node)}`, variant: hit.detail },
            variant: hit.variant,
            severity: hit.severity,
            precision: hit.precision,
            anchor: `${model.regionOf(hit.owner).name}|${normalizedText(model.text, hit.owner)}|${hit.variant}`,
            ...(hit.channel ? { channel: hit.channel } : {}),
          });
        }
      },
    };
  },
});

function publishHits(model: CodeModel, effect: Effect, contract: (channel: string) => ContractFact | null): Hit[] {
  const precision: Precision = effect.via === 'binding' ? 'High' : 'Medium';
  const call = effect.call;
  const hit = (variant: Variant, detail: string, severity: Severity): Hit => ({ node: call, owner: call, variant, detail, severity, precision, channel: effect.channel });
  const meta = publishMetadata(model, effect);
  if (!meta) return [];
  switch (effect.library) {
    case 'kafka': {
      if (!meta.options) return [];
      const acks = lookupProperty(model, meta.options, 'acks');
      if (acks.state !== 'present') return [];
      const value = numberValue(model, acks.value);
      // Point at the option itself: that is the line to change.
      return value === 0 || value === 1 ? [{ ...hit('kafka-acks', `acks: ${value}`, 'Important'), node: acks.property }] : [];
    }
    case 'nats': {
      // Core NATS is fire-and-forget; only a design that promises at-least-once makes it a finding.
      const owner = model.roleOf((calleeOf(call) as TSESTree.MemberExpression).object);
      if (owner?.role !== 'nats.conn' || !effect.channel) return [];
      const delivery = contract(effect.channel)?.delivery ?? '';
      return /^(at-least-once|exactly-once|effectively-once)/.test(delivery) ? [hit('nats-core', 'core NATS publish, no JetStream ack', 'Important')] : [];
    }
    case 'amqplib':
      return amqpHits(model, effect, meta.options, hit);
    default:
      return [];
  }
}

function amqpHits(model: CodeModel, effect: Effect, options: TSESTree.Node | null, hit: (v: Variant, d: string, s: Severity) => Hit): Hit[] {
  const out: Hit[] = [];
  const call = effect.call;
  const callee = calleeOf(call) as TSESTree.MemberExpression;
  if (!isReplyQueue(model, call) && !isTransientTarget(model, call)) {
    const persistent = options ? lookupProperty(model, options, 'persistent') : { state: 'absent' as const };
    const mode = options ? lookupProperty(model, options, 'deliveryMode') : { state: 'absent' as const };
    const persistentValue = persistent.state === 'present' ? booleanValue(model, persistent.value) : null;
    const modeValue = mode.state === 'present' ? numberValue(model, mode.value) : null;
    // Options built elsewhere, or a flag computed at runtime: the call may well be persistent.
    const unknown = persistent.state === 'unknown' || mode.state === 'unknown' ||
      (persistent.state === 'present' && persistentValue === null) || (mode.state === 'present' && modeValue === null);
    if (!unknown && persistentValue !== true && modeValue !== 2) {
      out.push(hit('amqp-not-persistent', persistentValue === false ? 'persistent: false' : 'message not marked persistent', 'Suggestion'));
    }
  }
  if (fromPlainChannel(model, callee.object) && regionWritesState(model, call)) {
    out.push(hit('amqp-no-confirms', 'channel from createChannel(), no publisher confirms', 'Suggestion'));
  }
  return out;
}

/** RPC replies go to an exclusive reply queue; persistence there buys nothing. */
function isReplyQueue(model: CodeModel, call: CallLike): boolean {
  const callee = calleeOf(call) as TSESTree.MemberExpression;
  if (propertyName(callee) !== 'sendToQueue' || call.type === 'TaggedTemplateExpression') return false;
  const queue = call.arguments[0];
  if (!queue) return false;
  const text = model.text.slice(queue.range[0], queue.range[1]);
  return /replyTo|reply_to/.test(text) || stringOf(model, queue) === 'amq.rabbitmq.reply-to';
}

/** The target queue / exchange is declared non-durable or auto-deleted in this file. */
function isTransientTarget(model: CodeModel, call: CallLike): boolean {
  if (call.type === 'TaggedTemplateExpression') return false;
  const method = propertyName(calleeOf(call) as TSESTree.MemberExpression);
  const target = stringOf(model, call.arguments[0]);
  if (target === null) return false;
  const assert = method === 'sendToQueue' ? 'assertQueue' : 'assertExchange';
  const optionIndex = method === 'sendToQueue' ? 1 : 2;
  return model.calls.some((c) => {
    if (c.type !== 'CallExpression' || c.callee.type !== 'MemberExpression' || propertyName(c.callee) !== assert) return false;
    if (stringOf(model, c.arguments[0]) !== target) return false;
    const opts = c.arguments[optionIndex];
    if (!opts) return false;
    const durable = lookupProperty(model, opts, 'durable');
    const exclusive = lookupProperty(model, opts, 'exclusive');
    const autoDelete = lookupProperty(model, opts, 'autoDelete');
    return (durable.state === 'present' && booleanValue(model, durable.value) === false) ||
      (exclusive.state === 'present' && booleanValue(model, exclusive.value) === true) ||
      (autoDelete.state === 'present' && booleanValue(model, autoDelete.value) === true);
  });
}

/** The channel value comes from `connection.createChannel()` (not `createConfirmChannel()`). */
function fromPlainChannel(model: CodeModel, receiver: TSESTree.Node): boolean {
  const origin = originOf(model, receiver);
  if (origin.kind !== 'expr') return false;
  const node = unwrap(origin.node);
  if (node.type !== 'CallExpression' || node.callee.type !== 'MemberExpression') return false;
  if (propertyName(node.callee) !== 'createChannel') return false;
  const connection = model.roleOf(node.callee.object);
  return connection?.role === 'amqp.connection' && connection.via === 'binding';
}

function regionWritesState(model: CodeModel, call: CallLike): boolean {
  const region = model.regionOf(call);
  return model.callsIn(region).some((c) => model.effectsOf(c).some((e) => e.kind === 'dbWrite'));
}

/** node-rdkafka / confluent native producers built with `acks` / `request.required.acks` of 0 or 1. */
function rdkafkaConfigHit(model: CodeModel, call: CallLike): Hit | null {
  if (call.type !== 'NewExpression') return null;
  const role = model.roleOf(call);
  if (role?.role !== 'rdkafka.producer' || role.via !== 'binding') return null;
  for (const config of [call.arguments[0], call.arguments[1]]) {
    if (!config) continue;
    for (const key of ['acks', 'request.required.acks']) {
      const found = lookupProperty(model, config, key);
      if (found.state !== 'present') continue;
      const value = numberValue(model, found.value) ?? Number(stringOf(model, found.value) ?? NaN);
      if (value === 0 || value === 1) {
        return { node: found.property, owner: call, variant: 'rdkafka-acks', detail: `${key}: ${value}`, severity: 'Important', precision: 'High', channel: null };
      }
    }
  }
  return null;
}
