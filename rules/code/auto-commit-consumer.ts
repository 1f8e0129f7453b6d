// rules.md rule 3: the client library is configured (or the handler is written) so that messages count
// as processed on delivery or on a timer, independently of whether the handler's work finished.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeText, isFunction, objectProperty, parentOf, propertyName, unwrap, type CallLike } from '../../src/code/ast.js';
import {
  acksInHandler,
  callsInHandler,
  findHandlers,
  isJoined,
  isSynchronousSink,
  ownNodes,
  resolveFunction,
  sideEffectOf,
  walkNodes,
  type ConsumerPatterns,
  type Handler,
  type SideEffect,
} from '../../src/code/handlers.js';
import type { CodeModel } from '../../src/code/model.js';
import { optionsObject } from '../../src/code/values.js';
import { compiledPatterns } from '../../src/config/patterns.js';
import { createCodeRule, type ReportDescriptor } from '../../src/review/rule.js';
import type { Precision } from '../../src/review/types.js';

type Variant = 'amqplib-no-ack' | 'rdkafka-auto-commit' | 'kafkajs-batch-auto-resolve' | 'floating-work' | 'nats-ack-none';

const NATS_MODULES = new Set(['nats', '@nats-io/jetstream', '@nats-io/nats-core', '@nats-io/transport-node']);

const FRAMEWORK: Partial<Record<Handler['library'], string>> = {
  kafkajs: 'kafkajs eachMessage handler (offset committed when it resolves)',
  bullmq: 'BullMQ processor (job completed when it resolves)',
  nestjs: 'NestJS message handler (settled when it resolves)',
  'lambda-sqs': 'Lambda SQS handler (batch deleted when it resolves)',
  'sqs-consumer': 'sqs-consumer handleMessage (message deleted when it resolves)',
};

export default createCodeRule({
  meta: {
    id: 'auto-commit-consumer',
    kind: 'code',
    severity: 'Critical',
    precision: 'High',
    systemTag: false,
    checklist: ['R1'],
    antiPattern: 'ack-before-commit',
    failureModes: ['ack-before-commit'],
    pattern: 'Ack after durable work',
    description: 'The consumer is configured or written so that messages count as processed before the handler\'s work completes.',
    messages: {
      autoCommit:
        'Auto-commit before processing: {variant} at {loc} marks messages as consumed before the handler\'s durable work ' +
        'completes; a crash loses them. Disable auto-ack/auto-commit (or auto offset store) and commit after the side effect. ' +
        'Pattern: ack/commit after durable work.',
    },
  },
  create(context) {
    const { model, config } = context;
    const patterns: ConsumerPatterns = {
      dlqChannel: compiledPatterns(config).dlqChannel,
      dlqWrappers: config.wrappers.dlq,
      nonIdempotentCalls: config.nonIdempotentCalls,
    };
    const reported = new Set<TSESTree.Node>();
    const report = (node: TSESTree.Node, variant: Variant, text: string, extra: Partial<ReportDescriptor<'autoCommit'>> = {}) => {
      if (reported.has(node)) return;
      reported.add(node);
      context.report({
        node,
        messageId: 'autoCommit',
        data: { variant: text, loc: `line ${model.line(node)}` },
        variant,
        ...extra,
      });
    };
    return {
      'Program:exit'() {
        for (const call of model.calls) {
          amqplibNoAck(model, call, report);
          rdkafkaAutoCommit(model, call, report);
        }
        natsAckNone(model, report);
        for (const handler of findHandlers(model)) {
          if (handler.kind === 'eachBatch') batchAutoResolve(model, handler, patterns, report);
          else floatingWork(model, handler, patterns, config.wrappers.ack, report);
        }
      },
    };
  },
});

type Report = (node: TSESTree.Node, variant: Variant, text: string, extra?: Partial<ReportDescriptor<'autoCommit'>>) => void;

/** Variant 1: `ch.consume(q, fn, { noAck: true })`; the broker forgets the message on delivery. */
function amqplibNoAck(model: CodeModel, call: CallLike, report: Report): void {
  if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression' || propertyName(call.callee) !== 'consume') return;
  const owner = model.roleOf(call.callee.object);
  if (owner?.role !== 'amqp.channel') return;
  const noAck = objectProperty(call.arguments[2], 'noAck');
  if (!noAck || noAck.type !== 'Literal' || noAck.value !== true) return;
  const property = parentOf(noAck)!;
  const queue = model.channelValue(call.arguments[0]);
  report(property, 'amqplib-no-ack', 'amqplib consume with noAck: true', {
    precision: owner.via === 'binding' ? 'High' : 'Medium',
    anchor: `${model.regionOf(call).name}|${calleeText(model.text, call)}(${queue ?? '?'})|noAck`,
    ...(queue ? { channel: queue } : {}),
  });
}

