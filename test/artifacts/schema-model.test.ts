import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildArtifactModel, type SchemaArtifact } from '../../src/artifacts/model.js';
import { avroModel, jsonSchemaModel, protoModel, rootFields, schemaModelOf, type SchemaModel } from '../../src/artifacts/schema-model.js';
import { parseJson, parseYaml } from '../../src/artifacts/structured.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree } from '../harness/docs-rule-tester.js';

const lines = (...rows: string[]) => `${rows.join('\n')}\n`;

function json(text: string): SchemaModel {
  const parsed = parseJson(text);
  assert.ok(parsed.ok);
  const result = jsonSchemaModel('s.json', parsed.value, parsed.lineOf);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.model;
}

function avro(text: string): SchemaModel {
  const parsed = parseJson(text);
  assert.ok(parsed.ok);
  const result = avroModel('s.avsc', parsed.value, parsed.lineOf);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.model;
}

const field = (model: SchemaModel, path: string) => {
  const f = model.fields.find((x) => x.path === path);
  assert.ok(f, `no field ${path} in ${model.fields.map((x) => x.path).join(', ')}`);
  return f;
};

describe('schema model: JSON Schema', () => {
  it('reads the loyalty-points schema: fields, required, defaults, PII annotations, lines', () => {
    const tree = readFixtureTree(LOYALTY_POINTS_FIXTURE);
    const model = buildArtifactModel(Object.entries(tree).map(([path, text]) => ({ path, text })));
    const [artifact] = model.features.get('loyalty-points')!.schemas.get('loyalty.points-awarded.v1')!;
    const result = schemaModelOf(artifact);
    assert.ok(result.ok);
    const m = result.model;
    assert.deepEqual(rootFields(m).map((f) => f.name), ['member_id', 'order_id', 'points', 'awarded_at', 'campaign_code']);
    assert.deepEqual(
      { required: field(m, 'member_id').required, pii: field(m, 'member_id').pii, annotated: field(m, 'member_id').annotated, line: field(m, 'member_id').line },
      { required: true, pii: false, annotated: true, line: 9 },
    );
    assert.deepEqual({ hasDefault: field(m, 'campaign_code').hasDefault, required: field(m, 'campaign_code').required }, { hasDefault: true, required: false });
    assert.deepEqual(field(m, 'points').constraints, { minimum: 1 });
    assert.deepEqual(m.closedMarkers, []);
    assert.equal(m.objects[0].propertiesLine, 8);
  });

  it('walks nested objects, array items, allOf and local $refs, and guards cycles', () => {
    const m = json(
      lines(
        '{',
        '  "type": "object",',
        '  "required": ["lines"],',
        '  "properties": {',
        '    "customer": { "$ref": "#/$defs/Customer" },',
        '    "lines": { "type": "array", "items": { "type": "object", "properties": { "sku": { "type": "string" } } } },',
        '    "node": { "$ref": "#/$defs/Node" }',
        '  },',
        '  "allOf": [{ "properties": { "channel": { "type": "string", "x-classification": "internal" } } }],',
        '  "$defs": {',
        '    "Customer": { "type": "object", "properties": { "email": { "type": "string", "x-classification": "PII" } } },',
        '    "Node": { "type": "object", "properties": { "next": { "$ref": "#/$defs/Node" } } }',
        '  }',
        '}',
      ),
    );
    assert.equal(field(m, 'customer').ref, '#/$defs/Customer');
    assert.equal(field(m, 'customer').type, 'object');
    assert.equal(field(m, 'customer.email').pii, true);
    assert.equal(field(m, 'customer.email').line, 11);
    assert.equal(field(m, 'lines[].sku').parent, 'lines[]');
    assert.equal(field(m, 'channel').pii, false);
    assert.equal(field(m, 'lines').required, true);
    assert.ok(m.fields.some((f) => f.path === 'node.next'));
    assert.ok(!m.fields.some((f) => f.path.startsWith('node.next.next.next')), 'a self-reference stops');
  });

  it('finds closed markers with their lines, sorted', () => {
    const m = json(
      lines(
        '{',
        '  "type": "object",',
        '  "properties": {',
        '    "status": { "type": "string", "enum": ["A", "B"] },',
        '    "meta": { "type": "object", "unevaluatedProperties": false }',
        '  },',
        '  "additionalProperties": false',
        '}',
      ),
    );
    assert.deepEqual(
      m.closedMarkers.map((c) => [c.kind, c.path, c.line]),
      [
        ['enum', 'status', 4],
        ['unevaluatedProperties', 'meta', 5],
        ['additionalProperties', '', 7],
      ],
    );
    assert.deepEqual(field(m, 'status').enumValues, ['A', 'B']);
  });

  it('reads a schema embedded in an AsyncAPI document, with pointers relative to the file', () => {
    const parsed = parseYaml(
      lines(
        'components:', // 1
        '  schemas:', // 2
        '    Order:', // 3
        '      type: object', // 4
        '      properties:', // 5
        '        address: { $ref: "#/components/schemas/Address" }', // 6
        '    Address:', // 7
        '      type: object', // 8
        '      properties:', // 9
        '        street: { type: string }', // 10
      ),
    );
    assert.ok(parsed.ok);
    const root = ['components', 'schemas', 'Order'];
    const value = (parsed.value as { components: { schemas: { Order: unknown } } }).components.schemas.Order;
    const result = jsonSchemaModel('a.yaml', value, parsed.lineOf, { root, document: parsed.value });
    assert.ok(result.ok);
    assert.deepEqual(result.model.fields.map((f) => [f.path, f.line]), [
      ['address', 6],
      ['address.street', 10],
    ]);
  });

  it('models array items and map values apart from the fields, with their lines, and consts as JSON', () => {
    const m = json(
      lines(
        '{',
        '  "type": "object",',
        '  "properties": {',
        '    "tags": { "type": "array", "items": { "$ref": "#/$defs/Tag" } },',
        '    "meta": {',
        '      "type": "object",',
        '      "additionalProperties": { "type": "array", "items": { "enum": [1, 2] } }',
        '    },',
        '    "kind": { "const": "award" }',
        '  },',
        '  "$defs": { "Tag": { "type": "string", "const": "x" } }',
        '}',
      ),
    );
    assert.deepEqual(m.fields.map((f) => f.path), ['tags', 'meta', 'kind']);
    assert.deepEqual(
      m.elements!.map((e) => [e.path, e.kind, e.type, e.ref, e.enumValues, e.constValue, e.line]),
      [
        ['tags[]', 'items', 'string', '#/$defs/Tag', null, '"x"', 4],
        ['meta.*', 'values', 'array', null, null, undefined, 7],
        ['meta.*[]', 'items', 'enum', null, ['1', '2'], undefined, 7],
      ],
    );
    assert.equal(field(m, 'kind').constValue, '"award"');
  });

  it('reads a const that a YAML alias makes cyclic without throwing', () => {
    const parsed = parseYaml(lines('type: object', 'properties:', '  kind: &k', '    const: { self: *k }'));
    assert.ok(parsed.ok);
    const result = jsonSchemaModel('a.yaml', parsed.value, parsed.lineOf);
    assert.ok(result.ok);
    assert.equal(typeof result.model.fields[0].constValue, 'string');
  });

  it('rejects a non-object root', () => {
    assert.equal(jsonSchemaModel('x.json', [], () => null).ok, false);
  });

  it('walks oneOf / anyOf branches under labelled paths, apart from the fields and closed markers', () => {
    const m = json(
      lines(
        '{', // 1
        '  "type": "object",', // 2
        '  "properties": {', // 3
        '    "reward": {', // 4
        '      "oneOf": [', // 5
        '        { "type": "object", "additionalProperties": false, "properties": { "v": { "const": 1 }, "kind": { "const": "cash" }, "amount": { "type": "number" } } },', // 6
        '        { "type": "object", "properties": { "v": { "const": 1 }, "kind": { "enum": ["voucher"] } } },', // 7
        '        { "$ref": "#/$defs/Gift" },', // 8
        '        { "title": "Legacy", "type": "object" },', // 9
        '        { "type": "string", "enum": ["a", "b"] },', // 10
        '        { "type": "string" },', // 11
        '        { "const": "none" },', // 12
        '        { "not": {} }', // 13
        '      ]', // 14
        '    },', // 15
        '    "id": { "anyOf": [{ "type": "string" }, { "type": "integer" }] }', // 16
        '  },', // 17
        '  "$defs": { "Gift": { "type": "object", "properties": { "sku": { "type": "string" } } } }', // 18
        '}', // 19
      ),
    );
    assert.deepEqual(m.fields.map((f) => f.path), ['reward', 'id'], 'branch properties are not fields');
    assert.deepEqual(
      m.elements!.filter((e) => e.kind === 'branch').map((e) => [e.path, e.parent, e.type, e.line]),
      [
        ['reward<kind=cash>', 'reward', 'object', 6],
        ['reward<kind=voucher>', 'reward', 'object', 7],
        ['reward<Gift>', 'reward', 'object', 8],
        ['reward<Legacy>', 'reward', 'object', 9],
        ['reward<string>', 'reward', 'string', 10],
        ['reward<#6>', 'reward', 'string', 11],
        ['reward<const=none>', 'reward', 'any', 12],
        ['reward<#8>', 'reward', 'any', 13],
        ['id<string>', 'id', 'string', 16],
        ['id<integer>', 'id', 'integer', 16],
      ],
    );
    assert.deepEqual(
      m.branchFields!.map((f) => [f.path, f.parent, f.type, f.line]),
      [
        ['reward<kind=cash>.v', 'reward<kind=cash>', 'any', 6],
        ['reward<kind=cash>.kind', 'reward<kind=cash>', 'any', 6],
        ['reward<kind=cash>.amount', 'reward<kind=cash>', 'number', 6],
        ['reward<kind=voucher>.v', 'reward<kind=voucher>', 'any', 7],
        ['reward<kind=voucher>.kind', 'reward<kind=voucher>', 'enum', 7],
        ['reward<Gift>.sku', 'reward<Gift>', 'string', 18],
      ],
    );
    assert.deepEqual(m.unions!.map((u) => [u.path, u.keyword, u.line]), [['reward', 'oneOf', 5], ['id', 'anyOf', 16]]);
    assert.deepEqual(m.closedMarkers, [], 'closed markers inside branches are not collected');
  });

  it('marks $refs that resolve in the document, a recursive one too, and reads a malformed pointer without throwing', () => {
    const m = json(
      lines(
        '{',
        '  "type": "object",',
        '  "properties": {',
        '    "payment": { "$ref": "#/definitions/Money" },',
        '    "node": { "$ref": "#/definitions/Node" },',
        '    "missing": { "$ref": "#/definitions/Missing" },',
        '    "remote": { "$ref": "money.json#/Money" },',
        '    "bad": { "$ref": "#/definitions/%zz" }',
        '  },',
        '  "definitions": {',
        '    "Money": { "type": "object", "properties": { "amount": { "type": "number" } } },',
        '    "Node": { "type": "object", "properties": { "next": { "$ref": "#/definitions/Node" } } }',
        '  }',
        '}',
      ),
    );
    assert.deepEqual(
      m.fields.map((f) => [f.path, f.refResolves === true]),
      [
        ['payment', true],
        ['payment.amount', false],
        ['node', true],
        ['node.next', true],
        ['missing', false],
        ['remote', false],
        ['bad', false],
      ],
    );
  });

  it('caps a oneOf fan-out (each level referencing the next three times) without refusing the schema, in linear time', () => {
    const defs: Record<string, unknown> = {};
    for (let i = 0; i < 40; i++) {
      defs[`d${i}`] = { type: 'object', properties: { [`x${i}`]: { type: 'string' } }, oneOf: [1, 2, 3].map(() => ({ $ref: `#/$defs/d${i + 1}` })) };
    }
    defs.d40 = { type: 'string' };
    const wide = { oneOf: Array.from({ length: 2000 }, (_, i) => ({ type: 'object', title: `t${i}`, properties: { a: { type: 'string' } } })) };
    const props: Record<string, unknown> = { chain: { $ref: '#/$defs/d0' } };
    for (let i = 0; i < 2000; i++) props[`p${i}`] = { $ref: '#/$defs/wide' };
    const started = performance.now();
    const result = jsonSchemaModel('x.json', { type: 'object', properties: props, $defs: { ...defs, wide } }, () => null);
    assert.ok(performance.now() - started < 3000, 'took too long');
    assert.ok(result.ok, result.ok ? '' : result.error);
    assert.equal(result.model.truncated, true);
    assert.equal(result.model.fields.length, 2002, 'the properties are all modelled (chain, chain.x0, p0 to p1999)');
    assert.ok(result.model.branchFields!.length <= 5000);
  });
});

