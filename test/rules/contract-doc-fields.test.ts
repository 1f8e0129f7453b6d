import rule from '../../rules/docs/contract-doc-fields.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const L = 'docs/features/loyalty-points';
const LC = `${L}/contracts/loyalty.points-awarded.v1.md`;

/** One string per line, so a case's expected line is the index + 1. */
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const CONTRACT = 'docs/features/payments/contracts/payments.authorized.v1.md';

/** The rule 37 Passes example. */
const PASSES_COMPAT = [
  '- **Compatibility**: FULL',
  '- **CI gate**: `schema-check` job validates every schema against the registry subject `payments-authorized-value`.',
  '- Breaking changes open `payments.authorized.v2`; v1 is deprecated with a retirement date once the consumer audit is complete.',
];

interface Parts {
  patterns?: string[];
  producers?: string[];
  compat?: string[];
  keys?: string[];
}

/**
 * Line map: Patterns heading 3, Producer heading 6, Compatibility heading 11, its body from 12;
 * the sections after it move with the Compatibility body length.
 */
function contract(parts: Parts = {}): string {
  const compat = parts.compat ?? PASSES_COMPAT;
  return md(
    '# Contract: `payments.authorized.v1`', // 1
    '', // 2
    '## Patterns', // 3
    ...(parts.patterns ?? ['Event Message on a Datatype Channel.']), // 4
    '', // 5
    '## Producer and consumers', // 6
    ...(parts.producers ?? ['- Producer: payments-service', '- Consumers: ledger, notifications', '- Broker: Kafka']), // 7-9
    '', // 10
    '## Compatibility and versioning', // 11
    ...compat, // 12..
    '',
    '## Ordering, idempotency, retention',
    ...(parts.keys ?? ['- **Ordering key**: `payment_id`', '- **Idempotency key**: `id`', '- **Retention**: 14 days']),
    '',
    '## DLQ and replay',
    '- **DLQ**: `payments.authorized.v1.dlq` (owner: Payments Platform)',
  );
}

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'rule 37 Passes example', files: { [CONTRACT]: contract() } },
    {
      name: 'ordering key none, consumers "none yet", a compaction retention and a linked gate',
      files: {
        [CONTRACT]: contract({
          producers: ['- Producer: payments-service', '- Consumers: none yet (ledger joins in Q3)'],
          compat: ['Compatibility is `BACKWARD_TRANSITIVE`, enforced by the [registry check](https://ci.example.com/jobs/schema).', 'A v2 channel opens for breaking changes; v1 retires 30 days later.'],
          keys: ['- Ordering key: none', '- Dedup key: `id`', '- Retention: log-compacted'],
        }),
      },
    },
    {
      name: 'a gate named by a kebab-case job in plain prose',
      files: { [CONTRACT]: contract({ compat: ['- **Compatibility**: BACKWARD', '- The contract-compat job blocks incompatible schemas.', '- New version `payments.authorized.v2` on breaking change; v1 deprecated after 30 days.'] }) },
    },
  ],
  invalid: [
    {
      name: 'rule 37 Fails example: no mode, no CI gate, no versioning policy',
      files: { [CONTRACT]: contract({ compat: ['We will try not to break consumers.'] }) },
      errors: [
        { messageId: 'missingMode', path: CONTRACT, line: 11, severity: 'Important' },
        { messageId: 'missingCiGate', path: CONTRACT, line: 11, severity: 'Important' },
        { messageId: 'versioningPolicy', path: CONTRACT, line: 11, severity: 'Suggestion' },
      ],
    },
    {
      name: 'step 1: missing sections, each on line 1',
      files: { [CONTRACT]: md('# Contract: `payments.authorized.v1`', '', '## Summary', '- **Status**: Active', '', '## Related artifacts') },
      errors: [
        { messageId: 'missingSection', path: CONTRACT, line: 1 },
        { messageId: 'missingSection', path: CONTRACT, line: 1 },
        { messageId: 'missingSection', path: CONTRACT, line: 1 },
        { messageId: 'missingSection', path: CONTRACT, line: 1 },
        { messageId: 'missingSection', path: CONTRACT, line: 1 },
      ],
    },
    {
      name: 'step 2: NONE is never a default (on its line)',
      files: { [CONTRACT]: contract({ compat: ['- **Compatibility**: NONE', ...PASSES_COMPAT.slice(1)] }) },
      errors: [{ messageId: 'modeNone', path: CONTRACT, line: 12 }],
    },
    {
      name: 'step 3: gate words without a name, and a placeholder name',
      files: {
        [CONTRACT]: contract({
          compat: ['- **Compatibility**: BACKWARD', '- **CI gate**: `<gate>` in the CI pipeline.', '- Breaking changes open a v2 channel; v1 is retired after 30 days.'],
        }),
      },
      errors: [{ messageId: 'missingCiGate', path: CONTRACT, line: 11 }],
    },
    {
      name: 'step 5: placeholder ordering key, missing idempotency key, retention that is not a duration',
      files: { [CONTRACT]: contract({ keys: ['- **Ordering key**: <TBD>', '- **Retention**: as long as needed'] }) },
      errors: [
        { messageId: 'placeholderKeyField', path: CONTRACT, line: 17 },
        { messageId: 'missingKeyField', path: CONTRACT, line: 16 },
        { messageId: 'invalidRetention', path: CONTRACT, line: 18 },
      ],
    },
    {
      name: 'step 6: no consumer named, producer a placeholder',
      files: { [CONTRACT]: contract({ producers: ['- Producer: <service>', '- Broker: Kafka'] }) },
      errors: [{ messageId: 'producerConsumers', path: CONTRACT, line: 7 }],
    },
    {
      name: 'step 7: empty Patterns section (Suggestion)',
      files: { [CONTRACT]: contract({ patterns: ['<!-- one or two lines -->'] }) },
      errors: [{ messageId: 'emptyPatterns', path: CONTRACT, line: 3, severity: 'Suggestion' }],
    },
    {
      name: 'the loyalty-points contract without its CI gate line',
      files: { ...loyalty, [LC]: loyalty[LC].replace(/- \*\*CI gate\*\*:.*\n/, '') },
      errors: [{ messageId: 'missingCiGate', path: LC, line: 27 }],
    },
  ],
});
