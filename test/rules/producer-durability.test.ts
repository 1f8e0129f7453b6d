import rule from '../../rules/code/producer-durability.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

const kafkaHeader = `import { Kafka } from 'kafkajs';

const kafka = new Kafka({ clientId: 'payments', brokers: ['kafka:9092'] });
const producer = kafka.producer({ idempotent: true });
`;

testCodeRule(rule, {
  valid: [
    {
      name: 'kafkajs acks -1 (spec Passes)',
      code: `${kafkaHeader}
export async function authorized(payment: { id: string }, event: object) {
  await producer.send({
    topic: 'payments.authorized.v1',
    acks: -1, // wait for all in-sync replicas
    messages: [{ key: payment.id, value: JSON.stringify(event) }],
  });
}
`,
    },
    {
      name: 'kafkajs default acks (omitted) waits for all replicas',
      code: `${kafkaHeader}
export async function authorized(id: string) {
  await producer.send({ topic: 'payments.authorized.v1', messages: [{ key: id, value: id }] });
}
`,
    },
    {
      name: 'acks from a constant equal to -1',
      code: `${kafkaHeader}
const ACKS_ALL = -1;
export async function authorized(id: string) {
  await producer.send({ topic: 'payments.authorized.v1', acks: ACKS_ALL, messages: [{ key: id, value: id }] });
}
`,
    },
    {
      name: 'acks computed at runtime is not guessed',
      code: `${kafkaHeader}
export async function authorized(id: string, acks: number) {
  await producer.send({ topic: 'payments.authorized.v1', acks, messages: [{ key: id, value: id }] });
}
`,
    },
    {
      name: 'an unrelated send with acks: 1 (not a kafkajs producer)',
      code: `export async function notify(mailer: { send(x: unknown): Promise<void> }) {
  await mailer.send({ to: 'ops@example.com', acks: 1 });
}
`,
    },
    {
      name: 'amqplib persistent message on a confirm channel',
      code: `import amqp from 'amqplib';
import { Pool } from 'pg';
const pool = new Pool();
export async function start() {
  const conn = await amqp.connect('amqp://rabbit');
  const ch = await conn.createConfirmChannel();
  await pool.query('UPDATE orders SET shipped = true WHERE id = $1', ['1']);
  ch.publish('orders', 'orders.shipped.v1', Buffer.from('1'), { persistent: true });
}
`,
    },
    {
      name: 'amqplib deliveryMode 2 counts as persistent',
      code: `import amqp from 'amqplib';
export async function start() {
  const conn = await amqp.connect('amqp://rabbit');
  const ch = await conn.createConfirmChannel();
  ch.sendToQueue('billing.invoices', Buffer.from('x'), { deliveryMode: 2, contentType: 'application/json' });
}
`,
    },
    {
      name: 'amqplib options spread from a shared object are not guessed',
      code: `import amqp from 'amqplib';
import { publishDefaults } from './amqp-defaults';
export async function start() {
  const conn = await amqp.connect('amqp://rabbit');
  const ch = await conn.createConfirmChannel();
  ch.publish('orders', 'orders.shipped.v1', Buffer.from('1'), { ...publishDefaults, messageId: '1' });
}
`,
    },
    {
      name: 'amqplib RPC reply to the exclusive reply queue of the caller',
      code: `import amqp from 'amqplib';
export async function serve() {
  const conn = await amqp.connect('amqp://rabbit');
  const ch = await conn.createConfirmChannel();
  await ch.consume('rpc.price-quote', (msg) => {
    if (!msg) return;
    ch.sendToQueue(msg.properties.replyTo, Buffer.from('42'), { correlationId: msg.properties.correlationId });
    ch.ack(msg);
  });
}
`,
    },
    {
      name: 'amqplib queue declared non-durable in the same file',
      code: `import amqp from 'amqplib';
export async function start() {
  const conn = await amqp.connect('amqp://rabbit');
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue('cache.invalidate', { durable: false });
  ch.sendToQueue('cache.invalidate', Buffer.from('orders:*'));
}
`,
    },
    {
      name: 'plain channel without any state change in the region',
      code: `import amqp from 'amqplib';
export async function announce() {
  const conn = await amqp.connect('amqp://rabbit');
  const ch = await conn.createChannel();
  ch.publish('orders', 'orders.heartbeat.v1', Buffer.from('ping'), { persistent: true });
}
`,
    },
    {
      name: 'core NATS publish without a design delivery answer is not judged',
      code: `import { connect } from 'nats';
export async function tick() {
  const nc = await connect({ servers: 'nats://nats:4222' });
  nc.publish('metrics.tick.v1', new TextEncoder().encode('1'));
}
`,
    },
    {
      name: 'JetStream publish is acknowledged',
      code: `import { connect } from 'nats';
export async function place(id: string) {
  const nc = await connect({ servers: 'nats://nats:4222' });
  const js = nc.jetstream();
  await js.publish('orders.placed.v1', new TextEncoder().encode(id));
}
`,
    },
    {
      name: 'rdkafka producer with acks all',
      code: `import Kafka from 'node-rdkafka';
export const producer = new Kafka.Producer({ 'metadata.broker.list': 'kafka:9092', 'request.required.acks': -1 });
`,
    },
  ],
  invalid: [
    {
      name: 'kafkajs acks: 1 (spec Fails)',
      code: `${kafkaHeader}
export async function authorized(payment: { id: string }, event: object) {
  await producer.send({
    topic: 'payments.authorized.v1',
    acks: 1,
    messages: [{ key: payment.id, value: JSON.stringify(event) }],
  });
}
`,
      errors: [{ messageId: 'notDurable', line: 9, column: 5, endLine: 9, variant: 'kafka-acks', severity: 'Important', precision: 'High' }],
    },
    {
      name: 'kafkajs sendBatch with acks: 0 through a typed injected producer (NestJS shape)',
      filename: 'services/payments/src/payments.publisher.ts',
      code: `import { Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';

const FIRE_AND_FORGET = 0;

@Injectable()
export class PaymentsPublisher {
  constructor(private readonly producer: Producer) {}

  async publishAll(events: { id: string }[]) {
    await this.producer.sendBatch({
      acks: FIRE_AND_FORGET,
      topicMessages: [{ topic: 'payments.settled.v1', messages: events.map((e) => ({ key: e.id, value: JSON.stringify(e) })) }],
    });
  }
}
`,
      errors: [{ messageId: 'notDurable', line: 12, variant: 'kafka-acks', precision: 'High' }],
    },
    {
      name: 'name-fallback producer: Medium',
      code: `export async function authorized(deps: { producer: any }, id: string) {
  await deps.producer.send({ topic: 'payments.authorized.v1', acks: 1, messages: [{ key: id, value: id }] });
}
`,
      errors: [{ messageId: 'notDurable', line: 2, variant: 'kafka-acks', precision: 'Medium' }],
    },
    {
      name: 'rdkafka producer config with request.required.acks 1',
      code: `import Kafka from 'node-rdkafka';
export const producer = new Kafka.Producer({
  'metadata.broker.list': 'kafka:9092',
  'request.required.acks': 1,
});
`,
      errors: [{ messageId: 'notDurable', line: 4, variant: 'rdkafka-acks', severity: 'Important' }],
    },
    {
      name: 'amqplib publish without persistent on a plain channel next to a DB write: two Suggestions',
      code: `import amqp from 'amqplib';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function ship(orderId: string) {
  const conn = await amqp.connect(process.env.AMQP_URL!);
  const ch = await conn.createChannel();
  await prisma.shipment.create({ data: { orderId } });
  ch.publish('shipping', 'shipments.created.v1', Buffer.from(JSON.stringify({ orderId })));
}
`,
      errors: [
        { messageId: 'notDurable', line: 10, variant: 'amqp-not-persistent', severity: 'Suggestion', precision: 'High' },
        { messageId: 'notDurable', line: 10, variant: 'amqp-no-confirms', severity: 'Suggestion', precision: 'High' },
      ],
    },
    {
      name: 'amqplib sendToQueue with persistent: false on a class field channel',
      code: `import amqp, { type Channel } from 'amqplib';

export class InvoiceQueue {
  private channel!: Channel;

  async connect() {
    const conn = await amqp.connect('amqp://rabbit');
    this.channel = await conn.createConfirmChannel();
  }

  send(invoiceId: string) {
    return this.channel.sendToQueue('billing.invoices', Buffer.from(invoiceId), { persistent: false });
  }
}
`,
      errors: [{ messageId: 'notDurable', line: 12, variant: 'amqp-not-persistent', severity: 'Suggestion' }],
    },
  ],
});
