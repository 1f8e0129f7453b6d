import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../rules/docs/schema-breaking-change.js';
import { buildArtifactModel } from '../../src/artifacts/model.js';
import { defaultConfig } from '../../src/config/schema.js';
import { runDocsRules } from '../../src/review/docs-runner.js';
import { assignStatuses } from '../../src/review/fingerprint.js';
import type { DocsRule } from '../../src/review/rule.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, runRuleOnCase, testDocsRule, type FileTree } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;
const json = (...lines: string[]) => `${lines.join('\n')}\n`;

const F = 'docs/features/order-fulfillment';
const V1 = `${F}/schemas/orders.placed.v1.json`;
const V2 = `${F}/schemas/orders.placed.v2.json`;
const AVSC = `${F}/schemas/orders.placed.v1.avsc`;
const PROTO = `${F}/schemas/orders.placed.v1.proto`;
const ASYNC = `${F}/asyncapi/orders.placed.v1.yaml`;
const C1 = `${F}/contracts/orders.placed.v1.md`;
const C2 = `${F}/contracts/orders.placed.v2.md`;

const contract = (channel: string, ...summary: string[]) =>
  md(
    `# Contract: \`${channel}\``,
    '',
    '## Summary',
    ...(summary.length > 0 ? summary : ['- **Status**: Active']),
    '- **Date**: 2026-05-13',
    `- **Channel**: \`${channel}\``,
    '- **Owner**: Orders Platform',
    '- **TL;DR**: Announces a placed order.',
  );

// The spec's Fails example, one property per line so lines are meaningful.
const BASE_V1 = json(
  '{ "type": "object",',
  '  "required": ["order_id", "customer_id"],',
  '  "properties": { "order_id": { "type": "string" }, "customer_id": { "type": "string" } } }',
);
const HEAD_V1 = json(
  '{ "type": "object",',
  '  "required": ["order_id", "account_id"],',
  '  "properties": { "order_id": { "type": "string" }, "account_id": { "type": "string" } } }',
);

/** A JSON Schema written one property per line: line 4 + index is the property's line. */
const schema = (required: string[], ...props: string[]) =>
  json(
    '{',
    '  "type": "object",',
    `  "required": ${JSON.stringify(required)},`,
    '  "properties": {',
    ...props.map((p, i) => `    ${p}${i < props.length - 1 ? ',' : ''}`),
    '  }',
    '}',
  );

const ORDER = '"order_id": { "type": "string" }';
const TOTAL = '"total": { "type": "integer" }';
const NOTE = '"note": { "type": "string", "default": "" }';

const avro = (...fields: string[]) =>
  json(
    '{',
    '  "type": "record",',
    '  "name": "OrderPlaced",',
    '  "fields": [',
    ...fields.map((f, i) => `    ${f}${i < fields.length - 1 ? ',' : ''}`),
    '  ]',
    '}',
  );

const proto = (...body: string[]) => md('syntax = "proto3";', 'package orders;', '', 'message OrderPlaced {', ...body, '}');

/** An Avro record in namespace `com.example.orders`: the first field on line 6. */
const avroNs = (...fields: string[]) =>
  json(
    '{',
    '  "type": "record",',
    '  "name": "OrderPlaced",',
    '  "namespace": "com.example.orders",',
    '  "fields": [',
    ...fields.map((f, i) => `    ${f}${i < fields.length - 1 ? ',' : ''}`),
    '  ]',
    '}',
  );

const ADDRESS = '{ "name": "shipping", "type": { "type": "record", "name": "Address", "fields": [{ "name": "zip", "type": "string" }] } }';

/** Array items on line 6, map values on line 10, a const on line 12. */
const elementsSchema = (items: string, values: string, kind: string) =>
  json(
    '{',
    '  "type": "object",',
    '  "properties": {',
    '    "tags": {',
    '      "type": "array",',
    `      "items": ${items}`,
    '    },',
    '    "meta": {',
    '      "type": "object",',
    `      "additionalProperties": ${values}`,
    '    },',
    `    "kind": ${kind}`,
    '  }',
    '}',
  );
const ELEMENTS_BASE = elementsSchema('{ "type": "string" }', '{ "type": "string" }', '{ "const": "award" }');
const ELEMENTS_HEAD = elementsSchema('{ "type": "integer" }', '{ "type": "integer" }', '{ "const": "credit" }');

/** An enum of its own lines: PAID on line 9. */
const statusEnum = (paid: string) => proto('  Status status = 1;', '  enum Status {', '    UNKNOWN = 0;', '    PLACED = 1;', `    ${paid};`, '  }');

/** `reward` is a oneOf of the given branches, one per line: the oneOf key on line 5, branch i on line 6 + i. */
const rewardOneOf = (...branches: string[]) =>
  json(
    '{',
    '  "type": "object",',
    '  "properties": {',
    '    "reward": {',
    '      "oneOf": [',
    ...branches.map((b, i) => `        ${b}${i < branches.length - 1 ? ',' : ''}`),
    '      ]',
    '    }',
    '  },',
    '  "$defs": {',
    '    "Cash": { "type": "object", "required": ["amount_cents"], "properties": { "amount_cents": { "type": "integer" } } },',
    '    "Voucher": { "type": "object", "required": ["code"], "properties": { "code": { "type": "string" } } }',
    '  }',
    '}',
  );
