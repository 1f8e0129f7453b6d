// rules.md rule 18: retries back off deterministically (or not at all), so clients that failed together
// retry together.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { CodeModel } from '../../src/code/model.js';
import { constructAnchor, findRetries, sourceText, type RetryConstruct } from '../../src/code/retries.js';
import { originOf } from '../../src/code/retry-values.js';
import { createCodeRule } from '../../src/review/rule.js';

type Variant =
  | 'p-retry-no-randomize'
  | 'async-retry-randomize-false'
  | 'cockatiel-deterministic-backoff'
  | 'axios-retry-no-jitter'
  | 'bullmq-no-jitter'
  | 'kafkajs-no-randomization'
  | 'hand-rolled-loop';

export default createCodeRule({
  meta: {
    id: 'retry-without-jitter',
    kind: 'code',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['R4', 'D4'],
    antiPattern: 'retry-without-jitter',
    failureModes: ['retry-storm'],
    pattern: 'Exponential backoff with full or decorrelated jitter',
    description: 'Retries back off deterministically or not at all, so clients that fail together retry in lockstep.',
    messages: {
      noJitter:
        'Retry without jitter at {loc} ({variant}). Clients that fail together retry together and hit the recovering ' +
        'dependency in synchronised waves. Add randomised (full or decorrelated) jitter to the backoff.',
    },
  },
  create(context) {
    const { model } = context;
    return {
      'Program:exit'() {
        for (const construct of findRetries(model)) {
          if (construct.backoff.jitter !== 'no' || !retries(construct)) continue;
          const finding = classify(model, construct);
          if (!finding) continue;
          context.report({
            node: finding.node,
            messageId: 'noJitter',
            data: { loc: `${context.path}:${model.line(finding.node)}`, variant: finding.text },
            variant: finding.variant,
            precision: construct.via === 'name' ? 'Medium' : 'High',
            anchor: constructAnchor(model, construct),
          });
        }
      },
    };
  },
});

/** False when the construct never retries (one attempt); unknown counts keep the finding. */
function retries(construct: RetryConstruct): boolean {
  return construct.attempts === null || construct.attempts > 1;
}

function classify(model: CodeModel, c: RetryConstruct): { variant: Variant; text: string; node: TSESTree.Node } | null {
  switch (c.library) {
    case 'p-retry':
      return { variant: 'p-retry-no-randomize', text: 'p-retry without `randomize: true`; its exponential backoff is deterministic by default', node: c.node };
    case 'async-retry':
      return { variant: 'async-retry-randomize-false', text: 'async-retry with `randomize: false`', node: c.node };
    case 'cockatiel': {
      // rules.md rule 18 variant 3 names explicit deterministic backoffs on a policy with more than one attempt.
      if (c.backoff.kind !== 'fixed' && c.backoff.kind !== 'exponential') return null;
      if (typeof c.bound === 'number' ? c.bound <= 1 : c.bound !== 'unbounded') return null;
      const how = c.backoff.kind === 'fixed' ? 'a constant or fixed-list backoff' : 'ExponentialBackoff with noJitterGenerator';
      return { variant: 'cockatiel-deterministic-backoff', text: `cockatiel retry with ${how}`, node: c.node };
    }
    case 'axios-retry':
      return c.backoff.kind === 'none'
        ? { variant: 'axios-retry-no-jitter', text: 'axios-retry without `retryDelay` retries immediately', node: c.node }
        : { variant: 'axios-retry-no-jitter', text: `axios-retry \`retryDelay\` (${c.backoff.node ? sourceText(model, c.backoff.node.type === 'Property' ? c.backoff.node.value : c.backoff.node) : 'custom'}) has no random source`, node: c.node };
    case 'bullmq': {
      const attempts = c.attempts === null ? 'attempts' : `attempts: ${c.attempts}`;
      const how = c.backoff.kind === 'none'
        ? 'and no backoff retries immediately'
        : c.backoff.kind === 'fixed' && numericBackoff(model, c)
          ? 'with a numeric backoff has no jitter'
          : 'with a backoff that sets no `jitter`';
      return { variant: 'bullmq-no-jitter', text: `BullMQ ${c.node.type === 'NewExpression' ? 'defaultJobOptions ' : ''}${attempts} ${how}`, node: c.node };
    }
    case 'kafkajs':
      return { variant: 'kafkajs-no-randomization', text: 'kafkajs `retry.randomizationFactor: 0`', node: c.backoff.node ?? c.node };
    case 'loop':
    case 'recursion': {
      if (c.backoff.kind === 'none' || !c.backoff.node) return null;
      const delay = sourceText(model, c.backoff.node);
      return { variant: 'hand-rolled-loop', text: `hand-rolled retry; the delay \`${delay}\` has no random source`, node: c.backoff.node };
    }
    default:
      return null;
  }
}

function numericBackoff(model: CodeModel, c: RetryConstruct): boolean {
  const property = c.backoff.node;
  return property?.type === 'Property' && originOf(model, property.value).type !== 'ObjectExpression';
}
