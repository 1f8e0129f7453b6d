import rule from '../../rules/docs/contract-triplet-complete.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const L = 'docs/features/loyalty-points';

/** One string per line, so a case's expected line is the index + 1. */
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const O = 'docs/features/orders';
const CONTRACT = `${O}/contracts/orders.cancelled.v1.md`;
const SCHEMA = `${O}/schemas/orders.cancelled.v1.json`;
const AVRO = `${O}/schemas/orders.cancelled.v1.avsc`;
const ASYNCAPI = `${O}/asyncapi/orders.cancelled.v1.yaml`;

const contract = md('# Contract: `orders.cancelled.v1`', '', '## Related artifacts', '- AsyncAPI: `../asyncapi/orders.cancelled.v1.yaml` (not yet written)');

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'rule 36 Passes example', files: { [CONTRACT]: contract }, extraPaths: [SCHEMA, ASYNCAPI] },
    { name: 'a .yml AsyncAPI file and an Avro schema complete the triplet', files: { [CONTRACT]: contract }, extraPaths: [AVRO, `${O}/asyncapi/orders.cancelled.v1.yml`] },
    {
      name: 'files of features outside the review scope are not judged',
      files: { [CONTRACT]: contract },
      extraPaths: [SCHEMA, ASYNCAPI, 'docs/features/payments/schemas/payments.settled.v1.json'],
    },
    {
      name: 'a schema that does not parse still exists',
      files: { [CONTRACT]: contract, [SCHEMA]: '{ not json' },
      extraPaths: [ASYNCAPI],
      allowSkipped: true,
    },
  ],
  invalid: [
    {
      name: 'rule 36 Fails example: no AsyncAPI file ("(not yet written)" does not excuse it)',
      files: { [CONTRACT]: contract },
      extraPaths: [SCHEMA],
      errors: [{ messageId: 'incomplete', path: CONTRACT, line: 1, severity: 'Important' }],
    },
    {
      name: 'step 1: a contract alone is one finding listing both files',
      files: { [CONTRACT]: contract },
      errors: [{ messageId: 'incomplete', path: CONTRACT, line: 1 }],
    },
    {
      name: 'step 2: orphan schema and AsyncAPI files, one finding each on line 1',
      files: { [`${O}/design.md`]: md('# Orders Design') },
      extraPaths: [SCHEMA, ASYNCAPI],
      errors: [
        { messageId: 'orphan', path: ASYNCAPI, line: 1 },
        { messageId: 'orphan', path: SCHEMA, line: 1 },
      ],
    },
    {
      name: 'step 3: several schema formats, on the one whose name sorts last',
      files: { [CONTRACT]: contract },
      extraPaths: [SCHEMA, AVRO, `${O}/schemas/orders.cancelled.v1.proto`, ASYNCAPI],
      errors: [{ messageId: 'severalFormats', path: `${O}/schemas/orders.cancelled.v1.proto`, line: 1, severity: 'Suggestion' }],
    },
    {
      name: 'the loyalty-points feature without its AsyncAPI file',
      files: Object.fromEntries(Object.entries(loyalty).filter(([p]) => !p.includes('/asyncapi/'))),
      errors: [{ messageId: 'incomplete', path: `${L}/contracts/loyalty.points-awarded.v1.md`, line: 1 }],
    },
  ],
});
