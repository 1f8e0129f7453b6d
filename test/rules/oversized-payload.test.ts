import rule from '../../rules/code/oversized-payload.js';
import { defaultConfig } from '../../src/config/schema.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

const kafkaHeader = `import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { Kafka } from 'kafkajs';

const producer = new Kafka({ clientId: 'documents', brokers: ['kafka:9092'] }).producer();
`;

testCodeRule(rule, {
  valid: [
    {
      name: 'Claim Check: the message carries a reference, hash and etag (spec Passes)',
      code: `${kafkaHeader}import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
const s3 = new S3Client({});

export async function rendered(invoiceId: string, filePath: string) {
  const pdf = await readFile(filePath);
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const put = await s3.send(new PutObjectCommand({ Bucket: 'invoices', Key: \`\${invoiceId}.pdf\`, Body: pdf }));
  // Pattern: Claim Check - the message carries a reference, not the document.
  await producer.send({
    topic: 'documents.invoice-rendered.v1',
    messages: [{ key: invoiceId,
      value: JSON.stringify({ invoiceId, uri: \`s3://invoices/\${invoiceId}.pdf\`, etag: put.ETag, sha256, size: pdf.length }) }],
  });
}
`,
    },
    {
      name: 'a bounded prisma query (take) serialised into the message',
      code: `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';
const prisma = new PrismaClient();
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
export async function snapshot() {
  const latest = await prisma.order.findMany({ orderBy: { createdAt: 'desc' }, take: 50 });
  await producer.send({ topic: 'orders.snapshot.v1', messages: [{ value: JSON.stringify(latest) }] });
}
`,
    },
    {
      name: 'one row by primary key in SQL',
      code: `import { Pool } from 'pg';
import { Kafka } from 'kafkajs';
const pool = new Pool();
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
export async function announce(id: string) {
  const { rows } = await pool.query('SELECT * FROM orders WHERE id = $1', [id]);
  await producer.send({ topic: 'orders.announced.v1', messages: [{ key: id, value: JSON.stringify(rows[0]) }] });
}
`,
    },
    {
      name: 'each row of a query published separately',
      code: `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';
const prisma = new PrismaClient();
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
export async function replay() {
  const orders = await prisma.order.findMany();
  for (const order of orders) {
    await producer.send({ topic: 'orders.replayed.v1', messages: [{ key: order.id, value: JSON.stringify(order) }] });
  }
}
`,
    },
    {
      name: 'a small base64 signature is not a document',
      code: `import { createHmac } from 'node:crypto';
import { Kafka } from 'kafkajs';
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
export async function signed(body: string) {
  const signature = createHmac('sha256', 'k').update(body).digest('base64');
  await producer.send({ topic: 'webhooks.signed.v1', messages: [{ value: JSON.stringify({ body, signature }) }] });
}
`,
    },
    {
      name: 'a short string literal stays under the limit',
      code: `import { Kafka } from 'kafkajs';
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
export async function ping() {
  await producer.send({ topic: 'health.ping.v1', messages: [{ value: 'ping' }] });
}
`,
    },
  ],
  invalid: [
    {
      name: 'PDF read from disk and sent base64 (spec Fails)',
      code: `${kafkaHeader}
export async function rendered(invoiceId: string, filePath: string) {
  const pdf = await readFile(filePath);
  await producer.send({
    topic: 'documents.invoice-rendered.v1',
    messages: [{ key: invoiceId, value: JSON.stringify({ invoiceId, pdf: pdf.toString('base64') }) }],
  });
}
`,
      errors: [{ messageId: 'oversized', line: 11, column: 41, variant: 'file-content', severity: 'Suggestion', precision: 'Heuristic' }],
    },
    {
      name: 'whole table through prisma findMany without take (SNS)',
      code: `import { PrismaClient } from '@prisma/client';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
const prisma = new PrismaClient();
const sns = new SNSClient({});
export async function publishCatalog() {
  const products = await prisma.product.findMany({ where: { active: true } });
  await sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:1:catalog-published', Message: JSON.stringify({ products }) }));
}
`,
      errors: [{ messageId: 'oversized', line: 7, variant: 'unbounded-query' }],
    },
    {
      name: 'pg SELECT without LIMIT destructured into rows (amqplib)',
      code: `import { Pool } from 'pg';
import amqp from 'amqplib';
const pool = new Pool();
export async function exportCustomers() {
  const conn = await amqp.connect('amqp://rabbit');
  const ch = await conn.createConfirmChannel();
  const { rows } = await pool.query('SELECT id, email, name FROM customers');
  ch.sendToQueue('exports.customers', Buffer.from(JSON.stringify(rows)), { persistent: true });
}
`,
      errors: [{ messageId: 'oversized', line: 8, variant: 'unbounded-query' }],
    },
    {
      name: 'HTTP body read into a Buffer and attached (Pub/Sub)',
      code: `import { PubSub } from '@google-cloud/pubsub';
const topic = new PubSub().topic('media.image-uploaded.v1');
export async function uploaded(url: string) {
  const res = await fetch(url);
  const image = Buffer.from(await res.arrayBuffer());
  await topic.publishMessage({ data: image });
}
`,
      errors: [{ messageId: 'oversized', line: 6, variant: 'binary-body' }],
    },
    {
      name: 'attachment property holding base64 of an untraced value',
      code: `import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export async function queueMail(to: string, upload: { buffer: Buffer }) {
  await sqs.send(new SendMessageCommand({
    QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/mail-outbound',
    MessageBody: JSON.stringify({ to, attachment: upload.buffer.toString('base64') }),
  }));
}
`,
      errors: [{ messageId: 'oversized', line: 6, variant: 'base64' }],
    },
    {
      name: 'string literal above a lowered kafka threshold',
      config: { thresholds: { ...defaultConfig.thresholds, payloadBytes: { ...defaultConfig.thresholds.payloadBytes, kafka: 16 } } },
      code: `import { Kafka } from 'kafkajs';
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
export async function banner() {
  await producer.send({ topic: 'cms.banner-published.v1', messages: [{ value: '<html><body>Big sale this weekend</body></html>' }] });
}
`,
      errors: [{ messageId: 'oversized', line: 4, variant: 'large-literal' }],
    },
    {
      name: 'stream collected with Buffer.concat in a BullMQ job',
      code: `import { Queue } from 'bullmq';
import type { Readable } from 'node:stream';
const thumbnails = new Queue('thumbnails');
export async function enqueue(stream: Readable) {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  await thumbnails.add('render', { raw: raw.toString('base64') });
}
`,
      errors: [{ messageId: 'oversized', line: 8, variant: 'binary-body' }],
    },
  ],
});
