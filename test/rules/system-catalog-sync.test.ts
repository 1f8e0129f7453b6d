import rule from '../../rules/docs/system-catalog-sync.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);

/** One string per line, so a case's expected line is the index + 1. */
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const CATALOG = 'docs/system/catalog.md';
const ORDERS_README = 'docs/features/orders/README.md';
const PAYMENTS_README = 'docs/features/payments/README.md';

const readme = (owner: string, tier: string, slo: string, compliance: string, reviewed: string) =>
  md(
    '# Feature',
    '',
    '## Service info',
    `- **Owner team**: ${owner}`,
    `- **SLO**: ${slo}`,
    `- **Tier**: ${tier}`,
    `- **Last reviewed**: ${reviewed}`,
    '',
    '## System concerns (the layer beyond code)',
    `- **Compliance**: ${compliance}`,
  );

const ORDERS = readme('Orders Platform (#orders)', 'Service-ready', '99.9% < 2 s', 'none', '2026-05-20');
const PAYMENTS = readme('Payments', 'Prototype', '99% < 1 s', 'PCI, GDPR', '2026-05-01');

const HEADER = ['| Feature | Owner | Tier | SLO | Compliance | Last reviewed | Index |', '| --- | --- | --- | --- | --- | --- | --- |'];
const ORDERS_ROW = '| orders | Orders Platform | Service-ready | 99.9% < 2 s | none | 2026-05-20 | [README](../features/orders/README.md) |';
const PAYMENTS_ROW = '| payments | Payments | Prototype | 99% <  1 s | GDPR, PCI | 2026-05-01 | [README](../features/payments/README.md) |';

