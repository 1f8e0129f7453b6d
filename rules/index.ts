// The rule registry: every rule the engine runs, in the catalog's value order (rules.md §4).
import type { CodeRule, DocsRule, Rule } from '../src/review/rule.js';
import distributed2pc from './code/distributed-2pc.js';
import dualWrite from './code/dual-write.js';
import lockWithoutFencing from './code/lock-without-fencing.js';
import sharedOltpWrite from './code/shared-oltp-write.js';
import consumerGracefulShutdown from './code/consumer-graceful-shutdown.js';
import nonIdempotentConsumer from './code/non-idempotent-consumer.js';
import unboundedPrefetchConcurrency from './code/unbounded-prefetch-concurrency.js';
import summaryMetadata from './docs/summary-metadata.js';

export const codeRules: CodeRule[] = [
  dualWrite,
  nonIdempotentConsumer,
  distributed2pc,
  unboundedPrefetchConcurrency,
  lockWithoutFencing,
  sharedOltpWrite,
  consumerGracefulShutdown,
] as CodeRule[];
export const docsRules: DocsRule[] = [summaryMetadata as DocsRule];
export const allRules: Rule[] = [...codeRules, ...docsRules];

export function ruleById(id: string): Rule | undefined {
  return allRules.find((rule) => rule.meta.id === id);
}
