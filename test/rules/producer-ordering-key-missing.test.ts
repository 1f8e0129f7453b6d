import rule, { keyCandidates } from '../../rules/code/producer-ordering-key-missing.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCode } from '../../src/code/parse.js';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { testCodeRule } from '../harness/code-rule-tester.js';
import { contracts, withFacts } from '../code/with-facts.js';

const kafkaHeader = `import { Kafka } from 'kafkajs';

const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();
`;

// Without contract facts only broker-intrinsic ordering is known: FIFO queues and Pub/Sub ordering keys.
testCodeRule(rule, {
  valid: [
    {
      name: 'kafkajs without a key and without a contract is not judged',
      code: `${kafkaHeader}
export async function placed(event: object) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ value: JSON.stringify(event) }] });
}
`,
    },
    {
      name: 'SQS FIFO with a MessageGroupId',
      code: `import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export async function placed(order: { id: string }) {
  await sqs.send(new SendMessageCommand({
    QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123/orders-placed.fifo',
    MessageBody: JSON.stringify(order),
    MessageGroupId: order.id,
    MessageDeduplicationId: order.id,
  }));
}
`,
    },
    {
      name: 'standard SQS queue needs no group',
      code: `import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export async function placed(order: { id: string }) {
  await sqs.send(new SendMessageCommand({ QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123/orders-placed', MessageBody: JSON.stringify(order) }));
}
`,
    },
    {
      name: 'Pub/Sub orderingKey on a topic obtained with messageOrdering',
      code: `import { PubSub } from '@google-cloud/pubsub';
const pubsub = new PubSub();
const topic = pubsub.topic('members.points-awarded.v1', { messageOrdering: true });
export async function awarded(memberId: string, points: number) {
  await topic.publishMessage({ json: { memberId, points }, orderingKey: memberId });
}
`,
    },
    {
      name: 'Pub/Sub ordering enabled later with setPublishOptions',
      code: `import { PubSub } from '@google-cloud/pubsub';
const pubsub = new PubSub();
const topic = pubsub.topic('members.points-awarded.v1');
topic.setPublishOptions({ messageOrdering: true });
export async function awarded(memberId: string) {
  await topic.publishMessage({ json: { memberId }, orderingKey: memberId });
}
`,
    },
    {
      name: 'SQS FIFO with a dynamic queue URL is skipped (channel unresolved)',
      code: `import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export async function placed(order: { id: string }) {
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.ORDERS_QUEUE_URL, MessageBody: JSON.stringify(order) }));
}
`,
    },
  ],
  invalid: [
    {
      name: 'SQS FIFO queue without MessageGroupId',
      code: `import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export async function placed(order: { id: string }) {
  await sqs.send(new SendMessageCommand({
    QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123/orders-placed.fifo',
    MessageBody: JSON.stringify(order),
  }));
}
`,
      errors: [{ messageId: 'orderingKey', line: 4, endLine: 7, variant: 'missing-key', severity: 'Important', precision: 'High' }],
    },
    {
      name: 'SNS FIFO topic batch entry without MessageGroupId',
      code: `import { SNSClient, PublishBatchCommand } from '@aws-sdk/client-sns';
const sns = new SNSClient({});
export async function publishAll(ids: string[]) {
  await sns.send(new PublishBatchCommand({
    TopicArn: 'arn:aws:sns:eu-west-1:123:payments-settled.fifo',
    PublishBatchRequestEntries: ids.map((id) => ({ Id: id, Message: id })),
  }));
}
`,
      errors: [{ messageId: 'orderingKey', line: 6, variant: 'missing-key' }],
    },
    {
      name: 'Pub/Sub orderingKey on a topic without messageOrdering',
      code: `import { PubSub } from '@google-cloud/pubsub';
const pubsub = new PubSub();
export async function awarded(memberId: string, points: number) {
  await pubsub.topic('members.points-awarded.v1').publishMessage({ json: { memberId, points }, orderingKey: memberId });
}
`,
      errors: [{ messageId: 'orderingKey', line: 4, variant: 'ordering-disabled', severity: 'Important' }],
    },
  ],
});

const facts = {
  contract: contracts({
    'orders.placed.v1': { orderingKey: 'order_id' },
    'members.points-awarded.v1': { orderingKey: 'member_id' },
    'metrics.page-viewed.v1': { orderingKey: 'none' },
    'payments.settled.v1': { orderingKey: 'payment_id,attempt' },
  }),
};

