// rules.md rule 11: a consumer has no dead-letter path, so poison messages either loop or disappear.
// Evidence is per library (the rule's table); infrastructure defined outside the analysed file is
// invisible, which is why the rule is Medium precision.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeOf, calleeText, type CallLike, contains, objectProperty, parentOf, propertyName, unwrap } from '../../src/code/ast.js';
import {
  acksInHandler,
  deadLetterRoute,
  findHandlers,
  resolveFunction,
  walkNodes,
  type AckCall,
  type ConsumerPatterns,
  type Handler,
} from '../../src/code/handlers.js';
import type { CodeModel } from '../../src/code/model.js';
import { DEAD_LETTER_NAME, sqsQueueDefinitions } from '../../src/code/sqs-queues.js';
import { optionsObject } from '../../src/code/values.js';
import { compiledPatterns } from '../../src/config/patterns.js';
import { createCodeRule } from '../../src/review/rule.js';
import type { Severity } from '../../src/review/types.js';

type Variant = 'no-dead-letter' | 'nack-drops';

interface Missing {
  node: TSESTree.Node;
  variant: Variant;
  evidence: string;
  severity?: Severity;
}

const MAX_DELIVERIES_ADVISORY = '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES';
/** Request-response and Bull handlers: errors go back to the caller, failed jobs stay in the failed set. */
const NEST_EXEMPT = new Set(['MessagePattern', 'RabbitRPC', 'Process']);

export default createCodeRule({
  meta: {
    id: 'missing-dlq',
    kind: 'code',
    severity: 'Important',
    precision: 'Medium',
    systemTag: false,
    checklist: ['R3'],
    antiPattern: 'missing-dlq',
    failureModes: ['poison-message-loop'],
    pattern: 'Dead Letter Channel',
    description: 'A consumer has no dead-letter path, so poison messages either loop forever or are dropped.',
    messages: {
      missingDlq:
        'No dead-letter path for consumer of {channel} at {loc}: {missingEvidence}. Poison messages will loop or be dropped. ' +
        'Wire a DLQ (redrive policy / DLX / dead-letter topic / DLQ publish) with an owner, alert and runbook.',
    },
  },
  create(context) {
    const { model, config } = context;
    const patterns: ConsumerPatterns = {
      dlqChannel: compiledPatterns(config).dlqChannel,
      dlqWrappers: config.wrappers.dlq,
      nonIdempotentCalls: config.nonIdempotentCalls,
    };
    return {
      'Program:exit'() {
        for (const handler of findHandlers(model)) {
          if (!handler.atLeastOnce) continue;
          if (handler.library === 'nestjs' && NEST_EXEMPT.has(handler.decorator ?? '')) continue;
          const missing = missingEvidence(model, handler, patterns);
          if (!missing) continue;
          const where = model.regionOf(handler.registration).name;
          context.report({
            node: missing.node,
            messageId: 'missingDlq',
            data: {
              channel: handler.channel ?? `this ${handler.library} handler`,
              loc: `line ${model.line(missing.node)}`,
              missingEvidence: missing.evidence,
            },
            variant: missing.variant,
            ...(missing.severity ? { severity: missing.severity } : {}),
            ...(handler.channel ? { channel: handler.channel } : {}),
            anchor: `${where}|${handler.library}:${handler.kind}|${handler.channel ?? registrationText(model, handler)}|${missing.variant}`,
            related: [{ path: context.path, line: model.line(handler.registration), note: `${handler.library} handler` }],
          });
        }
      },
    };
  },
});

function registrationText(model: CodeModel, handler: Handler): string {
  const node = handler.registration;
  if (node.type === 'CallExpression' || node.type === 'NewExpression') return calleeText(model.text, node);
  return `line-independent:${handler.kind}`;
}

/** Any library: the handler (or a helper it calls) routes messages to a dead-letter channel. */
function handlerDeadLetters(model: CodeModel, handler: Handler, patterns: ConsumerPatterns): boolean {
  return model.calls.some((call) => contains(handler.root, call) && deadLetterRoute(model, call, patterns) !== null);
}

