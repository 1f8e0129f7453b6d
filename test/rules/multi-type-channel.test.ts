import rule from '../../rules/code/multi-type-channel.js';
import { testCodeRule } from '../harness/code-rule-tester.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../src/config/schema.js';
import { runCodeRules } from '../../src/review/code-runner.js';

const kafkaConsumer = `import { Kafka } from 'kafkajs';

const kafka = new Kafka({ clientId: 'platform', brokers: ['kafka:9092'] });
const consumer = kafka.consumer({ groupId: 'platform' });
`;

const kafkaProducer = `import { Kafka } from 'kafkajs';

const producer = new Kafka({ clientId: 'platform', brokers: ['kafka:9092'] }).producer();
`;

testCodeRule(rule, {
  valid: [
    {
      name: 'one topic per event type, handler map keyed by topic (spec Passes)',
      code: `${kafkaConsumer}
declare function onOrderCreated(e: unknown): Promise<void>;
declare function onUserUpdated(e: unknown): Promise<void>;
declare function onInvoicePaid(e: unknown): Promise<void>;
export async function start() {
  await consumer.subscribe({ topics: ['orders.created.v1', 'users.updated.v1', 'billing.invoice-paid.v1'] });
  const handlers: Record<string, (event: unknown) => Promise<void>> = {
    'orders.created.v1': onOrderCreated,
    'users.updated.v1': onUserUpdated,
    'billing.invoice-paid.v1': onInvoicePaid,
  };
  await consumer.run({
    eachMessage: async ({ topic, message }) => handlers[topic](JSON.parse(message.value!.toString())),
  });
}
`,
    },
    {
      name: 'two cases only',
      code: `${kafkaConsumer}
export async function start() {
  await consumer.subscribe({ topic: 'orders.lifecycle.v1' });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value!.toString());
      switch (event.type) {
        case 'order.created': return;
        case 'order.cancelled': return;
      }
    },
  });
}
`,
    },
    {
      name: 'a switch on a nested domain field, not the message type',
      code: `${kafkaConsumer}
export async function start() {
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value!.toString());
      switch (event.payment.method.type) {
        case 'card': return;
        case 'paypal': return;
        case 'bank': return;
      }
    },
  });
}
`,
    },
    {
      name: 'a switch on .type outside any consumer (a reducer)',
      code: `export function reducer(state: number, action: { type: string }) {
  switch (action.type) {
    case 'inc': return state + 1;
    case 'dec': return state - 1;
    case 'reset': return 0;
  }
  return state;
}
`,
    },
    {
      name: 'a switch on a local value that does not come from the message',
      code: `${kafkaConsumer}
export async function start(mode: { type: string }) {
  await consumer.run({
    eachMessage: async ({ message }) => {
      switch (mode.type) {
        case 'a': return;
        case 'b': return;
        case 'c': return;
      }
      void message;
    },
  });
}
`,
    },
    {
      name: 'producer publishing one type to each channel',
      code: `${kafkaProducer}
export async function created(id: string) {
  await producer.send({ topic: 'orders.created.v1', messages: [{ key: id, value: JSON.stringify({ type: 'order.created', id }) }] });
}
export async function cancelled(id: string) {
  await producer.send({ topic: 'orders.cancelled.v1', messages: [{ key: id, value: JSON.stringify({ type: 'order.cancelled', id }) }] });
}
`,
    },
    {
      name: 'a dead-letter channel receives whatever failed',
      code: `${kafkaProducer}
export async function deadLetter(id: string, type: string) {
  await producer.send({ topic: 'orders.placed.v1.dlq', messages: [{ key: id, value: JSON.stringify({ type: 'order.placed', id }) }] });
  await producer.send({ topic: 'orders.placed.v1.dlq', messages: [{ key: id, value: JSON.stringify({ type: 'order.rejected', id }) }] });
  void type;
}
`,
    },
  ],
  invalid: [
    {
      name: 'consumer switching on event.type across unrelated aggregates (spec Fails)',
      code: `${kafkaConsumer}
declare function onOrderCreated(e: unknown): Promise<void>;
declare function onUserUpdated(e: unknown): Promise<void>;
declare function onInvoicePaid(e: unknown): Promise<void>;
export async function start() {
  await consumer.subscribe({ topic: 'platform.events' });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value!.toString());
      switch (event.type) {
        case 'order.created': return onOrderCreated(event);
        case 'user.updated': return onUserUpdated(event);
        case 'invoice.paid': return onInvoicePaid(event);
      }
    },
  });
}
`,
      errors: [{ messageId: 'multiType', line: 14, variant: 'consumer', severity: 'Important', precision: 'Medium' }],
    },
    {
      name: 'lifecycle of one aggregate via an if-chain on a header: Suggestion',
      code: `import amqp from 'amqplib';
export async function start() {
  const conn = await amqp.connect('amqp://rabbit');
  const ch = await conn.createChannel();
  await ch.consume('orders', async (msg) => {
    if (!msg) return;
    const kind = msg.properties.headers?.['event-type'];
    if (kind === 'order.created') { /* create */ }
    else if (kind === 'order.paid') { /* pay */ }
    else if (kind === 'order.shipped') { /* ship */ }
    ch.ack(msg);
  });
}
`,
      errors: [{ messageId: 'multiType', line: 8, variant: 'consumer', severity: 'Suggestion' }],
    },
    {
      name: 'handler delegating to a dispatcher helper with a handler table (PascalCase types)',
      code: `${kafkaConsumer}
type Event = { eventType: string };
const handlers: Record<string, (e: Event) => Promise<void>> = {
  OrderPlaced: async () => {},
  PaymentCaptured: async () => {},
  ShipmentDispatched: async () => {},
};
async function dispatch(event: Event) {
  await handlers[event.eventType](event);
}
export async function start() {
  await consumer.run({
    eachMessage: async ({ message }) => {
      await dispatch(JSON.parse(message.value!.toString()));
    },
  });
}
`,
      errors: [{ messageId: 'multiType', line: 13, variant: 'consumer', severity: 'Important' }],
    },
    {
      name: 'producer publishing two unrelated types to one topic',
      code: `${kafkaProducer}
export async function orderCreated(id: string) {
  await producer.send({ topic: 'platform.events', messages: [{ key: id, value: JSON.stringify({ type: 'order.created', id }) }] });
}
export async function userUpdated(id: string) {
  await producer.send({ topic: 'platform.events', messages: [{ key: id, value: JSON.stringify({ type: 'user.updated', id }) }] });
}
`,
      errors: [{ messageId: 'multiType', line: 6, variant: 'producer', severity: 'Important', precision: 'Medium' }],
    },
    {
      name: 'SNS topic with eventType message attributes of one aggregate: Suggestion',
      code: `import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
const sns = new SNSClient({});
const TOPIC = 'arn:aws:sns:eu-west-1:123:orders';
export async function publish(id: string, cancelled: boolean) {
  if (cancelled) {
    await sns.send(new PublishCommand({ TopicArn: TOPIC, Message: id, MessageAttributes: { eventType: { DataType: 'String', StringValue: 'order.cancelled' } } }));
  } else {
    await sns.send(new PublishCommand({ TopicArn: TOPIC, Message: id, MessageAttributes: { eventType: { DataType: 'String', StringValue: 'order.refunded' } } }));
  }
}
`,
      errors: [{ messageId: 'multiType', line: 6, variant: 'producer', severity: 'Suggestion' }],
    },
  ],
});

