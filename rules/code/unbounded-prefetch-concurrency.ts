// rules.md rule 41: no bound on in-flight messages, parallel work or buffered stream data.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { argumentsOf, calleeOf, keyName, objectProperty, propertyName, unwrap, type CallLike } from '../../src/code/ast.js';
import { callsInHandler, findHandlers, mentionsAny, messageDataNames, resolveFunction, type Handler } from '../../src/code/handlers.js';
import type { CodeModel } from '../../src/code/model.js';
import { createCodeRule } from '../../src/review/rule.js';

const LIMITERS = ['p-limit', 'p-map', 'p-queue', 'bottleneck', 'async-sema', 'p-throttle'];

export default createCodeRule({
  meta: {
    id: 'unbounded-prefetch-concurrency',
    kind: 'code',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['D5'],
    antiPattern: 'unbounded-queues',
    failureModes: ['consumer-memory-blow-up'],
    pattern: 'Backpressure',
    description: 'A consumer or stream has no bound on in-flight messages, parallel work or buffered data.',
    messages: {
      unbounded:
        'Unbounded {resource} at line {line} ({variant}). Under a spike or a slow dependency this grows without limit. ' +
        'Bound it (prefetch / flow control / max_ack_pending / MAXLEN / concurrency limiter) and signal overload.',
    },
  },
  create(context) {
    const { model, config } = context;
    return {
      'Program:exit'() {
        const report = (node: TSESTree.Node, variant: string, resource: string, extra: { precision?: 'High' | 'Medium' | 'Heuristic'; severity?: 'Important' | 'Suggestion' } = {}) =>
          context.report({ node, messageId: 'unbounded', data: { resource, line: model.line(node), variant }, variant, ...extra });

        const handlers = findHandlers(model);
        // 1. amqplib consumers on a channel created here without prefetch(n > 0).
        const prefetches = model.calls.filter((c) => calleeOf(c).type === 'MemberExpression' &&
          propertyName(calleeOf(c) as TSESTree.MemberExpression) === 'prefetch' && model.roleOf((calleeOf(c) as TSESTree.MemberExpression).object)?.role === 'amqp.channel');
        for (const p of prefetches) {
          const n = argumentsOf(p)[0];
          if (n && unwrap(n).type === 'Literal' && (unwrap(n) as TSESTree.Literal).value === 0) report(p, 'amqplib-prefetch-zero', 'broker prefetch');
        }
        const createsChannel = model.calls.some((c) => {
          const callee = calleeOf(c);
          return callee.type === 'MemberExpression' && ['createChannel', 'createConfirmChannel'].includes(propertyName(callee) ?? '');
        });
        if (createsChannel) {
          for (const handler of handlers.filter((h) => h.library === 'amqplib' && h.atLeastOnce)) {
            const channel = receiverText(model, handler);
            const bounded = prefetches.some((p) => receiverOf(model, p) === channel || receiverOf(model, p)?.endsWith(`.${channel}`));
            if (!bounded) report(handler.registration, 'amqplib-no-prefetch', 'broker prefetch');
          }
        }

        for (const call of model.calls) {
          const callee = calleeOf(call);
          if (callee.type !== 'MemberExpression') continue;
          const method = propertyName(callee);
          const owner = model.roleOf(callee.object);
          const args = argumentsOf(call);
          // 2. Pub/Sub flow control without a bound.
          if (owner?.role === 'pubsub.client' || owner?.role === 'pubsub.topic' || owner?.role === 'pubsub.subscription') {
            for (const arg of args) {
              const flow = objectProperty(arg, 'flowControl');
              if (!flow) continue;
              const max = objectProperty(flow, 'maxMessages');
              const excess = objectProperty(flow, 'allowExcessMessages');
              if ((max && isInfinite(max)) || (excess?.type === 'Literal' && excess.value === true)) report(flow, 'pubsub-flow-control', 'Pub/Sub flow control');
            }
          }
          // 3. JetStream max_ack_pending: -1.
          if (owner && owner.role.startsWith('nats')) {
            for (const arg of args) {
              const pending = findProperty(arg, 'max_ack_pending');
              if (pending && isMinusOne(pending)) report(pending, 'jetstream-max-ack-pending', 'JetStream ack-pending window');
            }
          }
          // 4. Redis streams without MAXLEN / MINID trimming.
          if (owner?.role === 'redis' && (method === 'xadd' || method === 'xAdd')) {
            const trimmed = args.some((a) => /^(MAXLEN|MINID)$/i.test(model.stringValue(a) ?? '')) ||
              args.some((a) => objectProperty(a, 'TRIM') !== null);
            if (!trimmed) report(call, 'redis-stream-no-trim', 'Redis stream');
          }
        }

        // 5. Promise.all fan-out over message-sized arrays inside a handler, with no limiter in the file.
        const hasLimiter = [...model.imports.values()].some((b) => LIMITERS.includes(b.module));
        if (!hasLimiter) {
          for (const handler of handlers) {
            for (const call of callsInHandler(model, handler)) {
              const fanOut = unboundedFanOut(model, handler, call);
              if (fanOut) report(call, 'unbounded-fan-out', 'parallel work', { precision: 'Medium' });
            }
          }
        }

        // 6. Worker concurrency above the configured threshold.
        const limit = config.thresholds.workerConcurrency;
        for (const handler of handlers) {
          const key = handler.library === 'bullmq' ? 'concurrency' : handler.library === 'kafkajs' ? 'partitionsConsumedConcurrently' : null;
          const value = key ? objectProperty(handler.options ?? undefined, key) : null;
          if (value && exceeds(value, limit)) {
            report(value, 'oversized-concurrency', `${handler.library} concurrency`, { precision: 'Medium', severity: 'Suggestion' });
          }
        }
      },
    };
  },
});

