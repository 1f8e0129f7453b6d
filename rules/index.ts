// The rule registry: every rule the engine runs, in the catalog's value order (rules.md §4).
import type { CodeRule, DocsRule, Rule } from '../src/review/rule.js';
import distributed2pc from './code/distributed-2pc.js';
import ackBeforeCommit from './code/ack-before-commit.js';
import autoCommitConsumer from './code/auto-commit-consumer.js';
import consumerErrorSwallowed from './code/consumer-error-swallowed.js';
import missingDlq from './code/missing-dlq.js';
import dualWrite from './code/dual-write.js';
import retryPermanentErrors from './code/retry-permanent-errors.js';
import retryWithoutJitter from './code/retry-without-jitter.js';
import stackedRetries from './code/stacked-retries.js';
import unboundedRetry from './code/unbounded-retry.js';
import missingTraceContext from './code/missing-trace-context.js';
import multiTypeChannel from './code/multi-type-channel.js';
import outboundCallWithoutTimeout from './code/outbound-call-without-timeout.js';
import oversizedPayload from './code/oversized-payload.js';
import producerDurability from './code/producer-durability.js';
import producerOrderingKeyMissing from './code/producer-ordering-key-missing.js';
import syncRpcChain from './code/sync-rpc-chain.js';
import lockWithoutFencing from './code/lock-without-fencing.js';
import sharedOltpWrite from './code/shared-oltp-write.js';
import consumerGracefulShutdown from './code/consumer-graceful-shutdown.js';
import nonIdempotentConsumer from './code/non-idempotent-consumer.js';
import unboundedPrefetchConcurrency from './code/unbounded-prefetch-concurrency.js';
import asyncapiTraceHeaders from './docs/asyncapi-trace-headers.js';
import channelNameMismatch from './docs/channel-name-mismatch.js';
import channelNamingConvention from './docs/channel-naming-convention.js';
import crossChannelPolicyConsistency from './docs/cross-channel-policy-consistency.js';
import dlqOwnership from './docs/dlq-ownership.js';
import orderingKeyMismatch from './docs/ordering-key-mismatch.js';
import schemaBreakingChange from './docs/schema-breaking-change.js';
import schemaClosedWithBackward from './docs/schema-closed-with-backward.js';
import schemaPiiClassification from './docs/schema-pii-classification.js';
import summaryMetadata from './docs/summary-metadata.js';
import artifactAntiPatternScan from './docs/artifact-anti-pattern-scan.js';
import concreteCriteria from './docs/concrete-criteria.js';
import launchDecisionGate from './docs/launch-decision-gate.js';
import openQuestionRolloutXref from './docs/open-question-rollout-xref.js';
import patternMappingAttribution from './docs/pattern-mapping-attribution.js';
import perScopeQualification from './docs/per-scope-qualification.js';
import referenceDontRestate from './docs/reference-dont-restate.js';
import schrodingerDecision from './docs/schrodinger-decision.js';
import siblingCrossReference from './docs/sibling-cross-reference.js';
import systemConcernsDrift from './docs/system-concerns-drift.js';
import tierClaimUnsupported from './docs/tier-claim-unsupported.js';
import adrStructure from './docs/adr-structure.js';
import boundaryContractFields from './docs/boundary-contract-fields.js';
import contractDocFields from './docs/contract-doc-fields.js';
import contractTripletComplete from './docs/contract-triplet-complete.js';
import designNoCodeBlocks from './docs/design-no-code-blocks.js';
import featureReadmeSync from './docs/feature-readme-sync.js';
import legacyLayout from './docs/legacy-layout.js';
import relatedArtifactsIntegrity from './docs/related-artifacts-integrity.js';
import reliabilityChecklistComplete from './docs/reliability-checklist-complete.js';
import runbookQualityBar from './docs/runbook-quality-bar.js';
import slugConsistency from './docs/slug-consistency.js';
import systemCatalogSync from './docs/system-catalog-sync.js';
import systemConcernsComplete from './docs/system-concerns-complete.js';
import undeclaredChannel from './code/undeclared-channel.js';

export const codeRules: CodeRule[] = [
  dualWrite,
  ackBeforeCommit,
  autoCommitConsumer,
  nonIdempotentConsumer,
  unboundedRetry,
  consumerErrorSwallowed,
  missingDlq,
  undeclaredChannel,
  producerOrderingKeyMissing,
  distributed2pc,
  retryPermanentErrors,
  retryWithoutJitter,
  missingTraceContext,
  stackedRetries,
  unboundedPrefetchConcurrency,
  lockWithoutFencing,
  sharedOltpWrite,
  multiTypeChannel,
  syncRpcChain,
  producerDurability,
  oversizedPayload,
  outboundCallWithoutTimeout,
  consumerGracefulShutdown,
] as CodeRule[];
export const docsRules: DocsRule[] = [
  schemaBreakingChange,
  channelNameMismatch,
  orderingKeyMismatch,
  schemaClosedWithBackward,
  dlqOwnership,
  schrodingerDecision,
  launchDecisionGate,
  systemConcernsComplete,
  summaryMetadata,
  relatedArtifactsIntegrity,
  featureReadmeSync,
  systemCatalogSync,
  concreteCriteria,
  siblingCrossReference,
  openQuestionRolloutXref,
  perScopeQualification,
  patternMappingAttribution,
  crossChannelPolicyConsistency,
  systemConcernsDrift,
  artifactAntiPatternScan,
  reliabilityChecklistComplete,
  boundaryContractFields,
  contractTripletComplete,
  contractDocFields,
  asyncapiTraceHeaders,
  tierClaimUnsupported,
  channelNamingConvention,
  adrStructure,
  runbookQualityBar,
  schemaPiiClassification,
  designNoCodeBlocks,
  slugConsistency,
  referenceDontRestate,
  legacyLayout,
] as DocsRule[];
export const allRules: Rule[] = [...codeRules, ...docsRules];

export function ruleById(id: string): Rule | undefined {
  return allRules.find((rule) => rule.meta.id === id);
}