/** Exported for unbounded-retry: its redelivery variants are Critical exactly when this holds. */
export function missingEvidence(model: CodeModel, handler: Handler, patterns: ConsumerPatterns): Missing | null {
  const at = reportNode(handler);
  // The evidence table: a dead-letter publish from the handler counts for Kafka and RabbitMQ consumers;
  // SQS and Pub/Sub need the redrive / dead-letter policy, JetStream a finite max_deliver with it.
  switch (handler.library) {
    case 'kafkajs':
    case 'node-rdkafka':
      if (handlerDeadLetters(model, handler, patterns)) return null;
      return { node: at, variant: 'no-dead-letter', evidence: 'no publish to a dead-letter topic (patterns.dlqChannel) or wrappers.dlq call is reachable from the handler' };
    case 'amqplib':
      return handlerDeadLetters(model, handler, patterns) ? null : amqplibEvidence(model, handler, at);
    case 'sqs':
    case 'sqs-consumer':
    case 'lambda-sqs':
      return sqsEvidence(model, handler, at);
    case 'pubsub':
      return pubsubEvidence(model, handler, at);
    case 'jetstream':
      return jetstreamEvidence(model, handler, patterns, at);
    case 'bullmq':
      return bullmqEvidence(model, handler, patterns, at);
    case 'nestjs':
      return handlerDeadLetters(model, handler, patterns) ? null : nestEvidence(model, handler, at);
    default:
      return null;
  }
}

/**
 * Decorated methods are reported at their decorator, kafkajs handlers at their `eachMessage` /
 * `eachBatch` option, other handlers at the registration (consume call, receive loop, worker).
 */
function reportNode(handler: Handler): TSESTree.Node {
  const registration = handler.registration;
  if (registration.type === 'MethodDefinition') return registration.decorators?.[0] ?? registration.key;
  if (handler.library === 'kafkajs' && handler.options) {
    const option = handler.options.properties.find((p) => p.type === 'Property' && !p.computed &&
      p.key.type === 'Identifier' && (p.key.name === 'eachMessage' || p.key.name === 'eachBatch'));
    if (option) return option;
  }
  return registration;
}

// ---------------------------------------------------------------- amqplib

function droppingNacks(model: CodeModel, handler: Handler): AckCall[] {
  return acksInHandler(model, handler).filter((a) => a.kind === 'negative' && a.requeue === false);
}

/** The `assertQueue` call declaring the consumed queue: by name, or the call whose result is consumed. */
function assertedQueue(model: CodeModel, handler: Handler): CallLike | null {
  const asserts = model.calls.filter((call): call is TSESTree.CallExpression =>
    call.type === 'CallExpression' && call.callee.type === 'MemberExpression' && propertyName(call.callee) === 'assertQueue' &&
    model.roleOf(call.callee.object)?.role === 'amqp.channel');
  if (handler.channel) {
    const named = asserts.find((call) => model.channelValue(call.arguments[0]) === handler.channel);
    if (named) return named;
  }
  const consumed = handler.registration.type === 'CallExpression' ? handler.registration.arguments[0] : undefined;
  const source = consumed ? unwrap(consumed) : null;
  const identifier = source?.type === 'Identifier' ? source : source?.type === 'MemberExpression' && source.object.type === 'Identifier' ? source.object : null;
  if (!identifier) return null;
  for (const call of asserts) {
    let holder: TSESTree.Node | undefined = parentOf(call);
    while (holder && (holder.type === 'AwaitExpression' || holder.type === 'TSAsExpression')) holder = parentOf(holder);
    if (holder?.type !== 'VariableDeclarator') continue;
    if (holder.id.type === 'Identifier' && holder.id.name === identifier.name) return call;
    if (holder.id.type === 'ObjectPattern' && holder.id.properties.some((p) => p.type === 'Property' && p.value.type === 'Identifier' && p.value.name === identifier.name)) return call;
  }
  return null;
}

function hasDeadLetterExchange(options: TSESTree.ObjectExpression): boolean {
  if (objectProperty(options, 'deadLetterExchange')) return true;
  const args = objectProperty(options, 'arguments');
  return Boolean(args && objectProperty(args, 'x-dead-letter-exchange'));
}

