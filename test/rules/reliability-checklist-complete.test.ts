import rule from '../../rules/docs/reliability-checklist-complete.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const L = 'docs/features/loyalty-points';

/** One string per line, so a case's expected line is the index + 1. */
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const DESIGN = 'docs/features/orders/design.md';

/** The rule 34 Passes example; the heading is line 3 and the answers lines 4-11. */
const PASSES = [
  '- **Delivery**: at-least-once; consumers dedupe.',
  '- **Idempotency**: inbox table unique on event id, 14-day retention.',
  '- **Bad-message**: `orders.placed.v1.dlq`, owned by Orders Platform.',
  '- **Retry**: 5 attempts, exponential backoff with jitter; 4xx not retried.',
  '- **Ordering**: per-key by `order_id`.',
  '- **Schema**: Avro in the registry, BACKWARD, CI compatibility check.',
  '- **Observability**: `traceparent` propagated; lag age, DLQ depth, retry rate.',
  '- **Failure-boundary**: local transaction plus outbox; the fulfilment saga compensates downstream.',
];

const design = (...answers: string[]) => md('# Orders Design', '', '## Reliability checklist (8 answers)', ...answers, '', '## Patterns', '- Outbox');
const replace = (key: string, answer: string) => PASSES.map((l) => (l.startsWith(`- **${key}**`) ? `- **${key}**: ${answer}` : l));

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'rule 34 Passes example', files: { [DESIGN]: design(...PASSES) } },
    {
      name: 'synonyms and plain field lines; ordering by a bare snake_case key or "none"',
      files: {
        [DESIGN]: design(
          'Delivery guarantee: exactly-once via transactions',
          'Idempotency: dedup on id',
          'Bad message: parked on the DLQ',
          'Retry policy: 3 attempts with jitter',
          'Ordering: by order_id within a partition',
          'Schema evolution: JSON Schema, BACKWARD',
          'Observability: traces and lag',
          'Failure boundary: the local transaction',
        ),
      },
    },
    { name: 'a delivery guarantee written with spaces: at least once', files: { [DESIGN]: design(...replace('Delivery', 'at least once; every consumer dedupes.')) } },
    { name: 'ordering "none" is an answer', files: { [DESIGN]: design(...replace('Ordering', 'none; events are independent facts.')) } },
    {
      name: '"rollback" holds no deferral word',
      files: { [DESIGN]: design(...replace('Failure-boundary', 'rollback of the local transaction only.')) },
    },
    {
      name: 'exactly 15 words, counting a code span and a link as the spec says',
      files: {
        [DESIGN]: design(
          ...replace('Retry', '5 attempts — exponential backoff from `200 ms` + full jitter; see [the retry policy](../x.md) for permanent errors.'),
        ),
      },
    },
    {
      name: 'a complete optional distributed-systems checklist',
      files: {
        [DESIGN]: md(
          '# Orders Design',
          '',
          '## Reliability checklist (8 answers)',
          ...PASSES,
          '',
          '## Distributed-systems checklist (6 answers, when applicable)',
          '- **Boundary**: orders service owns the order aggregate.',
          '- **Consistency**: eventual across services.',
          '- **Scaling axis**: partitions by order id.',
          '- **Failure mode**: broker outage buffers in the outbox.',
          '- **Backpressure**: bounded consumer concurrency.',
          '- **Operations**: runbooks for DLQ and lag.',
        ),
      },
    },
    {
      name: 'contracts, ADRs and READMEs are not read',
      files: { 'docs/features/orders/adrs/0001-x.md': md('# ADR-0001: X', '', '## Context', 'Nothing.') },
    },
  ],
  invalid: [
    {
      name: 'rule 34 Fails example',
      files: {
        [DESIGN]: md(
          '# Orders Design', // 1
          '', // 2
          '## Reliability checklist (8 answers)', // 3
          '- **Delivery**: at-least-once', // 4
          '- **Idempotency**: later', // 5
          '- **Retry**: TBD', // 6
          '- **Ordering**: per order', // 7
        ),
      },
      errors: [
        { messageId: 'deferred', path: DESIGN, line: 5, severity: 'Important' },
        { messageId: 'placeholder', path: DESIGN, line: 6, severity: 'Important' },
        { messageId: 'orderingVocabulary', path: DESIGN, line: 7, severity: 'Important' },
        { messageId: 'missingKey', path: DESIGN, line: 3 },
        { messageId: 'missingKey', path: DESIGN, line: 3 },
        { messageId: 'missingKey', path: DESIGN, line: 3 },
        { messageId: 'missingKey', path: DESIGN, line: 3 },
      ],
    },
    {
      name: 'step 1: section missing',
      files: { [DESIGN]: md('# Orders Design', '', '## Patterns', '- Outbox') },
      errors: [{ messageId: 'missingSection', path: DESIGN, line: 1 }],
    },
    {
      name: 'step 3: deferral words as whole words, in any case; an empty answer',
      files: {
        [DESIGN]: design(
          ...replace('Schema', 'To be decided with the platform team.').map((l) =>
            l.startsWith('- **Observability**') ? '- **Observability**: n/a for now' : l.startsWith('- **Retry**') ? '- **Retry**:' : l,
          ),
        ),
      },
      errors: [
        { messageId: 'placeholder', path: DESIGN, line: 7 },
        { messageId: 'deferred', path: DESIGN, line: 9 },
        { messageId: 'deferred', path: DESIGN, line: 10 },
      ],
    },
    {
      name: 'step 3: TBC, "to be confirmed" and "to be determined" defer like TBD',
      files: {
        [DESIGN]: design(
          ...replace('Retry', 'TBC after the load test.').map((l) =>
            l.startsWith('- **Schema**') ? '- **Schema**: to be confirmed by the platform team' : l.startsWith('- **Observability**') ? '- **Observability**: To be determined.' : l,
          ),
        ),
      },
      errors: [
        { messageId: 'deferred', path: DESIGN, line: 7 },
        { messageId: 'deferred', path: DESIGN, line: 9 },
        { messageId: 'deferred', path: DESIGN, line: 10 },
      ],
    },
    {
      name: 'step 4: no delivery guarantee; ordering without total, per-key, none or a key',
      files: { [DESIGN]: design(...replace('Delivery', 'reliable delivery through Kafka.').map((l) => (l.startsWith('- **Ordering**') ? '- **Ordering**: per customer' : l))) },
      errors: [
        { messageId: 'deliveryVocabulary', path: DESIGN, line: 4 },
        { messageId: 'orderingVocabulary', path: DESIGN, line: 8 },
      ],
    },
    {
      name: 'step 5: more than 15 words (Suggestion)',
      files: {
        [DESIGN]: design(...replace('Retry', 'five attempts with exponential backoff starting at two hundred milliseconds and full jitter, and permanent errors skip retries.')),
      },
      errors: [{ messageId: 'tooLong', path: DESIGN, line: 7, severity: 'Suggestion' }],
    },
    {
      name: 'step 6: the optional distributed-systems section follows steps 2-3',
      files: {
        [DESIGN]: md(
          '# Orders Design', // 1
          '', // 2
          '## Reliability checklist (8 answers)', // 3
          ...PASSES, // 4-11
          '', // 12
          '## Distributed-systems checklist (6 answers, when applicable)', // 13
          '- **Boundary**: orders service.', // 14
          '- **Consistency**: TBD', // 15
          '- **Scaling axis**: later', // 16
        ),
      },
      errors: [
        { messageId: 'placeholder', path: DESIGN, line: 15 },
        { messageId: 'deferred', path: DESIGN, line: 16 },
        { messageId: 'missingKey', path: DESIGN, line: 13 },
        { messageId: 'missingKey', path: DESIGN, line: 13 },
        { messageId: 'missingKey', path: DESIGN, line: 13 },
      ],
    },
    {
      name: 'the loyalty-points design with a deferred retry answer',
      files: {
        ...loyalty,
        [`${L}/design.md`]: loyalty[`${L}/design.md`].replace(
          '- **Retry**: 5 attempts, exponential backoff from 200 ms with full jitter; permanent errors skip retry.',
          '- **Retry**: later, once we load-test.',
        ),
      },
      errors: [{ messageId: 'deferred', path: `${L}/design.md`, line: 29 }],
    },
  ],
});
