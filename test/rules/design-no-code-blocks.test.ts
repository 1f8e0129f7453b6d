import rule from '../../rules/docs/design-no-code-blocks.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const L = 'docs/features/loyalty-points';

/** One string per line, so a case's expected line is the index + 1. */
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const DESIGN = 'docs/features/orders/design.md';
const design = (...body: string[]) => md('# Orders Design', '', '## Boundary contracts (conceptual, not code)', ...body);

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    {
      name: 'rule 54 Passes example',
      files: {
        [DESIGN]: design(
          '- `orders.placed.v1` — ordering key: `order_id`; idempotency key: `id`; retention: 7 days; DLQ owner: Orders Platform; compatibility: BACKWARD. Payload: see `schemas/orders.placed.v1.json`.',
        ),
      },
    },
    {
      name: 'mermaid and PlantUML fences, and unlabelled fences that start a diagram',
      files: {
        [DESIGN]: design(
          '```mermaid',
          'flowchart LR',
          '  A --> B',
          '```',
          '',
          '```PlantUML',
          '@startuml',
          '@enduml',
          '```',
          '',
          '```',
          'sequenceDiagram',
          '  A->>B: hi',
          '```',
          '',
          '~~~',
          '',
          'stateDiagram-v2',
          '~~~',
        ),
      },
    },
    {
      name: 'code blocks in other artifacts are not this rule’s concern',
      files: { 'docs/features/orders/runbooks/replay.md': md('# Runbook', '', '```sh', 'kafka-console-consumer --topic x', '```') },
    },
    {
      name: 'an indented block is not a fence',
      files: { [DESIGN]: design('Text.', '', '    four spaces of indentation', '') },
    },
  ],
  invalid: [
    {
      name: 'rule 54 Fails example',
      files: { [DESIGN]: design('```json', '{ "order_id": "string", "total_cents": "integer" }', '```') },
      errors: [{ messageId: 'codeBlock', path: DESIGN, line: 4, endLine: 6, severity: 'Suggestion' }],
    },
    {
      name: 'one Suggestion per block: labelled text, unlabelled code, SQL',
      files: {
        [DESIGN]: design(
          '```text', // 4
          'orders -> kafka -> ledger', // 5
          '```', // 6
          '', // 7
          '```', // 8
          'const x = 1;', // 9
          '```', // 10
          '', // 11
          '~~~sql', // 12
          'INSERT INTO outbox VALUES (1);', // 13
          '~~~', // 14
        ),
      },
      errors: [
        { messageId: 'codeBlock', path: DESIGN, line: 4 },
        { messageId: 'codeBlock', path: DESIGN, line: 8 },
        { messageId: 'codeBlock', path: DESIGN, line: 12 },
      ],
    },
    {
      name: 'legacy design paths and the loyalty-points design with a YAML snippet',
      files: {
        'docs/designs/orders-design.md': design('```yaml', 'retention: 7d', '```'),
        [`${L}/design.md`]: `${loyalty[`${L}/design.md`]}\n\`\`\`go\nfunc main() {}\n\`\`\`\n`,
      },
      errors: [
        { messageId: 'codeBlock', path: 'docs/designs/orders-design.md', line: 4 },
        { messageId: 'codeBlock', path: `${L}/design.md`, line: loyalty[`${L}/design.md`].split('\n').length + 1 },
      ],
    },
  ],
});
