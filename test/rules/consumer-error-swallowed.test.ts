import rule from '../../rules/code/consumer-error-swallowed.js';
import { defaultConfig } from '../../src/config/schema.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

// Six lines: a kafkajs consumer and producer, a logger and an unresolved domain function.
const kafkaHeader = `import { Kafka } from 'kafkajs';
const kafka = new Kafka({ clientId: 'inventory', brokers: ['kafka:9092'] });
const consumer = kafka.consumer({ groupId: 'inventory' });
const producer = kafka.producer();
const logger = console;
import { reserveStock, isTransient } from './stock.js';
`;

testCodeRule(rule, {
  valid: [
    {
      name: 'spec Passes: transient errors rethrown, the rest dead-lettered before the commit',
      code: `${kafkaHeader}
await consumer.run({
  eachMessage: async ({ topic, partition, message }) => {
    try {
      await reserveStock(JSON.parse(message.value!.toString()));
    } catch (err) {
      if (isTransient(err)) throw err; // bounded retry by the consumer
      // Pattern: Dead Letter Channel - publish before the offset is committed.
      await producer.send({
        topic: 'inventory.reserve-requested.v1.dlq',
        messages: [{ key: message.key, value: message.value,
          headers: { ...message.headers, 'dlq-reason': String(err), 'dlq-source': \`\${topic}/\${partition}\` } }],
      });
    }
  },
});
`,
    },
    {
      name: 'catch that logs and rethrows',
      code: `${kafkaHeader}
await consumer.run({
  eachMessage: async ({ message }) => {
    try {
      await reserveStock(JSON.parse(message.value!.toString()));
    } catch (err) {
      logger.error({ err }, 'reservation failed');
      throw err;
    }
  },
});
`,
    },
    {
      name: 'amqplib: catch nacks without requeue (dead-lettered by the queue)',
      code: `import amqp from 'amqplib';
import { Pool } from 'pg';
const db = new Pool();
const channel = await (await amqp.connect('amqp://rabbit')).createChannel();
await channel.consume('billing.invoice-requested.v1', async (msg) => {
  if (!msg) return;
  try {
    await db.query('INSERT INTO invoices (id) VALUES ($1)', [msg.properties.messageId]);
    channel.ack(msg);
  } catch (err) {
    console.error(err);
    channel.nack(msg, false, false);
  }
});
`,
    },
    {
      name: 'amqplib: catch logs and returns before the ack (message stays unacked, redelivered)',
      code: `import amqp from 'amqplib';
import { Pool } from 'pg';
const db = new Pool();
const channel = await (await amqp.connect('amqp://rabbit')).createChannel();
await channel.consume('billing.invoice-requested.v1', async (msg) => {
  if (!msg) return;
  try {
    await db.query('INSERT INTO invoices (id) VALUES ($1)', [msg.properties.messageId]);
  } catch (err) {
    console.error(err);
    return;
  }
  channel.ack(msg);
});
`,
    },
    {
      name: 'SQS poll loop: delete inside the try, catch only logs (message reappears after the visibility timeout)',
      code: `import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { PrismaClient } from '@prisma/client';
const sqs = new SQSClient({});
const prisma = new PrismaClient();
const QueueUrl = process.env.QUEUE_URL!;
export async function poll() {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
  for (const message of Messages ?? []) {
    try {
      await prisma.invoice.create({ data: JSON.parse(message.Body!) });
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    } catch (err) {
      console.error('will be retried', err);
    }
  }
}
`,
    },
    {
      name: 'Lambda SQS handler reporting batch item failures',
      code: `import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    try {
      await prisma.invoice.create({ data: JSON.parse(record.body) });
    } catch (err) {
      console.error(err);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
`,
    },
    {
      name: 'BullMQ processor: catch moves the job to the failed set explicitly',
      code: `import { Worker, type Job } from 'bullmq';
import { sendInvoiceEmail } from './mailer.js';
new Worker('emails', async (job: Job, token?: string) => {
  try {
    await sendInvoiceEmail(job.data);
  } catch (err) {
    await job.moveToFailed(err as Error, token!);
  }
}, { connection: { host: 'redis' } });
`,
    },
    {
      name: 'catch that calls a configured wrappers.dlq helper',
      config: { wrappers: { ...defaultConfig.wrappers, dlq: ['parkMessage'] } },
      code: `${kafkaHeader}
import { parkMessage } from './parking.js';
await consumer.run({
  eachMessage: async ({ message }) => {
    try {
      await reserveStock(JSON.parse(message.value!.toString()));
    } catch (err) {
      await parkMessage(message, err);
    }
  },
});
`,
    },
    {
      name: 'catch delegating to a local helper that publishes to the DLQ',
      code: `${kafkaHeader}
async function toDeadLetter(message: { value: Buffer | null }, err: unknown) {
  await producer.send({ topic: 'inventory.reserve-requested.v1.dlq', messages: [{ value: message.value, headers: { error: String(err) } }] });
}
await consumer.run({
  eachMessage: async ({ message }) => {
    try {
      await reserveStock(JSON.parse(message.value!.toString()));
    } catch (err) {
      await toDeadLetter(message, err);
    }
  },
});
`,
    },
    {
      name: 'catch handing the error to an unresolved error handler (cannot tell, stays silent)',
      code: `${kafkaHeader}
import { errorHandler } from '@acme/consumer-kit';
await consumer.run({
  eachMessage: async ({ message }) => {
    try {
      await reserveStock(JSON.parse(message.value!.toString()));
    } catch (err) {
      await errorHandler.handle(err, message);
    }
  },
});
`,
    },
    {
      name: 'try around parsing only (no work inside the try)',
      code: `${kafkaHeader}
await consumer.run({
  eachMessage: async ({ message }) => {
    let order;
    try {
      order = JSON.parse(message.value!.toString());
    } catch (err) {
      logger.warn({ err }, 'invalid payload');
      throw err;
    }
    await reserveStock(order);
  },
});
`,
    },
    {
      name: 'NestJS @MessagePattern returns an error response to the caller',
      filename: 'src/pricing/pricing.controller.ts',
      code: `import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PrismaClient } from '@prisma/client';

@Controller()
export class PricingController {
  constructor(private readonly prisma: PrismaClient) {}

  @MessagePattern('pricing.quote')
  async quote(@Payload() req: { sku: string }) {
    try {
      const quote = await this.prisma.quote.create({ data: { sku: req.sku } });
      return { ok: true, quote };
    } catch (err) {
      return { ok: false, error: String(err) };
    }
  }
}
`,
    },
    {
      name: 'kafkajs with autoCommit off and no commit: the failure is not committed',
      code: `${kafkaHeader}
await consumer.run({
  autoCommit: false,
  eachMessage: async ({ message }) => {
    try {
      await reserveStock(JSON.parse(message.value!.toString()));
    } catch (err) {
      logger.error(err);
    }
  },
});
`,
    },
    {
      name: 'Pub/Sub: nack in the catch',
      code: `import { PubSub } from '@google-cloud/pubsub';
import { awardPoints } from './loyalty.js';
const subscription = new PubSub().subscription('loyalty-award');
subscription.on('message', async (message) => {
  try {
    await awardPoints(JSON.parse(message.data.toString()));
    message.ack();
  } catch (err) {
    console.error(err);
    message.nack();
  }
});
`,
    },
    {
      name: 'helper whose catch returns false, and the handler nacks on false',
      code: `import amqp from 'amqplib';
import { Pool } from 'pg';
const db = new Pool();
const channel = await (await amqp.connect('amqp://rabbit')).createChannel();
async function store(msg: { content: Buffer }) {
  try {
    await db.query('INSERT INTO invoices (body) VALUES ($1)', [msg.content.toString()]);
    return true;
  } catch (err) {
    console.error(err);
    return false;
  }
}
await channel.consume('billing.invoice-requested.v1', async (msg) => {
  if (!msg) return;
  const ok = await store(msg);
  if (ok) channel.ack(msg);
  else channel.nack(msg, false, false);
});
`,
    },
    {
      name: 'catch records the failed message in a failures table (a dead-letter store by another name)',
      filename: 'src/orders/order-placed.consumer.ts',
      code: `${kafkaHeader}
import { Repository } from 'typeorm';
import { FailedEvent } from './failed-event.entity';
declare const failedEvents: Repository<FailedEvent>;
await consumer.run({
  eachMessage: async ({ topic, message }) => {
    try {
      await reserveStock(JSON.parse(message.value!.toString()));
    } catch (err) {
      logger.error(err);
      await failedEvents.save({ topic, payload: message.value?.toString(), error: String(err) });
    }
  },
});
`,
    },
    {
      name: 'best-effort notification in its own try after the awaited write',
      code: `import { Worker } from 'bullmq';
import { PrismaClient } from '@prisma/client';
import { notifyCustomer } from './notify.js';
const prisma = new PrismaClient();
new Worker('orders', async (job) => {
  const order = await prisma.order.update({ where: { id: job.data.id }, data: { status: 'SHIPPED' } });
  try {
    await notifyCustomer(order);
  } catch (err) {
    console.warn('notification failed', err);
  }
}, { connection: { host: 'redis' } });
`,
    },
  ],
  invalid: [
    {
      name: 'an exported kafkajs handler another file registers (found by its EachMessagePayload parameter) swallows its error',
      code: `import type { EachMessagePayload } from 'kafkajs';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function handlePayment({ message }: EachMessagePayload) {
  try {
    await prisma.payment.upsert({ where: { id: message.key!.toString() }, create: { id: message.key!.toString() }, update: {} });
  } catch (err) {
    console.error('payment failed', err);
  }
}
`,
      errors: [{ messageId: 'swallowed', line: 7, column: 5 }],
    },
    {
      name: 'spec Fails: kafkajs eachMessage catch only logs',
      code: `${kafkaHeader}
await consumer.run({
  eachMessage: async ({ message }) => {
    try {
      await reserveStock(JSON.parse(message.value!.toString()));
    } catch (err) {
      logger.error({ err }, 'reservation failed');
    }
  },
});
`,
      errors: [{ messageId: 'swallowed', line: 12, column: 7, precision: 'High', severity: 'Important' }],
    },
    {
      name: 'amqplib: ack after the try whose catch only logs',
      code: `import amqp from 'amqplib';
import { Pool } from 'pg';
const db = new Pool();
const channel = await (await amqp.connect('amqp://rabbit')).createChannel();
await channel.consume('billing.invoice-requested.v1', async (msg) => {
  if (!msg) return;
  try {
    await db.query('INSERT INTO invoices (id) VALUES ($1)', [msg.properties.messageId]);
  } catch (err) {
    console.error(err);
  }
  channel.ack(msg);
});
`,
      errors: [{ messageId: 'swallowed', line: 9, precision: 'High' }],
    },
    {
      name: 'Pub/Sub: ack inside the catch',
      code: `import { PubSub } from '@google-cloud/pubsub';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
const subscription = new PubSub().subscription('loyalty-award');
subscription.on('message', async (message) => {
  try {
    await prisma.pointsLedger.create({ data: JSON.parse(message.data.toString()) });
    message.ack();
  } catch (err) {
    console.error('award failed', err);
    message.ack();
  }
});
`,
      errors: [{ messageId: 'swallowed', line: 9, precision: 'High' }],
    },
    {
      name: 'SQS poll loop: delete after the try',
      code: `import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { PrismaClient } from '@prisma/client';
const sqs = new SQSClient({});
const prisma = new PrismaClient();
const QueueUrl = process.env.QUEUE_URL!;
export async function poll() {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
  for (const message of Messages ?? []) {
    try {
      await prisma.invoice.create({ data: JSON.parse(message.Body!) });
    } catch (err) {
      console.error(err);
    }
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
  }
}
`,
      errors: [{ messageId: 'swallowed', line: 11, precision: 'High' }],
    },
    {
      name: 'Lambda SQS handler: catch logs and continues with the next record',
      code: `import type { SQSEvent } from 'aws-lambda';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function handler(event: SQSEvent) {
  for (const record of event.Records) {
    try {
      await prisma.invoice.create({ data: JSON.parse(record.body) });
    } catch (err) {
      console.error('failed record', record.messageId, err);
      continue;
    }
  }
}
`,
      errors: [{ messageId: 'swallowed', line: 8, precision: 'High' }],
    },
    {
      name: 'BullMQ processor returning a status from the catch',
      code: `import { Worker } from 'bullmq';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
new Worker('emails', async (job) => {
  try {
    await prisma.emailLog.create({ data: { to: job.data.to } });
    return { sent: true };
  } catch (err) {
    return { sent: false };
  }
}, { connection: { host: 'redis' } });
`,
      errors: [{ messageId: 'swallowed', line: 8, precision: 'High' }],
    },
    {
      name: 'promise .catch() that only logs, awaited in a kafkajs handler',
      code: `${kafkaHeader}
await consumer.run({
  eachMessage: async ({ message }) => {
    await reserveStock(JSON.parse(message.value!.toString())).catch((err) => logger.error(err));
  },
});
`,
      errors: [{ messageId: 'swallowed', line: 10, precision: 'High' }],
    },
    {
      name: 'NestJS @EventPattern handler whose service call is wrapped in a logging catch',
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
    try {
      await this.shipping.scheduleShipment(order.id);
    } catch (error) {
      this.logger.error(\`could not schedule \${order.id}\`, error);
    }
  }
}
`,
      errors: [{ messageId: 'swallowed', line: 14, precision: 'High' }],
    },
    {
      name: 'kafkajs handler delegating to a method that swallows (one hop: Medium)',
      filename: 'src/inventory/reservation.consumer.ts',
      code: `import { Kafka, type Consumer, type KafkaMessage } from 'kafkajs';
import { PrismaClient } from '@prisma/client';

export class ReservationConsumer {
  private readonly prisma = new PrismaClient();
  constructor(private readonly consumer: Consumer) {}

  async start() {
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        await this.audit(message);
        await this.reserve(message);
      },
    });
  }

  private async audit(message: KafkaMessage) {
    console.log('received', message.offset);
  }

  private async reserve(message: KafkaMessage) {
    try {
      await this.prisma.reservation.create({ data: JSON.parse(message.value!.toString()) });
    } catch (err) {
      console.error('reservation failed', err);
    }
  }
}
`,
      errors: [{ messageId: 'swallowed', line: 24, precision: 'Medium' }],
    },
    {
      name: 'empty catch around a publish in a sqs-consumer handler',
      code: `import { Consumer } from 'sqs-consumer';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
const sns = new SNSClient({});
export const app = Consumer.create({
  queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123/orders-placed',
  handleMessage: async (message) => {
    try {
      await sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:123:orders-enriched', Message: message.Body! }));
    } catch {}
  },
});
`,
      errors: [{ messageId: 'swallowed', line: 9, precision: 'High' }],
    },
    {
      name: 'inner catch rethrows, the outer catch swallows',
      code: `${kafkaHeader}
await consumer.run({
  eachMessage: async ({ message }) => {
    try {
      try {
        await reserveStock(JSON.parse(message.value!.toString()));
      } catch (err) {
        logger.warn({ err }, 'reservation failed');
        throw err;
      }
    } catch (err) {
      logger.error({ err }, 'giving up');
    }
  },
});
`,
      errors: [{ messageId: 'swallowed', line: 17, precision: 'High' }],
    },
  ],
});