const CASH = '{ "type": "object", "required": ["kind", "amount"], "properties": { "kind": { "const": "cash" }, "amount": { "type": "number" } } }';
const VOUCHER = '{ "type": "object", "required": ["kind", "code"], "properties": { "kind": { "const": "voucher" }, "code": { "type": "string" } } }';
const POINTS = '{ "type": "object", "required": ["kind", "points"], "properties": { "kind": { "const": "points" }, "points": { "type": "integer" } } }';

/** `payment` refers to Money and `tree` to a recursive Node, under `definitions` or `$defs`. */
const moneySchema = (defs: string, money = '{ "type": "object", "properties": { "amount": { "type": "number" }, "currency": { "type": "string" } } }') =>
  json(
    '{',
    '  "type": "object",',
    '  "properties": {',
    `    "payment": { "$ref": "#/${defs}/Money" },`,
    `    "tree": { "$ref": "#/${defs}/Node" }`,
    '  },',
    `  "${defs}": {`,
    `    "Money": ${money},`,
    `    "Node": { "type": "object", "properties": { "child": { "$ref": "#/${defs}/Node" } } }`,
    '  }',
    '}',
  );

const LEDGER = 'docs/features/loyalty-ledger/schemas/orders.placed.v1.json';

const pair = (path: string, base: string, head: string): { files: FileTree; baseFiles: FileTree } => ({
  baseFiles: { [path]: base },
  files: { [path]: head },
});

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'loyalty-points against an identical base', files: loyalty, baseFiles: loyalty },
    {
      name: 'rule 4 Passes example: v1 unchanged, v2 added, v1 contract Deprecating with a retirement date',
      baseFiles: { [V1]: BASE_V1, [C1]: contract('orders.placed.v1') },
      files: {
        [V1]: BASE_V1,
        [V2]: HEAD_V1,
        [C2]: contract('orders.placed.v2'),
        [C1]: contract(
          'orders.placed.v1',
          '- **Status**: Deprecating',
          '- Retirement: `orders.placed.v1` is retired on 2026-09-30 after every consumer in the audit table reads v2.',
        ),
      },
    },
    { name: 'a new channel version has no base to compare with', files: { [V2]: HEAD_V1 }, baseFiles: {} },
    { name: 'no base side at all (single-side run)', files: { [V1]: HEAD_V1 } },
    { name: 'optional property with a default', ...pair(V1, schema(['order_id'], ORDER), schema(['order_id'], ORDER, NOTE)) },
    {
      name: 'integer widened to number, a required property made optional, a constraint loosened',
      ...pair(
        V1,
        schema(['order_id', 'total'], ORDER, '"total": { "type": "integer", "maximum": 10 }'),
        schema(['order_id'], ORDER, '"total": { "type": "number", "maximum": 100 }'),
      ),
    },
    {
      name: 'closing changes belong to schema-closed-with-backward (CHANGES.md 8)',
      ...pair(
        V1,
        schema(['order_id'], ORDER, '"status": { "type": "string" }'),
        json(
          '{',
          '  "type": "object",',
          '  "additionalProperties": false,',
          '  "required": ["order_id"],',
          '  "properties": {',
          `    ${ORDER},`,
          '    "status": { "type": "string", "enum": ["PLACED", "PAID"] }',
          '  }',
          '}',
        ),
      ),
    },
    {
      name: 'Avro: field added with a default, int promoted to long, rename with aliases',
      ...pair(
        AVSC,
        avro('{ "name": "order_id", "type": "string" }', '{ "name": "qty", "type": "int" }', '{ "name": "cust", "type": "string" }'),
        avro(
          '{ "name": "order_id", "type": "string" }',
          '{ "name": "qty", "type": "long" }',
          '{ "name": "customer", "type": "string", "aliases": ["cust"] }',
          '{ "name": "note", "type": ["null", "string"], "default": null }',
        ),
      ),
    },
    {
      name: 'Avro: field with a default removed; enum symbol added to an enum with a default',
      ...pair(
        AVSC,
        avro(
          '{ "name": "order_id", "type": "string" }',
          '{ "name": "note", "type": "string", "default": "" }',
          '{ "name": "status", "type": { "type": "enum", "name": "Status", "symbols": ["PLACED"], "default": "PLACED" } }',
        ),
        avro(
          '{ "name": "order_id", "type": "string" }',
          '{ "name": "status", "type": { "type": "enum", "name": "Status", "symbols": ["PLACED", "PAID"], "default": "PLACED" } }',
        ),
      ),
    },
    {
      name: 'Protobuf: removed field reserved, new field added',
      ...pair(
        PROTO,
        proto('  string order_id = 1;', '  string coupon = 2;'),
        proto('  string order_id = 1;', '  reserved 2;', '  reserved "coupon";', '  int64 total_cents = 3;'),
      ),
    },
    {
      name: 'Protobuf: a type written short, fully qualified or with a leading dot is the same type',
      ...pair(
        PROTO,
        proto('  repeated Line lines = 1;', '  Line first = 2;', '  map<string, Line> by_sku = 3;', '  message Line { string sku = 1; }'),
        proto(
          '  repeated orders.OrderPlaced.Line lines = 1;',
          '  .orders.OrderPlaced.Line first = 2;',
          '  map<string, OrderPlaced.Line> by_sku = 3;',
          '  message Line { string sku = 1; }',
        ),
      ),
    },
    {
      name: 'Avro: a named type referenced by its full name, the namespace inherited from the enclosing record',
      ...pair(
        AVSC,
        avroNs(ADDRESS, '{ "name": "billing", "type": ["null", "Address"], "default": null }'),
        avroNs(ADDRESS, '{ "name": "billing", "type": ["null", "com.example.orders.Address"], "default": null }'),
      ),
    },
    {
      name: 'array items widened integer to number, map values dropped, a const widened to an enum that keeps it',
      ...pair(
        V1,
        elementsSchema('{ "type": "integer" }', '{ "type": "string" }', '{ "const": "award" }'),
        elementsSchema('{ "type": "number" }', 'true', '{ "enum": ["award", "credit"] }'),
      ),
    },
    {
      name: 'a const or an items enum added where the value was open is a closing change',
      ...pair(
        V1,
        elementsSchema('{ "type": "string" }', '{ "type": "string" }', '{ "type": "string" }'),
        elementsSchema('{ "type": "string", "enum": ["a"] }', '{ "type": "string" }', '{ "type": "string", "const": "award" }'),
      ),
    },
    ...[
      '- **Lifecycle**: created 2026-05-13; retired on 2026-09-30 after the consumer audit',
      '- Retirement: `orders.placed.v1` is retired on 2026-09-30 after every consumer in the audit table reads v2.',
      '- On 2026-09-30 `orders.placed.v1` retires.',
      '| Sunset | 2026-09-30 |',
    ].map((line) => ({
      name: `an Active v1 contract that names its retirement date: ${line}`,
      files: { [V1]: BASE_V1, [V2]: HEAD_V1, [C1]: contract('orders.placed.v1', '- **Status**: Active', line) },
    })),
    {
      name: 'Avro: the top-level namespace changes, nested records referenced by name (one type by unqualified name)',
      ...pair(
        AVSC,
        avroNs(ADDRESS, '{ "name": "billing", "type": ["null", "Address"], "default": null }'),
        avroNs(ADDRESS, '{ "name": "billing", "type": ["null", "Address"], "default": null }').replace('"com.example.orders"', '"com.example.checkout"'),
      ),
    },
    {
      // Avro's schema resolution matches records by unqualified name and then compares their fields
      // (compared here by path, billing.zip): the namespace alone changes nothing.
      name: 'Avro: a same-named record of another namespace with the same fields',
      ...pair(
        AVSC,
        avroNs(ADDRESS, '{ "name": "billing", "type": ["null", "Address"], "default": null }'),
        avroNs(
          ADDRESS,
          '{ "name": "legacy", "type": ["null", { "type": "record", "name": "Address", "namespace": "com.example.legacy", "fields": [{ "name": "zip", "type": "string" }] }], "default": null }',
          '{ "name": "billing", "type": ["null", "com.example.legacy.Address"], "default": null }',
        ),
      ),
    },
    { name: 'Protobuf: enum values reordered, numbers kept', ...pair(PROTO, statusEnum('PAID = 2'), proto('  Status status = 1;', '  enum Status {', '    PAID = 2;', '    UNKNOWN = 0;', '    PLACED = 1;', '  }')) },
    {
      // Branches are named by their discriminator (`reward<kind=cash>`), not their position; a
      // branch added is not compared, as an enum value added is not.
      name: 'oneOf branches reordered and a branch added',
      ...pair(V1, rewardOneOf(CASH, VOUCHER), rewardOneOf(VOUCHER, POINTS, CASH)),
    },
    {
      name: 'oneOf of $ref branches reordered, one referenced through definitions instead of $defs',
      ...pair(
        V1,
        rewardOneOf('{ "$ref": "#/$defs/Cash" }', '{ "$ref": "#/$defs/Voucher" }'),
        rewardOneOf('{ "$ref": "#/$defs/Voucher" }', '{ "$ref": "#/$defs/Cash" }'),
      ),
    },
    {
      name: 'nullable oneOf reordered: branches named by their type',
      ...pair(
        V1,
        schema([], '"note": { "oneOf": [{ "type": "null" }, { "type": "string", "maxLength": 10 }] }'),
        schema([], '"note": { "oneOf": [{ "type": "string", "maxLength": 10 }, { "type": "null" }] }'),
      ),
    },
    {
      // Audit k1: draft-07 `definitions` to 2020-12 `$defs`, the targets identical (a recursive one too).
      name: 'a $ref renamed while what it resolves to is identical',
      ...pair(V1, moneySchema('definitions'), moneySchema('$defs')),
    },
    {
      name: 'a $ref replaced by the same schema inline',
      ...pair(
        V1,
        moneySchema('definitions'),
        moneySchema('definitions').replace('"$ref": "#/definitions/Money"', '"type": "object", "properties": { "amount": { "type": "number" }, "currency": { "type": "string" } }'),
      ),
    },
    {
      // A defaulted field removed (safe for BACKWARD) and an unrelated defaulted field added
      // elsewhere: not a rename, as the added field does not take the removed one's place.
      name: 'Avro: a field with a default removed, another with a default added at another place',
      ...pair(
        AVSC,
        avro('{ "name": "order_id", "type": "string" }', '{ "name": "note", "type": "string", "default": "" }', '{ "name": "qty", "type": "int" }'),
        avro('{ "name": "order_id", "type": "string" }', '{ "name": "qty", "type": "int" }', '{ "name": "channel", "type": "string", "default": "" }'),
      ),
    },
    {
      name: 'Avro: a rename with defaults and aliases',
      ...pair(
        AVSC,
        avro('{ "name": "order_id", "type": "string" }', '{ "name": "campaign", "type": "string", "default": "" }'),
        avro('{ "name": "order_id", "type": "string" }', '{ "name": "promo", "type": "string", "default": "", "aliases": ["campaign"] }'),
      ),
    },
    {
      name: 'a feature folder renamed, its schema unchanged',
      baseFiles: { [V1]: BASE_V1 },
      files: { [LEDGER]: BASE_V1 },
    },
  ],
  invalid: [
    {
      name: 'Protobuf: a short name and a qualified name that resolve to different types',
      ...pair(
        PROTO,
        md('syntax = "proto3";', 'package orders;', 'message Line { string id = 1; }', 'message OrderPlaced {', '  Line first = 1;', '  message Line { string sku = 1; }', '}'),
        md('syntax = "proto3";', 'package orders;', 'message Line { string id = 1; }', 'message OrderPlaced {', '  .orders.Line first = 1;', '  message Line { string sku = 1; }', '}'),
      ),
      errors: [{ messageId: 'breaking', path: PROTO, line: 5, severity: 'Critical' }],
    },
    {
      name: 'Protobuf: imported types written with different packages, or a local type replaced by another package\'s, are type changes',
      ...pair(
        PROTO,
        md('syntax = "proto3";', 'package orders;', 'import "google/type/money.proto";', 'message Money { int64 cents = 1; }', 'message OrderPlaced {', '  google.type.Money total = 1;', '  Money fee = 2;', '}'),
        md('syntax = "proto3";', 'package orders;', 'import "payments/money.proto";', 'message Money { int64 cents = 1; }', 'message OrderPlaced {', '  payments.v1.Money total = 1;', '  payments.v1.Money fee = 2;', '}'),
      ),
      errors: [
        { messageId: 'breaking', path: PROTO, line: 6, severity: 'Critical' },
        { messageId: 'breaking', path: PROTO, line: 7, severity: 'Critical' },
      ],
    },
    {
      name: 'Protobuf: a message moved to an imported file: its removal from this file is reported, the field using it is not',
      ...pair(
        PROTO,
        md('syntax = "proto3";', 'package orders;', 'message Money { int64 cents = 1; }', 'message OrderPlaced {', '  Money total = 1;', '}'),
        md('syntax = "proto3";', 'package orders;', 'import "orders/common.proto";', 'message OrderPlaced {', '  Money total = 1;', '}'),
      ),
      errors: [{ messageId: 'breaking', path: PROTO, line: 1, severity: 'Critical' }],
    },
    {
      name: 'rule 4 Fails example: customer_id renamed to account_id (one finding)',
      ...pair(V1, BASE_V1, HEAD_V1),
      errors: [{ messageId: 'breaking', path: V1, line: 3, severity: 'Critical' }],
    },
    {
      name: 'property removed: reported on the enclosing properties line',
      ...pair(V1, schema(['order_id'], ORDER, TOTAL), schema(['order_id'], ORDER)),
      errors: [{ messageId: 'breaking', path: V1, line: 4 }],
    },
    {
      name: 'type changed, added to required, enum value removed, $ref changed',
      ...pair(
        V1,
        schema(
          ['order_id'],
          ORDER,
          '"total": { "type": "string" }',
          '"currency": { "type": "string" }',
          '"status": { "type": "string", "enum": ["PLACED", "PAID"] }',
          '"customer": { "$ref": "#/$defs/CustomerV1" }',
        ),
        schema(
          ['order_id', 'currency'],
          ORDER,
          '"total": { "type": "integer" }',
          '"currency": { "type": "string" }',
          '"status": { "type": "string", "enum": ["PLACED"] }',
          '"customer": { "$ref": "#/$defs/CustomerV2" }',
        ),
      ),
      errors: [
        { messageId: 'breaking', path: V1, line: 6 },
        { messageId: 'breaking', path: V1, line: 7 },
        { messageId: 'breaking', path: V1, line: 8 },
        { messageId: 'breaking', path: V1, line: 9 },
      ],
    },
    {
      name: 'nested property removed: reported on the nested properties line',
      ...pair(
        V1,
        json(
          '{',
          '  "type": "object",',
          '  "properties": {',
          '    "address": {',
          '      "type": "object",',
          '      "properties": {',
          '        "city": { "type": "string" },',
          '        "zip": { "type": "string" }',
          '      }',
          '    }',
          '  }',
          '}',
        ),
        json(
          '{',
          '  "type": "object",',
          '  "properties": {',
          '    "address": {',
          '      "type": "object",',
          '      "properties": {',
          '        "city": { "type": "string" }',
          '      }',
          '    }',
          '  }',
          '}',
        ),
      ),
      errors: [{ messageId: 'breaking', path: V1, line: 6 }],
    },
    {
      name: 'a property of array items removed: reported on the items properties line',
      ...pair(
        V1,
        schema(['lines'], '"lines": { "type": "array", "items": { "type": "object", "properties": { "sku": { "type": "string" }, "qty": { "type": "integer" } } } }'),
        schema(['lines'], '"lines": { "type": "array", "items": { "type": "object", "properties": { "sku": { "type": "string" } } } }'),
      ),
      errors: [{ messageId: 'breaking', path: V1, line: 5 }],
    },
    {
      name: 'weakening: new optional property without default, maxLength tightened (Important)',
      ...pair(
        V1,
        schema(['order_id'], '"order_id": { "type": "string", "maxLength": 64 }'),
        schema(['order_id'], '"order_id": { "type": "string", "maxLength": 32 }', '"note": { "type": "string" }'),
      ),
      errors: [
        { messageId: 'weakening', path: V1, line: 5, severity: 'Important' },
        { messageId: 'weakening', path: V1, line: 6, severity: 'Important' },
      ],
    },
    {
      name: 'a new required property',
      ...pair(V1, schema(['order_id'], ORDER), schema(['order_id', 'total'], ORDER, TOTAL)),
      errors: [{ messageId: 'breaking', path: V1, line: 6 }],
    },
    {
      name: 'Avro: removed without default, added without default, type changed, enum symbol removed',
      ...pair(
        AVSC,
        avro(
          '{ "name": "order_id", "type": "string" }',
          '{ "name": "qty", "type": "string" }',
          '{ "name": "status", "type": { "type": "enum", "name": "Status", "symbols": ["PLACED", "PAID"] } }',
          '{ "name": "total", "type": "long" }',
        ),
        avro(
          '{ "name": "order_id", "type": "string" }',
          '{ "name": "qty", "type": "int" }',
          '{ "name": "status", "type": { "type": "enum", "name": "Status", "symbols": ["PLACED"] } }',
          '{ "name": "channel", "type": "boolean" }',
        ),
      ),
      errors: [
        { messageId: 'breaking', path: AVSC, line: 4 },
        { messageId: 'breaking', path: AVSC, line: 6 },
        { messageId: 'breaking', path: AVSC, line: 7 },
        { messageId: 'breaking', path: AVSC, line: 8 },
      ],
    },
    {
      name: 'Avro: rename without aliases; enum symbol added while the enum has no default (Important)',
      ...pair(
        AVSC,
        avro(
          '{ "name": "cust", "type": "string" }',
          '{ "name": "status", "type": { "type": "enum", "name": "Status", "symbols": ["PLACED"] } }',
        ),
        avro(
          '{ "name": "customer", "type": "string" }',
          '{ "name": "status", "type": { "type": "enum", "name": "Status", "symbols": ["PLACED", "PAID"] } }',
        ),
      ),
      errors: [
        { messageId: 'breaking', path: AVSC, line: 5 },
        { messageId: 'weakening', path: AVSC, line: 6, severity: 'Important' },
      ],
    },
    {
      name: 'Protobuf: number reused, removed without reserved, type changed, number changed, renamed, enum value removed',
      ...pair(
        PROTO,
        proto(
          '  string order_id = 1;',
          '  string coupon = 2;',
          '  int32 qty = 3;',
          '  string channel = 4;',
          '  string note = 5;',
          '  string region = 6;',
          '  enum Status { UNKNOWN = 0; PLACED = 1; PAID = 2; }',
          '  Status status = 7;',
        ),
        proto(
          '  string order_id = 1;',
          '  int64 coupon_count = 2;',
          '  string qty = 3;',
          '  string channel = 8;',
          '  string remark = 5;',
          '  enum Status { UNKNOWN = 0; PLACED = 1; }',
          '  Status status = 7;',
        ),
      ),
      errors: [
        { messageId: 'breaking', path: PROTO, line: 4 },
        { messageId: 'breaking', path: PROTO, line: 6 },
        { messageId: 'breaking', path: PROTO, line: 7 },
        { messageId: 'breaking', path: PROTO, line: 8 },
        { messageId: 'weakening', path: PROTO, line: 9 },
        { messageId: 'breaking', path: PROTO, line: 10 },
      ],
    },
    {
      name: 'array items type, map values type and a const changed (tags[], meta.*, kind)',
      ...pair(V1, ELEMENTS_BASE, ELEMENTS_HEAD),
      errors: [
        { messageId: 'breaking', path: V1, line: 6, severity: 'Critical' },
        { messageId: 'breaking', path: V1, line: 10, severity: 'Critical' },
        { messageId: 'breaking', path: V1, line: 12, severity: 'Critical' },
      ],
    },
    {
      name: 'properties inside map values compare like nested ones (meta.*.source removed, meta.*.at now integer)',
      ...pair(
        V1,
        elementsSchema('{ "type": "string" }', '{ "type": "object", "properties": { "source": { "type": "string" }, "at": { "type": "string" } } }', '{ "const": "award" }'),
        elementsSchema('{ "type": "string" }', '{ "type": "object", "properties": { "at": { "type": "integer" } } }', '{ "const": "award" }'),
      ),
      errors: [
        { messageId: 'breaking', path: V1, line: 10, severity: 'Critical' },
        { messageId: 'breaking', path: V1, line: 10, severity: 'Critical' },
      ],
    },
    {
      name: 'an items enum value removed, an items $ref changed, a const dropped from a new enum',
      ...pair(
        V1,
        elementsSchema('{ "enum": ["a", "b"] }', '{ "$ref": "#/$defs/MetaV1" }', '{ "const": "award" }'),
        elementsSchema('{ "enum": ["a"] }', '{ "$ref": "#/$defs/MetaV2" }', '{ "enum": ["credit"] }'),
      ),
      errors: [
        { messageId: 'breaking', path: V1, line: 6 },
        { messageId: 'breaking', path: V1, line: 10 },
        { messageId: 'breaking', path: V1, line: 12 },
      ],
    },
    {
      name: 'Protobuf: an enum value renumbered (its old number now means nothing)',
      ...pair(PROTO, statusEnum('PAID = 2'), statusEnum('PAID = 3')),
      errors: [{ messageId: 'breaking', path: PROTO, line: 9, severity: 'Critical' }],
    },
    {
      name: 'Protobuf (proto2): a field made required',
      ...pair(
        PROTO,
        md('syntax = "proto2";', 'message OrderPlaced {', '  optional string order_id = 1;', '}'),
        md('syntax = "proto2";', 'message OrderPlaced {', '  required string order_id = 1;', '}'),
      ),
      errors: [{ messageId: 'breaking', path: PROTO, line: 3 }],
    },
    {
      name: 'AsyncAPI inline components.schemas: a property removed',
      ...pair(
        ASYNC,
        md(
          'asyncapi: 3.1.0',
          'components:',
          '  schemas:',
          '    OrderPlaced:',
          '      type: object',
          '      properties:',
          '        order_id: { type: string }',
          '        total: { type: integer }',
        ),
        md(
          'asyncapi: 3.1.0',
          'components:',
          '  schemas:',
          '    OrderPlaced:',
          '      type: object',
          '      properties:',
          '        order_id: { type: string }',
        ),
      ),
      errors: [{ messageId: 'breaking', path: ASYNC, line: 6 }],
    },
    {
      // Audit j2: a property of a oneOf branch changed type.
      name: 'a property inside a oneOf branch changed type',
      ...pair(V1, rewardOneOf(CASH, VOUCHER), rewardOneOf(CASH.replace('"amount": { "type": "number" }', '"amount": { "type": "string" }'), VOUCHER)),
      errors: [{ messageId: 'breaking', path: V1, line: 6, severity: 'Critical' }],
    },
    {
      // Audit m1: the Cash definition a branch refers to changed its required property (line 12).
      name: 'a required property of a $ref oneOf branch renamed, and one changed type',
      ...pair(
        V1,
        rewardOneOf('{ "$ref": "#/$defs/Cash" }', '{ "$ref": "#/$defs/Voucher" }'),
        rewardOneOf('{ "$ref": "#/$defs/Cash" }', '{ "$ref": "#/$defs/Voucher" }')
          .replace('"required": ["amount_cents"], "properties": { "amount_cents"', '"required": ["amount"], "properties": { "amount"')
          .replace('"code": { "type": "string" }', '"code": { "type": "integer" }'),
      ),
      errors: [
        { messageId: 'breaking', path: V1, line: 12, severity: 'Critical' },
        { messageId: 'breaking', path: V1, line: 13, severity: 'Critical' },
      ],
    },
    {
      name: 'a oneOf branch removed: reported on the oneOf line',
      ...pair(V1, rewardOneOf(CASH, VOUCHER), rewardOneOf(VOUCHER)),
      errors: [{ messageId: 'breaking', path: V1, line: 5, severity: 'Critical' }],
    },
    {
      name: 'anyOf: a new required property in a branch, an enum value removed from a branch',
      ...pair(
        V1,
        schema([], '"status": { "anyOf": [{ "type": "string", "enum": ["A", "B"] }, { "title": "Detail", "type": "object", "properties": { "code": { "type": "string" } } }] }'),
        schema([], '"status": { "anyOf": [{ "type": "string", "enum": ["A"] }, { "title": "Detail", "type": "object", "required": ["code"], "properties": { "code": { "type": "string" } } }] }'),
      ),
      errors: [
        { messageId: 'breaking', path: V1, line: 5, severity: 'Critical' },
        { messageId: 'breaking', path: V1, line: 5, severity: 'Critical' },
      ],
    },
    {
      // payment.amount and payment.currency removed, payment.child added: on Node's properties line.
      name: 'a $ref to another definition whose content differs: reported by the content',
      ...pair(V1, moneySchema('$defs'), moneySchema('$defs').replace('"payment": { "$ref": "#/$defs/Money" }', '"payment": { "$ref": "#/$defs/Node" }')),
      errors: [
        { messageId: 'breaking', path: V1, line: 9, severity: 'Critical' },
        { messageId: 'breaking', path: V1, line: 9, severity: 'Critical' },
        { messageId: 'weakening', path: V1, line: 9, severity: 'Important' },
      ],
    },
    {
      name: 'a $ref to a definition whose type differs',
      ...pair(V1, moneySchema('$defs'), moneySchema('$defs', '{ "type": "string" }')),
      errors: [{ messageId: 'breaking', path: V1, line: 4, severity: 'Critical' }],
    },
    {
      // Audit a2: old records' campaign values would be replaced by promo's default.
      name: 'Avro: a field with a default renamed without aliases, in the same place',
      ...pair(
        AVSC,
        avro('{ "name": "order_id", "type": "string" }', '{ "name": "campaign", "type": "string", "default": "" }', '{ "name": "qty", "type": "int" }'),
        avro('{ "name": "order_id", "type": "string" }', '{ "name": "promo", "type": "string", "default": "" }', '{ "name": "qty", "type": "int" }'),
      ),
      errors: [{ messageId: 'breaking', path: AVSC, line: 6, severity: 'Critical' }],
    },
    {
      // Audit k3: a loosened pattern is a change, not a tightening.
      name: 'a pattern changed (Important)',
      ...pair(V1, schema([], '"note": { "type": "string", "pattern": "^[a-z]+$" }'), schema([], '"note": { "type": "string", "pattern": "^[a-z0-9]+$" }')),
      errors: [{ messageId: 'weakening', path: V1, line: 5, severity: 'Important' }],
    },
    {
      // Audit mv: `git mv docs/features/loyalty-points docs/features/loyalty-ledger` plus a removal.
      name: 'a feature folder renamed and a property removed: compared with the base file of the same channel',
      baseFiles: { [V1]: schema(['order_id'], ORDER, TOTAL) },
      files: { [LEDGER]: schema(['order_id'], ORDER) },
      errors: [{ messageId: 'breaking', path: LEDGER, line: 4, severity: 'Critical' }],
    },
    {
      name: 'a v2 schema exists but the v1 contract is Active with no retirement date (Suggestion)',
      files: { [V1]: BASE_V1, [V2]: HEAD_V1, [C1]: contract('orders.placed.v1') },
      errors: [{ messageId: 'noRetirement', path: C1, line: 4, severity: 'Suggestion' }],
    },
    ...[
      '- **Lifecycle**: created 2026-05-13; retired 30 days after every consumer reads a v2 channel',
      '- **Lifecycle**: created 2026-05-13, retired once the audit is done',
      '- Deprecated on 2026-06-01; v1 retires after the audit.',
      '- v1 retires 30 days after deprecation on 2026-06-01.',
    ].map((line) => ({
      name: `a date that is not the retirement's does not count: ${line}`,
      files: { [V1]: BASE_V1, [V2]: HEAD_V1, [C1]: contract('orders.placed.v1', '- **Status**: Active', line) },
      errors: [{ messageId: 'noRetirement', path: C1, line: 4, severity: 'Suggestion' as const }],
    })),
  ],
});

