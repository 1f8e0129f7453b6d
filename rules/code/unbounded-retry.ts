// rules.md rule 6: a retry or redelivery loop with no finite attempt limit.
// Variants 1 (library without bound) and 2 (hand-rolled loop or recursion), the consumer redelivery
// variants 3 (amqplib requeue), 4 (JetStream nak), 5 (Pub/Sub nack) and 7 (kafkajs restart loop), and
// 6 (a CDK queue without a dead-letter queue that some analysed file consumes), which needs every
// file's queues and consumers and so runs from the cross-file index.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeText, contains, parentOf } from '../../src/code/ast.js';
import type { CodeModel } from '../../src/code/model.js';
import { constructAnchor, findRetries, sourceText, type RetryConstruct } from '../../src/code/retries.js';
import { isConnectionCall } from '../../src/code/retry-targets.js';
import type { CrossFileIndex, SqsQueueSite } from '../../src/review/cross-file.js';
import { createCodeRule, type CodeRuleContext } from '../../src/review/rule.js';
import type { RelatedLocation } from '../../src/review/types.js';
import { redeliveryLoops } from './_redelivery.js';

type Variant = 'library' | 'hand-rolled-loop';

export default createCodeRule({
  meta: {
    id: 'unbounded-retry',
    kind: 'code',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['R4', 'R3'],
    antiPattern: 'unbounded-retry',
    failureModes: ['retry-storm', 'poison-message-loop'],
    pattern: 'Bounded retry with backoff, jitter and a dead-letter channel',
    // Variant 6 matches a stack's queues with the consumers of every analysed file.
    crossFile: true,
    description: 'A retry loop or retry library has no finite attempt limit, so a permanent failure loops forever.',
    messages: {
      unboundedRetry:
        'Unbounded retry: {construct} at {loc} has no finite attempt limit ({variant}). A permanent failure or a poison ' +
        'message will loop, burn capacity and, in a consumer, block the partition. Bound attempts, back off with jitter, ' +
        'classify permanent errors, and end in a DLQ with an owner.',
    },
  },
  create(context) {
    // Two scopes on purpose: the Repository:exit closure outlives the file and must not share a
    // scope that holds its model (V8 keeps a scope alive for every closure created in it).
    return { 'Repository:exit': unlimitedReceives(context), ...fileVariants(context) };
  },
});

type Context = CodeRuleContext<'unboundedRetry'>;

const POISON_MESSAGE_LOOP = 'poison-message-loop';

/** Variants 1-5 and 7: what the file's own syntax tree shows. */
function fileVariants(context: Context) {
  return {
    'Program:exit'() {
      reportRedeliveryLoops(context);
      reportRetryConstructs(context);
    },
  };
}

function reportRedeliveryLoops(context: Context): void {
  const { model } = context;
  for (const loop of redeliveryLoops(model, context.config)) {
    context.report({
      node: loop.node,
      messageId: 'unboundedRetry',
      data: { construct: loop.construct, loc: `line ${model.line(loop.node)}`, variant: loop.detail ?? loop.variant },
      variant: loop.variant,
      severity: loop.critical ? 'Critical' : 'Important',
      precision: loop.precision,
      // A broker handing one message back forever is a poison-message loop, not a retry storm
      // (clients hammering a struggling dependency): the failure-mode walk must not blame it for both.
      failureModes: [POISON_MESSAGE_LOOP],
      ...(loop.channel ? { channel: loop.channel } : {}),
      related: [{ path: context.path, line: model.line(loop.handler), note: 'consumer handler' }],
    });
  }
}

function reportRetryConstructs(context: Context): void {
  const { model } = context;
  const threshold = context.config.thresholds.maxAttempts;
  for (const construct of findRetries(model)) {
    const reason = unboundedReason(model, construct, threshold);
    if (!reason) continue;
    const handRolled = construct.kind === 'loop' || construct.kind === 'recursion';
    // rules.md rule 6 variant 2 is the try/catch shape; result polling loops wait for readiness.
    if (construct.kind === 'loop' && construct.shape !== 'try-catch') continue;
    // Reconnect loops retry idempotent set-up calls forever on purpose (rule 6 false positives).
    if (handRolled && construct.wraps.every((call) => isConnectionCall(model, call))) continue;
    const variant: Variant = handRolled ? 'hand-rolled-loop' : 'library';
    const around = handRolled && construct.wraps[0] ? ` around ${calleeText(model.text, construct.wraps[0])}` : '';
    // Library limits are reported where the limit is set (`forever: true`) when the call's own
    // options set it; absent ones, and limits set in an options object declared elsewhere (a const
    // several calls share), at the call, so each call gets its own finding and the option is related.
    const limit = !handRolled && construct.boundNode?.type === 'Property' ? construct.boundNode : null;
    const inCall = limit !== null && contains(construct.node, limit);
    const node = limit && inCall ? limit : construct.node;
    const sharedLimit = limit && !inCall ? limit : null;
    const setIn = sharedLimit ? `, set in ${optionsName(sharedLimit) ?? 'an options object'} at line ${model.line(sharedLimit)}` : '';
    const related: RelatedLocation[] = [];
    if (model.line(node) !== model.line(construct.node)) {
      related.push({ path: context.path, line: model.line(construct.node), note: `retry construct ${construct.description}` });
    }
    if (sharedLimit) {
      related.push({ path: context.path, line: model.line(sharedLimit), note: `retry limit ${sourceText(model, sharedLimit)}${optionsName(sharedLimit) ? ` in ${optionsName(sharedLimit)}` : ''}` });
    }
    context.report({
      node,
      messageId: 'unboundedRetry',
      data: {
        construct: `${construct.description}${around}`,
        loc: `${context.path}:${model.line(node)}`,
        variant: `${handRolled ? 'hand-rolled loop' : 'library without bound'}: ${reason}${setIn}`,
      },
      variant,
      precision: construct.via === 'name' ? 'Medium' : 'High',
      anchor: constructAnchor(model, construct),
      ...(related.length ? { related } : {}),
    });
  }
}

