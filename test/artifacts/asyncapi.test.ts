import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { channelFor, readAsyncApi } from '../../src/artifacts/asyncapi.js';
import { buildArtifactModel, type ArtifactModel, type StructuredArtifact } from '../../src/artifacts/model.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree } from '../harness/docs-rule-tester.js';

const lines = (...rows: string[]) => `${rows.join('\n')}\n`;
const F = 'docs/features/shop';

function load(files: Record<string, string>): { model: ArtifactModel; file: (path: string) => StructuredArtifact } {
  const model = buildArtifactModel(Object.entries(files).map(([path, text]) => ({ path, text })));
  assert.deepEqual(model.skipped, []);
  return { model, file: (path) => model.artifacts.get(path) as StructuredArtifact };
}

describe('AsyncAPI 3.x', () => {
  it('reads the loyalty-points file: address, x-ordering-key, operations, trait headers, payload, examples', () => {
    const tree = readFixtureTree(LOYALTY_POINTS_FIXTURE);
    const path = 'docs/features/loyalty-points/asyncapi/loyalty.points-awarded.v1.yaml';
    const { model, file } = load(tree);
    const doc = readAsyncApi(file(path), model);
    assert.deepEqual([doc.version, doc.major, doc.versionLine, doc.channelsLine], ['3.1.0', 3, 1, 10]);
    const ch = channelFor(doc, 'loyalty.points-awarded.v1')!;
    assert.deepEqual([ch.id, ch.address, ch.addressLine, ch.line, ch.messagesLine], ['pointsAwardedV1', 'loyalty.points-awarded.v1', 12, 11, 15]);
    assert.deepEqual(ch.orderingKey, { value: 'member_id', line: 14 });
    assert.deepEqual(doc.operations.map((o) => [o.id, o.action, o.channelId]), [
      ['sendPointsAwarded', 'send', 'pointsAwardedV1'],
      ['receivePointsAwarded', 'receive', 'pointsAwardedV1'],
    ]);
    const [message] = ch.messages;
    assert.deepEqual([message.id, message.line, message.contentType], ['pointsAwarded', 33, 'application/cloudevents+json']);
    const headers = message.headers!;
    assert.ok(headers.required.has('traceparent') && headers.properties.has('partitionkey'));
    assert.deepEqual(headers.sources.map((s) => [s.origin, s.line, s.requiredLine, s.propertiesLine]), [['trait', 62, 64, 65]]);
    assert.deepEqual(headers.propertyLine('traceparent'), { path, line: 73 });
    assert.equal(message.payload!.ref, '../schemas/loyalty.points-awarded.v1.json');
    assert.equal(message.payload!.line, 40);
    assert.equal(message.payload!.schema!.artifact.path, 'docs/features/loyalty-points/schemas/loyalty.points-awarded.v1.json');
    assert.equal(message.examples[0].lineOf('headers', 'partitionkey'), 54);
    assert.equal(message.examples[0].payload!.member_id, 'mem_8841');
  });

  it('follows $refs into other files of the same feature, not outside it', () => {
    const { model, file } = load({
      [`${F}/asyncapi/orders.placed.v1.yaml`]: lines(
        'asyncapi: 3.0.0',
        'channels:',
        '  placed:',
        '    address: orders.placed.v1',
        '    messages:',
        '      placed:',
        "        $ref: './common.yaml#/components/messages/Placed'",
        '      other:',
        "        $ref: '../../billing/asyncapi/x.yaml#/components/messages/X'",
      ),
      [`${F}/asyncapi/common.yaml`]: lines(
        'components:',
        '  messages:',
        '    Placed:',
        '      headers:',
        "        $ref: '#/components/schemas/Headers'",
        '      payload:',
        "        $ref: '../schemas/missing.json'",
        '  schemas:',
        '    Headers:',
        '      type: object',
        '      properties:',
        '        traceparent: { type: string }',
      ),
    });
    const doc = readAsyncApi(file(`${F}/asyncapi/orders.placed.v1.yaml`), model);
    const ch = doc.channels[0];
    assert.equal(ch.messages.length, 1);
    assert.deepEqual(ch.problems.map((p) => p.reason), ['outside-feature']);
    const [message] = ch.messages;
    assert.equal(message.at.artifact.path, `${F}/asyncapi/common.yaml`);
    assert.deepEqual(message.headers!.sources.map((s) => [s.at.artifact.path, s.propertiesLine]), [[`${F}/asyncapi/common.yaml`, 11]]);
    assert.deepEqual(
      { reason: message.payload!.problem!.reason, path: message.payload!.problem!.path, line: message.payload!.problem!.line },
      { reason: 'missing-file', path: `${F}/asyncapi/common.yaml`, line: 7 },
    );
  });

  it('stops at reference cycles and reports missing pointers', () => {
    const { model, file } = load({
      [`${F}/asyncapi/a.v1.yaml`]: lines(
        'asyncapi: 3.0.0',
        'channels:',
        '  loop:',
        "    $ref: '#/channels/loop2'",
        '  loop2:',
        "    $ref: '#/channels/loop'",
        '  ok:',
        '    address: a.b.v1',
        '    messages:',
        '      m:',
        "        $ref: '#/components/messages/Nope'",
      ),
    });
    const doc = readAsyncApi(file(`${F}/asyncapi/a.v1.yaml`), model);
    assert.deepEqual(doc.channels.map((c) => c.problems.map((p) => p.reason)), [['cycle'], ['cycle'], ['missing-pointer']]);
  });
});

describe('AsyncAPI 2.x', () => {
  it('uses channel keys as addresses, publish/subscribe as operations, oneOf messages', () => {
    const { model, file } = load({
      [`${F}/asyncapi/orders.v1.yaml`]: lines(
        'asyncapi: 2.6.0',
        'defaultContentType: application/json',
        'channels:',
        '  orders.placed.v1:',
        '    x-ordering-key: order_id',
        '    subscribe:',
        '      message:',
        '        oneOf:',
        "          - $ref: '#/components/messages/A'",
        "          - $ref: '#/components/messages/B'",
        'components:',
        '  messages:',
        '    A: { name: A }',
        '    B: { name: B }',
      ),
    });
    const doc = readAsyncApi(file(`${F}/asyncapi/orders.v1.yaml`), model);
    assert.equal(doc.major, 2);
    assert.equal(doc.defaultContentType, 'application/json');
    const [ch] = doc.channels;
    assert.deepEqual([ch.address, ch.addressLine, ch.orderingKey?.value, ch.messagesLine], ['orders.placed.v1', 4, 'order_id', 7]);
    assert.deepEqual(ch.messages.map((m) => [m.id, m.line]), [
      ['A', 13],
      ['B', 14],
    ]);
    assert.deepEqual(doc.operations.map((o) => [o.action, o.channelId]), [['subscribe', 'orders.placed.v1']]);
  });
});