function amqplibEvidence(model: CodeModel, handler: Handler, at: TSESTree.Node): Missing | null {
  const assert = assertedQueue(model, handler);
  const drops = droppingNacks(model, handler);
  if (assert) {
    const args = assert.type === 'CallExpression' ? assert.arguments : [];
    // `assertQueue(name)` alone takes the library defaults: no dead-letter exchange.
    if (args[1]) {
      const options = optionsObject(model, args[1]);
      if (!options || options.properties.some((p) => p.type === 'SpreadElement')) return null;
      if (hasDeadLetterExchange(options)) return null;
      const exclusive = objectProperty(options, 'exclusive');
      if (exclusive?.type === 'Literal' && exclusive.value === true) return null;
    }
    if (drops[0]) {
      return {
        node: drops[0].call, variant: 'nack-drops',
        evidence: `${drops[0].description} with requeue=false drops the message: the queue is asserted at line ${model.line(assert)} without deadLetterExchange`,
      };
    }
    return { node: at, variant: 'no-dead-letter', evidence: `the queue is asserted at line ${model.line(assert)} without deadLetterExchange / x-dead-letter-exchange and the handler never dead-letters` };
  }
  // Queue declared elsewhere (a topology module, a definitions file, a policy): cannot verify here.
  return null;
}

// ---------------------------------------------------------------- SQS

function sqsEvidence(model: CodeModel, handler: Handler, at: TSESTree.Node): Missing | null {
  // The dead-letter queues themselves are created without a redrive policy, by design.
  const definitions = sqsQueueDefinitions(model).filter((d) => !(d.label && DEAD_LETTER_NAME.test(d.label)));
  const own = handler.channel ? definitions.filter((d) => d.name === handler.channel) : definitions;
  if (own.length > 0) {
    if (own.some((d) => d.redrive !== false)) return null;
    return { node: at, variant: 'no-dead-letter', evidence: `the queue is created at line ${model.line(own[0]!.node)} without a redrive policy (RedrivePolicy / deadLetterQueue)` };
  }
  // Queue created by IaC or another module: invisible here. The contract cross-check (Suggestion when
  // the owning contract declares a DLQ) needs the artifact model, which code rules cannot read yet.
  return null;
}

// ---------------------------------------------------------------- Pub/Sub

function pubsubEvidence(model: CodeModel, handler: Handler, at: TSESTree.Node): Missing | null {
  for (const call of model.calls) {
    if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression') continue;
    const method = propertyName(call.callee);
    const owner = model.roleOf(call.callee.object);
    let name: string | null = null;
    let options: TSESTree.Node | undefined;
    if (method === 'createSubscription' && owner?.role === 'pubsub.client') {
      name = model.channelValue(call.arguments[1]);
      options = call.arguments[2];
    } else if (method === 'createSubscription' && owner?.role === 'pubsub.topic') {
      name = model.channelValue(call.arguments[0]);
      options = call.arguments[1];
    } else if (method === 'create' && owner?.role === 'pubsub.subscription') {
      name = subscriptionName(model, call.callee.object);
      options = call.arguments[0];
    } else {
      continue;
    }
    if (handler.channel && name !== handler.channel) continue;
    const literal = optionsObject(model, options);
    if (options && (!literal || literal.properties.some((p) => p.type === 'SpreadElement'))) return null;
    if (literal && objectProperty(literal, 'deadLetterPolicy')) return null;
    return { node: at, variant: 'no-dead-letter', evidence: `the subscription is created at line ${model.line(call)} without deadLetterPolicy` };
  }
  // Subscription created elsewhere (bootstrap script, Terraform): cannot verify here.
  return null;
}

function subscriptionName(model: CodeModel, node: TSESTree.Node): string | null {
  let target: TSESTree.Node | null | undefined = unwrap(node);
  if (target.type === 'Identifier') target = (model.nearestDeclarator(target) ?? model.declaratorIn(target.name, model.program))?.init;
  const call = target ? unwrap(target) : null;
  if (call?.type === 'CallExpression' && call.callee.type === 'MemberExpression' && propertyName(call.callee) === 'subscription') {
    return model.channelValue(call.arguments[0]);
  }
  return null;
}