describe('schema model: Avro', () => {
  it('reads records, defaults, aliases, unions, enums and nested records', () => {
    const m = avro(
      lines(
        '{',
        '  "type": "record", "name": "Order", "namespace": "shop",',
        '  "fields": [',
        '    { "name": "id", "type": "string" },',
        '    { "name": "note", "type": ["null", "string"], "default": null, "doc": "free text, non-PII" },',
        '    { "name": "customer", "aliases": ["cust"], "type": { "type": "record", "name": "Customer", "fields": [',
        '      { "name": "email", "type": "string", "pii": true } ] } },',
        '    { "name": "status", "type": { "type": "enum", "name": "Status", "symbols": ["A", "B"] } },',
        '    { "name": "previous", "type": ["null", "Status"], "default": null },',
        '    { "name": "lines", "type": { "type": "array", "items": "string" } }',
        '  ]',
        '}',
      ),
    );
    assert.deepEqual(field(m, 'id').required, true);
    assert.deepEqual([field(m, 'note').type, field(m, 'note').hasDefault, field(m, 'note').pii], ['null|string', true, false]);
    assert.deepEqual(field(m, 'customer').aliases, ['cust']);
    assert.equal(field(m, 'customer').type, 'record:Customer');
    assert.equal(field(m, 'customer.email').pii, true);
    assert.deepEqual(field(m, 'status').enumValues, ['A', 'B']);
    assert.equal(field(m, 'previous').type, 'enum:Status|null');
    assert.equal(field(m, 'lines').type, 'array<string>');
    assert.deepEqual(m.closedMarkers.map((c) => [c.kind, c.path, c.line]), [['avro-enum-without-default', 'status', 8]], 'a use of a named enum is not another marker');
    assert.equal(m.objects[0].propertiesLine, 3);
  });

  it('rejects a root that is not a record', () => {
    assert.equal(avroModel('x.avsc', { type: 'string' }, () => null).ok, false);
  });
});

