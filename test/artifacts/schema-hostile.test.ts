// Hostile payload schemas: `$ref` fan-out, huge Protobuf files, and schema files that cannot be
// modelled. Each must be reviewed in bounded work or named in the review's coverage; none may pass
// the schema checks silently. The inputs are sized so that the old quadratic or exponential code
// runs for minutes; the assertions are about the result only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import closedWithBackward from '../../rules/docs/schema-closed-with-backward.js';
import { allRules, codeRules, docsRules } from '../../rules/index.js';
import { buildArtifactModel } from '../../src/artifacts/model.js';
import {
  MAX_PROTO_FIELD_DECLARATIONS,
  MAX_SCHEMA_NODES,
  jsonSchemaModel,
  protoModel,
} from '../../src/artifacts/schema-model.js';
import { parseConfig } from '../../src/config/load.js';
import { runReview } from '../../src/review/engine.js';
import type { ChangedFile, ReviewSource } from '../../src/review/source.js';
import { runRuleOnCase } from '../harness/docs-rule-tester.js';

const F = 'docs/features/order-placement';
const JSON_PATH = `${F}/schemas/orders.placed.v1.json`;
const AVSC_PATH = `${F}/schemas/orders.placed.v1.avsc`;
const PROTO_PATH = `${F}/schemas/orders.placed.v1.proto`;
const ASYNC_PATH = `${F}/asyncapi/orders.placed.v1.yaml`;
const CONTRACT_PATH = `${F}/contracts/orders.placed.v1.md`;

/** /tmp/audit-hostile/gen-refbomb.py: each `$defs` entry is `allOf` of two `$ref`s to the next. */
function refBomb(levels: number): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  for (let i = 0; i < levels; i++) defs[`d${i}`] = { allOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] };
  defs[`d${levels}`] = { type: 'object' };
  return { title: 'orders.placed.v1', type: 'object', $defs: defs, properties: { order_id: { type: 'string' }, a: { $ref: '#/$defs/d0' } } };
}

/** More subschemas to walk than the budget allows, with no repeat the memo could skip. */
function fanOut(properties: number, branches: number): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (let i = 0; i < properties; i++) props[`p${i}`] = { $ref: '#/$defs/wide' };
  return { type: 'object', $defs: { wide: { allOf: Array.from({ length: branches }, () => ({ type: 'object' })) } }, properties: props };
}

const protoMessage = (fields: number) =>
  `syntax = "proto3";\nmessage OrderPlaced {\n${Array.from({ length: fields }, (_, i) => `  string f${i} = ${i + 1};\n`).join('')}}\n`;

const skipsOf = (files: Record<string, string>) =>
  buildArtifactModel(Object.entries(files).map(([path, text]) => ({ path, text })), { side: 'head' }).skipped.map((s) => [s.path, s.reason]);