/**
 * Variant 6: a CDK queue of this file with no `deadLetterQueue` that the same file wires to a
 * consumer or that a receive loop / sqs-consumer in any analysed file names. Important, not Critical:
 * missing-dlq reads one file, so for a consumer elsewhere it never holds, and rules.md makes Critical
 * depend on it. Runs after every file, from plain data: it reports with `loc` and `anchor`.
 */
function unlimitedReceives(context: Context): () => void {
  return () => {
    const index = context.crossFile;
    if (!index) return;
    for (const queue of index.sqsQueuesIn(context.path)) {
      const related = consumersOf(index, queue);
      if (related.length === 0) continue;
      context.report({
        loc: queue.loc,
        anchor: queue.anchor,
        messageId: 'unboundedRetry',
        data: {
          construct: `CDK sqs.Queue '${queue.label}'`,
          loc: `${queue.path}:${queue.line}`,
          variant: 'unlimited receives (SQS via CDK): the queue has no deadLetterQueue, so a message that keeps failing is ' +
            'received again after every visibility timeout until its retention period ends',
        },
        variant: 'unlimited-receives-sqs',
        failureModes: [POISON_MESSAGE_LOOP],
        ...(queue.name ? { channel: queue.name } : {}),
        related,
      });
    }
  };
}

/** Where the queue is consumed; a consumer that reads ApproximateReceiveCount bounds receives itself. */
function consumersOf(index: CrossFileIndex, queue: SqsQueueSite): RelatedLocation[] {
  const local = queue.consumedAt.map((c) => ({ path: queue.path, line: c.line, note: `consumed by ${c.description}` }));
  const remote = queue.name ? index.sqsConsumersOf(queue.name).filter((c) => !c.countsReceives) : [];
  return [...local, ...remote.map((c) => ({ path: c.path, line: c.line, note: `${c.library} consumer of ${c.queue}` }))];
}

/** `RETRY_OPTS` for a property of `const RETRY_OPTS = { ... }` (through `as const` / `satisfies`), else null. */
function optionsName(property: TSESTree.Node): string | null {
  let current = parentOf(property);
  while (current && (current.type === 'ObjectExpression' || current.type === 'TSAsExpression' || current.type === 'TSSatisfiesExpression')) {
    const parent = parentOf(current);
    if (parent?.type === 'VariableDeclarator') return parent.id.type === 'Identifier' ? parent.id.name : null;
    if (parent?.type === 'Property' && parent.value === current) {
      current = parentOf(parent);
      continue;
    }
    current = parent;
  }
  return null;
}

/** Why the construct counts as unbounded, or null when it has a finite limit within the threshold. */
function unboundedReason(model: CodeModel, construct: RetryConstruct, threshold: number): string | null {
  const { bound } = construct;
  if (typeof bound === 'number') {
    return bound > threshold ? `${boundLabel(construct)} ${bound} is above thresholds.maxAttempts (${threshold})` : null;
  }
  if (bound !== 'unbounded') return null;
  switch (construct.library) {
    case 'loop':
      return construct.boundNode ? 'the loop never stops retrying' : 'no attempt counter is compared with a bound on the way out of the catch';
    case 'recursion':
      return 'the catch calls the function again with no decreasing or compared counter';
    case 'cockatiel':
      return construct.boundNode ? `${boundLabel(construct)} is infinite` : 'no finite maxAttempts / .attempts(n)';
    default:
      return construct.boundNode ? `${sourceText(model, construct.boundNode)} never stops` : 'no finite limit';
  }
}

function boundLabel(construct: RetryConstruct): string {
  switch (construct.library) {
    case 'bullmq':
    case 'loop':
    case 'recursion':
      return 'attempts';
    case 'cockatiel':
    case 'aws-sdk':
      return 'maxAttempts';
    case 'got':
      return 'retry.limit';
    case 'kafkajs':
      return 'retry.retries';
    default:
      return 'retries';
  }
}
