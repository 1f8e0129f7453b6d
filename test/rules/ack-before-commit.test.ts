import rule from '../../rules/code/ack-before-commit.js';
import { defaultConfig } from '../../src/config/schema.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

// Five lines: amqplib channel and a pg pool, as the spec examples set them up.
const amqpHeader = `import amqp from 'amqplib';
import { Pool } from 'pg';

const db = new Pool();
const channel = await (await amqp.connect(process.env.AMQP_URL!)).createChannel();
`;

testCodeRule(rule, {
  valid: [
    {
      name: 'SQS: the batch deleted after the loop has processed every message',
      code: `import { SQSClient, ReceiveMessageCommand, DeleteMessageBatchCommand } from '@aws-sdk/client-sqs';
import { Pool } from 'pg';

const sqs = new SQSClient({});
const db = new Pool();
const QueueUrl = process.env.QUEUE_URL!;

export async function pollOnce() {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
  for (const m of Messages) await db.query('INSERT INTO orders (id) VALUES ($1) ON CONFLICT DO NOTHING', [m.MessageId]);
  await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m) => ({ Id: m.MessageId!, ReceiptHandle: m.ReceiptHandle })) }));
}
`,
    },
    {
      name: 'spec Passes: ack after the awaited write, nack in the catch',
      code: `${amqpHeader}
await channel.consume('inventory.reserve-requested.v1', async (msg) => {
  if (!msg) return;
  try {
    const cmd = JSON.parse(msg.content.toString());
    await db.query(
      'INSERT INTO reservations (order_id, sku) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [cmd.orderId, cmd.sku],
    );
    channel.ack(msg); // Pattern: ack after the durable write
  } catch {
    channel.nack(msg, false, false); // routed to the queue's dead-letter exchange
  }
});
`,
    },
    {
      name: 'early-exit ack for a duplicate, then the write and the ack',
      code: `${amqpHeader}
await channel.consume('payments.capture-requested.v1', async (msg) => {
  if (!msg) return;
  const cmd = JSON.parse(msg.content.toString());
  const { rowCount } = await db.query('SELECT 1 FROM captures WHERE payment_id = $1', [cmd.paymentId]);
  if (rowCount) {
    channel.ack(msg); // already processed
    return;
  }
  await db.query('INSERT INTO captures (payment_id) VALUES ($1)', [cmd.paymentId]);
  channel.ack(msg);
});
`,
    },
    {
      name: 'filtered message acknowledged through `return ack()` before the work',
      code: `${amqpHeader}
await channel.consume('orders.events', async (msg) => {
  if (!msg) return;
  const event = JSON.parse(msg.content.toString());
  if (event.type !== 'OrderPlaced') return channel.ack(msg);
  await db.query('INSERT INTO shipments (order_id) VALUES ($1)', [event.orderId]);
  channel.ack(msg);
});
`,
    },
    {
      name: 'ack in finally, guarded by a success flag set after the write',
      code: `${amqpHeader}
await channel.consume('inventory.reserve-requested.v1', async (msg) => {
  if (!msg) return;
  let processed = false;
  try {
    await db.query('INSERT INTO reservations (order_id) VALUES ($1)', [msg.properties.messageId]);
    processed = true;
  } catch (err) {
    console.error(err);
  } finally {
    if (processed) channel.ack(msg);
    else channel.nack(msg, false, false);
  }
});
`,
    },
    {
      name: 'ack in finally after a DLQ publish in the catch',
      code: `${amqpHeader}
await channel.consume('billing.invoice-requested.v1', async (msg) => {
  if (!msg) return;
  try {
    await db.query('INSERT INTO invoices (id) VALUES ($1)', [msg.properties.messageId]);
  } catch (err) {
    channel.sendToQueue('billing.invoice-requested.v1.dlq', msg.content, { headers: { error: String(err) } });
  } finally {
    channel.ack(msg);
  }
});
`,
    },
    {
      name: 'ack and write on mutually exclusive branches',
      code: `${amqpHeader}
await channel.consume('orders.events', async (msg) => {
  if (!msg) return;
  const event = JSON.parse(msg.content.toString());
  if (event.replayed) {
    channel.ack(msg);
  } else {
    await db.query('INSERT INTO shipments (order_id) VALUES ($1)', [event.orderId]);
    channel.ack(msg);
  }
});
`,
    },
    {
      name: 'negative acks before the write are not acknowledgements',
      code: `${amqpHeader}
await channel.consume('orders.events', async (msg) => {
  if (!msg) return;
  const event = JSON.parse(msg.content.toString());
  if (!event.orderId) {
    channel.nack(msg, false, false);
  }
  await db.query('INSERT INTO shipments (order_id) VALUES ($1)', [event.orderId]);
  channel.ack(msg);
});
`,
    },
    {
      name: 'an ack scheduled in a timer callback is not in the handler region',
      code: `${amqpHeader}
await channel.consume('orders.events', async (msg) => {
  if (!msg) return;
  await db.query('INSERT INTO shipments (order_id) VALUES ($1)', [msg.properties.messageId]);
  setTimeout(() => channel.ack(msg), 10);
});
`,
    },
    {
      name: 'Pub/Sub: ack after the awaited prisma write',
      code: `import { PubSub, type Message } from '@google-cloud/pubsub';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const subscription = new PubSub().subscription('loyalty-points-award');

subscription.on('message', async (message: Message) => {
  const event = JSON.parse(message.data.toString());
  await prisma.pointsLedger.create({ data: { customerId: event.customerId, points: event.points } });
  message.ack();
});
`,
    },
    {
      name: 'JetStream iterator: term on bad input then continue; ack after the write',
      code: `import { connect, AckPolicy } from 'nats';
import { Pool } from 'pg';

const pool = new Pool();
const nc = await connect({ servers: 'nats://nats:4222' });
const js = nc.jetstream();
const consumer = await js.consumers.get('ORDERS', 'shipping');

for await (const m of await consumer.consume()) {
  const event = m.json<{ orderId?: string }>();
  if (!event.orderId) {
    m.term();
    continue;
  }
  m.working();
  await pool.query('INSERT INTO shipments (order_id) VALUES ($1)', [event.orderId]);
  m.ack();
}
`,
    },
    {
      name: 'SQS poll loop: DeleteMessageCommand after the awaited write',
      code: `import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { PrismaClient } from '@prisma/client';

const sqs = new SQSClient({});
const prisma = new PrismaClient();
const QueueUrl = process.env.INVOICE_QUEUE_URL!;

export async function poll() {
  for (;;) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }));
    for (const message of Messages ?? []) {
      const body = JSON.parse(message.Body!);
      await prisma.invoice.create({ data: { orderId: body.orderId } });
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}
`,
    },
    {
      name: 'kafkajs eachBatch: resolveOffset after the write',
      code: `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const consumer = new Kafka({ clientId: 'payments', brokers: ['kafka:9092'] }).consumer({ groupId: 'payments' });

await consumer.run({
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    for (const message of batch.messages) {
      await pool.query('INSERT INTO payments (id) VALUES ($1)', [message.key?.toString()]);
      resolveOffset(message.offset);
      await heartbeat();
    }
  },
});
`,
    },
    {
      name: 'inbox copy then ack, processing later from the inbox',
      code: `${amqpHeader}
await channel.consume('orders.events', async (msg) => {
  if (!msg) return;
  await db.query('INSERT INTO inbox_messages (id, body) VALUES ($1, $2) ON CONFLICT DO NOTHING', [msg.properties.messageId, msg.content]);
  channel.ack(msg);
});
`,
    },
    {
      name: 'a dead-letter publish after the ack is not a side effect',
      code: `${amqpHeader}
await channel.consume('orders.events', async (msg) => {
  if (!msg) return;
  try {
    await db.query('INSERT INTO shipments (order_id) VALUES ($1)', [msg.properties.messageId]);
    channel.ack(msg);
  } catch (err) {
    channel.ack(msg);
    channel.publish('orders.dlx', 'orders.events.dlq', msg.content);
  }
});
`,
    },
    {
      name: 'NestJS RabbitMQ transport: manual ack through the context after the write',
      filename: 'src/shipping/shipping.controller.ts',
      code: `import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload, RmqContext } from '@nestjs/microservices';
import { PrismaClient } from '@prisma/client';

@Controller()
export class ShippingController {
  constructor(private readonly prisma: PrismaClient) {}

  @EventPattern('orders.placed.v1')
  async onOrderPlaced(@Payload() data: { orderId: string }, @Ctx() context: RmqContext) {
    const channel = context.getChannelRef();
    const original = context.getMessage();
    await this.prisma.shipment.create({ data: { orderId: data.orderId } });
    channel.ack(original);
  }
}
`,
    },
    {
      name: 'all work joined through an awaited Promise.all before the ack',
      code: `${amqpHeader}
await channel.consume('orders.events', async (msg) => {
  if (!msg) return;
  const event = JSON.parse(msg.content.toString());
  const writes = [
    db.query('INSERT INTO shipments (order_id) VALUES ($1)', [event.orderId]),
    db.query('UPDATE orders SET status = $1 WHERE id = $2', ['shipping', event.orderId]),
  ];
  await Promise.all(writes);
  channel.ack(msg);
});
`,
    },
    {
      name: 'logging and metrics after the ack are not side effects',
      code: `${amqpHeader}
const logger = console;
await channel.consume('orders.events', async (msg) => {
  if (!msg) return;
  await db.query('INSERT INTO shipments (order_id) VALUES ($1)', [msg.properties.messageId]);
  channel.ack(msg);
  logger.info({ id: msg.properties.messageId }, 'shipment stored');
});
`,
    },
    {
      name: 'amqplib noAck consumer has no acknowledgements to order',
      code: `${amqpHeader}
await channel.consume('cache.invalidate', async (msg) => {
  if (!msg) return;
  await db.query('DELETE FROM cache_entries WHERE key = $1', [msg.content.toString()]);
}, { noAck: true });
`,
    },
    {
      name: 'synchronous amqplib republish to a retry exchange, then the ack (publish is buffered, not floating)',
      code: `${amqpHeader}
await channel.consume('orders', async (msg) => {
  if (!msg) return;
  try {
    await db.query('INSERT INTO shipments (order_id) VALUES ($1)', [msg.properties.messageId]);
    channel.ack(msg);
  } catch (err) {
    const attempts = Number(msg.properties.headers?.['x-attempts'] ?? 0);
    channel.publish('orders.retry', 'orders', msg.content, { headers: { 'x-attempts': attempts + 1 } });
    channel.ack(msg);
  }
});
`,
    },
  ],
  invalid: [
    {
      name: 'spec Fails: amqplib ack before the pg insert',
      code: `${amqpHeader}await channel.prefetch(20);

await channel.consume('inventory.reserve-requested.v1', async (msg) => {
  if (!msg) return;
  channel.ack(msg);
  const cmd = JSON.parse(msg.content.toString());
  await db.query('INSERT INTO reservations (order_id, sku) VALUES ($1, $2)', [cmd.orderId, cmd.sku]);
});
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 10, column: 3, variant: 'ack-first', precision: 'High', severity: 'Critical' }],
    },
    {
      name: 'a conditional return after the ack does not make the write unreachable',
      code: `${amqpHeader}
await channel.consume('inventory.reserve-requested.v1', async (msg) => {
  if (!msg) return;
  channel.ack(msg);
  const cmd = JSON.parse(msg.content.toString());
  if (!cmd.sku) return;
  await db.query('INSERT INTO reservations (order_id, sku) VALUES ($1, $2)', [cmd.orderId, cmd.sku]);
});
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 9, variant: 'ack-first', precision: 'High' }],
    },
    {
      name: 'ack in finally with a catch that only logs',
      code: `${amqpHeader}
await channel.consume('inventory.reserve-requested.v1', async (msg) => {
  if (!msg) return;
  try {
    await db.query('INSERT INTO reservations (order_id) VALUES ($1)', [msg.properties.messageId]);
  } catch (err) {
    console.error('reservation failed', err);
  } finally {
    channel.ack(msg);
  }
});
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 14, variant: 'ack-in-finally', precision: 'High' }],
    },
    {
      name: 'ack in finally with no catch (the error propagates after the ack)',
      code: `${amqpHeader}
await channel.consume('inventory.reserve-requested.v1', async (msg) => {
  if (!msg) return;
  try {
    await db.query('INSERT INTO reservations (order_id) VALUES ($1)', [msg.properties.messageId]);
  } finally {
    channel.ack(msg);
  }
});
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 12, variant: 'ack-in-finally' }],
    },
    {
      name: 'floating write followed by the ack',
      code: `${amqpHeader}
await channel.consume('inventory.reserve-requested.v1', async (msg) => {
  if (!msg) return;
  const cmd = JSON.parse(msg.content.toString());
  db.query('INSERT INTO reservations (order_id, sku) VALUES ($1, $2)', [cmd.orderId, cmd.sku]);
  channel.ack(msg);
});
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 11, variant: 'unawaited-effect', precision: 'High' }],
    },
    {
      name: 'voided local helper that writes, then the ack (summary: Medium)',
      code: `${amqpHeader}
async function reserve(cmd: { orderId: string; sku: string }) {
  await db.query('INSERT INTO reservations (order_id, sku) VALUES ($1, $2)', [cmd.orderId, cmd.sku]);
}

await channel.consume('inventory.reserve-requested.v1', (msg) => {
  if (!msg) return;
  void reserve(JSON.parse(msg.content.toString()));
  channel.ack(msg);
});
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 14, variant: 'unawaited-effect', precision: 'Medium' }],
    },
    {
      name: 'Pub/Sub: ack before the prisma write',
      code: `import { PubSub, type Message } from '@google-cloud/pubsub';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const subscription = new PubSub().subscription('loyalty-points-award');

subscription.on('message', async (message: Message) => {
  message.ack();
  const event = JSON.parse(message.data.toString());
  await prisma.pointsLedger.create({ data: { customerId: event.customerId, points: event.points } });
});
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 8, variant: 'ack-first', precision: 'High' }],
    },
    {
      name: 'SQS poll loop: delete before the write',
      code: `import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { PrismaClient } from '@prisma/client';

const sqs = new SQSClient({});
const prisma = new PrismaClient();
const QueueUrl = process.env.INVOICE_QUEUE_URL!;

export async function poll() {
  for (;;) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }));
    for (const message of Messages ?? []) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      const body = JSON.parse(message.Body!);
      await prisma.invoice.create({ data: { orderId: body.orderId } });
    }
  }
}
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 12, variant: 'ack-first', precision: 'High' }],
    },
    {
      name: 'SQS poll loop: Messages destructured with a default (renamed or not), delete before the write',
      code: `import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { Pool } from 'pg';

const sqs = new SQSClient({});
const pool = new Pool();
const QueueUrl = process.env.SHIPMENT_QUEUE_URL!;

export async function poll() {
  while (true) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    for (const m of Messages) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      await pool.query('INSERT INTO shipments (order_id) VALUES ($1)', [JSON.parse(m.Body!).orderId]);
    }
  }
}

export async function pollRenamed() {
  while (true) {
    const { Messages: msgs = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    for (const m of msgs) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      await pool.query('INSERT INTO shipments (order_id) VALUES ($1)', [JSON.parse(m.Body!).orderId]);
    }
  }
}
`,
      errors: [
        { messageId: 'ackBeforeCommit', line: 12, column: 13, variant: 'ack-first', precision: 'High' },
        { messageId: 'ackBeforeCommit', line: 22, column: 13, variant: 'ack-first', precision: 'High' },
      ],
    },
    {
      name: 'Pub/Sub: subscription destructured from createSubscription (topic, topic variable, client), ack before the write',
      code: `import { PubSub, type Message } from '@google-cloud/pubsub';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const pubsub = new PubSub();

export async function startLedger() {
  const [subscription] = await pubsub.topic('payments').createSubscription('ledger');
  subscription.on('message', async (message: Message) => {
    message.ack();
    await prisma.ledgerEntry.create({ data: { paymentId: message.id } });
  });
}

export async function startBilling() {
  const topic = pubsub.topic('orders');
  const [sub] = await topic.createSubscription('billing', { ackDeadlineSeconds: 60 });
  sub.on('message', async (message: Message) => {
    message.ack();
    await prisma.invoice.create({ data: { orderId: message.id } });
  });
}

export async function startAudit() {
  const [sub] = await pubsub.createSubscription('orders', 'audit', { ackDeadlineSeconds: 60 });
  sub.on('message', async (message: Message) => {
    message.ack();
    await prisma.auditEntry.create({ data: { messageId: message.id } });
  });
}
`,
      errors: [
        { messageId: 'ackBeforeCommit', line: 10, column: 5, variant: 'ack-first', precision: 'High' },
        { messageId: 'ackBeforeCommit', line: 19, column: 5, variant: 'ack-first', precision: 'High' },
        { messageId: 'ackBeforeCommit', line: 27, column: 5, variant: 'ack-first', precision: 'High' },
      ],
    },
    {
      name: 'JetStream: ack before republishing the enriched event',
      code: `import { connect } from 'nats';

const nc = await connect({ servers: 'nats://nats:4222' });
const js = nc.jetstream();
const consumer = await js.consumers.get('ORDERS', 'enricher');

await consumer.consume({
  callback: async (m) => {
    m.ack();
    const order = m.json<{ id: string }>();
    await js.publish('orders.enriched.v1', JSON.stringify({ ...order, enriched: true }));
  },
});
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 9, variant: 'ack-first', precision: 'High' }],
    },
    {
      name: 'kafkajs eachBatch: resolveOffset before the write',
      code: `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const consumer = new Kafka({ clientId: 'payments', brokers: ['kafka:9092'] }).consumer({ groupId: 'payments' });

await consumer.run({
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset }) => {
    for (const message of batch.messages) {
      resolveOffset(message.offset);
      await pool.query('INSERT INTO payments (id) VALUES ($1)', [message.key?.toString()]);
    }
  },
});
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 11, variant: 'ack-first', precision: 'High' }],
    },
    {
      name: 'kafkajs eachBatch whose payload is not destructured, or destructured in the body',
      code: `import { Kafka, type EachBatchPayload } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const consumer = new Kafka({ clientId: 'payments', brokers: ['kafka:9092'] }).consumer({ groupId: 'payments' });

await consumer.run({
  eachBatchAutoResolve: false,
  eachBatch: async (payload: EachBatchPayload) => {
    for (const message of payload.batch.messages) {
      payload.resolveOffset(message.offset);
      await pool.query('INSERT INTO payments (id) VALUES ($1)', [message.key?.toString()]);
    }
  },
});

export class Ledger {
  async handleBatch(payload: EachBatchPayload) {
    const { batch, resolveOffset } = payload;
    for (const message of batch.messages) {
      resolveOffset(message.offset);
      await pool.query('INSERT INTO ledger (id) VALUES ($1)', [message.key?.toString()]);
    }
  }
  async start() {
    await consumer.run({ eachBatchAutoResolve: false, eachBatch: (p) => this.handleBatch(p) });
  }
}
`,
      errors: [
        { messageId: 'ackBeforeCommit', line: 11, column: 7, variant: 'ack-first', precision: 'High' },
        { messageId: 'ackBeforeCommit', line: 21, column: 7, variant: 'ack-first', precision: 'High' },
      ],
    },
    {
      name: 'SQS: the whole received batch deleted before the loop (and before Promise.all over a map) that processes it',
      code: `import { SQSClient, ReceiveMessageCommand, DeleteMessageBatchCommand } from '@aws-sdk/client-sqs';
import { Pool } from 'pg';

const sqs = new SQSClient({});
const db = new Pool();
const QueueUrl = process.env.QUEUE_URL!;

export async function pollOnce() {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
  await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m) => ({ Id: m.MessageId!, ReceiptHandle: m.ReceiptHandle })) }));
  for (const m of Messages) await db.query('INSERT INTO orders (id) VALUES ($1) ON CONFLICT DO NOTHING', [m.MessageId]);
}

export async function pollMapped() {
  const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
  const Messages = res.Messages ?? [];
  await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m) => ({ Id: m.MessageId!, ReceiptHandle: m.ReceiptHandle })) }));
  await Promise.all(Messages.map(async (m) => db.query('INSERT INTO orders (id) VALUES ($1) ON CONFLICT DO NOTHING', [m.MessageId])));
}
`,
      errors: [
        { messageId: 'ackBeforeCommit', line: 10, column: 9, variant: 'ack-first', precision: 'High' },
        { messageId: 'ackBeforeCommit', line: 17, column: 9, variant: 'ack-first', precision: 'High' },
      ],
    },
    {
      name: 'Redis streams: XACK before the write',
      code: `import Redis from 'ioredis';
import { Pool } from 'pg';

const redis = new Redis();
const pool = new Pool();

export async function drain() {
  const streams = await redis.xreadgroup('GROUP', 'billing', 'c1', 'COUNT', 10, 'STREAMS', 'orders', '>');
  for (const [id, fields] of streams[0][1]) {
    await redis.xack('orders', 'billing', id);
    await pool.query('INSERT INTO invoices (order_id) VALUES ($1)', [fields[1]]);
  }
}
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 10, variant: 'ack-first', precision: 'High' }],
    },
    {
      name: 'NestJS class consumer: typed channel, ack before the typeorm repository save',
      filename: 'src/inventory/reservation.consumer.ts',
      code: `import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Channel, ConsumeMessage } from 'amqplib';
