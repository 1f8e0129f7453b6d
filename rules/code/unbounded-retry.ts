// rules.md rule 6: a retry or redelivery loop with no finite attempt limit.
// Variants 1 (library without bound) and 2 (hand-rolled loop or recursion), and the consumer
// redelivery variants 3 (amqplib requeue), 4 (JetStream nak), 5 (Pub/Sub nack) and 7 (kafkajs restart
// loop); variant 6 (CDK queues) needs a repository-wide queue index and is not implemented.
import { calleeText } from '../../src/code/ast.js';
import type { CodeModel } from '../../src/code/model.js';
import { constructAnchor, findRetries, sourceText, type RetryConstruct } from '../../src/code/retries.js';
import { isConnectionCall } from '../../src/code/retry-targets.js';
import { createCodeRule } from '../../src/review/rule.js';
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
    description: 'A retry loop or retry library has no finite attempt limit, so a permanent failure loops forever.',
    messages: {
      unboundedRetry:
        'Unbounded retry: {construct} at {loc} has no finite attempt limit ({variant}). A permanent failure or a poison ' +
        'message will loop, burn capacity and, in a consumer, block the partition. Bound attempts, back off with jitter, ' +
        'classify permanent errors, and end in a DLQ with an owner.',
    },
  },
  create(context) {
    const { model } = context;
    const threshold = context.config.thresholds.maxAttempts;
    return {
      'Program:exit'() {
        for (const loop of redeliveryLoops(model, context.config)) {
          context.report({
            node: loop.node,
            messageId: 'unboundedRetry',
            data: { construct: loop.construct, loc: `line ${model.line(loop.node)}`, variant: loop.variant },
            variant: loop.variant,
            severity: loop.critical ? 'Critical' : 'Important',
            precision: loop.precision,
            ...(loop.channel ? { channel: loop.channel } : {}),
            related: [{ path: context.path, line: model.line(loop.handler), note: 'consumer handler' }],
          });
        }
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
          // Library limits are reported where the limit is set (`forever: true`); absent ones at the call.
          const node = !handRolled && construct.boundNode?.type === 'Property' ? construct.boundNode : construct.node;
          context.report({
            node,
            messageId: 'unboundedRetry',
            data: {
              construct: `${construct.description}${around}`,
              loc: `${context.path}:${model.line(node)}`,
              variant: `${handRolled ? 'hand-rolled loop' : 'library without bound'}: ${reason}`,
            },
            variant,
            precision: construct.via === 'name' ? 'Medium' : 'High',
            anchor: constructAnchor(model, construct),
            ...(model.line(node) !== model.line(construct.node)
              ? { related: [{ path: context.path, line: model.line(construct.node), note: `retry construct ${construct.description}` }] }
              : {}),
          });
        }
      },
    };
  },
});

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