/** Title line 1, Last updated line 3, table header line 5, rows from line 7, cross-cutting heading after. */
const catalog = (rows: string[], cross: string[] = ['No platform-wide documents exist yet.'], updated = 'Last updated: 2026-05-20') =>
  md('# System Catalog', '', updated, '', ...HEADER, ...rows, '', '## Cross-cutting concerns', '', ...cross);

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    {
      name: 'rule 25 Passes example',
      files: { [CATALOG]: catalog([ORDERS_ROW]), [ORDERS_README]: ORDERS },
    },
    {
      name: 'two sorted rows; values compared by team, tier, compliance set and normalised SLO',
      files: { [CATALOG]: catalog([ORDERS_ROW, PAYMENTS_ROW]), [ORDERS_README]: ORDERS, [PAYMENTS_README]: PAYMENTS },
    },
    {
      name: 'READMEs outside the review scope are compared by existence only',
      files: { [CATALOG]: catalog([ORDERS_ROW, PAYMENTS_ROW]), [ORDERS_README]: ORDERS },
      extraPaths: [PAYMENTS_README],
    },
    {
      name: 'cross-cutting rows for docs and folders that exist, with their counts',
      files: {
        [CATALOG]: catalog(
          [ORDERS_ROW],
          [
            '| Concern | Doc | Status |',
            '| --- | --- | --- |',
            '| DR strategy | [dr.md](dr.md) | Draft |',
            '| Standards | [standards/](standards/) | 2 |',
            '| Platform-wide ADRs | [adrs/](adrs/) | 2 (latest 0002) |',
            '| Platform runbooks | `runbooks/` | 1 |',
          ],
        ),
        [ORDERS_README]: ORDERS,
      },
      extraPaths: [
        'docs/system/dr.md',
        'docs/system/standards/envelope.md',
        'docs/system/standards/naming.md',
        'docs/system/adrs/0001-one-broker.md',
        'docs/system/adrs/0002-cloudevents.md',
        'docs/system/runbooks/broker-outage.md',
      ],
    },
    {
      name: 'the older bullet-list form of the cross-cutting section',
      files: {
        [CATALOG]: catalog([ORDERS_ROW], ['- Glossary: [glossary.md](glossary.md) (Active)', '- Org topology: [topology.md](topology.md) (Draft)']),
        [ORDERS_README]: ORDERS,
      },
      extraPaths: ['docs/system/glossary.md', 'docs/system/topology.md'],
    },
    {
      name: 'no catalog and no feature README: nothing to say',
      files: { 'docs/features/orders/design.md': md('# Orders Design') },
    },
  ],
  invalid: [
    {
      name: 'rule 25 Fails example: a row without README, a tier mismatch, unsorted rows, a missing DR doc',
      files: {
        [CATALOG]: md(
          '# System Catalog', // 1
          '', // 2
          'Last updated: 2026-05-20', // 3
          '', // 4
          ...HEADER, // 5-6
          '| payments | Payments | Prototype | <SLO> | PCI | 2026-05-01 | [README](../features/payments/README.md) |', // 7
          '| orders | Orders Platform | Production-ready | 99.9% < 2 s | none | 2026-05-20 | [README](../features/orders/README.md) |', // 8
          '', // 9
          '## Cross-cutting concerns', // 10
          '', // 11
          '| Concern | Doc | Status |', // 12
          '| --- | --- | --- |', // 13
          '| DR strategy | [dr.md](dr.md) | Draft |', // 14
        ),
        [ORDERS_README]: ORDERS,
      },
      errors: [
        { messageId: 'rowWithoutReadme', path: CATALOG, line: 7, severity: 'Important' },
        { messageId: 'unsorted', path: CATALOG, line: 8, severity: 'Suggestion' },
        { messageId: 'valueMismatch', path: CATALOG, line: 8, severity: 'Important' },
        { messageId: 'crossCuttingMissingDoc', path: CATALOG, line: 14, severity: 'Important' },
      ],
    },
    {
      name: 'step 1: feature READMEs but no catalog (reported on the first README in scope)',
      files: { [PAYMENTS_README]: PAYMENTS },
      extraPaths: [ORDERS_README],
      errors: [{ messageId: 'missingCatalog', path: PAYMENTS_README, line: 1 }],
    },
    {
      name: 'step 2: a README without a row (on the table header)',
      files: { [CATALOG]: catalog([ORDERS_ROW]), [ORDERS_README]: ORDERS },
      extraPaths: [PAYMENTS_README],
      errors: [{ messageId: 'missingRow', path: CATALOG, line: 5 }],
    },
    {
      name: 'step 4: every compared column can differ',
      files: {
        [CATALOG]: catalog(['| orders | Checkout Team | Prototype | 99% < 5 s | PII | 2026-05-01 | [README](../features/orders/README.md) |']),
        [ORDERS_README]: ORDERS,
      },
      errors: [
        { messageId: 'valueMismatch', path: CATALOG, line: 7 },
        { messageId: 'valueMismatch', path: CATALOG, line: 7 },
        { messageId: 'valueMismatch', path: CATALOG, line: 7 },
        { messageId: 'valueMismatch', path: CATALOG, line: 7 },
        { messageId: 'valueMismatch', path: CATALOG, line: 7 },
      ],
    },
    {
      name: 'step 5: an Index that links elsewhere, and one with no link',
      files: {
        [CATALOG]: catalog([ORDERS_ROW.replace('../features/orders/README.md', '../features/orders/design.md'), PAYMENTS_ROW.replace('[README](../features/payments/README.md)', 'README')]),
        [ORDERS_README]: ORDERS,
        [PAYMENTS_README]: PAYMENTS,
      },
      extraPaths: ['docs/features/orders/design.md'],
      errors: [
        { messageId: 'indexLink', path: CATALOG, line: 7 },
        { messageId: 'indexLink', path: CATALOG, line: 8 },
      ],
    },
    {
      name: 'step 6: a row for an empty folder, a missing row, and counts that differ',
      files: {
        [CATALOG]: catalog(
          [ORDERS_ROW],
          [
            '| Concern | Doc | Status |', // 11
            '| --- | --- | --- |', // 12
            '| Standards | [standards/](standards/) | 3 |', // 13
            '| Platform-wide ADRs | [adrs/](adrs/) | 1 (latest 0001) |', // 14
            '| Platform runbooks | [runbooks/](runbooks/) | 1 |', // 15
          ],
        ),
        [ORDERS_README]: ORDERS,
      },
      extraPaths: [
        'docs/system/standards/envelope.md',
        'docs/system/adrs/0001-one-broker.md',
        'docs/system/adrs/0002-cloudevents.md',
        'docs/system/runbooks/README.txt',
        'docs/system/glossary.md',
      ],
      errors: [
        { messageId: 'crossCuttingCount', path: CATALOG, line: 13, severity: 'Suggestion' },
        { messageId: 'crossCuttingCount', path: CATALOG, line: 14, severity: 'Suggestion' },
        { messageId: 'crossCuttingMissingDoc', path: CATALOG, line: 15, severity: 'Important' },
        { messageId: 'crossCuttingMissingRow', path: CATALOG, line: 9, severity: 'Suggestion' },
      ],
    },
    {
      name: 'step 7: Last updated missing (on the title), and earlier than a row',
      files: { [CATALOG]: catalog([ORDERS_ROW], undefined, ''), [ORDERS_README]: ORDERS },
      errors: [{ messageId: 'lastUpdatedMissing', path: CATALOG, line: 1, severity: 'Suggestion' }],
    },
    {
      name: 'step 7: Last updated earlier than the latest Last reviewed',
      files: { [CATALOG]: catalog([ORDERS_ROW], undefined, 'Last updated: 2026-05-01'), [ORDERS_README]: ORDERS },
      errors: [{ messageId: 'lastUpdatedStale', path: CATALOG, line: 3, severity: 'Suggestion' }],
    },
  ],
});