import { Repository } from 'typeorm';
import { Reservation } from './reservation.entity';

@Injectable()
export class ReservationConsumer implements OnModuleInit {
  constructor(
    private readonly channel: Channel,
    @InjectRepository(Reservation) private readonly reservations: Repository<Reservation>,
  ) {}

  async onModuleInit() {
    await this.channel.consume('inventory.reserve-requested.v1', (msg) => this.handle(msg));
  }

  private async handle(msg: ConsumeMessage | null) {
    if (!msg) return;
    this.channel.ack(msg);
    const cmd = JSON.parse(msg.content.toString());
    await this.reservations.save({ orderId: cmd.orderId, sku: cmd.sku });
  }
}
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 20, variant: 'ack-first', precision: 'High' }],
    },
    {
      name: 'ack before an unresolved processing call: Heuristic (does not gate)',
      code: `import { PubSub, type Message } from '@google-cloud/pubsub';
import { awardPoints } from '@acme/loyalty';

const subscription = new PubSub().subscription('loyalty-points-award');

subscription.on('message', async (message: Message) => {
  message.ack();
  await awardPoints(JSON.parse(message.data.toString()));
});
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 7, variant: 'ack-first', precision: 'Heuristic' }],
    },
    {
      name: 'ack before a configured non-idempotent call (Medium)',
      code: `import { connect } from 'nats';

const nc = await connect({ servers: 'nats://nats:4222' });
const js = nc.jetstream();
const consumer = await js.consumers.get('PAYMENTS', 'capture');
declare const gateway: { capture(id: string): Promise<void> };

await consumer.consume({
  callback: async (m) => {
    m.ack();
    await gateway.capture(m.json<{ paymentId: string }>().paymentId);
  },
});
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 10, variant: 'ack-first', precision: 'Medium' }],
    },
    {
      name: 'configured ack wrapper before the write (wrappers.ack)',
      config: { wrappers: { ...defaultConfig.wrappers, ack: ['MessageContext.ack'] } },
      code: `${amqpHeader}
import type { MessageContext } from '@acme/messaging';
declare const ctx: MessageContext;

await channel.consume('orders.events', async (msg) => {
  if (!msg) return;
  await ctx.ack(msg);
  await db.query('INSERT INTO shipments (order_id) VALUES ($1)', [msg.properties.messageId]);
});
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 12, variant: 'ack-first', precision: 'Medium' }],
    },
    {
      name: 'ack through a local helper before the write (one hop)',
      code: `${amqpHeader}
function done(m: { content: Buffer }) {
  channel.ack(m as never);
}

await channel.consume('orders.events', async (msg) => {
  if (!msg) return;
  done(msg);
  await db.query('INSERT INTO shipments (order_id) VALUES ($1)', [msg.properties.messageId]);
});
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 13, variant: 'ack-first', precision: 'Medium' }],
    },
    {
      name: 'inbox write, ack, then more writes: reported without gating (the documented false positive)',
      code: `${amqpHeader}
await channel.consume('orders.events', async (msg) => {
  if (!msg) return;
  await db.query('INSERT INTO inbox_messages (id, body) VALUES ($1, $2) ON CONFLICT DO NOTHING', [msg.properties.messageId, msg.content]);
  channel.ack(msg);
  await db.query('UPDATE orders SET status = $1 WHERE id = $2', ['shipping', msg.properties.messageId]);
});
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 10, variant: 'ack-first', precision: 'Heuristic' }],
    },
    {
      name: 'a local async helper called without await, then the ack (Heuristic: its work is not visible)',
      code: `import { PubSub, type Message } from '@google-cloud/pubsub';
import { awardPoints } from '@acme/loyalty';

const subscription = new PubSub().subscription('loyalty-points-award');

async function award(message: Message) {
  await awardPoints(JSON.parse(message.data.toString()));
}

subscription.on('message', (message: Message) => {
  award(message);
  message.ack();
});
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 12, variant: 'unawaited-effect', precision: 'Heuristic' }],
    },
    {
      name: 'ack before a write through an imported repository singleton (cross-file summary)',
      filename: 'src/payments/consumer.ts',
      context: {
        'src/payments/order-repo.ts': `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
class OrderRepository {
  async markPaid(id: string) {
    await prisma.order.update({ where: { id }, data: { status: 'PAID' } });
  }
}
export const orderRepository = new OrderRepository();
`,
      },
      code: `import amqp from 'amqplib';
import { orderRepository } from './order-repo';
export async function start() {
  const ch = await (await amqp.connect('amqp://x')).createChannel();
  await ch.consume('payments', async (msg) => {
    if (!msg) return;
    ch.ack(msg);
    await orderRepository.markPaid(msg.content.toString());
  });
}
`,
      errors: [{ messageId: 'ackBeforeCommit', line: 7, variant: 'ack-first', precision: 'Medium' }],
    },
  ],
});
