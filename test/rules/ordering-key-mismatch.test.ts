import rule from '../../rules/docs/ordering-key-mismatch.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule, type FileTree } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const LP = 'docs/features/loyalty-points';
const LP_CONTRACT = `${LP}/contracts/loyalty.points-awarded.v1.md`;
const LP_ASYNC = `${LP}/asyncapi/loyalty.points-awarded.v1.yaml`;
const LP_DESIGN = `${LP}/design.md`;

/** The loyalty example with one file edited. */
const edit = (path: string, from: string, to: string): FileTree => {
  if (!loyalty[path].includes(from)) throw new Error(`fixture ${path} lacks ${from}`);
  return { ...loyalty, [path]: loyalty[path].replace(from, to) };
};

const F = 'docs/features/loyalty-points';
const DESIGN = `${F}/design.md`;
const CONTRACT = `${F}/contracts/loyalty.points-awarded.v1.md`;
const SCHEMA = `${F}/schemas/loyalty.points-awarded.v1.json`;

const design = (key: string) =>
  md(
    '# Loyalty Points Design',
    '',
    '## Boundary contracts (conceptual, not code)',
    `- \`loyalty.points-awarded.v1\` — ordering key: ${key}; idempotency key: \`id\`; retention: 7 days; DLQ owner: Loyalty Platform; compatibility: BACKWARD`,
  );

/** The spec's contract section; the Ordering key is on line 4. */
const contract = (key: string) =>
  md('# Contract: `loyalty.points-awarded.v1`', '', '## Ordering, idempotency, retention', `- **Ordering key**: ${key}`, '- **Idempotency key**: `id` (CloudEvents)', '- **Retention**: 7 days');

const schema = (...names: string[]) =>
  JSON.stringify({ type: 'object', properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])) }, null, 2);

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'rule 8 Passes example', files: { [DESIGN]: design('`member_id`'), [CONTRACT]: contract('`member_id`') } },
    {
      name: 'camelCase in the schema and a backticked design key compare equal through normKey',
      files: { [DESIGN]: design('`memberId`'), [CONTRACT]: contract('`member_id`'), [SCHEMA]: schema('memberId') },
    },
    { name: 'no ordering (none) needs no payload field', files: { [DESIGN]: design('none'), [CONTRACT]: contract('none'), [SCHEMA]: schema('x') } },
    { name: 'an envelope attribute as key', files: { [CONTRACT]: contract('`subject`'), [SCHEMA]: schema('member_id') } },
    {
      name: 'a composite key whose parts are all root properties',
      files: { [DESIGN]: design('`(tenant_id, order_id)`'), [CONTRACT]: contract('`(tenant_id, order_id)`'), [SCHEMA]: schema('tenant_id', 'order_id') },
    },
    {
      name: 'Avro schema holding the key',
      files: {
        [CONTRACT]: contract('`member_id`'),
        [`${F}/schemas/loyalty.points-awarded.v1.avsc`]: JSON.stringify({ type: 'record', name: 'A', fields: [{ name: 'member_id', type: 'string' }] }),
      },
    },
    {
      name: 'placeholder keys are left to contract-doc-fields',
      files: { [DESIGN]: design('`member_id`'), [CONTRACT]: contract('<TBD>'), [SCHEMA]: schema('x') },
    },
  ],
  invalid: [
    {
      name: 'rule 8 Fails example: design member_id, contract order_id',
      files: { [DESIGN]: design('`member_id`'), [CONTRACT]: contract('`order_id`') },
      errors: [{ messageId: 'designMismatch', path: CONTRACT, line: 4, severity: 'Important' }],
    },
    {
      name: 'loyalty: the contract alone disagrees with design and x-ordering-key (one finding)',
      files: edit(LP_CONTRACT, '- **Ordering key**: `member_id`', '- **Ordering key**: `order_id`'),
      errors: [{ messageId: 'designMismatch', path: LP_CONTRACT, line: 33 }],
    },
    {
      name: 'loyalty: x-ordering-key disagrees with the contract',
      files: edit(LP_ASYNC, 'x-ordering-key: member_id', 'x-ordering-key: order_id'),
      errors: [{ messageId: 'asyncapiMismatch', path: LP_ASYNC, line: 14 }],
    },
    {
      name: 'loyalty: design and contract agree on a key the schema does not have',
      files: {
        ...edit(LP_CONTRACT, '- **Ordering key**: `member_id`', '- **Ordering key**: `account_id`'),
        [LP_DESIGN]: loyalty[LP_DESIGN].replace('ordering key: `member_id`', 'ordering key: `account_id`'),
        [LP_ASYNC]: loyalty[LP_ASYNC].replace('x-ordering-key: member_id', 'x-ordering-key: account_id'),
      },
      errors: [{ messageId: 'missingInSchema', path: LP_CONTRACT, line: 33 }],
    },
    {
      name: 'a composite key with a part missing from the schema',
      files: { [CONTRACT]: contract('`(tenant_id, order_id)`'), [SCHEMA]: schema('order_id') },
      errors: [{ messageId: 'missingInSchema', path: CONTRACT, line: 4 }],
    },
    {
      name: 'without a schema file, the inline AsyncAPI payload is checked',
      files: {
        [CONTRACT]: contract('`member_id`'),
        [`${F}/asyncapi/loyalty.points-awarded.v1.yaml`]: md(
          'asyncapi: 3.1.0',
          'channels:',
          '  awarded:',
          '    address: loyalty.points-awarded.v1',
          '    messages:',
          '      awarded:',
          '        payload:',
          '          type: object',
          '          properties:',
          '            order_id: { type: string }',
        ),
      },
      errors: [{ messageId: 'missingInSchema', path: CONTRACT, line: 4 }],
    },
    {
      name: 'loyalty: the example partitionkey differs from the payload key (Suggestion)',
      files: edit(LP_ASYNC, 'partitionkey: mem_8841', 'partitionkey: ord_5521'),
      errors: [{ messageId: 'examplePartitionKey', path: LP_ASYNC, line: 54, severity: 'Suggestion' }],
    },
  ],
});