// The type of a CloudEvents SDK event serialised into the message (src/code/event-type.ts).
testCodeRule(rule, {
  valid: [],
  invalid: [
    {
      name: 'two CloudEvents of unrelated types on one channel',
      code: `import { Kafka } from 'kafkajs';
import { CloudEvent } from 'cloudevents';
const producer = new Kafka({ clientId: 'platform', brokers: ['kafka:9092'] }).producer();
export async function created(id: string) {
  const event = new CloudEvent({ type: 'order.created', source: '/orders', data: { id } });
  await producer.send({ topic: 'platform.events', messages: [{ key: id, value: JSON.stringify(event) }] });
}
export async function updated(id: string) {
  const event = new CloudEvent({ type: 'user.updated', source: '/users', data: { id } });
  await producer.send({ topic: 'platform.events', messages: [{ key: id, value: JSON.stringify(event) }] });
}
`,
      errors: [{ messageId: 'multiType', line: 6, column: 9, variant: 'producer', severity: 'Important' }],
    },
  ],
});

// Publishes of the other analysed files (rules.md rule 44 step 1: "across the analysed files"). A
// context file is analysed for evidence and never reported on, so the finding sits in the changed file.
const usersPublisher = `${kafkaProducer}
export async function userUpdated(id: string) {
  await producer.send({ topic: 'platform.events', messages: [{ key: id, value: JSON.stringify({ type: 'user.updated', id }) }] });
}
`;
const orderPublisher = `${kafkaProducer}
export async function orderCreated(id: string) {
  await producer.send({ topic: 'platform.events', messages: [{ key: id, value: JSON.stringify({ type: 'order.created', id }) }] });
}
`;
testCodeRule(rule, {
  valid: [
    {
      name: 'the other file publishes the same type to the channel',
      code: orderPublisher,
      context: { 'services/orders/src/replay.ts': orderPublisher.replace('orderCreated', 'replayOrder') },
    },
    {
      name: 'the other file publishes another type to another channel',
      code: orderPublisher,
      context: { 'services/users/src/publish.ts': usersPublisher.replace("'platform.events'", "'users.updated.v1'") },
    },
  ],
  invalid: [
    {
      name: 'one type here, another type on the same channel in another file',
      code: orderPublisher,
      context: { 'services/users/src/publish.ts': usersPublisher },
      errors: [{ messageId: 'multiType', line: 6, column: 9, variant: 'producer', severity: 'Important' }],
    },
  ],
});

describe('multi-type-channel across changed files', () => {
  it('reports a channel once, at its first site in the first changed file, with the other sites related', () => {
    const result = runCodeRules(
      [
        { path: 'services/orders/src/publish.ts', text: orderPublisher },
        { path: 'services/users/src/publish.ts', text: usersPublisher },
      ],
      [rule],
      { side: 'head', config: defaultConfig },
    );
    assert.deepEqual(result.errors, []);
    const found = result.findings.filter((f) => f.ruleId === 'multi-type-channel');
    assert.deepEqual(
      found.map((f) => [f.location.path, f.location.startLine, f.anchor, f.related.map((r) => `${r.path}:${r.line} ${r.note}`)]),
      [['services/orders/src/publish.ts', 6, 'producer|platform.events', ['services/users/src/publish.ts:6 publishes user.updated']]],
    );
    assert.match(found[0]!.message, /carries 2 event types \(order\.created, user\.updated\)/);
  });
});