describe('schema-breaking-change on hostile contracts', () => {
  it('reads a 40,000-character lifecycle line of near-dates and separators in linear time', () => {
    for (const hostile of ['retire 2026-13-'.repeat(2700), ';'.repeat(40_000), 'created retire 2026-05-1'.repeat(1700)]) {
      const started = performance.now();
      runRuleOnCase(rule, { name: 'hostile', files: { [V1]: BASE_V1, [V2]: HEAD_V1, [C1]: contract('orders.placed.v1', '- **Status**: Active', `- ${hostile}`) } });
      assert.ok(performance.now() - started < 2000, `${hostile.slice(0, 20)}… took too long`);
    }
  });
});

describe('schema-breaking-change on oneOf branches past their budget', () => {
  it('does not compare branches whose model was cut short (which properties were read depends on the order)', () => {
    const P = `${F}/schemas/orders.placed.v1.json`;
    const schema = (kinds: string[]) =>
      JSON.stringify({
        type: 'object',
        $defs: { Envelope: { type: 'object', properties: Object.fromEntries(Array.from({ length: 200 }, (_, k) => [`e${k}`, { type: 'string' }])) } },
        properties: { event: { oneOf: kinds.map((k) => ({ type: 'object', allOf: [{ $ref: '#/$defs/Envelope' }], properties: { kind: { const: k } } })) } },
      }, null, 2);
    const kinds = Array.from({ length: 30 }, (_, i) => `k${i}`);
    assert.deepEqual(runRuleOnCase(rule, { name: 'branch added in front', ...pair(P, schema(kinds), schema(['new', ...kinds])) }), []);
    // Within the budget the same change is compared, and still reports nothing (a branch added is not breaking).
    const few = kinds.slice(0, 3);
    assert.deepEqual(runRuleOnCase(rule, { name: 'few branches', ...pair(P, schema(few), schema(['new', ...few])) }), []);
  });
});

