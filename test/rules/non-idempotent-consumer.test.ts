import rule from '../../rules/code/non-idempotent-consumer.js';
import { defaultConfig } from '../../src/config/schema.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

const bullmqPrisma = `import { Worker, Job } from 'bullmq';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
`;

testCodeRule(rule, {
  valid: [
    {
      name: 'inbox row with skipDuplicates before the increment, in one transaction (spec Passes)',
      code: `${bullmqPrisma}
new Worker('loyalty-award-points', async (job: Job<{ eventId: string; memberId: string; points: number }>) => {
  await prisma.$transaction(async (tx) => {
    // Pattern: Idempotent Receiver - dedupe by event id in the inbox table.
    const fresh = await tx.processedEvent.createMany({
      data: [{ consumer: 'award-points', eventId: job.data.eventId }],
      skipDuplicates: true,
    });
    if (fresh.count === 0) return;
    await tx.member.update({
      where: { id: job.data.memberId },
      data: { balance: { increment: job.data.points } },
    });
  });
}, { connection: { host: 'redis' } });
`,
    },
    {
      name: 'upsert keyed by the business id is idempotent by construction',
      code: `${bullmqPrisma}
new Worker('profiles', async (job) => {
  await prisma.profile.upsert({
    where: { userId: job.data.userId },
    create: { userId: job.data.userId, name: job.data.name },
    update: { name: job.data.name },
  });
}, { connection: {} });
`,
    },
    {
      name: 'INSERT ... ON CONFLICT DO NOTHING in an amqplib consumer',
      code: `import amqp from 'amqplib';
import { Pool } from 'pg';
const db = new Pool();
const channel = await (await amqp.connect('amqp://rabbit')).createChannel();
await channel.consume('inventory.reserve-requested.v1', async (msg) => {
  if (!msg) return;
  const cmd = JSON.parse(msg.content.toString());
  await db.query('INSERT INTO reservations (order_id, sku) VALUES ($1, $2) ON CONFLICT DO NOTHING', [cmd.orderId, cmd.sku]);
  channel.ack(msg);
});
`,
    },
    {
      name: 'setting a status to a constant is not in the non-idempotent set',
      code: `import { Kafka } from 'kafkajs';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
const consumer = new Kafka({ clientId: 'x', brokers: [] }).consumer({ groupId: 'g' });
await consumer.run({
  eachMessage: async ({ message }) => {
    const evt = JSON.parse(message.value!.toString());
    await prisma.order.update({ where: { id: evt.orderId }, data: { status: 'SHIPPED' } });
  },
});
`,
    },
    {
      name: 'Redis SET NX guard before the insert',
      code: `import { Kafka } from 'kafkajs';
import Redis from 'ioredis';
import { Pool } from 'pg';
const redis = new Redis();
const pool = new Pool();
const consumer = new Kafka({ clientId: 'x', brokers: [] }).consumer({ groupId: 'g' });
await consumer.run({
  eachMessage: async ({ message }) => {
    const id = message.headers?.['event-id']?.toString() ?? '';
    const first = await redis.set(\`seen:\${id}\`, '1', 'EX', 86400, 'NX');
    if (!first) return;
    await pool.query('INSERT INTO payments (event_id, amount) VALUES ($1, $2)', [id, 10]);
  },
});
`,
    },
    {
      name: 'create whose catch handles the unique violation (P2002)',
      code: `${bullmqPrisma}
new Worker('ledger', async (job) => {
  try {
    await prisma.ledgerEntry.create({ data: { eventId: job.data.eventId, points: job.data.points } });
  } catch (err: any) {
    if (err.code === 'P2002') return;
    throw err;
  }
}, { connection: {} });
`,
    },
    {
      name: 'a guard helper named like an idempotency check dominates the write',
      code: `import { EventPattern, Payload } from '@nestjs/microservices';
import { Controller } from '@nestjs/common';
import { Repository } from 'typeorm';
import { Ledger } from './ledger.entity';

@Controller()
export class LedgerConsumer {
  constructor(private readonly ledger: Repository<Ledger>, private readonly inbox: { alreadyProcessed(id: string): Promise<boolean> }) {}

  @EventPattern('payments.captured.v1')
  async onCaptured(@Payload() event: { id: string; amount: number }) {
    if (await this.inbox.alreadyProcessed(event.id)) return;
    await this.ledger.insert({ paymentId: event.id, amount: event.amount });
  }
}
`,
    },
    {
      name: 'at-most-once amqplib consumer (noAck) is left to auto-commit-consumer',
      code: `import amqp from 'amqplib';
import { Pool } from 'pg';
const db = new Pool();
const ch = await (await amqp.connect('amqp://rabbit')).createChannel();
await ch.consume('metrics.v1', async (msg) => {
  if (!msg) return;
  await db.query('INSERT INTO metrics (v) VALUES ($1)', [msg.content.toString()]);
}, { noAck: true });
`,
    },
    {
      name: 'an outbound POST that carries an Idempotency-Key keyed by the message',
      code: `import type { SQSEvent } from 'aws-lambda';
export async function handler(event: SQSEvent) {
  for (const record of event.Records) {
    await fetch('https://carrier.example.com/pickups', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': record.messageId },
      body: record.body,
      signal: AbortSignal.timeout(2000),
    });
  }
}
`,
    },
    {
      name: 'Stripe calls that carry an idempotencyKey derived from the message (request options, a this field client)',
      code: `import Stripe from 'stripe';
import type { SQSEvent } from 'aws-lambda';
const stripe = new Stripe(process.env.STRIPE_KEY!);
export async function handler(event: SQSEvent) {
  for (const record of event.Records) {
    const order = JSON.parse(record.body);
    await stripe.paymentIntents.create({ amount: order.total, currency: 'eur' }, { idempotencyKey: \`order-\${order.id}\` });
    await stripe.paymentIntents.capture(order.intentId, {}, { idempotencyKey: record.messageId });
  }
}
`,
    },
    {
      name: 'a function with a delivery type that is not exported is a helper, not a handler another file registers',
      code: `import type { EachMessagePayload } from 'kafkajs';
import { Pool } from 'pg';
const db = new Pool();
async function record({ message }: EachMessagePayload) {
  await db.query('INSERT INTO audit (v) VALUES ($1)', [message.value?.toString()]);
}
export const helpers = { record };
`,
    },
    {
      name: 'a BullMQ event listener taking a Job is no job handler (Job is not a delivery type only handlers take)',
      code: `import type { Job } from 'bullmq';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function onCompleted(job: Job) {
  await prisma.audit.create({ data: { jobId: job.id, event: 'completed' } });
}
`,
    },
    {
      name: 'an insert outside any consumer is not this rule',
      code: `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function createUser(email: string) {
  return prisma.user.create({ data: { email } });
}
`,
    },
  ],
  invalid: [
    {
      name: 'handlers another file registers, found by their parameter\'s delivery type (kafkajs, amqplib)',
      code: `import type { EachMessagePayload } from 'kafkajs';
import type { ConsumeMessage } from 'amqplib';
import { PrismaClient } from '@prisma/client';
import { Pool } from 'pg';
const prisma = new PrismaClient();
const db = new Pool();
export async function handlePayment({ message }: EachMessagePayload) {
  await prisma.payment.create({ data: JSON.parse(message.value!.toString()) });
}
export const handleRefund = async (payload: EachMessagePayload) => {
  await db.query('INSERT INTO refunds (id) VALUES ($1)', [payload.message.key?.toString()]);
};
export class Reservations {
  async onReserve(msg: ConsumeMessage | null) {
    if (!msg) return;
    await db.query('INSERT INTO reservations (id) VALUES ($1)', [msg.content.toString()]);
  }
}
`,
      errors: [
        { messageId: 'nonIdempotent', line: 8, column: 9 },
        { messageId: 'nonIdempotent', line: 11, column: 9 },
        { messageId: 'nonIdempotent', line: 16, column: 11 },
      ],
    },
    {
      name: 'a typed handler the same file registers is reported once',
      code: `import { Kafka, type EachMessagePayload } from 'kafkajs';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
const consumer = new Kafka({ clientId: 'payments', brokers: ['kafka:9092'] }).consumer({ groupId: 'payments' });
export async function handlePayment({ message }: EachMessagePayload) {
  await prisma.payment.create({ data: JSON.parse(message.value!.toString()) });
}
await consumer.subscribe({ topic: 'payments.requested.v1' });
await consumer.run({ eachMessage: handlePayment });
`,
      errors: [{ messageId: 'nonIdempotent', line: 6, column: 9 }],
    },
    {
      name: 'a typed handler the same file\'s handler calls (not a bare delegate) is reported once, through that handler',
      code: `import { Kafka, type EachMessagePayload } from 'kafkajs';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
const consumer = new Kafka({ clientId: 'payments', brokers: ['kafka:9092'] }).consumer({ groupId: 'payments' });
export async function handlePayment({ message }: EachMessagePayload) {
  await prisma.payment.create({ data: JSON.parse(message.value!.toString()) });
}
await consumer.run({
  eachMessage: async (payload) => {
    console.log('received', payload.message.offset);
    await handlePayment(payload);
  },
});
`,
      errors: [{ messageId: 'nonIdempotent', line: 11, column: 11 }],
    },
    {
      name: 'BullMQ worker increments a balance (spec Fails)',
      code: `${bullmqPrisma}
new Worker('loyalty-award-points', async (job: Job<{ memberId: string; points: number }>) => {
  await prisma.member.update({
    where: { id: job.data.memberId },
    data: { balance: { increment: job.data.points } },
  });
}, { connection: { host: 'redis' } });
`,
      errors: [{ messageId: 'nonIdempotent', line: 7, endLine: 10 }],
    },
    {
      name: 'kafkajs consumer creates a ledger row inside an awaited retry (worked example)',
      code: `import { Kafka } from 'kafkajs';
import pRetry from 'p-retry';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const kafka = new Kafka({ clientId: 'loyalty', brokers: ['kafka:9092'] });
const consumer = kafka.consumer({ groupId: 'loyalty-award' });

export async function start() {
  await consumer.subscribe({ topic: 'orders.placed.v1' });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const order = JSON.parse(message.value!.toString());
      await pRetry(
        () => prisma.ledgerEntry.create({ data: { memberId: order.member_id, orderId: order.order_id, points: order.points } }),
        { retries: 5 },
      );
    },
  });
}
`,
      errors: [{ messageId: 'nonIdempotent', line: 15 }],
    },
    {
      name: 'SQS Lambda handler inserts with pg and charges through a listed call',
      code: `import type { SQSEvent } from 'aws-lambda';
import { Pool } from 'pg';
import { payments } from './payments';

const pool = new Pool();

export async function handler(event: SQSEvent) {
  for (const record of event.Records) {
    const order = JSON.parse(record.body);
    await pool.query('INSERT INTO shipments (order_id) VALUES ($1)', [order.id]);
    await payments.charge(order.customerId, order.totalCents);
  }
}
`,
      errors: [
        { messageId: 'nonIdempotent', line: 10 },
        { messageId: 'nonIdempotent', line: 11 },
      ],
    },
    {
      name: 'SQS poll loop over Messages destructured with a default inserts on every delivery',
      code: `import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { Pool } from 'pg';

const sqs = new SQSClient({});
const pool = new Pool();
const QueueUrl = process.env.SHIPMENT_QUEUE_URL!;

export async function poll() {
  while (true) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    for (const m of Messages) {
      await pool.query('INSERT INTO shipments (order_id) VALUES ($1)', [JSON.parse(m.Body!).orderId]);
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}
`,
      errors: [{ messageId: 'nonIdempotent', line: 12, column: 13 }],
    },
    {
      name: 'an outbound POST without an Idempotency-Key books twice on redelivery',
      code: `import type { SQSEvent } from 'aws-lambda';
export async function handler(event: SQSEvent) {
  for (const record of event.Records) {
    await fetch('https://carrier.example.com/pickups', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: record.body,
      signal: AbortSignal.timeout(2000),
    });
  }
}
`,
      errors: [{ messageId: 'nonIdempotent', line: 4 }],
    },
    {
      name: 'Stripe creates without an idempotencyKey charge twice on redelivery (module client, this field, nested resource)',
      code: `import Stripe from 'stripe';
import type { SQSEvent } from 'aws-lambda';
const stripe = new Stripe(process.env.STRIPE_KEY!);
export async function handler(event: SQSEvent) {
  for (const record of event.Records) {
    const order = JSON.parse(record.body);
    await stripe.paymentIntents.create({ amount: order.total, currency: 'eur' });
    await stripe.checkout.sessions.create({ mode: 'payment' });
    await stripe.customers.retrieve(order.customerId);
  }
}
export class Refunds {
  private readonly stripe = Stripe(process.env.STRIPE_KEY!);
  async handle(event: SQSEvent) {
    for (const record of event.Records) await this.stripe.refunds.create({ payment_intent: record.body });
  }
}
`,
      errors: [
        { messageId: 'nonIdempotent', line: 7, column: 11 },
        { messageId: 'nonIdempotent', line: 8, column: 11 },
        { messageId: 'nonIdempotent', line: 15, column: 47 },
      ],
    },
    {
      name: 'the guard only runs on one branch, so it does not dominate the write',
      code: `import amqp from 'amqplib';
import { Pool } from 'pg';
const db = new Pool();
const ch = await (await amqp.connect('amqp://rabbit')).createChannel();
await ch.consume('billing.invoice-requested.v1', async (msg) => {
  if (!msg) return;
  const cmd = JSON.parse(msg.content.toString());
  if (cmd.checkDuplicates) {
    await db.query('INSERT INTO inbox (event_id) VALUES ($1) ON CONFLICT DO NOTHING', [cmd.eventId]);
  }
  await db.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [cmd.amount, cmd.accountId]);
  ch.ack(msg);
});
`,
      errors: [{ messageId: 'nonIdempotent', line: 11 }],
    },
    {
      name: 'write through a local repository helper class (one hop)',
      code: `import { Kafka } from 'kafkajs';
import mongoose from 'mongoose';

const Points = mongoose.model('Points', new mongoose.Schema({ memberId: String, total: Number }));

class PointsRepository {
  async add(memberId: string, points: number) {
    await Points.updateOne({ memberId }, { $inc: { total: points } });
  }
}

const repo = new PointsRepository();
const consumer = new Kafka({ clientId: 'x', brokers: [] }).consumer({ groupId: 'g' });
await consumer.run({
  eachMessage: async ({ message }) => {
    const e = JSON.parse(message.value!.toString());
    await repo.add(e.memberId, e.points);
  },
});
`,
      errors: [{ messageId: 'nonIdempotent', line: 17 }],
    },
    {
      name: 'configured nonIdempotentCalls are effects (sendEmail in a NestJS handler)',
      config: { nonIdempotentCalls: [...defaultConfig.nonIdempotentCalls] },
      code: `import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';

@Controller()
export class WelcomeConsumer {
  constructor(private readonly mailer: { sendEmail(to: string, body: string): Promise<void> }) {}

  @EventPattern('users.registered.v1')
  async onRegistered(@Payload() user: { email: string }) {
    await this.mailer.sendEmail(user.email, 'Welcome!');
  }
}
`,
      errors: [{ messageId: 'nonIdempotent', line: 10 }],
    },
  ],
});
