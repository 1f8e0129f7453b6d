import rule from '../../rules/code/missing-dlq.js';
import { defaultConfig } from '../../src/config/schema.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

// Three lines: an amqplib channel and an unresolved domain function.
const amqpHeader = `import amqp from 'amqplib';
const channel = await (await amqp.connect(process.env.AMQP_URL!)).createChannel();
declare function createInvoice(x: unknown): Promise<void>;
`;

// Four lines: a kafkajs consumer and producer.
const kafkaHeader = `import { Kafka } from 'kafkajs';
const kafka = new Kafka({ clientId: 'inventory', brokers: ['kafka:9092'] });
const consumer = kafka.consumer({ groupId: 'inventory' });
const producer = kafka.producer();
`;

testCodeRule(rule, {
  valid: [
    {
      name: 'spec Passes: queue asserted with a dead-letter exchange, handler rejects without requeue',
      code: `${amqpHeader}
await channel.assertExchange('billing.dlx', 'direct', { durable: true });
await channel.assertQueue('billing.invoice-requested.v1.dlq', { durable: true });
await channel.bindQueue('billing.invoice-requested.v1.dlq', 'billing.dlx', 'billing.invoice-requested.v1');
await channel.assertQueue('billing.invoice-requested.v1', {
  durable: true,
  deadLetterExchange: 'billing.dlx',
  deadLetterRoutingKey: 'billing.invoice-requested.v1',
});
await channel.consume('billing.invoice-requested.v1', async (msg) => {
  if (!msg) return;
  try {
    await createInvoice(JSON.parse(msg.content.toString()));
    channel.ack(msg);
  } catch {
    channel.nack(msg, false, false);
  }
});
`,
    },
    {
      name: 'amqplib queue arguments with x-dead-letter-exchange, options in a const',
      code: `${amqpHeader}
const QUEUE = 'billing.invoice-requested.v1';
const queueOptions = { durable: true, arguments: { 'x-dead-letter-exchange': 'billing.dlx' } };
await channel.assertQueue(QUEUE, queueOptions);
await channel.consume(QUEUE, async (msg) => {
  if (!msg) return;
  await createInvoice(JSON.parse(msg.content.toString()));
  channel.ack(msg);
});
`,
    },
    {
      name: 'amqplib handler that republishes failures to a dead-letter queue itself',
      code: `${amqpHeader}
await channel.consume('billing.invoice-requested.v1', async (msg) => {
  if (!msg) return;
  try {
    await createInvoice(JSON.parse(msg.content.toString()));
  } catch (err) {
    channel.sendToQueue('billing.invoice-requested.v1.dlq', msg.content, { headers: { error: String(err) } });
  }
  channel.ack(msg);
});
`,
    },
    {
      name: 'amqplib exclusive temporary queue (broadcast subscriber)',
      code: `${amqpHeader}
const { queue } = await channel.assertQueue('', { exclusive: true });
await channel.bindQueue(queue, 'cache.invalidations', '');
await channel.consume(queue, async (msg) => {
  if (!msg) return;
  await createInvoice(msg.content.toString());
  channel.ack(msg);
});
`,
    },
    {
      name: 'amqplib noAck consumer is at-most-once by design',
      code: `${amqpHeader}
await channel.consume('metrics.samples', (msg) => {
  if (msg) void createInvoice(msg.content);
}, { noAck: true });
`,
    },
    {
      name: 'kafkajs: DLQ publish in the catch (spec rule 10 shape)',
      code: `${kafkaHeader}
declare function reserveStock(x: unknown): Promise<void>;
await consumer.subscribe({ topic: 'inventory.reserve-requested.v1' });
await consumer.run({
  eachMessage: async ({ message }) => {
    try {
      await reserveStock(JSON.parse(message.value!.toString()));
    } catch (err) {
      await producer.send({ topic: 'inventory.reserve-requested.v1.dlq', messages: [{ key: message.key, value: message.value }] });
    }
  },
});
`,
    },
    {
      name: 'kafkajs: dead-letter topic built from the source topic',
      code: `${kafkaHeader}
declare function reserveStock(x: unknown): Promise<void>;
await consumer.run({
  eachMessage: async ({ topic, message }) => {
    try {
      await reserveStock(JSON.parse(message.value!.toString()));
    } catch (err) {
      await producer.send({ topic: \`\${topic}.dlq\`, messages: [{ value: message.value }] });
    }
  },
});
`,
    },
    {
      name: 'kafkajs: configured wrappers.dlq helper',
      config: { wrappers: { ...defaultConfig.wrappers, dlq: ['ErrorRouter.route'] } },
      code: `${kafkaHeader}
import type { ErrorRouter } from '@acme/consumer-kit';
declare const router: ErrorRouter;
declare function reserveStock(x: unknown): Promise<void>;
await consumer.run({
  eachMessage: async ({ message }) => {
    try {
      await reserveStock(JSON.parse(message.value!.toString()));
    } catch (err) {
      await router.route(message, err);
    }
  },
});
`,
    },
    {
      name: 'kafkajs: dead-letter helper method on the consumer class (one hop)',
      code: `import { Kafka, type Consumer, type Producer, type KafkaMessage } from 'kafkajs';
declare function reserveStock(x: unknown): Promise<void>;
export class ReservationConsumer {
  constructor(private readonly consumer: Consumer, private readonly producer: Producer) {}
  async start() {
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        try {
          await reserveStock(JSON.parse(message.value!.toString()));
        } catch (err) {
          await this.park(message, err);
        }
      },
    });
  }
  private async park(message: KafkaMessage, err: unknown) {
    await this.producer.send({ topic: 'inventory.reserve-requested.v1.dlq', messages: [{ value: message.value }] });
  }
}
`,
    },
    {
      name: 'SQS poll loop on a queue created here with a RedrivePolicy',
      code: `import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
declare function createInvoice(x: unknown): Promise<void>;
const sqs = new SQSClient({});
const { QueueUrl } = await sqs.send(new CreateQueueCommand({
  QueueName: 'billing-invoice-requested',
  Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: process.env.DLQ_ARN, maxReceiveCount: '5' }) },
}));
const url = 'https://sqs.eu-west-1.amazonaws.com/123/billing-invoice-requested';
export async function poll() {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
  for (const message of Messages ?? []) {
    await createInvoice(JSON.parse(message.Body!));
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
  }
}
`,
    },
    {
      name: 'CDK stack: queue with deadLetterQueue next to its Lambda handler',
      code: `import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { Construct } from 'constructs';
declare function createInvoice(x: unknown): Promise<void>;

export function defineQueues(scope: Construct) {
  const dlq = new sqs.Queue(scope, 'InvoiceDlq', { queueName: 'billing-invoice-requested-dlq' });
  return new sqs.Queue(scope, 'Invoice', { deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
}

export async function handler(event: SQSEvent) {
  for (const record of event.Records) await createInvoice(JSON.parse(record.body));
}
`,
    },
    {
      name: 'Pub/Sub subscription created with a deadLetterPolicy',
      code: `import { PubSub } from '@google-cloud/pubsub';
declare function award(x: unknown): Promise<void>;
const pubsub = new PubSub();
await pubsub.topic('orders-placed').createSubscription('loyalty-award', {
  deadLetterPolicy: { deadLetterTopic: 'projects/p/topics/loyalty-award-dead-letter', maxDeliveryAttempts: 5 },
});
const subscription = pubsub.subscription('loyalty-award');
subscription.on('message', async (message) => {
  await award(JSON.parse(message.data.toString()));
  message.ack();
});
`,
    },
    {
      name: 'Pub/Sub subscription destructured from createSubscription with a deadLetterPolicy',
      code: `import { PubSub } from '@google-cloud/pubsub';
declare function award(x: unknown): Promise<void>;
const pubsub = new PubSub();
const [subscription] = await pubsub.topic('orders-placed').createSubscription('loyalty-award', {
  deadLetterPolicy: { deadLetterTopic: 'projects/p/topics/loyalty-award-dead-letter', maxDeliveryAttempts: 5 },
});
subscription.on('message', async (message) => {
  await award(JSON.parse(message.data.toString()));
  message.ack();
});
`,
    },
    {
      name: 'JetStream: finite max_deliver and a MAX_DELIVERIES advisory subscriber',
      code: `import { connect, AckPolicy } from 'nats';
declare function ship(x: unknown): Promise<void>;
const nc = await connect({ servers: 'nats://nats:4222' });
const jsm = await nc.jetstreamManager();
await jsm.consumers.add('ORDERS', { durable_name: 'shipping', ack_policy: AckPolicy.Explicit, max_deliver: 5 });
nc.subscribe('$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.ORDERS.shipping', { callback: (_err, m) => console.warn('exhausted', m.data) });
const consumer = await nc.jetstream().consumers.get('ORDERS', 'shipping');
for await (const m of await consumer.consume()) {
  await ship(m.json());
  m.ack();
}
`,
    },
    {
      name: 'JetStream: DLQ publish before term()',
      code: `import { connect } from 'nats';
declare function ship(x: unknown): Promise<void>;
const nc = await connect({ servers: 'nats://nats:4222' });
const js = nc.jetstream();
const consumer = await js.consumers.get('ORDERS', 'shipping');
for await (const m of await consumer.consume()) {
  try {
    await ship(m.json());
    m.ack();
  } catch {
    await js.publish('orders.shipping.dlq', m.data);
    m.term();
  }
}
`,
    },
    {
      name: 'NATS core subscription is at-most-once',
      code: `import { connect } from 'nats';
declare function ship(x: unknown): Promise<void>;
const nc = await connect({ servers: 'nats://nats:4222' });
nc.subscribe('orders.placed', { callback: async (_err, m) => { await ship(m.data); } });
`,
    },
    {
      name: 'BullMQ worker keeps failed jobs (default)',
      code: `import { Worker } from 'bullmq';
declare function sendEmail(x: unknown): Promise<void>;
new Worker('emails', async (job) => { await sendEmail(job.data); }, { connection: { host: 'redis' }, removeOnComplete: { count: 1000 } });
`,
    },
    {
      name: 'BullMQ removeOnFail with a failed listener that forwards to a dead-letter queue',
      code: `import { Queue, Worker } from 'bullmq';
declare function sendEmail(x: unknown): Promise<void>;
const connection = { host: 'redis' };
const deadLetters = new Queue('emails-dead-letter', { connection });
const worker = new Worker('emails', async (job) => { await sendEmail(job.data); }, { connection, removeOnFail: true });
worker.on('failed', async (job, err) => {
  if (job) await deadLetters.add('failed', { data: job.data, error: err.message });
});
`,
    },
    {
      name: 'BullMQ removeOnFail keeps some failed jobs ({ count: 1000 }, { age: 3600 })',
      code: `import { Queue, Worker } from 'bullmq';
declare function sendEmail(x: unknown): Promise<void>;
const connection = { host: 'redis' };
export const emails = new Queue('emails', { connection, defaultJobOptions: { attempts: 3, removeOnFail: { age: 3600 } } });
export const worker = new Worker('emails', async (job) => { await sendEmail(job.data); }, { connection, removeOnFail: { count: 1000 } });
`,
    },
    {
      name: 'NestJS @MessagePattern is request-response',
      filename: 'src/pricing/pricing.controller.ts',
      code: `import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
declare function quote(x: unknown): Promise<number>;
@Controller()
export class PricingController {
  @MessagePattern('pricing.quote')
  async quote(@Payload() req: { sku: string }) {
    return quote(req);
  }
}
`,
    },
    {
      name: '@golevelup RabbitSubscribe with a dead-letter exchange in queueOptions',
      filename: 'src/billing/billing.handler.ts',
      code: `import { Injectable } from '@nestjs/common';
import { Nack, RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
declare function createInvoice(x: unknown): Promise<void>;
@Injectable()
export class BillingHandler {
  @RabbitSubscribe({
    exchange: 'orders',
    routingKey: 'orders.placed',
    queue: 'billing.orders-placed',
    queueOptions: { deadLetterExchange: 'billing.dlx' },
  })
  async onOrderPlaced(msg: { id: string }) {
    try {
      await createInvoice(msg);
    } catch {
      return new Nack(false);
    }
  }
}
`,
    },
    {
      name: 'amqplib queue declared elsewhere (topology module, policy): cannot verify, not reported',
      code: `${amqpHeader}
await channel.consume('billing.invoice-requested.v1', async (msg) => {
  if (!msg) return;
  try {
    await createInvoice(JSON.parse(msg.content.toString()));
    channel.ack(msg);
  } catch {
    channel.reject(msg, false);
  }
});
`,
    },
    {
      name: 'Lambda SQS handler whose queue is defined by IaC elsewhere: cannot verify, not reported',
      code: `import type { SQSHandler } from 'aws-lambda';
declare function createInvoice(x: unknown): Promise<void>;

export const handler: SQSHandler = async (event) => {
  for (const record of event.Records) {
    await createInvoice(JSON.parse(record.body));
  }
};
`,
    },
    {
      name: 'NestJS @EventPattern: the dead-letter setup of the transport lives outside the handler, not reported',
      filename: 'src/shipping/shipping.controller.ts',
      code: `import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ShippingService } from './shipping.service';

@Controller()
export class ShippingController {
  constructor(private readonly shipping: ShippingService) {}

  @EventPattern('orders.placed.v1')
  async onOrderPlaced(@Payload() order: { id: string }) {
    await this.shipping.scheduleShipment(order.id);
  }
}
`,
    },
    {
      name: 'sqs-consumer app on a queue not created here: cannot verify, not reported',
      code: `import { Consumer } from 'sqs-consumer';
declare function createInvoice(x: unknown): Promise<void>;
export const app = Consumer.create({
  queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123/billing-invoice-requested',
  handleMessage: async (message) => {
    await createInvoice(JSON.parse(message.Body!));
  },
});
`,
    },
  ],
  invalid: [
    {
      name: 'spec Fails: queue asserted without a DLX, nack without requeue drops the message',
      code: `${amqpHeader}
await channel.assertQueue('billing.invoice-requested.v1', { durable: true });
await channel.prefetch(10);
await channel.consume('billing.invoice-requested.v1', async (msg) => {
  if (!msg) return;
  try {
    await createInvoice(JSON.parse(msg.content.toString()));
    channel.ack(msg);
  } catch {
    channel.nack(msg, false, false); // dropped: the queue has no dead-letter exchange
  }
});
`,
      errors: [{ messageId: 'missingDlq', line: 13, column: 5, variant: 'nack-drops', precision: 'Medium', severity: 'Important' }],
    },
    {
      name: 'amqplib queue asserted with defaults, handler requeues forever',
      code: `${amqpHeader}
await channel.assertQueue('billing.invoice-requested.v1');
await channel.consume('billing.invoice-requested.v1', async (msg) => {
  if (!msg) return;
  try {
    await createInvoice(JSON.parse(msg.content.toString()));
    channel.ack(msg);
  } catch {
    channel.nack(msg);
  }
});
`,
      errors: [{ messageId: 'missingDlq', line: 6, variant: 'no-dead-letter', severity: 'Important' }],
    },
    {
      name: 'kafkajs consumer with no dead-letter topic',
      code: `${kafkaHeader}
declare function reserveStock(x: unknown): Promise<void>;
await consumer.subscribe({ topic: 'inventory.reserve-requested.v1' });
await consumer.run({
  eachMessage: async ({ message }) => {
    await reserveStock(JSON.parse(message.value!.toString()));
  },
});
`,
      errors: [{ messageId: 'missingDlq', line: 9, variant: 'no-dead-letter', severity: 'Important', precision: 'Medium' }],
    },
    {
      name: 'SQS poll loop on a queue created here without a redrive policy',
      code: `import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
declare function createInvoice(x: unknown): Promise<void>;
const sqs = new SQSClient({});
await sqs.send(new CreateQueueCommand({ QueueName: 'billing-invoice-requested', Attributes: { VisibilityTimeout: '60' } }));
const url = 'https://sqs.eu-west-1.amazonaws.com/123/billing-invoice-requested';
export async function poll() {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
  for (const message of Messages ?? []) {
    await createInvoice(JSON.parse(message.Body!));
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
  }
}
`,
      errors: [{ messageId: 'missingDlq', line: 8, variant: 'no-dead-letter' }],
    },
    {
      name: 'Pub/Sub subscription created without a deadLetterPolicy',
      code: `import { PubSub } from '@google-cloud/pubsub';
declare function award(x: unknown): Promise<void>;
const pubsub = new PubSub();
await pubsub.createSubscription('orders-placed', 'loyalty-award', { ackDeadlineSeconds: 60 });
const subscription = pubsub.subscription('loyalty-award');
subscription.on('message', async (message) => {
  await award(JSON.parse(message.data.toString()));
  message.ack();
});
`,
      errors: [{ messageId: 'missingDlq', line: 6, variant: 'no-dead-letter' }],
    },
    {
      name: 'Pub/Sub subscription destructured from createSubscription without a deadLetterPolicy (topic and client forms)',
      code: `import { PubSub } from '@google-cloud/pubsub';
declare function award(x: unknown): Promise<void>;
const pubsub = new PubSub();
const [subscription] = await pubsub.topic('orders-placed').createSubscription('loyalty-award', { ackDeadlineSeconds: 60 });
subscription.on('message', async (message) => {
  await award(JSON.parse(message.data.toString()));
  message.ack();
});
const [audit] = await pubsub.createSubscription('orders-placed', 'loyalty-audit');
audit.on('message', async (message) => {
  await award(JSON.parse(message.data.toString()));
  message.ack();
});
`,
      errors: [
        { messageId: 'missingDlq', line: 5, column: 1, variant: 'no-dead-letter' },
        { messageId: 'missingDlq', line: 10, column: 1, variant: 'no-dead-letter' },
      ],
    },
    {
      name: 'JetStream: finite max_deliver but term() drops exhausted messages',
      code: `import { connect, AckPolicy } from 'nats';
declare function ship(x: unknown): Promise<void>;
const nc = await connect({ servers: 'nats://nats:4222' });
const jsm = await nc.jetstreamManager();
await jsm.consumers.add('ORDERS', { durable_name: 'shipping', ack_policy: AckPolicy.Explicit, max_deliver: 5 });
const consumer = await nc.jetstream().consumers.get('ORDERS', 'shipping');
for await (const m of await consumer.consume()) {
  try {
    await ship(m.json());
    m.ack();
  } catch {
    m.term();
  }
}
`,
      errors: [{ messageId: 'missingDlq', line: 7, variant: 'no-dead-letter' }],
    },
    {
      name: 'BullMQ worker removing failed jobs with no forwarding listener',
      code: `import { Worker } from 'bullmq';
declare function sendEmail(x: unknown): Promise<void>;
export const worker = new Worker('emails', async (job) => {
  await sendEmail(job.data);
}, { connection: { host: 'redis' }, removeOnFail: true });
worker.on('failed', (job, err) => console.error(job?.id, err));
`,
      errors: [{ messageId: 'missingDlq', line: 3, variant: 'no-dead-letter' }],
    },
    {
      name: 'BullMQ worker removeOnFail: { count: 0 } keeps no failed job',
      code: `import { Worker, Job } from 'bullmq';
import { Pool } from 'pg';
const db = new Pool();
export const worker = new Worker('receipts', async (job: Job) => {
  await db.query('INSERT INTO receipts (id) VALUES ($1) ON CONFLICT DO NOTHING', [job.data.orderId]);
}, { connection: { host: 'redis' }, removeOnFail: { count: 0 } });
`,
      errors: [{ messageId: 'missingDlq', line: 4, column: 23, variant: 'no-dead-letter' }],
    },
    {
      name: 'BullMQ queue.add with removeOnFail: { age: 0 } removes the job as soon as it fails',
      code: `import { Queue, Worker } from 'bullmq';
declare function sendEmail(x: unknown): Promise<void>;
const connection = { host: 'redis' };
const emails = new Queue('emails', { connection });
export const enqueue = (to: string) => emails.add('welcome', { to }, { attempts: 3, removeOnFail: { age: 0, count: 100 } });
export const worker = new Worker('emails', async (job) => { await sendEmail(job.data); }, { connection });
`,
      errors: [{ messageId: 'missingDlq', line: 6, column: 23, variant: 'no-dead-letter' }],
    },
    {
      name: 'BullMQ queue defaultJobOptions remove failed jobs',
      code: `import { Queue, Worker } from 'bullmq';
declare function sendEmail(x: unknown): Promise<void>;
const connection = { host: 'redis' };
export const emails = new Queue('emails', { connection, defaultJobOptions: { attempts: 3, removeOnFail: true } });
new Worker('emails', async (job) => { await sendEmail(job.data); }, { connection });
`,
      errors: [{ messageId: 'missingDlq', line: 5, variant: 'no-dead-letter' }],
    },
    {
      name: 'node-rdkafka flowing consumer with no dead-letter topic',
      code: `import Kafka from 'node-rdkafka';
declare function apply(x: unknown): Promise<void>;
const consumer = new Kafka.KafkaConsumer({ 'group.id': 'ledger', 'metadata.broker.list': 'kafka:9092', 'enable.auto.commit': false }, {});
consumer.connect();
consumer.on('ready', () => { consumer.subscribe(['ledger.entries.v1']); consumer.consume(); });
consumer.on('data', async (message) => {
  await apply(JSON.parse(message.value!.toString()));
  consumer.commitMessage(message);
});
`,
      errors: [{ messageId: 'missingDlq', line: 6, variant: 'no-dead-letter' }],
    },
    {
      name: 'amqplib queue asserted through a destructured result, no dead-letter exchange',
      code: `${amqpHeader}
const { queue } = await channel.assertQueue('billing.invoice-requested.v1', { durable: true, maxLength: 10000 });
await channel.consume(queue, async (msg) => {
  if (!msg) return;
  await createInvoice(JSON.parse(msg.content.toString()));
  channel.ack(msg);
});
`,
      errors: [{ messageId: 'missingDlq', line: 6, variant: 'no-dead-letter' }],
    },
    {
      name: 'JetStream consumer configured here without max_deliver, failures nak-ed forever',
      code: `import { AckPolicy, connect } from 'nats';
declare function importRow(x: unknown): Promise<void>;
const nc = await connect({ servers: 'nats://nats:4222' });
const jsm = await nc.jetstreamManager();
await jsm.consumers.add('CATALOG', { durable_name: 'import', ack_policy: AckPolicy.Explicit });
const consumer = await nc.jetstream().consumers.get('CATALOG', 'import');
await consumer.consume({
  callback: async (m) => {
    try {
      await importRow(m.json());
      m.ack();
    } catch {
      m.nak();
    }
  },
});
`,
      errors: [{ messageId: 'missingDlq', line: 7, variant: 'no-dead-letter' }],
    },
    {
      name: '@golevelup RabbitSubscribe declaring its queue without a DLX, returning Nack(false)',
      filename: 'src/billing/billing.handler.ts',
      code: `import { Injectable } from '@nestjs/common';
import { Nack, RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
declare function createInvoice(x: unknown): Promise<void>;
@Injectable()
export class BillingHandler {
  @RabbitSubscribe({ exchange: 'orders', routingKey: 'orders.placed', queue: 'billing.orders-placed', queueOptions: { durable: true } })
  async onOrderPlaced(msg: { id: string }) {
    try {
      await createInvoice(msg);
    } catch {
      return new Nack(false);
    }
  }
}
`,
      errors: [{ messageId: 'missingDlq', line: 11, variant: 'nack-drops' }],
    },
  ],
});