function receiverOf(model: CodeModel, call: CallLike): string | null {
  const callee = calleeOf(call);
  return callee.type === 'MemberExpression' ? model.text.slice(callee.object.range[0], callee.object.range[1]) : null;
}

function receiverText(model: CodeModel, handler: Handler): string | null {
  return handler.registration.type === 'CallExpression' ? receiverOf(model, handler.registration) : null;
}

function isInfinite(node: TSESTree.Node): boolean {
  const target = unwrap(node);
  return (target.type === 'Identifier' && target.name === 'Infinity') ||
    (target.type === 'MemberExpression' && propertyName(target) === 'MAX_SAFE_INTEGER');
}

function isMinusOne(node: TSESTree.Node): boolean {
  const target = unwrap(node);
  return target.type === 'UnaryExpression' && target.operator === '-' && target.argument.type === 'Literal' && target.argument.value === 1;
}

function exceeds(node: TSESTree.Node, limit: number): boolean {
  const target = unwrap(node);
  if (target.type === 'Literal' && typeof target.value === 'number') return target.value > limit;
  return isInfinite(target);
}

function findProperty(node: TSESTree.Node | undefined, name: string): TSESTree.Node | null {
  if (!node) return null;
  const target = unwrap(node);
  if (target.type !== 'ObjectExpression') return null;
  for (const prop of target.properties) {
    if (prop.type !== 'Property') continue;
    if (keyName(prop.key) === name) return prop.value;
    const nested = findProperty(prop.value, name);
    if (nested) return nested;
  }
  return null;
}

/** `Promise.all(items.map(async ...))` where items come from the message or a batch. */
function unboundedFanOut(model: CodeModel, handler: Handler, call: CallLike): boolean {
  if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression') return false;
  const obj = call.callee.object;
  const method = propertyName(call.callee);
  if (obj.type !== 'Identifier' || obj.name !== 'Promise' || (method !== 'all' && method !== 'allSettled')) return false;
  const arg = call.arguments[0] ? unwrap(call.arguments[0]) : null;
  if (arg?.type !== 'CallExpression' || arg.callee.type !== 'MemberExpression' || propertyName(arg.callee) !== 'map') return false;
  if (!resolveFunction(model, arg.arguments[0])) return false;
  const source = arg.callee.object;
  // A Lambda SQS batch is bounded outside the code (see lambdaBatch); fanning it out is AWS's idiom.
  if (lambdaBatch(handler, source)) return false;
  const text = model.text.slice(source.range[0], source.range[1]);
  // `const order = JSON.parse(record.body)`: values derived from the message are the message's too.
  return mentionsAny(model, source, messageDataNames(model, handler)) || /\.messages$/.test(text) || /\bRecords$/.test(text);
}

/**
 * `event.Records` (or `Records` destructured from the event parameter) of a Lambda SQS handler. The
 * batch is already in memory when the handler runs: the event source mapping's BatchSize caps it (10
 * by default, 10,000 at most for a standard queue with a batching window, 10 for FIFO) and the
 * invocation payload is capped at 6 MB, so the fan-out cannot grow without limit; the knobs that
 * bound it are BatchSize and the mapping's MaximumConcurrency, which live in infrastructure code.
 * `Promise.allSettled(event.Records.map(...))` is AWS's documented partial-batch-response idiom.
 */
function lambdaBatch(handler: Handler, source: TSESTree.Node): boolean {
  if (handler.library !== 'lambda-sqs') return false;
  const event = handler.fn?.params[0];
  if (!event) return false;
  const target = unwrap(source);
  if (event.type === 'Identifier') {
    return target.type === 'MemberExpression' && propertyName(target) === 'Records' &&
      unwrap(target.object).type === 'Identifier' && (unwrap(target.object) as TSESTree.Identifier).name === event.name;
  }
  if (event.type === 'ObjectPattern' && target.type === 'Identifier') {
    return event.properties.some((p) => p.type === 'Property' && keyName(p.key) === 'Records' &&
      p.value.type === 'Identifier' && p.value.name === target.name);
  }
  return false;
}
