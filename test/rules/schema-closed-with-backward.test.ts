import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../rules/docs/schema-closed-with-backward.js';
import { buildArtifactModel } from '../../src/artifacts/model.js';
import { defaultConfig } from '../../src/config/schema.js';
import { runDocsRules } from '../../src/review/docs-runner.js';
import { assignStatuses } from '../../src/review/fingerprint.js';
import type { DocsRule } from '../../src/review/rule.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule, type FileTree } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const F = 'docs/features/order-fulfillment';
const CONTRACT = `${F}/contracts/orders.placed.v1.md`;
const SCHEMA = `${F}/schemas/orders.placed.v1.json`;
const AVSC = `${F}/schemas/orders.placed.v1.avsc`;
const ASYNC = `${F}/asyncapi/orders.placed.v1.yaml`;

const contract = (...compat: string[]) =>
  md('# Contract: `orders.placed.v1`', '', '## Compatibility and versioning', ...compat, '', '## Related artifacts', '- none');

// The spec's Fails schema: the first marker is on line 3.
const CLOSED = md(
  '{',
  '  "type": "object",',
  '  "additionalProperties": false,',
  '  "required": ["order_id", "status"],',
  '  "properties": {',
  '    "order_id": { "type": "string" },',
  '    "status": { "type": "string", "enum": ["PLACED", "PAID"] }',
  '  }',
  '}',
);
const OPEN = md(
  '{',
  '  "type": "object",',
  '  "required": ["order_id", "status"],',
  '  "properties": {',
  '    "order_id": { "type": "string" },',
  '    "status": { "type": "string", "description": "Known values: PLACED, PAID. Consumers must tolerate new values." }',
  '  }',
  '}',
);
const ENUM_ONLY = md(
  '{',
  '  "type": "object",',
  '  "properties": {',
  '    "order_id": { "type": "string" },',
  '    "status": { "type": "string", "enum": ["PLACED", "PAID"] }',
  '  }',
  '}',
);
const ENUM_THEN_CLOSED = md(
  '{',
  '  "type": "object",',
  '  "properties": {',
  '    "order_id": { "type": "string" },',
  '    "status": { "type": "string", "enum": ["PLACED", "PAID"] }',
  '  },',
  '  "additionalProperties": false',
  '}',
);