// ---------------------------------------------------------------- NATS JetStream

function jetstreamEvidence(model: CodeModel, handler: Handler, patterns: ConsumerPatterns, at: TSESTree.Node): Missing | null {
  let advisory = false;
  let maxDeliver: number | null | undefined;
  walkNodes(model.program, (node) => {
    if (node.type === 'Literal' && typeof node.value === 'string' && node.value.startsWith(MAX_DELIVERIES_ADVISORY)) advisory = true;
    if (node.type === 'TemplateElement' && (node.value.cooked ?? '').startsWith(MAX_DELIVERIES_ADVISORY)) advisory = true;
    if (node.type === 'Property' && !node.computed && node.key.type === 'Identifier' && node.key.name === 'max_deliver') {
      const value = unwrap(node.value);
      const n = value.type === 'Literal' && typeof value.value === 'number' ? value.value
        : value.type === 'UnaryExpression' && value.operator === '-' && value.argument.type === 'Literal' ? -Number(value.argument.value) : null;
      maxDeliver = n;
    }
    if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && propertyName(node.callee) === 'maxDeliver') {
      const arg = node.arguments[0];
      maxDeliver = arg?.type === 'Literal' && typeof arg.value === 'number' ? arg.value : null;
    }
  });
  if (advisory || maxDeliver === null || !declaresConsumer(model)) return null;
  if (maxDeliver !== undefined && maxDeliver > 0) {
    if (handlerDeadLetters(model, handler, patterns)) return null;
    return { node: at, variant: 'no-dead-letter', evidence: `max_deliver is ${maxDeliver} but exhausted messages are dropped (no DLQ publish before term(), no ${MAX_DELIVERIES_ADVISORY} advisory subscriber)` };
  }
  return { node: at, variant: 'no-dead-letter', evidence: 'max_deliver is not set to a finite value here (JetStream defaults to unlimited redelivery) and the handler never dead-letters' };
}

/** A JetStream consumer configuration in this file (`jsm.consumers.add(stream, { durable_name, ... })`). */
function declaresConsumer(model: CodeModel): boolean {
  return model.calls.some((call) => call.type === 'CallExpression' && call.callee.type === 'MemberExpression' &&
    ['add', 'update'].includes(propertyName(call.callee) ?? '') && call.callee.object.type === 'MemberExpression' &&
    propertyName(call.callee.object) === 'consumers' && Boolean(objectLiteralArg(model, call.arguments[1])));
}

function objectLiteralArg(model: CodeModel, node: TSESTree.Node | undefined): TSESTree.ObjectExpression | null {
  const literal = optionsObject(model, node);
  return literal && (objectProperty(literal, 'durable_name') || objectProperty(literal, 'ack_policy') || objectProperty(literal, 'name')) ? literal : null;
}

// ---------------------------------------------------------------- BullMQ

/**
 * `removeOnFail: true`, `0`, `{ count: 0 }` or `{ age: 0 }`: failed jobs are deleted, so the failed
 * set is no dead-letter store. BullMQ turns `true` and a number n into KeepJobs `{ count: n }`
 * (`true` is `{ count: 0 }`); its moveToFinished script deletes the job outright when `count` is 0,
 * and with `age: 0` trims every failed job finished up to now, the one that just failed included.
 */
function removesFailed(options: TSESTree.Node | null | undefined): TSESTree.Node | null {
  const value = objectProperty(options ?? undefined, 'removeOnFail');
  if (!value) return null;
  const target = unwrap(value);
  if (target.type === 'Literal') return target.value === true || target.value === 0 ? value : null;
  if (target.type === 'ObjectExpression') {
    return [objectProperty(target, 'count'), objectProperty(target, 'age')].some((keep) => keep && isZero(keep)) ? value : null;
  }
  return null;
}

function isZero(node: TSESTree.Node): boolean {
  const target = unwrap(node);
  return target.type === 'Literal' && target.value === 0;
}

