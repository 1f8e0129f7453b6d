import rule from '../../rules/docs/schema-pii-classification.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const F = 'docs/features/members';
const README = `${F}/README.md`;
const DESIGN = `${F}/design.md`;
const SCHEMA = `${F}/schemas/members.registered.v1.json`;
const AVSC = `${F}/schemas/members.updated.v1.avsc`;
const PROTO = `${F}/schemas/members.deleted.v1.proto`;

/** The Compliance field is on line 4. */
const readme = (compliance: string) => md('# Members', '', '## System concerns (the layer beyond code)', `- **Compliance**: ${compliance}`);

/** One property per line: the first property is on line 3. */
const schema = (...props: string[]) =>
  md('{', '  "properties": {', ...props.map((p, i) => `    ${p}${i < props.length - 1 ? ',' : ''}`), '  }', '}');

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    {
      name: 'rule 53 Passes example',
      files: {
        [README]: readme('PII, GDPR'),
        [SCHEMA]: schema(
          '"member_id": { "type": "string", "x-pii": false }',
          '"email_hash": { "type": "string", "x-pii": true, "description": "SHA-256 of the normalised email" }',
        ),
      },
    },
    {
      name: 'a lexicon hit annotated as not personal under Compliance none',
      files: { [README]: readme('none'), [SCHEMA]: schema('"warehouse_address": { "type": "string", "x-classification": "public" }') },
    },
    {
      name: 'Avro doc and Protobuf comment classifications; Compliance read from the design',
      files: {
        [DESIGN]: md('# Members Design', '', '## System concerns', '- **Compliance**: PII'),
        [AVSC]: JSON.stringify({ type: 'record', name: 'U', fields: [{ name: 'phone', type: 'string', doc: 'PII: E.164 number' }] }),
        [PROTO]: md('syntax = "proto3";', 'message Deleted {', '  string email = 1; // pii: true', '}'),
      },
    },
    {
      name: '`name` alone is no hit',
      files: { [README]: readme('none'), [SCHEMA]: schema('"name": { "type": "string" }', '"sku": { "type": "string" }') },
    },
  ],
  invalid: [
    {
      name: 'rule 53 Fails example: an unclassified email under Compliance none',
      files: { [README]: readme('none'), [SCHEMA]: schema('"member_id": { "type": "string" }', '"email": { "type": "string" }') },
      errors: [
        { messageId: 'unclassified', path: SCHEMA, line: 4, severity: 'System' },
        { messageId: 'postureMismatch', path: SCHEMA, line: 4, severity: 'System' },
      ],
    },
    {
      name: '`name` next to a hit, a camelCase hit, and a nested hit',
      files: {
        [README]: readme('PII'),
        [SCHEMA]: md(
          '{',
          '  "properties": {',
          '    "email": { "type": "string", "x-pii": true },',
          '    "displayName": { "type": "string" },',
          '    "dateOfBirth": { "type": "string" },',
          '    "shipping": { "type": "object", "properties": {',
          '      "postcode": { "type": "string" } } }',
          '  }',
          '}',
        ),
      },
      errors: [
        { messageId: 'unclassified', path: SCHEMA, line: 4 },
        { messageId: 'unclassified', path: SCHEMA, line: 5 },
        { messageId: 'unclassified', path: SCHEMA, line: 7 },
      ],
    },
    {
      name: 'a property marked x-pii under Compliance none',
      files: { [README]: readme('none (no contact data)'), [SCHEMA]: schema('"member_ref": { "type": "string", "x-pii": true }') },
      errors: [{ messageId: 'postureMismatch', path: SCHEMA, line: 3 }],
    },
    {
      name: 'Compliance PII, GDPR with no classification in any schema',
      files: { [README]: readme('PII, GDPR'), [SCHEMA]: schema('"member_id": { "type": "string" }') },
      errors: [{ messageId: 'noAnnotations', path: README, line: 4 }],
    },
    {
      name: 'Avro and Protobuf hits without classification',
      files: {
        [README]: readme('PII'),
        [AVSC]: md('{', '  "type": "record", "name": "U", "fields": [', '    { "name": "phone", "type": "string", "pii": true },', '    { "name": "iban", "type": "string" }', '  ]', '}'),
        [PROTO]: md('syntax = "proto3";', 'message Deleted {', '  string ip_address = 1;', '}'),
      },
      errors: [
        { messageId: 'unclassified', path: AVSC, line: 4 },
        { messageId: 'unclassified', path: PROTO, line: 3 },
      ],
    },
  ],
});