const BACKWARD = contract('- **Compatibility**: BACKWARD');

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'rule 9 Passes example: open schema, documented open string', files: { [CONTRACT]: BACKWARD, [SCHEMA]: OPEN } },
    { name: 'FORWARD allows closing', files: { [CONTRACT]: contract('- **Compatibility**: FORWARD'), [SCHEMA]: CLOSED } },
    { name: 'NONE is left to contract-doc-fields', files: { [CONTRACT]: contract('- **Compatibility**: NONE'), [SCHEMA]: CLOSED } },
    {
      name: 'a documented consumer-first rollout',
      files: {
        [CONTRACT]: contract('- **Compatibility**: BACKWARD', '- Rollout is consumer-first: every consumer deploys the new schema before the producer ships.'),
        [SCHEMA]: CLOSED,
      },
    },
    { name: 'no contract, no promise to check', files: { [SCHEMA]: CLOSED } },
    {
      name: 'Avro enum with a default symbol is open',
      files: {
        [CONTRACT]: BACKWARD,
        [AVSC]: JSON.stringify({ type: 'record', name: 'A', fields: [{ name: 's', type: { type: 'enum', name: 'S', symbols: ['A'], default: 'A' } }] }),
      },
    },
  ],
  invalid: [
    {
      name: 'rule 9 Fails example: one finding on the first marker',
      files: { [CONTRACT]: BACKWARD, [SCHEMA]: CLOSED },
      errors: [{ messageId: 'closedSchema', path: SCHEMA, line: 3, severity: 'Important' }],
    },
    {
      name: 'FULL includes the backward guarantee; BACKWARD_TRANSITIVE is BACKWARD',
      files: {
        [CONTRACT]: contract('- **Compatibility**: FULL_TRANSITIVE'),
        [SCHEMA]: ENUM_ONLY,
      },
      errors: [{ messageId: 'closedSchema', path: SCHEMA, line: 5 }],
    },
    {
      name: 'Avro enum without a default',
      files: {
        [CONTRACT]: contract('Compatibility mode is BACKWARD_TRANSITIVE, enforced by the schema-compat job.'),
        [AVSC]: md(
          '{',
          '  "type": "record",',
          '  "name": "OrderPlaced",',
          '  "fields": [',
          '    { "name": "status", "type": { "type": "enum", "name": "Status", "symbols": ["PLACED", "PAID"] } }',
          '  ]',
          '}',
        ),
      },
      errors: [{ messageId: 'closedSchema', path: AVSC, line: 5 }],
    },
    {
      name: 'an inline AsyncAPI payload schema',
      files: {
        [CONTRACT]: BACKWARD,
        [ASYNC]: md(
          'asyncapi: 3.1.0',
          'channels:',
          '  placed:',
          '    address: orders.placed.v1',
          '    messages:',
          '      placed:',
          "        $ref: '#/components/messages/Placed'",
          'components:',
          '  messages:',
          '    Placed:',
          '      payload:',
          "        $ref: '#/components/schemas/OrderPlaced'",
          '  schemas:',
          '    OrderPlaced:',
          '      type: object',
          '      unevaluatedProperties: false',
        ),
      },
      errors: [{ messageId: 'closedSchema', path: ASYNC, line: 16 }],
    },
    {
      name: 'a closing change to an already closed schema is its own finding',
      baseFiles: { [CONTRACT]: BACKWARD, [SCHEMA]: ENUM_ONLY },
      files: { [CONTRACT]: BACKWARD, [SCHEMA]: ENUM_THEN_CLOSED },
      errors: [
        { messageId: 'closedSchema', path: SCHEMA, line: 5 },
        { messageId: 'closingChange', path: SCHEMA, line: 7 },
      ],
    },
  ],
});

describe('schema-closed-with-backward statuses', () => {
  const run = (baseTree: FileTree, headTree: FileTree) => {
    const entries = (t: FileTree) => Object.entries(t).map(([path, text]) => ({ path, text }));
    const head = buildArtifactModel(entries(headTree), { side: 'head' });
    const base = buildArtifactModel(entries(baseTree), { side: 'base' });
    const rules = [rule as DocsRule];
    const h = runDocsRules(rules, { side: 'head', model: head, other: base, config: defaultConfig });
    const b = runDocsRules(rules, { side: 'base', model: base, other: head, config: defaultConfig });
    return assignStatuses({ head: h.findings, base: b.findings, baseToHead: (p) => p })
      .map((f) => `${f.status} ${f.messageId} ${f.location.startLine}`)
      .sort();
  };

  it('closing an open schema is introduced', () => {
    assert.deepEqual(run({ [CONTRACT]: BACKWARD, [SCHEMA]: OPEN }, { [CONTRACT]: BACKWARD, [SCHEMA]: CLOSED }), ['introduced closedSchema 3']);
  });

  it('a marker added to a closed schema: the old finding stays pre-existing, the closing change is introduced', () => {
    assert.deepEqual(run({ [CONTRACT]: BACKWARD, [SCHEMA]: ENUM_ONLY }, { [CONTRACT]: BACKWARD, [SCHEMA]: ENUM_THEN_CLOSED }), [
      'introduced closingChange 7',
      'pre-existing closedSchema 5',
    ]);
  });

  it('opening the schema removes the finding', () => {
    assert.deepEqual(run({ [CONTRACT]: BACKWARD, [SCHEMA]: CLOSED }, { [CONTRACT]: BACKWARD, [SCHEMA]: OPEN }), ['removed closedSchema 3']);
  });
});