describe('JSON Schema $ref fan-out', () => {
  it('models the 26-level allOf/$ref bomb (1,955 bytes) once per definition', () => {
    const schema = refBomb(26);
    // gen-refbomb.py writes it with spaces after `,` and `:` (1,955 bytes); compact it is 1,784.
    assert.equal(JSON.stringify(schema).length, 1784);
    const result = jsonSchemaModel(JSON_PATH, schema, () => 1);
    assert.ok(result.ok);
    assert.deepEqual(result.model.fields.map((f) => f.path), ['order_id', 'a']);
    assert.equal(result.model.truncated, false);
  });

  it('models a 60-level chain whose entries reference the next two (Fibonacci fan-out)', () => {
    const defs: Record<string, unknown> = {};
    for (let i = 0; i < 60; i++) {
      defs[`d${i}`] = { allOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 2}` }], properties: { [`x${i}`]: { type: 'string' } } };
    }
    const result = jsonSchemaModel(JSON_PATH, { type: 'object', $defs: defs, properties: { a: { $ref: '#/$defs/d0' } } }, () => 1);
    assert.ok(result.ok);
    // Each definition's property once under `a`, not once per path that reaches it.
    assert.equal(result.model.fields.length, 61);
    assert.equal(new Set(result.model.fields.map((f) => f.path)).size, 61);
  });

  it('refuses a schema whose walk exceeds the node budget, as too large', () => {
    const result = jsonSchemaModel(JSON_PATH, fanOut(1000, 200), () => 1);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.tooLarge === true);
    assert.ok(!result.ok && result.error.includes(String(MAX_SCHEMA_NODES)), !result.ok ? result.error : '');
  });

  it('names a schema file over the node budget in the coverage (too-large), and keeps it in the model', () => {
    const model = buildArtifactModel([{ path: JSON_PATH, text: JSON.stringify(fanOut(1000, 200)) }], { side: 'head' });
    assert.deepEqual(model.skipped.map((s) => [s.path, s.side, s.reason]), [[JSON_PATH, 'head', 'too-large']]);
    assert.match(model.skipped[0].detail, /schema checks did not run/);
    assert.ok(model.artifacts.has(JSON_PATH));
  });

  it('schema-closed-with-backward reads a 34-level AsyncAPI payload chain (run.sh yaml-refchain 34)', () => {
    let yaml =
      'asyncapi: 3.0.0\ninfo: {title: x, version: 1.0.0}\nchannels:\n  c:\n    address: orders.placed.v1\n    messages:\n' +
      '      m: {$ref: "#/components/messages/m0"}\ncomponents:\n  messages:\n';
    for (let i = 0; i < 34; i++) {
      yaml += `    m${i}:\n      payload: {allOf: [{$ref: "#/components/messages/m${i + 1}/payload"}, {$ref: "#/components/messages/m${i + 2}/payload"}]}\n`;
    }
    yaml += '    m34:\n      payload: {type: object, additionalProperties: false}\n    m35:\n      payload: {type: object}\n';
    const contract =
      '# Contract: `orders.placed.v1`\n\n## Compatibility and versioning\n- **Compatibility**: BACKWARD\n\n## Related artifacts\n- none\n';
    const findings = runRuleOnCase(closedWithBackward, { name: 'refchain', files: { [CONTRACT_PATH]: contract, [ASYNC_PATH]: yaml } });
    assert.deepEqual(findings.map((f) => [f.messageId, f.location.path, f.location.startLine]), [['closedSchema', ASYNC_PATH, 79]]);
  });

  it('names an AsyncAPI file whose payload schema exceeds the node budget in the coverage', () => {
    const props = Array.from({ length: 1000 }, (_, i) => `p${i}: {$ref: "#/components/schemas/Wide"}`).join(', ');
    const yaml =
      'asyncapi: 3.0.0\nchannels:\n  c:\n    address: orders.placed.v1\n    messages:\n      m:\n        payload:\n' +
      `          type: object\n          properties: {${props}}\ncomponents:\n  schemas:\n    Wide:\n      allOf: [${Array(200).fill('{type: object}').join(', ')}]\n`;
    assert.deepEqual(skipsOf({ [ASYNC_PATH]: yaml }), [[ASYNC_PATH, 'too-large']]);
  });
});

describe('large Protobuf files', () => {
  it(`refuses a message of 40,000 fields (~800 KB) as too large, before protobufjs parses it`, () => {
    const text = protoMessage(40_000);
    assert.ok(text.length < 1024 * 1024);
    const result = protoModel(PROTO_PATH, text);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.tooLarge === true);
    assert.ok(!result.ok && result.error.includes(`${MAX_PROTO_FIELD_DECLARATIONS}`), !result.ok ? result.error : '');
    assert.deepEqual(skipsOf({ [PROTO_PATH]: text }), [[PROTO_PATH, 'too-large']]);
  });

  it('models a message at the field cap, every field on its own line', () => {
    const result = protoModel(PROTO_PATH, protoMessage(MAX_PROTO_FIELD_DECLARATIONS));
    assert.ok(result.ok);
    assert.equal(result.model.fields.length, MAX_PROTO_FIELD_DECLARATIONS);
    assert.deepEqual(result.model.fields.at(-1)!.line, MAX_PROTO_FIELD_DECLARATIONS + 2);
  });

  it('locates every value of a 40,000-value enum (linear locator)', () => {
    const text = `syntax = "proto3";\nenum Status {\n${Array.from({ length: 40_000 }, (_, i) => `  S${i} = ${i};\n`).join('')}}\nmessage M { Status s = 1; }\n`;
    const result = protoModel(PROTO_PATH, text);
    assert.ok(result.ok);
    const values = result.model.protoEnums!.get('Status')!.values;
    assert.equal(values.size, 40_000);
    assert.deepEqual([values.get('S0')!.line, values.get('S39999')!.line], [3, 40_002]);
    assert.equal(result.model.protoMessages!.get('M')!.line, 40_004);
  });

  it('locates 20,000 message declarations (indexed, not one scan per message)', () => {
    const text = `syntax = "proto3";\n${Array.from({ length: 20_000 }, (_, i) => `message M${i} { string a = 1; }\n`).join('')}`;
    // 20,000 fields over 20,000 messages: the per-message cost of protobufjs stays linear, so the
    // cap counts fields of one message, not of the file.
    const result = protoModel(PROTO_PATH, text);
    assert.ok(result.ok, !result.ok ? result.error : '');
    assert.equal(result.model.protoMessages!.size, 20_000);
    assert.deepEqual([result.model.protoMessages!.get('M0')!.line, result.model.protoMessages!.get('M19999')!.line], [2, 20_001]);
    assert.equal(result.model.protoFields!.get('M19999')![0].line, 20_001);
  });

  it('counts the fields of a oneof toward its message, and ignores those of nested messages', () => {
    const oneof = `syntax = "proto3";\nmessage M {\n  oneof o {\n${Array.from({ length: MAX_PROTO_FIELD_DECLARATIONS + 1 }, (_, i) => `    string f${i} = ${i + 1};\n`).join('')}  }\n}\n`;
    const r1 = protoModel(PROTO_PATH, oneof);
    assert.ok(!r1.ok && r1.tooLarge === true);
    const half = Math.ceil((MAX_PROTO_FIELD_DECLARATIONS + 1) / 2);
    const nested = (n: number, from: number) => Array.from({ length: n }, (_, i) => `    string f${from + i} = ${from + i + 1};\n`).join('');
    const text = `syntax = "proto3";\nmessage M {\n  message A {\n${nested(half, 0)}  }\n  message B {\n${nested(half, 0)}  }\n  string top = 1;\n}\n`;
    const r2 = protoModel(PROTO_PATH, text);
    assert.ok(r2.ok, !r2.ok ? r2.error : '');
    assert.equal(r2.model.protoFields!.get('M.A')!.length, half);
  });
});

describe('schema files that cannot be modelled are named in the coverage', () => {
  it('lists a Protobuf syntax error, a non-record Avro root and a non-object JSON Schema root as unparseable', () => {
    const model = buildArtifactModel(
      [
        { path: PROTO_PATH, text: 'syntax = "proto3";\nmessage OrderPlaced {\n  string order_id = 1\n  int64 total_cents = 3;\n}\n' },
        { path: AVSC_PATH, text: '{ "type": "enum", "name": "Status", "symbols": ["A"] }\n' },
        { path: JSON_PATH, text: '[1, 2]\n' },
      ],
      { side: 'base' },
    );
    assert.deepEqual(
      model.skipped.map((s) => [s.path, s.side, s.reason, s.detail]),
      [
        [AVSC_PATH, 'base', 'unparseable', 'Avro schema root is not a record with fields; its schema checks did not run'],
        [JSON_PATH, 'base', 'unparseable', 'JSON Schema root is not an object; its schema checks did not run'],
        [PROTO_PATH, 'base', 'unparseable', "Protobuf: illegal token 'int64', ';' expected (line 4); its schema checks did not run"],
      ],
    );
    // The files stay in their slots: other rules still read them.
    assert.equal(model.features.get('order-placement')!.schemas.get('orders.placed.v1')!.length, 3);
  });

  it('does not list a schema that models', () => {
    assert.deepEqual(skipsOf({ [JSON_PATH]: '{"type":"object","properties":{"a":{"type":"string"}}}', [PROTO_PATH]: protoMessage(3) }), []);
  });
});

describe('a broken .proto at head does not pass the breaking-change check silently (protobreak.sh)', () => {
  const base = 'syntax = "proto3";\npackage orders.v1;\n\nmessage OrderPlaced {\n  string order_id = 1;\n  string customer_id = 2;\n  int64 total_cents = 3;\n}\n';
  const settings = parseConfig('gate:\n  failOn: [Critical]\n  scope: all\n', '.github/arch-review.yml', { knownRuleIds: allRules.map((r) => r.meta.id) });
  if (!settings.ok) throw new Error('fixture config');

  function source(head: string): ReviewSource {
    const trees = { base: { [PROTO_PATH]: base }, head: { [PROTO_PATH]: head } } as const;
    const changed: ChangedFile[] = [
      { path: PROTO_PATH, status: 'modified', hunks: [{ oldStart: 5, oldLines: 3, newStart: 5, newLines: 2, added: [5, 6], deleted: [5, 6, 7] }], hasPatch: true },
    ];
    return {
      baseRef: 'base',
      headRef: 'head',
      changedFiles: async () => changed,
      async readFile(side, path) {
        const text = (trees[side] as Record<string, string>)[path];
        return text === undefined ? { ok: false, reason: 'missing' } : { ok: true, text, bytes: text.length };
      },
      async listPaths(side, prefix) {
        return Object.keys(trees[side]).filter((p) => prefix === '' || p.startsWith(prefix)).sort();
      },
    };
  }

  it('a removed field with the syntax intact is a Critical schema-breaking-change', async () => {
    const head = 'syntax = "proto3";\npackage orders.v1;\n\nmessage OrderPlaced {\n  string order_id = 1;\n  int64 total_cents = 3;\n}\n';
    const result = await runReview({ source: source(head), config: settings.config, codeRules, docsRules });
    const breaking = result.findings.filter((f) => f.ruleId === 'schema-breaking-change');
    assert.deepEqual(breaking.map((f) => [f.severity, f.location.path]), [['Critical', PROTO_PATH]]);
    assert.deepEqual(result.coverage.skipped, []);
  });

  it('a removed field and a dropped `;` names the file in the coverage as unparseable, with the parser message', async () => {
    const head = 'syntax = "proto3";\npackage orders.v1;\n\nmessage OrderPlaced {\n  string order_id = 1\n  int64 total_cents = 3;\n}\n';
    const result = await runReview({ source: source(head), config: settings.config, codeRules, docsRules });
    assert.deepEqual(
      result.coverage.skipped.map((s) => [s.path, s.side, s.reason, s.detail]),
      [[PROTO_PATH, 'head', 'unparseable', "Protobuf: illegal token 'int64', ';' expected (line 6); its schema checks did not run"]],
    );
  });
});
