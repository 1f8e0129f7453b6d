import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../rules/docs/asyncapi-trace-headers.js';
import type { Config } from '../../src/config/schema.js';
import { defaultConfig } from '../../src/config/schema.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, runRuleOnCase, testDocsRule, type FileTree } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const F = 'docs/features/order-fulfillment';
const ASYNC = `${F}/asyncapi/orders.placed.v1.yaml`;
const SCHEMA = `${F}/schemas/orders.placed.v1.json`;
const LP_ASYNC = 'docs/features/loyalty-points/asyncapi/loyalty.points-awarded.v1.yaml';

const HEAD = [
  'asyncapi: 3.1.0',
  'info:',
  '  title: Orders',
  '  version: 1.0.0',
  'channels:',
  '  placed:',
  '    address: orders.placed.v1',
  '    messages:',
  '      placed:',
  "        $ref: '#/components/messages/OrderPlaced'",
  'operations:',
  '  sendPlaced:',
  '    action: send',
  '    channel:',
  "      $ref: '#/channels/placed'",
  'components:',
  '  messages:',
  '    OrderPlaced:',
];
/** Lines 19 onwards are the message body. */
const doc = (...message: string[]) => md(...HEAD, ...message);

const GOOD_HEADERS = [
  '      headers:',
  '        type: object',
  '        required: [traceparent]',
  '        properties:',
  '          traceparent: { type: string }',
  '          correlationid: { type: string }',
  '          causationid: { type: string }',
  '          partitionkey: { type: string }',
];
const PAYLOAD = ['      payload:', "        $ref: '../schemas/orders.placed.v1.json'"];
const CONTENT = '      contentType: application/cloudevents+json';
const schema = { [SCHEMA]: '{ "type": "object" }\n' };

const withFile = (text: string): FileTree => ({ ...schema, [ASYNC]: text });
const edit = (from: string, to: string): FileTree => {
  if (!loyalty[LP_ASYNC].includes(from)) throw new Error(`fixture lacks ${from}`);
  return { ...loyalty, [LP_ASYNC]: loyalty[LP_ASYNC].replace(from, to) };
};
const openapi = { ...defaultConfig, asyncapi: { ...defaultConfig.asyncapi, traceHeaderIn: 'openapi' } } as Config;

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'rule 38 Passes example', files: withFile(doc(CONTENT, ...GOOD_HEADERS, ...PAYLOAD)) },
    {
      name: 'no partitionkey needed when the contract orders by nothing',
      files: {
        ...withFile(doc(CONTENT, ...GOOD_HEADERS.slice(0, 7), ...PAYLOAD)),
        [`${F}/contracts/orders.placed.v1.md`]: md('# Contract: `orders.placed.v1`', '', '## Ordering, idempotency, retention', '- **Ordering key**: none'),
      },
    },
    {
      name: 'trace headers documented in OpenAPI (asyncapi.traceHeaderIn: openapi)',
      files: withFile(doc(CONTENT, ...PAYLOAD)),
      config: openapi,
    },
    {
      name: 'a root defaultContentType and a local payload schema',
      files: {
        [ASYNC]: md(
          'asyncapi: 3.0.0',
          'defaultContentType: application/json',
          ...HEAD.slice(1),
          ...GOOD_HEADERS,
          '      payload:',
          "        $ref: '#/components/schemas/OrderPlaced'",
          '  schemas:',
          '    OrderPlaced: { type: object }',
        ),
      },
    },
    {
      name: 'header properties brought in with a `<<: *anchor` merge key are declared',
      files: withFile(
        md(
          ...HEAD.slice(0, 16),
          '  schemas:',
          '    TraceHeaders: &trace',
          '      traceparent: { type: string }',
          '      correlationid: { type: string }',
          '      causationid: { type: string }',
          '      partitionkey: { type: string }',
          ...HEAD.slice(16),
          CONTENT,
          '      headers:',
          '        type: object',
          '        required: [traceparent]',
          '        properties:',
          '          <<: *trace',
          '          specversion: { type: string }',
          ...PAYLOAD,
        ),
      ),
    },
  ],
  invalid: [
    {
      name: 'rule 38 Fails example: no traceparent (Important) and undocumented extensions (Suggestion)',
      files: withFile(doc(CONTENT, '      headers:', '        type: object', '        properties:', '          correlationid: { type: string }', ...PAYLOAD)),
      errors: [
        { messageId: 'traceparent', path: ASYNC, line: 22, severity: 'Important' },
        { messageId: 'correlationHeaders', path: ASYNC, line: 22, severity: 'Suggestion' },
      ],
    },
    {
      name: 'traceparent listed but not required: reported on the required line',
      files: withFile(doc(CONTENT, ...GOOD_HEADERS.slice(0, 2), '        required: [correlationid]', ...GOOD_HEADERS.slice(3), ...PAYLOAD)),
      errors: [{ messageId: 'traceparent', path: ASYNC, line: 22 }],
    },
    {
      name: 'loyalty: the trait requires no traceparent: reported where the trait defines it',
      files: edit('required: [specversion, id, source, type, time, traceparent]', 'required: [specversion, id, source, type, time]'),
      errors: [{ messageId: 'traceparent', path: LP_ASYNC, line: 64 }],
    },
    {
      name: 'no headers at all: reported on the message key line',
      files: withFile(doc(CONTENT, ...PAYLOAD)),
      errors: [
        { messageId: 'traceparent', path: ASYNC, line: 18 },
        { messageId: 'correlationHeaders', path: ASYNC, line: 18 },
      ],
    },
    {
      name: 'missing asyncapi version',
      files: withFile(md(...HEAD.slice(1), CONTENT, ...GOOD_HEADERS, ...PAYLOAD)),
      errors: [{ messageId: 'missingVersion', path: ASYNC, line: 1, severity: 'Important' }],
    },
    {
      name: 'AsyncAPI 2.x (Suggestion)',
      files: withFile(
        md(
          'asyncapi: 2.6.0',
          'info: { title: Orders, version: 1.0.0 }',
          'channels:',
          '  orders.placed.v1:',
          '    subscribe:',
          '      message:',
          '        name: OrderPlaced',
          '        contentType: application/cloudevents+json',
          '        headers:',
          '          type: object',
          '          required: [traceparent]',
          '          properties:',
          '            traceparent: { type: string }',
          '            correlationid: { type: string }',
          '            causationid: { type: string }',
          '            partitionkey: { type: string }',
          '        payload:',
          "          $ref: '../schemas/orders.placed.v1.json'",
        ),
      ),
      errors: [{ messageId: 'oldVersion', path: ASYNC, line: 1, severity: 'Suggestion' }],
    },
    {
      name: 'no contentType; no operation references the channel',
      files: withFile(md(...HEAD.slice(0, 10), 'components:', '  messages:', '    OrderPlaced:', ...GOOD_HEADERS, ...PAYLOAD)),
      errors: [
        { messageId: 'noOperation', path: ASYNC, line: 6, severity: 'Suggestion' },
        { messageId: 'contentType', path: ASYNC, line: 13, severity: 'Suggestion' },
      ],
    },
    {
      name: 'payload $ref to a file that does not exist',
      files: { [ASYNC]: doc(CONTENT, ...GOOD_HEADERS, ...PAYLOAD) },
      errors: [{ messageId: 'unresolvedPayload', path: ASYNC, line: 29, severity: 'Important' }],
    },
    {
      name: 'a trait reference that does not resolve is the finding, not a missing traceparent',
      files: withFile(doc(CONTENT, '      traits:', "        - $ref: '#/components/messageTraits/Missing'", ...PAYLOAD)),
      errors: [{ messageId: 'unresolvedRef', path: ASYNC, line: 21 }],
    },
  ],
});