testCodeRule(withFacts(rule, facts), {
  valid: [
    {
      name: 'key order.id gives candidates id and order_id (spec Passes)',
      code: `${kafkaHeader}
export async function placed(order: { id: string }, event: object) {
  await producer.send({
    topic: 'orders.placed.v1',
    messages: [{ key: order.id, value: JSON.stringify(event) }], // candidates: id, order_id
  });
}
`,
    },
    {
      name: 'camelCase identifier orderId',
      code: `${kafkaHeader}
export async function placed(orderId: string) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: orderId, value: orderId }] });
}
`,
    },
    {
      name: 'String(evt.data.orderId) is looked through',
      code: `${kafkaHeader}
export async function placed(evt: { data: { orderId: number } }) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: String(evt.data.orderId), value: '' }] });
}
`,
    },
    {
      name: 'a key computed by a helper is not compared',
      code: `${kafkaHeader}
const keyFor = (o: { id: string }) => o.id;
export async function placed(order: { id: string }) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: keyFor(order), value: '' }] });
}
`,
    },
    {
      name: 'contract declares no ordering key',
      code: `${kafkaHeader}
export async function viewed(page: string) {
  await producer.send({ topic: 'metrics.page-viewed.v1', messages: [{ value: page }] });
}
`,
    },
    {
      name: 'channel without a contract',
      code: `${kafkaHeader}
export async function audit(line: string) {
  await producer.send({ topic: 'audit.lines.v1', messages: [{ value: line }] });
}
`,
    },
    {
      name: 'composite contract key is not compared by name',
      code: `${kafkaHeader}
export async function settled(p: { id: string }) {
  await producer.send({ topic: 'payments.settled.v1', messages: [{ key: p.id, value: '' }] });
}
`,
    },
    {
      name: 'kafkajs messages mapped from a list, each with the key',
      code: `${kafkaHeader}
export async function placedAll(orders: { id: string }[]) {
  await producer.send({ topic: 'orders.placed.v1', messages: orders.map((order) => ({ key: order.id, value: JSON.stringify(order) })) });
}
`,
    },
  ],
  invalid: [
    {
      name: 'kafkajs messages without a key (spec Fails)',
      code: `${kafkaHeader}
export async function placed(event: object) {
  await producer.send({
    topic: 'orders.placed.v1',
    messages: [{ value: JSON.stringify(event) }],
  });
}
`,
      errors: [{ messageId: 'orderingKey', line: 8, column: 16, variant: 'missing-key', severity: 'Important', precision: 'High' }],
    },
    {
      name: 'explicit null key',
      code: `${kafkaHeader}
export async function placed(order: { id: string }) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: null, value: JSON.stringify(order) }] });
}
`,
      errors: [{ messageId: 'orderingKey', line: 6, variant: 'missing-key' }],
    },
    {
      name: 'key by another field: Suggestion, Medium',
      code: `${kafkaHeader}
export async function placed(order: { id: string; customerId: string }) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: order.customerId, value: JSON.stringify(order) }] });
}
`,
      errors: [{ messageId: 'orderingKey', line: 6, variant: 'key-name-mismatch', severity: 'Suggestion', precision: 'Medium' }],
    },
    {
      name: 'rdkafka produce with a null key',
      code: `import Kafka from 'node-rdkafka';
const producer = new Kafka.Producer({ 'metadata.broker.list': 'kafka:9092' });
export function placed(order: { id: string }) {
  producer.produce('orders.placed.v1', null, Buffer.from(JSON.stringify(order)), null, Date.now());
}
`,
      errors: [{ messageId: 'orderingKey', line: 4, variant: 'missing-key' }],
    },
    {
      name: 'Pub/Sub publishMessage without orderingKey on an ordered contract, topic also unordered',
      code: `import { PubSub } from '@google-cloud/pubsub';
const pubsub = new PubSub();
const topic = pubsub.topic('members.points-awarded.v1');
export async function awarded(memberId: string) {
  await topic.publishMessage({ json: { memberId } });
}
`,
      errors: [
        { messageId: 'orderingKey', line: 5, variant: 'ordering-disabled' },
        { messageId: 'orderingKey', line: 5, variant: 'missing-key' },
      ],
    },
  ],
});

describe('keyCandidates (rules.md rule 14 step 3)', () => {
  const expr = (code: string): TSESTree.Node => {
    const parsed = parseCode('x.ts', `(${code});`);
    assert.ok(parsed.ok);
    return (parsed.ast.body[0] as TSESTree.ExpressionStatement).expression;
  };
  it('order.id gives id and order_id', () => assert.deepEqual(keyCandidates(expr('order.id')), ['id', 'order_id']));
  it('evt.data.memberId gives member_id and data_member_id', () =>
    assert.deepEqual(keyCandidates(expr('evt.data.memberId')), ['member_id', 'data_member_id']));
  it('a helper call gives nothing to compare', () => assert.equal(keyCandidates(expr('keyFor(order)')), null));
  it('template and toString wrappers are looked through', () =>
    assert.deepEqual(keyCandidates(expr('`${order.id}`')), ['id', 'order_id']));
});