describe('schema model: Protobuf', () => {
  const text = lines(
    'syntax = "proto3";', // 1
    'package shop;', // 2
    '// comment mentioning message Fake { }', // 3
    'message OrderPlaced {', // 4
    '  string order_id = 1; // pii: false', // 5
    '  /* customer contact, PII */', // 6
    '  string email = 2;', // 7
    '  Address address = 3;', // 8
    '  Status status = 4;', // 9
    '  reserved 5, 7 to 9;', // 10
    '  reserved "legacy";', // 11
    '  enum Status { UNKNOWN = 0; PLACED = 1; }', // 12
    '}', // 13
    'message Address {', // 14
    '  string street = 1 [(pii) = true];', // 15
    '}', // 16
  );

  it('uses the first top-level message as root, walks referenced messages, reads comments and options', () => {
    const result = protoModel('x.proto', text);
    assert.ok(result.ok, result.ok ? '' : result.error);
    const m = result.model;
    assert.deepEqual(rootFields(m).map((f) => [f.name, f.number, f.line]), [
      ['order_id', 1, 5],
      ['email', 2, 7],
      ['address', 3, 8],
      ['status', 4, 9],
    ]);
    assert.deepEqual([field(m, 'order_id').pii, field(m, 'email').pii, field(m, 'address.street').pii], [false, true, true]);
    assert.deepEqual(field(m, 'status').enumValues, ['UNKNOWN', 'PLACED']);
    const message = m.protoMessages!.get('shop.OrderPlaced')!;
    assert.deepEqual([message.line, message.reservedNumbers, message.reservedNames], [4, [[5, 5], [7, 9]], ['legacy']]);
    assert.equal(m.protoEnums!.get('shop.OrderPlaced.Status')!.line, 12);
    assert.equal(m.protoMessages!.get('shop.Address')!.line, 14);
  });

  it('reports a parse error with its line, and a size budget', () => {
    const bad = protoModel('x.proto', 'syntax = "proto3";\nmessage { x');
    assert.equal(bad.ok, false);
    assert.equal(bad.ok ? null : bad.line, 2);
    const big = protoModel('x.proto', 'x'.repeat(20), { maxBytes: 10 });
    assert.equal(big.ok, false);
  });

  it('works through schemaModelOf for a text artifact', () => {
    const model = buildArtifactModel([{ path: 'docs/features/shop/schemas/orders.placed.v1.proto', text }]);
    const [artifact] = model.features.get('shop')!.schemas.get('orders.placed.v1')! as SchemaArtifact[];
    const result = schemaModelOf(artifact);
    assert.ok(result.ok);
    assert.equal(result.model.format, 'proto');
  });
});
