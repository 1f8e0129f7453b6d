import rule from '../../rules/code/auto-commit-consumer.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

// Three lines: a kafkajs consumer.
const kafkaHeader = `import { Kafka } from 'kafkajs';
const consumer = new Kafka({ clientId: 'payments', brokers: ['kafka:9092'] }).consumer({ groupId: 'payments' });
declare function applyPayment(p: unknown): Promise<void>;
`;

// Four lines: a kafkajs consumer and a prisma client.
const prismaKafkaHeader = `import { Kafka } from 'kafkajs';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
const consumer = new Kafka({ clientId: 'x', brokers: [] }).consumer({ groupId: 'g' });
`;

testCodeRule(rule, {
  valid: [
    {
      name: 'a map of write promises spread into an awaited Promise.all',
      code: `${prismaKafkaHeader}await consumer.run({
  eachBatch: async ({ batch }) => {
    await Promise.all([...batch.messages.map((m) => prisma.event.create({ data: { id: m.offset } }))]);
  },
});
`,
    },
    {
      name: 'spec Passes: eachBatchAutoResolve off, resolveOffset after the awaited work',
      code: `${kafkaHeader}
await consumer.run({
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    for (const message of batch.messages) {
      await applyPayment(JSON.parse(message.value!.toString()));
      resolveOffset(message.offset); // Pattern: commit after durable work
      await heartbeat();
    }
  },
});
`,
    },
    {
      name: 'eachBatch with auto-resolve whose per-message work is joined by Promise.all',
      code: `${kafkaHeader}
await consumer.run({
  eachBatch: async ({ batch }) => {
    await Promise.all(batch.messages.map(async (message) => {
      await applyPayment(JSON.parse(message.value!.toString()));
    }));
  },
});
`,
    },
    {
      name: 'eachBatch with a plain map of write promises, joined by an awaited Promise.all',
      code: `${prismaKafkaHeader}
await consumer.run({
  eachBatch: async ({ batch }) => {
    await Promise.all(batch.messages.map((m) => prisma.event.upsert({ where: { id: m.offset }, create: { id: m.offset }, update: {} })));
  },
});
`,
    },
    {
      name: 'eachBatch with a plain map of write promises held in a const, then awaited together',
      code: `${prismaKafkaHeader}
await consumer.run({
  eachBatch: async ({ batch }) => {
    const jobs = batch.messages.map((m) => {
      return prisma.event.upsert({ where: { id: m.offset }, create: { id: m.offset }, update: {} }).catch(() => null);
    });
    await Promise.allSettled(jobs);
  },
});
`,
    },
    {
      name: 'a plain map that builds values (no durable work) is not floating work',
      code: `${prismaKafkaHeader}
await consumer.run({
  eachBatch: async ({ batch }) => {
    const ids = batch.messages.map((m) => m.key?.toString());
    await prisma.event.createMany({ data: ids.map((id) => ({ id })) });
  },
});
`,
    },
    {
      name: 'kafkajs eachMessage that awaits its work (offset committed after it resolves)',
      code: `import { Kafka } from 'kafkajs';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const consumer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).consumer({ groupId: 'orders' });

await consumer.subscribe({ topic: 'orders.placed.v1' });
await consumer.run({
  eachMessage: async ({ message }) => {
    const order = JSON.parse(message.value!.toString());
    await prisma.shipment.create({ data: { orderId: order.id } });
  },
});
`,
    },
    {
      name: 'amqplib consume with manual acks (noAck false)',
      code: `import amqp from 'amqplib';
const channel = await (await amqp.connect('amqp://rabbit')).createChannel();
await channel.consume('billing.invoice-requested.v1', async (msg) => {
  if (!msg) return;
  channel.ack(msg);
}, { noAck: false });
`,
    },
    {
      name: 'node-rdkafka with the automatic offset store disabled and manual offsetsStore',
      code: `import Kafka from 'node-rdkafka';

const consumer = new Kafka.KafkaConsumer({
  'group.id': 'ledger',
  'metadata.broker.list': 'kafka:9092',
  'enable.auto.commit': true,
  'enable.auto.offset.store': false,
}, {});
`,
    },
    {
      name: 'node-rdkafka with auto commit off',
      code: `import { KafkaConsumer } from 'node-rdkafka';

const config = { 'group.id': 'ledger', 'metadata.broker.list': 'kafka:9092', 'enable.auto.commit': false };
const consumer = new KafkaConsumer(config, {});
`,
    },
    {
      name: 'node-rdkafka config built elsewhere (spread): not decidable, not reported',
      code: `import { KafkaConsumer } from 'node-rdkafka';
import { baseConfig } from './kafka-config.js';

const consumer = new KafkaConsumer({ ...baseConfig, 'group.id': 'ledger' }, {});
`,
    },
    {
      name: 'JetStream consumer with explicit acks',
      code: `import { connect, AckPolicy } from 'nats';

const nc = await connect({ servers: 'nats://nats:4222' });
const jsm = await nc.jetstreamManager();
await jsm.consumers.add('ORDERS', { durable_name: 'shipping', ack_policy: AckPolicy.Explicit, max_deliver: 5 });
`,
    },
    {
      name: 'an ack_policy key outside any NATS code is not a JetStream consumer',
      code: `export const settings = { ack_policy: 'none', retries: 3 };
`,
    },
    {
      name: 'BullMQ processor that awaits its work',
      code: `import { Worker } from 'bullmq';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
new Worker('emails', async (job) => {
  await prisma.emailLog.create({ data: { to: job.data.to } });
}, { connection: { host: 'redis' } });
`,
    },
    {
      name: 'Lambda SQS handler that awaits every record',
      code: `import type { SQSEvent } from 'aws-lambda';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
export async function handler(event: SQSEvent) {
  await Promise.all(event.Records.map(async (record) => {
    await prisma.invoice.create({ data: JSON.parse(record.body) });
  }));
}
`,
    },
    {
      name: 'kafkajs eachMessage with autoCommit off: explicit commits are ack-before-commit territory',
      code: `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const consumer = new Kafka({ clientId: 'x', brokers: [] }).consumer({ groupId: 'g' });
await consumer.run({
  autoCommit: false,
  eachMessage: async ({ message }) => {
    pool.query('INSERT INTO audit (id) VALUES ($1)', [message.key?.toString()]);
  },
});
`,
    },
    {
      name: 'a floating log call or metric in a framework-acked handler is not work',
      code: `import { Worker } from 'bullmq';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const logger = console;
new Worker('emails', async (job) => {
  logger.info({ id: job.id }, 'sending');
  await prisma.emailLog.create({ data: { to: job.data.to } });
}, { connection: { host: 'redis' } });
`,
    },
  ],
  invalid: [
    {
      name: 'spec Fails: eachBatch with batch.messages.forEach(async ...)',
      code: `${kafkaHeader}
await consumer.run({
  eachBatch: async ({ batch }) => {
    batch.messages.forEach(async (message) => {
      await applyPayment(JSON.parse(message.value!.toString()));
    });
  },
});
`,
      errors: [{ messageId: 'autoCommit', line: 7, variant: 'kafkajs-batch-auto-resolve', precision: 'High', severity: 'Critical' }],
    },
    {
      name: 'eachBatch with eachBatchAutoResolve: true and a floating write per message',
      code: `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const consumer = new Kafka({ clientId: 'x', brokers: [] }).consumer({ groupId: 'g' });
await consumer.run({
  eachBatchAutoResolve: true,
  eachBatch: async ({ batch }) => {
    for (const message of batch.messages) {
      pool.query('INSERT INTO ledger (id) VALUES ($1)', [message.key?.toString()]);
    }
  },
});
`,
      errors: [{ messageId: 'autoCommit', line: 10, variant: 'kafkajs-batch-auto-resolve', precision: 'High' }],
    },
    {
      name: 'eachBatch with a plain map of write promises that is never awaited',
      code: `${prismaKafkaHeader}
await consumer.run({
  eachBatch: async ({ batch }) => {
    batch.messages.map((m) => prisma.event.upsert({ where: { id: m.offset }, create: { id: m.offset }, update: {} }));
  },
});
`,
      errors: [{ messageId: 'autoCommit', line: 8, variant: 'kafkajs-batch-auto-resolve', precision: 'High' }],
    },
    {
      name: 'eachBatch with a plain map of write promises passed to a Promise.all that is not awaited',
      code: `${prismaKafkaHeader}
await consumer.run({
  eachBatch: async ({ batch }) => {
    const jobs = batch.messages.map((m) => prisma.event.upsert({ where: { id: m.offset }, create: { id: m.offset }, update: {} }));
    Promise.all(jobs);
  },
});
`,
      errors: [{ messageId: 'autoCommit', line: 8, variant: 'kafkajs-batch-auto-resolve', precision: 'High' }],
    },
    {
      name: 'amqplib consume with noAck: true',
      code: `import amqp from 'amqplib';
import { Pool } from 'pg';

const db = new Pool();
const channel = await (await amqp.connect('amqp://rabbit')).createChannel();
await channel.consume('billing.invoice-requested.v1', async (msg) => {
  if (!msg) return;
  await db.query('INSERT INTO invoices (body) VALUES ($1)', [msg.content.toString()]);
}, {
  noAck: true,
});
`,
      errors: [{ messageId: 'autoCommit', line: 10, column: 3, variant: 'amqplib-no-ack', precision: 'High' }],
    },
    {
      name: 'node-rdkafka KafkaConsumer with defaults (auto commit, auto offset store)',
      code: `import Kafka from 'node-rdkafka';

const consumer = new Kafka.KafkaConsumer({
  'group.id': 'ledger',
  'metadata.broker.list': 'kafka:9092',
}, {});
consumer.connect();
`,
      errors: [{ messageId: 'autoCommit', line: 3, variant: 'rdkafka-auto-commit', precision: 'High' }],
    },
    {
      name: '@confluentinc/kafka-javascript native consumer with enable.auto.commit: true from a const',
      code: `import { KafkaConsumer } from '@confluentinc/kafka-javascript';

const config = { 'group.id': 'ledger', 'bootstrap.servers': 'kafka:9092', 'enable.auto.commit': true };
export const consumer = new KafkaConsumer(config, { 'auto.offset.reset': 'earliest' });
`,
      errors: [{ messageId: 'autoCommit', line: 4, variant: 'rdkafka-auto-commit' }],
    },
    {
      name: 'kafkajs eachMessage that voids its handler',
      code: `import { Kafka } from 'kafkajs';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const consumer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).consumer({ groupId: 'orders' });

async function ship(order: { id: string }) {
  await prisma.shipment.create({ data: { orderId: order.id } });
}

await consumer.run({
  eachMessage: async ({ message }) => {
    void ship(JSON.parse(message.value!.toString()));
  },
});
`,
      errors: [{ messageId: 'autoCommit', line: 13, column: 10, variant: 'floating-work', precision: 'Medium' }],
    },
    {
      name: 'BullMQ processor with a write that is not awaited',
      code: `import { Worker, type Job } from 'bullmq';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
export const worker = new Worker('emails', async (job: Job) => {
  prisma.emailLog.create({ data: { to: job.data.to } });
  return { queued: true };
}, { connection: { host: 'redis' } });
`,
      errors: [{ messageId: 'autoCommit', line: 6, variant: 'floating-work', precision: 'High' }],
    },
    {
      name: 'BullMQ processor mapping ids to write promises it never awaits',
      code: `import { Worker } from 'bullmq';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export const worker = new Worker('bulk-invoices', async (job) => {
  job.data.orderIds.map((id: string) => prisma.invoice.upsert({ where: { orderId: id }, create: { orderId: id }, update: {} }));
}, { connection: { host: 'redis' } });
`,
      errors: [{ messageId: 'autoCommit', line: 5, variant: 'floating-work', precision: 'High' }],
    },
    {
      name: 'Lambda SQS handler iterating records with forEach(async ...)',
      code: `import type { SQSHandler } from 'aws-lambda';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
export const handler: SQSHandler = async (event) => {
  event.Records.forEach(async (record) => {
    await prisma.invoice.create({ data: JSON.parse(record.body) });
  });
};
`,
      errors: [{ messageId: 'autoCommit', line: 6, variant: 'floating-work', precision: 'High' }],
    },
    {
      name: 'NestJS @EventPattern handler with a floating service call (.then chain)',
      filename: 'src/shipping/shipping.controller.ts',
      code: `import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ShippingService } from './shipping.service';

@Controller()
export class ShippingController {
  private readonly logger = new Logger(ShippingController.name);
  constructor(private readonly shipping: ShippingService) {}

  @EventPattern('orders.placed.v1')
  async onOrderPlaced(@Payload() order: { id: string }) {
    this.shipping.scheduleShipment(order.id).then(() => this.logger.log('scheduled'));
  }
}
`,
      errors: [{ messageId: 'autoCommit', line: 12, variant: 'floating-work', precision: 'Medium' }],
    },
    {
      name: 'JetStream consumer created with AckPolicy.None',
      code: `import { connect, AckPolicy } from 'nats';

const nc = await connect({ servers: 'nats://nats:4222' });
const jsm = await nc.jetstreamManager();
await jsm.consumers.add('TELEMETRY', {
  durable_name: 'ingest',
  ack_policy: AckPolicy.None,
});
`,
      errors: [{ messageId: 'autoCommit', line: 7, variant: 'nats-ack-none', precision: 'High' }],
    },
    {
      name: 'JetStream consumer config with ack_policy "none" and consumerOpts().ackNone()',
      code: `import { connect, consumerOpts } from 'nats';

const nc = await connect();
const jsm = await nc.jetstreamManager();
await jsm.consumers.add('TELEMETRY', { durable_name: 'ingest', ack_policy: 'none' });
const opts = consumerOpts();
opts.ackNone();
`,
      errors: [
        { messageId: 'autoCommit', line: 5, variant: 'nats-ack-none', precision: 'High' },
        { messageId: 'autoCommit', line: 7, variant: 'nats-ack-none', precision: 'Medium' },
      ],
    },
    {
      name: 'kafkajs handler calling a local async method without await (class consumer)',
      filename: 'src/orders/order-events.consumer.ts',
      code: `import { Injectable } from '@nestjs/common';
import { Consumer, KafkaMessage } from 'kafkajs';
import { ShipmentsClient } from '@acme/shipments';

@Injectable()
export class OrderEvents {
  constructor(private readonly consumer: Consumer, private readonly shipments: ShipmentsClient) {}
  async start() {
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        this.handle(message);
      },
    });
  }
  private async handle(message: KafkaMessage) {
    const order = JSON.parse(message.value!.toString());
    await this.shipments.schedule(order.id);
  }
}
`,
      errors: [{ messageId: 'autoCommit', line: 11, column: 9, variant: 'floating-work', precision: 'Medium' }],
    },
  ],
});