/** A literal boolean setting, `undefined` when absent, `null` when present but not a literal (or hidden by a spread). */
function booleanSetting(config: TSESTree.ObjectExpression, key: string): boolean | undefined | null {
  const value = objectProperty(config, key);
  if (!value) return config.properties.some((p) => p.type === 'SpreadElement') ? null : undefined;
  const target = unwrap(value);
  if (target.type === 'Literal' && typeof target.value === 'boolean') return target.value;
  if (target.type === 'Literal' && (target.value === 'true' || target.value === 'false')) return target.value === 'true';
  return null;
}

/**
 * Variant 2: node-rdkafka (and the native API of @confluentinc/kafka-javascript) stores the offset as
 * soon as the message reaches the application and commits it on a timer, unless the automatic offset
 * store or auto commit is switched off.
 */
function rdkafkaAutoCommit(model: CodeModel, call: CallLike, report: Report): void {
  if (call.type !== 'NewExpression') return;
  const role = model.roleOf(call);
  if (role?.role !== 'rdkafka.consumer') return;
  const config = optionsObject(model, call.arguments[0]);
  if (!config) return;
  const autoCommit = booleanSetting(config, 'enable.auto.commit');
  const offsetStore = booleanSetting(config, 'enable.auto.offset.store');
  if (autoCommit === false || autoCommit === null || offsetStore === false || offsetStore === null) return;
  report(call, 'rdkafka-auto-commit', 'node-rdkafka KafkaConsumer with enable.auto.commit and the automatic offset store', {
    precision: role.via === 'binding' ? 'High' : 'Medium',
  });
}

/** Variant 5: a JetStream consumer that never expects acks (`ack_policy: AckPolicy.None`, `ackNone()`). */
function natsAckNone(model: CodeModel, report: Report): void {
  const usesNats = [...model.imports.values()].some((b) => NATS_MODULES.has(b.module));
  if (!usesNats) return;
  walkNodes(model.program, (node) => {
    if (node.type === 'Property' && !node.computed && propertyKey(node) === 'ack_policy' && isAckNone(model, node.value)) {
      report(node, 'nats-ack-none', 'JetStream consumer with AckPolicy.None');
    }
    if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && propertyName(node.callee) === 'ackNone') {
      report(node, 'nats-ack-none', 'JetStream consumer options with ackNone()', { precision: 'Medium' });
    }
  });
}

function propertyKey(node: TSESTree.Property): string | null {
  if (node.key.type === 'Identifier') return node.key.name;
  if (node.key.type === 'Literal' && typeof node.key.value === 'string') return node.key.value;
  return null;
}

function isAckNone(model: CodeModel, value: TSESTree.Node): boolean {
  const target = unwrap(value);
  if (target.type === 'Literal') return target.value === 'none';
  if (target.type === 'MemberExpression' && propertyName(target) === 'None') {
    const ref = model.valueOf(target.object);
    return ref?.kind === 'module' && NATS_MODULES.has(ref.module) && ref.path.join('.') === 'AckPolicy';
  }
  return false;
}

function precisionOf(handler: Handler, effect: SideEffect): Precision {
  if (effect.via === 'heuristic') return 'Medium';
  return handler.via === 'binding' && effect.via === 'binding' ? 'High' : 'Medium';
}

/**
 * Variant 3: kafkajs resolves the whole batch when `eachBatch` returns (eachBatchAutoResolve, the
 * default), so per-message work that is still running is committed anyway.
 */
function batchAutoResolve(model: CodeModel, handler: Handler, patterns: ConsumerPatterns, report: Report): void {
  const autoResolve = objectProperty(handler.options ?? undefined, 'eachBatchAutoResolve');
  if (autoResolve && !(autoResolve.type === 'Literal' && autoResolve.value === true)) return;
  const text = 'kafkajs eachBatch (eachBatchAutoResolve) with per-message work that is not awaited';
  for (const found of floatingCalls(model, handler, patterns)) {
    report(found.node, 'kafkajs-batch-auto-resolve', text, { precision: found.precision, ...(handler.channel ? { channel: handler.channel } : {}) });
  }
}

/** Variant 4: floating work in a handler the framework settles when it returns. */
function floatingWork(model: CodeModel, handler: Handler, patterns: ConsumerPatterns, ackWrappers: readonly string[], report: Report): void {
  const framework = FRAMEWORK[handler.library];
  if (!framework || !handler.implicitSettlement) return;
  if (handler.library === 'kafkajs') {
    const autoCommit = objectProperty(handler.options ?? undefined, 'autoCommit');
    if (autoCommit && !(autoCommit.type === 'Literal' && autoCommit.value === true)) return;
  }
  // A handler that acknowledges explicitly (NestJS RMQ with manual acks) belongs to ack-before-commit.
  if (acksInHandler(model, handler, { ackWrappers }).some((a) => a.kind === 'positive')) return;
  for (const found of floatingCalls(model, handler, patterns)) {
    report(found.node, 'floating-work', `${framework} with unawaited ${found.description}`, {
      precision: found.precision,
      ...(handler.channel ? { channel: handler.channel } : {}),
    });
  }
}

interface Floating {
  node: CallLike;
  description: string;
  precision: Precision;
}