describe('schema-breaking-change messages', () => {
  const changes = (c: { files: FileTree; baseFiles: FileTree }) => runRuleOnCase(rule, { name: 'messages', ...c }).map((f) => f.message.split(': ')[1].split('. Consumers')[0]);

  it('names array items as tags[], map values as meta.*, and a const by its values', () => {
    assert.deepEqual(changes(pair(V1, ELEMENTS_BASE, ELEMENTS_HEAD)), [
      'type of tags[] changed from string to integer',
      'type of meta.* changed from string to integer',
      'const of kind changed from "award" to "credit"',
    ]);
  });

  it('names properties inside map values by their path under meta.*', () => {
    const values = (props: string) => elementsSchema('{ "type": "string" }', `{ "type": "object", "properties": { ${props} } }`, '{ "const": "award" }');
    const found = runRuleOnCase(rule, { name: 'map values', ...pair(V1, values('"source": { "type": "string" }, "at": { "type": "string" }'), values('"at": { "type": "integer" }')) });
    assert.deepEqual(
      found.map((f) => f.message.split(': ')[1]!.split('. Consumers')[0]).sort(),
      ['property meta.*.source removed', 'type of meta.*.at changed from string to integer'],
    );
  });

  it('names a const no longer allowed, and a renumbered Protobuf enum value', () => {
    assert.deepEqual(
      changes(pair(V1, elementsSchema('{}', '{}', '{ "const": "award" }'), elementsSchema('{}', '{}', '{ "enum": ["credit"] }'))),
      ['const value "award" no longer allowed in kind'],
    );
    assert.deepEqual(changes(pair(PROTO, statusEnum('PAID = 2'), statusEnum('PAID = 3'))), [
      'number of enum value orders.OrderPlaced.Status.PAID changed from 2 to 3',
    ]);
  });

  it('names properties of oneOf branches by the branch label, and a removed branch by its list', () => {
    assert.deepEqual(changes(pair(V1, rewardOneOf(CASH, VOUCHER), rewardOneOf(CASH.replace('"type": "number"', '"type": "string"'), VOUCHER))), [
      'type of reward<kind=cash>.amount changed from number to string',
    ]);
    assert.deepEqual(changes(pair(V1, rewardOneOf(CASH, VOUCHER), rewardOneOf(VOUCHER))), ['oneOf branch <kind=cash> of reward removed']);
    const refs = rewardOneOf('{ "$ref": "#/$defs/Cash" }', '{ "$ref": "#/$defs/Voucher" }');
    assert.deepEqual(changes(pair(V1, refs, refs.replace('"properties": { "amount_cents"', '"properties": { "amount"').replace('["amount_cents"]', '["amount"]'))), [
      'property reward<Cash>.amount_cents renamed to amount',
    ]);
  });

  it('names a $ref change by what it resolves to, and by its text when it does not resolve', () => {
    assert.deepEqual(changes(pair(V1, moneySchema('$defs'), moneySchema('$defs', '{ "type": "string" }'))), [
      'type of payment changed from object to string',
    ]);
    assert.deepEqual(changes(pair(V1, moneySchema('$defs'), moneySchema('$defs').replace('#/$defs/Money', '#/$defs/Missing'))), [
      '$ref of payment changed from #/$defs/Money to #/$defs/Missing',
    ]);
  });

  it('drops the children of a property only when its other side holds none', () => {
    const address = (type: string, props: string) => schema([], `"address": { "type": ${type}, "properties": { ${props} } }`);
    // An object made nullable still holds properties: the one removed is named.
    assert.deepEqual(changes(pair(V1, address('"object"', '"city": { "type": "string" }, "zip": { "type": "string" }'), address('["object", "null"]', '"city": { "type": "string" }'))), [
      'type of address changed from object to null|object',
      'property address.zip removed',
    ]);
    // oneOf becoming anyOf keeps its branches (named without the keyword): only the type is reported.
    assert.deepEqual(changes(pair(V1, rewardOneOf(CASH, VOUCHER), rewardOneOf(CASH, VOUCHER).replace('"oneOf"', '"anyOf"'))), [
      'type of reward changed from oneOf to anyOf',
    ]);
  });

  it('names a pattern change as a change, and an added pattern as added', () => {
    const note = (extra: string) => pair(V1, schema([], '"note": { "type": "string", "maxLength": 9 }'), schema([], `"note": { "type": "string"${extra} }`));
    assert.deepEqual(
      changes(pair(V1, schema([], '"note": { "type": "string", "pattern": "^[a-z]+$" }'), schema([], '"note": { "type": "string", "pattern": "^[a-z0-9]+$" }'))),
      ['pattern of note changed from ^[a-z]+$ to ^[a-z0-9]+$'],
    );
    assert.deepEqual(changes(note(', "maxLength": 5, "pattern": "^x$"')), ['maxLength tightened on note; pattern ^x$ added to note']);
  });

  it('says what an Avro rename between defaulted fields loses', () => {
    assert.deepEqual(
      changes(pair(AVSC, avro('{ "name": "campaign", "type": "string", "default": "" }'), avro('{ "name": "promo", "type": "string", "default": "" }'))),
      ['field campaign renamed to promo without aliases, so records written with campaign read promo as its default and lose the campaign value'],
    );
  });

  it('compares a moved file only with an unambiguous base file of its channel', () => {
    const other = 'docs/features/other/schemas/orders.placed.v1.json';
    // Two base files of the channel are gone: which one moved is unknown, nothing is compared.
    assert.deepEqual(changes({ baseFiles: { [V1]: BASE_V1, [other]: BASE_V1 }, files: { [LEDGER]: HEAD_V1 } }), []);
    // The base file is still there at head: the new one is a copy, not a move.
    assert.deepEqual(changes({ baseFiles: { [V1]: BASE_V1 }, files: { [V1]: BASE_V1, [LEDGER]: HEAD_V1 } }), []);
    assert.deepEqual(changes({ baseFiles: { [V1]: BASE_V1 }, files: { [LEDGER]: HEAD_V1 } }), ['property customer_id renamed to account_id']);
  });
});

