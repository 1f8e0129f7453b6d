import rule from '../../rules/docs/reference-dont-restate.js';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule, type FileTree } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const OBSERVABILITY =
  'Every service exports OpenTelemetry traces and RED metrics to the shared collector, propagates traceparent, correlationid and causationid on every message, ' +
  'keeps structured JSON logs for 30 days, and alerts the owning team when the error budget burn rate exceeds 2 over one hour.';

const design = (slug: string, ...body: string[]) => ({ [`docs/features/${slug}/design.md`]: md(`# ${slug} Design`, '', '## Observability', ...body) });
const ORDERS = 'docs/features/orders/design.md';
const PAYMENTS = 'docs/features/payments/design.md';
const LOYALTY = 'docs/features/loyalty-points/design.md';

const three: FileTree = { ...design('orders', OBSERVABILITY), ...design('payments', OBSERVABILITY), ...design('loyalty-points', OBSERVABILITY) };
const STANDARD = 'docs/system/standards/observability.md';
const standard = md('# Platform Standard: Observability', '', '## Summary', '- **Status**: Active', '', '## Rule', 'Every message carries traceparent, correlationid and causationid headers from producer to consumer.');

const readme = (...refs: string[]) => md('# Orders', '', '## Shared references', ...refs);

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    {
      name: 'rule 56 Passes example: each design links the standard',
      files: {
        ...design('orders', 'Observability follows [../../system/standards/observability.md](../../system/standards/observability.md).'),
        ...design('payments', 'Observability follows [../../system/standards/observability.md](../../system/standards/observability.md).'),
        ...design('loyalty-points', 'Observability follows [../../system/standards/observability.md](../../system/standards/observability.md).'),
        [STANDARD]: standard,
      },
    },
    { name: 'the same text in only two features', files: { ...design('orders', OBSERVABILITY), ...design('payments', OBSERVABILITY) } },
    {
      name: 'none of the three designs changed in this PR',
      files: three,
      baseFiles: three,
    },
    {
      name: 'a restated rule in a document that links the standard',
      files: {
        ...design('orders', 'Every message carries traceparent, correlationid and causationid headers from producer to consumer, per [the standard](../../system/standards/observability.md).'),
        [STANDARD]: standard,
      },
    },
    {
      name: 'sentences on the ignore list (template boilerplate or configured) are not restatements',
      files: { ...design('orders', OBSERVABILITY), ...design('payments', OBSERVABILITY), ...design('loyalty-points', OBSERVABILITY) },
      config: { ...defaultConfig, rules: { 'reference-dont-restate': { ignore: [OBSERVABILITY] } } } as Config,
    },
    {
      name: 'README shared references that resolve, are external, or are announced conventional paths',
      files: {
        'docs/features/orders/README.md': readme(
          '- **Standards followed**: [observability](../../system/standards/observability.md)',
          '- **DR plan**: [dr](https://wiki.example.com/dr)',
          '- **Compliance baseline**: [compliance](../../system/compliance.md) (not yet written)',
        ),
        [STANDARD]: standard,
      },
    },
  ],
  invalid: [
    {
      name: 'rule 56 Fails example: the same 40-word paragraph in three features, all added by the PR',
      files: three,
      errors: [
        { messageId: 'restated', path: LOYALTY, line: 4, severity: 'Suggestion' },
        { messageId: 'restated', path: ORDERS, line: 4 },
        { messageId: 'restated', path: PAYMENTS, line: 4 },
      ],
    },
    {
      name: 'only the feature the PR touched is reported',
      files: { ...three, [ORDERS]: `${three[ORDERS]}\nMore text.\n` },
      baseFiles: three,
      errors: [{ messageId: 'restated', path: ORDERS, line: 4 }],
    },
    {
      name: 'a standard\'s rule restated without a link',
      files: { ...design('orders', 'Every message carries `traceparent`, `correlationid` and `causationid` headers from producer to consumer.'), [STANDARD]: standard },
      errors: [{ messageId: 'restatesStandard', path: ORDERS, line: 4 }],
    },
    {
      name: 'README shared references that do not resolve',
      files: { 'docs/features/orders/README.md': readme('- **Standards followed**: [observability](../../system/standards/observability.md)', '- **Glossary**: [glossary](../../system/glosary.md)') },
      errors: [
        { messageId: 'unresolvedReference', path: 'docs/features/orders/README.md', line: 4 },
        { messageId: 'unresolvedReference', path: 'docs/features/orders/README.md', line: 5 },
      ],
    },
  ],
});