/**
 * Work the handler starts and does not wait for: side-effect calls that are not settled, explicitly
 * discarded promises (`void handle(m)`, `.then()` chains) of calls processing the message, and
 * `forEach(async ...)` / unjoined `map(async ...)` over messages.
 */
function floatingCalls(model: CodeModel, handler: Handler, patterns: ConsumerPatterns): Floating[] {
  const out: Floating[] = [];
  for (const call of callsInHandler(model, handler)) {
    const async = asyncIteration(model, call);
    if (async) {
      if (!isJoined(model, call)) out.push({ node: call, description: `${calleeText(model.text, call)}(async ...)`, precision: handler.via === 'binding' ? 'High' : 'Medium' });
      continue;
    }
    const returned = promiseIteration(model, call, patterns);
    if (returned) {
      if (!isJoined(model, call)) {
        out.push({ node: call, description: `${calleeText(model.text, call)}(... => ${returned.description})`, precision: precisionOf(handler, returned) });
      }
      continue;
    }
    if (isJoined(model, call) || insideAsyncIteration(model, call) || isSynchronousSink(model, call)) continue;
    const effect = sideEffectOf(model, call, patterns);
    if (effect) {
      out.push({ node: call, description: effect.description, precision: precisionOf(handler, effect) });
      continue;
    }
    // The promise is certainly dropped: `void`, a `.then()` chain, or a local async function called bare.
    if (explicitlyDiscarded(call) || model.calleeFunction(call)?.async) {
      const processing = sideEffectOf(model, call, patterns, handler);
      if (processing) out.push({ node: call, description: `${processing.description}(...)`, precision: 'Medium' });
    }
  }
  return out;
}

/** `xs.forEach(async (x) => { await ... })`, `xs.map(async ...)`: one promise per element. */
function asyncIteration(model: CodeModel, call: CallLike): boolean {
  if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression') return false;
  const method = propertyName(call.callee);
  if (method !== 'forEach' && method !== 'map') return false;
  const fn = resolveFunction(model, call.arguments[0]);
  if (!fn || !fn.async) return false;
  let awaits = false;
  walkNodes(fn.body, (node) => {
    if (awaits || (node !== fn.body && isFunction(node))) return false;
    if (node.type === 'AwaitExpression') awaits = true;
    return undefined;
  });
  return awaits || model.calls.some((c) => c.range[0] >= fn.range[0] && c.range[1] <= fn.range[1] && model.effectsOf(c).length > 0);
}

/**
 * `xs.map((x) => prisma.x.upsert(...))`: a plain callback that hands back the promise of durable
 * work builds one promise per element, as an async callback does; the work is the returned effect.
 * Its calls sit in the callback's own region unless the iteration is awaited, so the caller's
 * per-call checks never see them.
 */
function promiseIteration(model: CodeModel, call: CallLike, patterns: ConsumerPatterns): SideEffect | null {
  if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression') return null;
  const method = propertyName(call.callee);
  if (method !== 'forEach' && method !== 'map') return null;
  const fn = resolveFunction(model, call.arguments[0]);
  if (!fn || fn.async) return null;
  const results = fn.body.type === 'BlockStatement'
    ? ownNodes(fn.body, (n): n is TSESTree.ReturnStatement => n.type === 'ReturnStatement').map((r) => r.argument)
    : [fn.body];
  for (const result of results) {
    if (!result) continue;
    let target = unwrap(result);
    // `upsert(...).catch(log)` still hands back the upsert's promise.
    while (
      target.type === 'CallExpression' && target.callee.type === 'MemberExpression' &&
      ['then', 'catch', 'finally'].includes(propertyName(target.callee) ?? '') && unwrap(target.callee.object).type === 'CallExpression'
    ) {
      target = unwrap(target.callee.object);
    }
    if (target.type !== 'CallExpression' && target.type !== 'TaggedTemplateExpression') continue;
    if (isSynchronousSink(model, target)) continue;
    const effect = sideEffectOf(model, target, patterns);
    if (effect) return effect;
  }
  return null;
}

/** Calls inside the callback of an already reported async iteration are part of that finding. */
function insideAsyncIteration(model: CodeModel, call: CallLike): boolean {
  let current = parentOf(call);
  while (current) {
    if (isFunction(current)) {
      const parent = parentOf(current);
      if (parent?.type === 'CallExpression' && asyncIteration(model, parent)) return true;
    }
    current = parentOf(current);
  }
  return false;
}

/** `void handle(m)` or `handle(m).then(...)` / `.catch(...)` left floating: the promise is dropped on purpose. */
function explicitlyDiscarded(call: CallLike): boolean {
  const parent = parentOf(call);
  if (parent?.type === 'UnaryExpression' && parent.operator === 'void') return true;
  if (parent?.type === 'MemberExpression' && parent.object === call) {
    const method = propertyName(parent);
    const chained = parentOf(parent);
    return chained?.type === 'CallExpression' && (method === 'then' || method === 'catch' || method === 'finally');
  }
  return false;
}