function bullmqEvidence(model: CodeModel, handler: Handler, patterns: ConsumerPatterns, at: TSESTree.Node): Missing | null {
  let removal = removesFailed(handler.options);
  if (!removal && handler.channel) {
    for (const call of model.calls) {
      if (call.type === 'NewExpression') {
        const ctor = model.valueOf(call.callee);
        if (ctor?.kind === 'module' && ctor.module === 'bullmq' && ctor.path.join('.') === 'Queue' && model.channelValue(call.arguments[0]) === handler.channel) {
          removal ??= removesFailed(objectProperty(call.arguments[1], 'defaultJobOptions'));
        }
      } else if (call.type === 'CallExpression' && call.callee.type === 'MemberExpression' && propertyName(call.callee) === 'add') {
        const owner = model.roleOf(call.callee.object);
        if (owner?.role === 'bullmq.queue' && model.channelValue(owner.channelNode) === handler.channel) removal ??= removesFailed(call.arguments[2]);
      }
    }
  }
  if (!removal) return null;
  if (failedListenerForwards(model, handler, patterns)) return null;
  return { node: at, variant: 'no-dead-letter', evidence: `failed jobs are removed (removeOnFail at line ${model.line(removal)}) and no worker.on('failed') handler forwards them` };
}

/** `worker.on('failed', (job, err) => dlq.add(...))` on the variable or field holding this worker. */
function failedListenerForwards(model: CodeModel, handler: Handler, patterns: ConsumerPatterns): boolean {
  const holder = parentOf(handler.registration);
  const name = holder?.type === 'VariableDeclarator' && holder.id.type === 'Identifier' ? holder.id.name
    : holder?.type === 'AssignmentExpression' ? model.text.slice(holder.left.range[0], holder.left.range[1]) : null;
  for (const call of model.calls) {
    if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression' || propertyName(call.callee) !== 'on') continue;
    if (model.stringValue(call.arguments[0]) !== 'failed') continue;
    const receiver = model.text.slice(call.callee.object.range[0], call.callee.object.range[1]);
    const isWorker = receiver === name || model.roleOf(call.callee.object)?.role === 'bullmq.worker';
    if (!isWorker) continue;
    const fn = resolveFunction(model, call.arguments[1]);
    if (!fn) return true;
    if (model.calls.some((inner) => contains(fn.body, inner) && (model.effectsOf(inner).some((e) => e.kind === 'publish') || deadLetterRoute(model, inner, patterns)))) return true;
  }
  return false;
}

// ---------------------------------------------------------------- NestJS

function nestEvidence(model: CodeModel, handler: Handler, at: TSESTree.Node): Missing | null {
  const registration = handler.registration;
  if (registration.type !== 'MethodDefinition') return null;
  const decorator = (registration.decorators ?? []).find((d) => {
    const callee = d.expression.type === 'CallExpression' ? calleeOf(d.expression) : d.expression;
    return callee.type === 'Identifier' && (model.imports.get(callee.name)?.path[0] ?? callee.name) === handler.decorator;
  });
  const options = decorator?.expression.type === 'CallExpression' ? optionsObject(model, decorator.expression.arguments[0]) : null;
  // @golevelup/nestjs-rabbitmq asserts the queue from `queueOptions`: the one Nest shape whose queue is
  // declared here. Other transports (Kafka, RMQ, SQS) keep their dead-letter setup outside the handler.
  if (handler.decorator !== 'RabbitSubscribe') return null;
  const queueOptionsNode = objectProperty(options ?? undefined, 'queueOptions');
  if (!queueOptionsNode) return null;
  const queueOptions = optionsObject(model, queueOptionsNode);
  if (!queueOptions || queueOptions.properties.some((p) => p.type === 'SpreadElement') || hasDeadLetterExchange(queueOptions)) return null;
  const drops = acksInHandler(model, handler).filter((a) => a.kind === 'negative' && a.requeue === false);
  if (drops[0]) {
    return { node: drops[0].call, variant: 'nack-drops', evidence: 'Nack without requeue drops the message: queueOptions declare no deadLetterExchange' };
  }
  return { node: at, variant: 'no-dead-letter', evidence: 'queueOptions declare no deadLetterExchange and the handler never dead-letters' };
}
