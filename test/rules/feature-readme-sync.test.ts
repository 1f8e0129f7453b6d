import rule from '../../rules/docs/feature-readme-sync.js';
import { configSchema } from '../../src/config/schema.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const L = 'docs/features/loyalty-points';

/** One string per line, so a case's expected line is the index + 1. */
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const O = 'docs/features/orders';
const README = `${O}/README.md`;

/** The rule 24 Passes example's Artifacts lines. */
const PASSES_ARTIFACTS = [
  '- **Design**: [design.md](design.md)',
  '- **ADRs**: (none)',
  '- **Contracts**: [contracts/orders.placed.v1.md](contracts/orders.placed.v1.md)',
  '- **Runbooks**: [runbooks/replay.md](runbooks/replay.md)',
  '- **Launch decisions**: (none)',
];

/**
 * A 34-line README; Artifacts fields on lines 20-24, Channels owned entries from line 34. Service
 * info Tier on line 5, Last reviewed on line 6.
 */
function readme(options: { artifacts?: string[]; channels?: string[]; tier?: string; reviewed?: string } = {}): string {
  return md(
    '# Orders', // 1
    '', // 2
    '## Service info', // 3
    '- **Owner team**: Orders Platform', // 4
    `- **Tier**: ${options.tier ?? 'Service-ready'}`, // 5
    `- **Last reviewed**: ${options.reviewed ?? '2026-05-20'}`, // 6
    '- **SLO**: 99.9% of orders accepted within 2 s', // 7
    '', // 8
    '## System concerns (the layer beyond code)', // 9
    '- **Tenancy**: single-tenant', // 10
    '- **Compliance**: none', // 11
    '', // 12
    '## Shared references', // 13
    '- **Standards followed**: (none yet)', // 14
    '', // 15
    '## Dependencies', // 16
    '- **Upstream services**: checkout', // 17
    '', // 18
    '## Artifacts', // 19
    ...(options.artifacts ?? PASSES_ARTIFACTS), // 20-24
    '', // 25
    '## Notes', // 26
    'Orders are accepted by the checkout flow.', // 27
    'The relay publishes every accepted order.', // 28
    'Consumers dedupe on the event id.', // 29
    'Replays are operator-only.', // 30
    'The index lists only what exists.', // 31
    '', // 32
    '## Channels owned', // 33
    ...(options.channels ?? ['- `orders.placed.v1`: produced. See [contracts/orders.placed.v1.md](contracts/orders.placed.v1.md).']), // 34
  );
}

const WITH_LAUNCHES = [
  ...PASSES_ARTIFACTS.slice(0, 4),
  '- **Launch decisions**: [launches/2026-05-01.md](launches/2026-05-01.md), [launches/2026-06-01.md](launches/2026-06-01.md)',
];

const TREE = [`${O}/design.md`, `${O}/contracts/orders.placed.v1.md`, `${O}/runbooks/replay.md`];

