import rule from '../../rules/docs/pattern-mapping-attribution.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const ADR = 'docs/features/payments/adrs/0003-provider-calls.md';
const RFC = 'docs/system/architecture-rfc.md';
const DESIGN = 'docs/features/payments/design.md';

/** Rows start on line 5. */
const table = (...rows: string[]) =>
  md('## Pattern mapping', '', '| Concern | Pattern | Tool / implementation | Why | Verification |', '| --- | --- | --- | --- | --- |', ...rows);

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    {
      name: 'rule 30 Passes example',
      files: {
        [ADR]: table(
          '| Provider isolation | Bulkhead | Dedicated Temporal task queue and worker pool for provider calls | One slow provider cannot starve others | Load test with a slow provider |',
          '| Provider outages | Circuit Breaker | Resilience library inside the provider activity code | Stop calling a failing provider | Breaker opens after 5 consecutive failures in a test |',
        ),
      },
    },
    {
      name: 'a compound row that attributes each pattern in its own segment',
      files: {
        [ADR]: table('| Provider outages | Bulkhead + Circuit Breaker | Bulkhead: Temporal task queue per provider; Circuit breaker: opossum in the activity code | Isolate | Chaos test |'),
      },
    },
    {
      name: 'one pattern described with "with" is not a bundle; Temporal plus a breaker library is not an overclaim',
      files: {
        [ADR]: table(
          '| Ledger write | Transactional Outbox with CDC relay | Postgres outbox table and Debezium | Avoid dual-write | Outbox test |',
          '| Provider outages | Circuit Breaker | Temporal activity code with cockatiel | Fail fast | Breaker test |',
        ),
      },
    },
    {
      name: 'tables without Pattern and Tool columns, and designs, are not read',
      files: {
        [ADR]: md('| Concern | Pattern |', '| --- | --- |', '| Outages | Bulkhead + Circuit Breaker |'),
        [DESIGN]: table('| Outages | Bulkhead + Circuit Breaker | Temporal | Isolate | Chaos test |'),
      },
    },
  ],
  invalid: [
    {
      name: 'rule 30 Fails example: a bundled row that Temporal cannot implement (one finding per row)',
      files: { [ADR]: table('| Payment provider outages | Bulkhead + Circuit Breaker | Temporal | Isolate the provider | Chaos test |') },
      errors: [{ messageId: 'compoundRow', path: ADR, line: 5, severity: 'Important' }],
    },
    {
      name: 'capability overclaims from the seed table',
      files: {
        [RFC]: table(
          '| Duplicates | Idempotent Receiver | Kafka idempotent producer | Exactly once | Duplicate test |',
          '| Ordering | Resequencer | SQS standard queue | Order per account | Ordering test |',
          '| Bursts | Backpressure | KEDA autoscaling on lag | Absorb bursts | Load test |',
          '| Provider outages | Circuit Breaker | AWS Step Functions retry policy | Fail fast | Chaos test |',
        ),
      },
      errors: [
        { messageId: 'capabilityOverclaim', path: RFC, line: 5 },
        { messageId: 'capabilityOverclaim', path: RFC, line: 6 },
        { messageId: 'capabilityOverclaim', path: RFC, line: 7 },
        { messageId: 'capabilityOverclaim', path: RFC, line: 8 },
      ],
    },
    {
      name: 'a bundle joined by "and" or "/" whose tool has fewer segments than patterns',
      files: { [ADR]: table('| Delivery | Retry and Dead Letter Channel | Consumer middleware | Bounded retries | Poison test |', '| Reads | Cache-Aside / Read Replica | Redis; Postgres | Fast reads | Load test |') },
      errors: [
        { messageId: 'compoundRow', path: ADR, line: 5 },
        { messageId: 'compoundRow', path: ADR, line: 6 },
      ],
    },
  ],
});