describe('asyncapi-trace-headers 2.x message', () => {
  const V2 = (headers: string[]) =>
    md(
      'asyncapi: 2.6.0',
      'info: { title: Orders, version: 1.0.0 }',
      'channels:',
      '  orders.placed.v1:',
      '    subscribe:',
      '      message:',
      '        name: OrderPlaced',
      '        contentType: application/cloudevents+json',
      ...headers,
      '        payload:',
      "          $ref: '../schemas/orders.placed.v1.json'",
    );
  const FULL = ['        headers:', '          type: object', '          required: [traceparent]', '          properties:', ...GOOD_HEADERS.slice(4).map((l) => `  ${l}`)];
  const tail = (files: FileTree, config?: Config) =>
    runRuleOnCase(rule, { name: 'v2', files, ...(config ? { config } : {}) })
      .filter((f) => f.messageId === 'oldVersion')
      .map((f) => f.message.split('targets 3.1. ')[1]);

  it('says to migrate, and to declare the trace headers only when a message lacks them', () => {
    const [declared] = tail(withFile(V2(FULL)));
    assert.match(declared!, /^Migrate it to AsyncAPI 3\.1 \(.*`operations`.*\); the trace headers it declares carry over unchanged\.$/);
    assert.doesNotMatch(declared!, /Messages must declare/);
    const [missing] = tail(withFile(V2([])));
    assert.match(missing!, /^Migrate it to AsyncAPI 3\.1 .*, and declare traceparent as a required header and document correlationid, causationid and partitionkey on its messages\.$/);
    const [elsewhere] = tail(withFile(V2([])), openapi);
    assert.match(elsewhere!, /^Migrate it to AsyncAPI 3\.1 \([^)]*\)\.$/);
  });
});

describe('asyncapi-trace-headers on an AsyncAPI file written as JSON', () => {
  it('reads asyncapi/<channel>.json like the YAML form: clean as written, a finding once traceparent goes', async () => {
    const { parse } = await import('yaml');
    const asJson = { ...loyalty };
    delete asJson[LP_ASYNC];
    const value = parse(loyalty[LP_ASYNC]!) as unknown;
    const LP_JSON = LP_ASYNC.replace(/\.yaml$/, '.json');
    asJson[LP_JSON] = `${JSON.stringify(value, null, 2)}\n`;
    assert.deepEqual(runRuleOnCase(rule, { name: 'json', files: asJson }), []);
    const stripped = JSON.parse(asJson[LP_JSON]!, (key, v) => (key === 'traceparent' ? undefined : v)) as unknown;
    const without = { ...asJson, [LP_JSON]: `${JSON.stringify(stripped, null, 2)}\n` };
    const found = runRuleOnCase(rule, { name: 'json without traceparent', files: without });
    assert.ok(found.some((f) => f.location.path === LP_JSON && /traceparent/.test(f.message)), JSON.stringify(found.map((f) => f.message)));
  });
});