describe('schema-breaking-change statuses (engine runs the rule on base and head)', () => {
  const run = (baseTree: FileTree, headTree: FileTree) => {
    const entries = (t: FileTree) => Object.entries(t).map(([path, text]) => ({ path, text }));
    const head = buildArtifactModel(entries(headTree), { side: 'head' });
    const base = buildArtifactModel(entries(baseTree), { side: 'base' });
    const rules = [rule as DocsRule];
    const h = runDocsRules(rules, { side: 'head', model: head, other: base, config: defaultConfig });
    const b = runDocsRules(rules, { side: 'base', model: base, other: head, config: defaultConfig });
    assert.deepEqual([...h.errors, ...b.errors], []);
    return assignStatuses({ head: h.findings, base: b.findings, baseToHead: (p) => p }).map((f) => `${f.status} ${f.messageId} ${f.location.path}:${f.location.startLine}`);
  };

  it('a breaking change is introduced, never removed or doubled by the base run', () => {
    assert.deepEqual(run({ [V1]: BASE_V1 }, { [V1]: HEAD_V1 }), [`introduced breaking ${V1}:3`]);
  });

  it('a missing retirement date that predates the PR stays pre-existing; fixing it reads as removed', () => {
    const before = { [V1]: BASE_V1, [V2]: HEAD_V1, [C1]: contract('orders.placed.v1') };
    assert.deepEqual(run(before, { ...before, [`${F}/README.md`]: '# x\n' }), [`pre-existing noRetirement ${C1}:4`]);
    const fixed = { ...before, [C1]: contract('orders.placed.v1', '- **Status**: Deprecating') };
    assert.deepEqual(run(before, fixed), [`removed noRetirement ${C1}:4`]);
  });

  it('adding the v2 schema without deprecating v1 introduces the suggestion', () => {
    const before = { [V1]: BASE_V1, [C1]: contract('orders.placed.v1') };
    assert.deepEqual(run(before, { ...before, [V2]: HEAD_V1 }), [`introduced noRetirement ${C1}:4`]);
  });
});