const launch = (tier: string) => md('## Summary', '- **Status**: GO', '- **Date**: 2026-06-01', '- **Feature**: orders', `- **Tier achieved**: ${tier}`);

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'rule 24 Passes example', files: { [README]: readme() }, extraPaths: TREE },
    {
      name: 'a consumed channel links the producer’s contract; `both` links its own',
      files: {
        [README]: readme({
          channels: [
            '- `orders.placed.v1`: both. See [contracts/orders.placed.v1.md](contracts/orders.placed.v1.md).',
            '- `payments.authorized.v1`: consumed. See [../payments/contracts/payments.authorized.v1.md](../payments/contracts/payments.authorized.v1.md).',
            '- `payments.settled.v1`: consumed. See `../payments/contracts/payments.settled.v1.md`.',
          ],
        }),
      },
      extraPaths: [...TREE, 'docs/features/payments/contracts/payments.authorized.v1.md', 'docs/features/payments/contracts/payments.settled.v1.md'],
    },
    {
      name: 'Design "(not yet written)" while there is no design; prose bullets in Channels owned are not entries',
      files: {
        [README]: readme({
          artifacts: ['- **Design**: (not yet written)', '- **ADRs**: (none)', '- **Contracts**: (none)', '- **Runbooks**: (none)', '- **Launch decisions**: (none)'],
          channels: ['- None yet; the first channel lands with the design.'],
        }),
      },
    },
    {
      name: 'Tier and Last reviewed follow the latest launch (the later review date is fine)',
      files: {
        [README]: readme({ tier: 'Production-ready', reviewed: '2026-06-03', artifacts: WITH_LAUNCHES }),
        [`${O}/launches/2026-06-01.md`]: launch('Production-ready'),
      },
      extraPaths: [...TREE, `${O}/launches/2026-05-01.md`],
    },
    {
      name: 'a field whose links are sub-bullets under it lists them',
      files: {
        [README]: readme({
          artifacts: [
            ...PASSES_ARTIFACTS.slice(0, 3),
            '- **Runbooks**:',
            '  - [runbooks/replay.md](runbooks/replay.md)',
            '  - [runbooks/dlq-triage.md](./runbooks/dlq-triage.md)',
            PASSES_ARTIFACTS[4],
          ],
        }),
      },
      extraPaths: [...TREE, `${O}/runbooks/dlq-triage.md`],
    },
    {
      name: 'a feature without README and without artifacts (only unclassified files) is fine',
      files: {},
      extraPaths: [`${O}/notes/ideas.txt`],
    },
  ],
  invalid: [
    {
      name: 'rule 24 Fails example: replay.md not listed; region-failover.md listed as planned',
      files: {
        [README]: readme({
          artifacts: [
            '- **Design**: [design.md](design.md)',
            '- **ADRs**: (none)',
            '- **Contracts**: [contracts/orders.placed.v1.md](contracts/orders.placed.v1.md)',
            '- **Runbooks**: [runbooks/region-failover.md](runbooks/region-failover.md) (planned)',
            '- **Launch decisions**: (none)',
          ],
        }),
      },
      extraPaths: TREE,
      errors: [
        { messageId: 'missingEntry', path: README, line: 23, severity: 'Important' },
        { messageId: 'plannedEntry', path: README, line: 23, severity: 'Important' },
      ],
    },
    {
      name: 'step 1: a feature with artifacts but no README (reported on the design)',
      files: { [`${O}/design.md`]: md('# Orders Design') },
      extraPaths: [`${O}/contracts/orders.placed.v1.md`],
      errors: [{ messageId: 'missingReadme', path: `${O}/design.md`, line: 1 }],
    },
    {
      name: 'step 1: without a design, on the first artifact',
      files: { [`${O}/contracts/orders.placed.v1.md`]: md('# Contract') },
      errors: [{ messageId: 'missingReadme', path: `${O}/contracts/orders.placed.v1.md`, line: 1 }],
    },
    {
      name: 'step 2: required sections Important, other template sections Suggestion',
      files: { [README]: md('# Orders', '', '## Service info', '- **Owner team**: Orders Platform', ...Array(30).fill('')) },
      errors: [
        { messageId: 'missingSection', path: README, line: 1 },
        { messageId: 'missingSection', path: README, line: 1 },
        { messageId: 'missingSection', path: README, line: 1 },
        { messageId: 'missingSection', path: README, line: 1 },
        { messageId: 'missingSection', path: README, line: 1 },
      ],
    },
    {
      name: 'step 2: only template sections missing (Suggestion)',
      files: {
        [README]: readme()
          .replace('## System concerns (the layer beyond code)', '## Concerns')
          .replace('## Shared references', '## References')
          .replace('## Dependencies', '## Deps'),
      },
      extraPaths: TREE,
      errors: [
        { messageId: 'missingSection', path: README, line: 1, severity: 'Suggestion' },
        { messageId: 'missingSection', path: README, line: 1, severity: 'Suggestion' },
        { messageId: 'missingSection', path: README, line: 1, severity: 'Suggestion' },
      ],
    },
    {
      name: 'step 2: a required section missing (Important)',
      files: { [README]: readme().replace('## Channels owned', '## Channels') },
      extraPaths: TREE,
      errors: [{ messageId: 'missingSection', path: README, line: 1, severity: 'Important' }],
    },
    {
      name: 'step 3: an entry without a file, a missing field, a TODO value and unlisted ADRs',
      files: {
        [README]: readme({
          artifacts: [
            '- **Design**: [design.md](design.md)',
            '- **ADRs**: (none)',
            '- **Contracts**: [contracts/orders.placed.v1.md](contracts/orders.placed.v1.md), [contracts/orders.cancelled.v1.md](contracts/orders.cancelled.v1.md)',
            '- **Launch decisions**: TODO after the beta',
            '',
          ],
        }),
      },
      extraPaths: [...TREE, `${O}/adrs/0001-outbox.md`],
      errors: [
        { messageId: 'missingEntry', path: README, line: 21 },
        { messageId: 'entryWithoutFile', path: README, line: 22 },
        { messageId: 'plannedEntry', path: README, line: 23 },
        { messageId: 'missingField', path: README, line: 19 },
      ],
    },
    {
      name: 'step 4: entries without a link, with a broken link, and with the wrong contract',
      files: {
        [README]: readme({
          channels: [
            '- `orders.placed.v1`: produced.', // 34
            '- `orders.cancelled.v1`: produced. See [contracts/orders.canceled.v1.md](contracts/orders.canceled.v1.md).', // 35
            '- `payments.authorized.v1`: consumed. See [contracts/orders.placed.v1.md](contracts/orders.placed.v1.md).', // 36
            '- `orders.shipped.v1` (produced) — see [design](design.md)', // 37
          ],
        }),
      },
      extraPaths: [...TREE, 'docs/features/payments/contracts/payments.authorized.v1.md'],
      errors: [
        { messageId: 'channelWithoutLink', path: README, line: 34 },
        { messageId: 'channelLinkBroken', path: README, line: 35 },
        { messageId: 'channelLinkWrong', path: README, line: 36 },
        { messageId: 'channelLinkWrong', path: README, line: 37 },
      ],
    },
    {
      name: 'step 5: Tier and Last reviewed behind the latest launch',
      files: {
        [README]: readme({ tier: 'Service-ready', reviewed: '2026-05-20', artifacts: WITH_LAUNCHES }),
        [`${O}/launches/2026-06-01.md`]: launch('Production-ready'),
      },
      extraPaths: [...TREE, `${O}/launches/2026-05-01.md`],
      errors: [
        { messageId: 'tierMismatch', path: README, line: 5 },
        { messageId: 'lastReviewedStale', path: README, line: 6 },
      ],
    },
    {
      name: 'step 6: line count outside the configured range, and an own link written with ../',
      files: {
        [README]: readme({
          artifacts: [
            '- **Design**: [design.md](../orders/design.md)',
            '- **ADRs**: (none)',
            '- **Contracts**: [contracts/orders.placed.v1.md](contracts/orders.placed.v1.md)',
            '- **Runbooks**: [runbooks/replay.md](runbooks/replay.md)',
            '- **Launch decisions**: (none)',
          ],
        }),
      },
      extraPaths: TREE,
      config: configSchema.parse({ thresholds: { readmeLines: [10, 20] } }),
      errors: [
        { messageId: 'lineCount', path: README, line: 1, severity: 'Suggestion' },
        { messageId: 'ownLinkUpward', path: README, line: 20, severity: 'Suggestion' },
      ],
    },
    {
      name: 'the loyalty-points README missing its runbook entry',
      files: { ...loyalty, [`${L}/README.md`]: loyalty[`${L}/README.md`].replace('- **Runbooks**: [runbooks/dlq-triage.md](runbooks/dlq-triage.md)', '- **Runbooks**: (none)') },
      errors: [{ messageId: 'missingEntry', path: `${L}/README.md`, line: 28 }],
    },
  ],
});
