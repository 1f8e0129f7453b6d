import rule from '../../rules/code/undeclared-channel.js';
import type { Config } from '../../src/config/schema.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCodeCase, testCodeRule } from '../harness/code-rule-tester.js';

const DECLARED = [
  'docs/features/order-fulfillment/contracts/orders.placed.v1.md',
  'docs/features/order-fulfillment/asyncapi/orders.cancelled.v1.yaml',
];

const KAFKA = `import { Kafka } from 'kafkajs';
const kafka = new Kafka({ clientId: 'orders', brokers: ['b:9092'] });
const producer = kafka.producer();
const consumer = kafka.consumer({ groupId: 'orders' });
`;

/** The publish call is on line 6. */
const send = (topic: string) => `${KAFKA}export async function publish(order: { id: string }, event: unknown) {
  await producer.send({
    topic: ${topic},
    messages: [{ key: order.id, value: JSON.stringify(event) }],
  });
}
`;

/** The subscribe call is on line 6. */
const subscribe = (options: string) => `${KAFKA}export async function start() {
  await consumer.subscribe(${options});
  await consumer.run({ eachMessage: async ({ message }) => { console.log(message.offset); } });
}
`;

const ignoreConfig = { rules: { 'undeclared-channel': { ignore: ['connect-offsets', '_schemas*'] } } } as unknown as Partial<Config>;

testCodeRule(rule, {
  valid: [
    {
      name: 'rule 13 Passes example: the declared channel through an imported constant',
      code: `import { ORDERS_PLACED_V1 } from './channels';\n${send('ORDERS_PLACED_V1')}`,
      context: { 'src/channels.ts': "export const ORDERS_PLACED_V1 = 'orders.placed.v1';\n" },
      declaredChannelPaths: DECLARED,
    },
    { name: 'a literal declared by a contract', code: send("'orders.placed.v1'"), declaredChannelPaths: DECLARED },
    { name: 'a channel declared only by an AsyncAPI file', code: send("'orders.cancelled.v1'"), declaredChannelPaths: DECLARED },
    { name: 'the DLQ of a declared channel', code: send("'orders.placed.v1.dlq'"), declaredChannelPaths: DECLARED },
    { name: 'an environment prefix is stripped', code: send("'prod.orders.placed.v1'"), declaredChannelPaths: DECLARED },
    { name: 'a template with an environment part', code: send('`${process.env.ENV}.orders.placed.v1`'), declaredChannelPaths: DECLARED },
    { name: 'dynamic names are skipped', code: send('topicFor(order)'), declaredChannelPaths: DECLARED },
    { name: 'no docs listing (single-file run): nothing to compare with', code: send("'inventory.reserved.v1'") },
    { name: 'ignored infrastructure topics', code: send("'connect-offsets'"), declaredChannelPaths: DECLARED, config: ignoreConfig },
    { name: 'a declared consumer topic', code: subscribe("{ topic: 'orders.placed.v1', fromBeginning: false }"), declaredChannelPaths: DECLARED },
    { name: 'a subscription pattern that matches a declared channel', code: subscribe('{ topics: [/^orders\\./] }'), declaredChannelPaths: DECLARED },
    {
      name: 'BullMQ queues are not channels unless configured',
      code: `import { Queue } from 'bullmq';
const queue = new Queue('reports-render');
export async function enqueue() { await queue.add('render', { id: 1 }); }
`,
      declaredChannelPaths: DECLARED,
    },
  ],
  invalid: [
    {
      name: 'rule 13 Fails example: another version of a declared channel is Critical',
      code: send("'orders.placed.v2'"),
      declaredChannelPaths: DECLARED,
      errors: [{ messageId: 'undeclared', line: 6, severity: 'Critical', variant: 'near-miss', precision: 'High' }],
    },
    {
      name: 'a typo of a declared channel is Critical',
      code: send("'orders.plcaed.v1'"),
      declaredChannelPaths: DECLARED,
      errors: [{ messageId: 'undeclared', line: 6, severity: 'Critical' }],
    },
    {
      name: 'an unrelated undeclared channel is Important',
      code: send("'inventory.reserved.v1'"),
      declaredChannelPaths: DECLARED,
      errors: [{ messageId: 'undeclared', line: 6, severity: 'Important', variant: 'undeclared' }],
    },
    {
      name: 'a kafkajs subscription to a misspelt channel',
      code: subscribe("{ topics: ['orders.placed.v1', 'orders.canceled.v1'] }"),
      declaredChannelPaths: DECLARED,
      errors: [{ messageId: 'undeclared', line: 6, severity: 'Critical' }],
    },
    {
      name: 'a subscription pattern that matches nothing declared',
      code: subscribe('{ topics: [/^payments\\./] }'),
      declaredChannelPaths: DECLARED,
      errors: [{ messageId: 'unmatchedPattern', line: 6, severity: 'Important' }],
    },
    {
      name: 'an amqplib consumer queue without a contract',
      code: `import amqp from 'amqplib';
export async function start() {
  const conn = await amqp.connect('amqp://localhost');
  const ch = await conn.createChannel();
  await ch.consume('billing-events', async (msg) => { if (msg) ch.ack(msg); });
}
`,
      declaredChannelPaths: DECLARED,
      errors: [{ messageId: 'undeclared', line: 5, severity: 'Important' }],
    },
    {
      name: 'BullMQ queues with treatJobQueuesAsChannels',
      code: `import { Queue } from 'bullmq';
const queue = new Queue('reports-render');
export async function enqueue() { await queue.add('render', { id: 1 }); }
`,
      declaredChannelPaths: DECLARED,
      config: { treatJobQueuesAsChannels: true },
      errors: [{ messageId: 'undeclared', line: 3, severity: 'Important' }],
    },
  ],
});

describe('undeclared-channel message', () => {
  it('names the contract file to add with the bare channel name in its path', () => {
    const [finding] = runCodeCase(rule, { name: 'message', code: send("'payments.settled.v1'"), declaredChannelPaths: DECLARED });
    assert.match(finding!.message, /^Undeclared channel `payments\.settled\.v1` at /);
    assert.match(finding!.message, / Add docs\/features\/<slug>\/contracts\/payments\.settled\.v1\.md with its schema/);
  });
});
