import rule from '../../rules/code/missing-trace-context.js';
import { testCodeRule } from '../harness/code-rule-tester.js';
import { withFacts } from '../code/with-facts.js';

const sqsHeader = `import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { context, propagation } from '@opentelemetry/api';

const sqs = new SQSClient({});
`;

const kafkaHeader = `import { Kafka } from 'kafkajs';
import { context, propagation } from '@opentelemetry/api';

const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();
`;

testCodeRule(rule, {
  valid: [
    {
      name: 'SQS with an injected carrier and correlation / causation attributes (spec Passes)',
      code: `${sqsHeader}
export async function ship(shipment: { id: string }, correlationId: string, causingEventId: string) {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier); // Pattern: Message History - W3C trace context
  await sqs.send(new SendMessageCommand({
    QueueUrl: process.env.SHIPMENTS_QUEUE_URL,
    MessageBody: JSON.stringify(shipment),
    MessageAttributes: {
      traceparent: { DataType: 'String', StringValue: carrier.traceparent ?? '' },
      correlationid: { DataType: 'String', StringValue: correlationId },
      causationid: { DataType: 'String', StringValue: causingEventId },
    },
  }));
}
`,
    },
    {
      name: 'kafkajs headers filled by propagation.inject plus a correlation header',
      code: `${kafkaHeader}
export async function placed(order: { id: string }, correlationId: string) {
  const headers: Record<string, string> = { 'x-correlation-id': correlationId };
  propagation.inject(context.active(), headers);
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: order.id, value: JSON.stringify(order), headers }] });
}
`,
    },
    {
      name: 'carrier spread into the headers',
      code: `${kafkaHeader}
export async function placed(order: { id: string }, causationId: string) {
  const carrier = {};
  propagation.inject(context.active(), carrier);
  await producer.send({
    topic: 'orders.placed.v1',
    messages: [{ key: order.id, value: JSON.stringify(order), headers: { ...carrier, causationid: causationId } }],
  });
}
`,
    },
    {
      name: 'local helper that injects trace context (one hop)',
      code: `${kafkaHeader}
function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

export async function placed(order: { id: string }, correlationId: string) {
  await producer.send({
    topic: 'orders.placed.v1',
    messages: [{ key: order.id, value: JSON.stringify(order), headers: { ...traceHeaders(), correlationid: correlationId } }],
  });
}
`,
    },
    {
      name: 'amqplib headers with traceparent and the correlationId option',
      code: `import amqp from 'amqplib';
export async function publish(traceparent: string, correlationId: string) {
  const conn = await amqp.connect('amqp://rabbit');
  const ch = await conn.createConfirmChannel();
  ch.publish('billing', 'invoices.issued.v1', Buffer.from('{}'), { persistent: true, correlationId, headers: { traceparent } });
}
`,
    },
    {
      name: 'envelope carries traceparent and correlation / causation ids',
      code: `${kafkaHeader}
export async function placed(order: { id: string }, ctx: { traceparent: string; correlationId: string; causationId: string }) {
  await producer.send({
    topic: 'orders.placed.v1',
    messages: [{
      key: order.id,
      value: JSON.stringify({ type: 'order.placed', data: order, metadata: { traceparent: ctx.traceparent, correlationId: ctx.correlationId, causationId: ctx.causationId } }),
    }],
  });
}
`,
    },
    {
      name: 'package listed under instrumentation.provided, correlation id present',
      filename: 'services/legacy-gateway/src/publish.ts',
      config: { instrumentation: { provided: ['services/legacy-gateway'] } },
      code: `import { Kafka } from 'kafkajs';
const producer = new Kafka({ clientId: 'gw', brokers: [] }).producer();
export async function forward(id: string, correlationId: string) {
  await producer.send({ topic: 'gateway.requests.v1', messages: [{ key: id, value: id, headers: { 'correlation-id': correlationId } }] });
}
`,
    },
    {
      name: 'Pub/Sub client with enableOpenTelemetryTracing and a correlation attribute',
      code: `import { PubSub } from '@google-cloud/pubsub';
const pubsub = new PubSub({ enableOpenTelemetryTracing: true });
const topic = pubsub.topic('members.joined.v1');
export async function joined(id: string, correlationId: string) {
  await topic.publishMessage({ json: { id }, attributes: { correlationId } });
}
`,
    },
    {
      name: 'NATS headers() filled with traceparent and correlation-id',
      code: `import { connect, headers } from 'nats';
export async function publish(traceparent: string, correlationId: string) {
  const nc = await connect({ servers: 'nats://nats:4222' });
  const js = nc.jetstream();
  const h = headers();
  h.set('traceparent', traceparent);
  h.set('correlation-id', correlationId);
  await js.publish('orders.placed.v1', new TextEncoder().encode('{}'), { headers: h });
}
`,
    },
    {
      name: 'headers built elsewhere are not guessed',
      code: `${kafkaHeader}
export async function placed(order: { id: string }, headers: Record<string, string>) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: order.id, value: JSON.stringify(order), headers }] });
}
`,
    },
    {
      name: 'messages array built elsewhere is not guessed',
      code: `${kafkaHeader}
export async function placedAll(messages: { key: string; value: string }[]) {
  await producer.send({ topic: 'orders.placed.v1', messages });
}
`,
    },
    {
      name: 'calls into a publishing helper are judged at the helper, not at the call site',
      code: `${kafkaHeader}
async function emit(topic: string, value: string, correlationId: string, traceparent: string) {
  await producer.send({ topic, messages: [{ value, headers: { traceparent, correlationid: correlationId } }] });
}
export async function placed(id: string) {
  await emit('orders.placed.v1', id, id, id);
}
`,
    },
    {
      name: 'CloudEvent with a traceparent extension serialised into the headers',
      code: `import { Kafka } from 'kafkajs';
import { CloudEvent, Kafka as CE } from 'cloudevents';
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
export async function placed(order: { id: string }, traceparent: string) {
  const ce = new CloudEvent({ type: 'orders.placed', source: '/orders', data: order, traceparent });
  const binary = CE.binary(ce);
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: order.id, value: binary.value as string, headers: binary.headers }] });
}
`,
    },
    {
      name: 'Pub/Sub client with tracing built in an imported module',
      filename: 'src/publishers/shipment-events.ts',
      context: {
        'src/pubsub.ts': `import { PubSub } from '@google-cloud/pubsub';
export const pubsub = new PubSub({ enableOpenTelemetryTracing: true });
`,
      },
      code: `import { pubsub } from '../pubsub.js';
const topic = pubsub.topic('fulfillment.shipment-requested.v1');
export async function requested(orderId: string, correlationId: string) {
  await topic.publishMessage({ json: { orderId }, attributes: { correlationid: correlationId } });
}
`,
    },
    {
      name: 'imported header helper whose body injects (name says nothing)',
      filename: 'src/publish.ts',
      context: {
        'src/headers.ts': `import { context, propagation } from '@opentelemetry/api';
export function standardHeaders(correlationId: string): Record<string, string> {
  const carrier: Record<string, string> = { 'correlation-id': correlationId };
  propagation.inject(context.active(), carrier);
  return carrier;
}
`,
      },
      code: `import { Kafka } from 'kafkajs';
import { standardHeaders } from './headers.js';
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
export async function placed(id: string, correlationId: string) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: id, value: id, headers: { ...standardHeaders(correlationId), causationid: id } }] });
}
`,
    },
    {
      name: 'a dead-letter forward belongs to the original message',
      code: `${kafkaHeader}
export async function deadLetter(value: string) {
  await producer.send({ topic: 'orders.placed.v1.dlq', messages: [{ value }] });
}
`,
    },
  ],
  invalid: [
    {
      name: 'SQS message without any trace or correlation attribute (spec Fails)',
      code: `import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';

const sqs = new SQSClient({});
export async function ship(shipment: { id: string }) {
  await sqs.send(new SendMessageCommand({
    QueueUrl: process.env.SHIPMENTS_QUEUE_URL,
    MessageBody: JSON.stringify(shipment),
  }));
}
`,
      errors: [{ messageId: 'missingContext', line: 5, endLine: 8, variant: 'missing-traceparent', severity: 'Important', precision: 'Medium' }],
    },
    {
      name: 'traceparent header but no correlation or causation id: Suggestion',
      code: `${kafkaHeader}
export async function placed(order: { id: string }, traceparent: string) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: order.id, value: JSON.stringify(order), headers: { traceparent } }] });
}
`,
      errors: [{ messageId: 'missingContext', line: 7, variant: 'missing-correlation', severity: 'Suggestion' }],
    },
    {
      name: 'inject called but the carrier never reaches the message',
      code: `${kafkaHeader}
export async function placed(order: { id: string }, correlationId: string) {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: order.id, value: JSON.stringify(order), headers: { correlationid: correlationId } }] });
}
`,
      errors: [{ messageId: 'missingContext', line: 9, variant: 'missing-traceparent', severity: 'Important' }],
    },
    {
      name: 'instrumentation.provided covers the trace, not the ids',
      filename: 'services/legacy-gateway/src/publish.ts',
      config: { instrumentation: { provided: ['services/legacy-gateway'] } },
      code: `import { Kafka } from 'kafkajs';
const producer = new Kafka({ clientId: 'gw', brokers: [] }).producer();
export async function forward(id: string) {
  await producer.send({ topic: 'gateway.requests.v1', messages: [{ key: id, value: id }] });
}
`,
      errors: [{ messageId: 'missingContext', line: 4, variant: 'missing-correlation', severity: 'Suggestion' }],
    },
    {
      name: 'BullMQ job with plain data',
      code: `import { Queue } from 'bullmq';
const emails = new Queue('emails', { connection: { host: 'redis' } });
export async function enqueueWelcome(userId: string) {
  await emails.add('welcome', { userId });
}
`,
      errors: [{ messageId: 'missingContext', line: 4, variant: 'missing-traceparent' }],
    },
    {
      name: 'name-fallback producer: Heuristic',
      code: `export async function placed(deps: { producer: any }, id: string) {
  await deps.producer.send({ topic: 'orders.placed.v1', messages: [{ key: id, value: id }] });
}
`,
      errors: [{ messageId: 'missingContext', line: 2, precision: 'Heuristic' }],
    },
    {
      name: 'imported helper named for tracing whose body only sets a custom id',
      filename: 'src/publish.ts',
      context: {
        'src/trace.ts': `import { randomUUID } from 'node:crypto';
export const traceHeaders = (): Record<string, string> => ({ 'x-trace-id': randomUUID() });
`,
      },
      code: `import { Kafka } from 'kafkajs';
import { traceHeaders } from './trace.js';
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
export async function placed(id: string) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: id, value: id, headers: { 'x-trace-id': traceHeaders()['x-trace-id'], correlationid: id } }] });
}
`,
      errors: [{ messageId: 'missingContext', line: 5, variant: 'missing-traceparent' }],
    },
    {
      name: 'amqplib publish in a class with only a messageId',
      code: `import type { Channel } from 'amqplib';
export class InvoicePublisher {
  constructor(private readonly channel: Channel) {}
  issued(id: string) {
    this.channel.publish('billing', 'invoices.issued.v1', Buffer.from(id), { persistent: true, messageId: id });
  }
}
`,
      errors: [{ messageId: 'missingContext', line: 5, variant: 'missing-traceparent' }],
    },
  ],
});

// The engine's instrumentation fact (package.json + entry file) makes the trace provided.
testCodeRule(withFacts(rule, { instrumentation: { packageRoot: 'services/orders', packages: ['@opentelemetry/auto-instrumentations-node'], registered: true } }), {
  valid: [
    {
      name: 'kafkajs under registered auto-instrumentation with a correlation id',
      filename: 'services/orders/src/publish.ts',
      code: `import { Kafka } from 'kafkajs';
const producer = new Kafka({ clientId: 'orders', brokers: [] }).producer();
export async function placed(id: string, correlationId: string) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: id, value: id, headers: { correlationid: correlationId } }] });
}
`,
    },
  ],
  invalid: [
    {
      name: 'NATS is not covered by the Node auto-instrumentations',
      filename: 'services/orders/src/publish.ts',
      code: `import { connect } from 'nats';
export async function placed(id: string) {
  const nc = await connect({ servers: 'nats://nats:4222' });
  nc.publish('orders.placed.v1', new TextEncoder().encode(JSON.stringify({ id, correlationId: id })));
}
`,
      errors: [{ messageId: 'missingContext', line: 4, variant: 'missing-traceparent' }],
    },
  ],
});

// Installed but never registered by an entry file: not provided.
testCodeRule(withFacts(rule, { instrumentation: { packageRoot: 'services/orders', packages: ['@opentelemetry/instrumentation-kafkajs'], registered: false } }), {
  valid: [],
  invalid: [
    {
      name: 'instrumentation dependency without registration',
      filename: 'services/orders/src/publish.ts',
      code: `import { Kafka } from 'kafkajs';
const producer = new Kafka({ clientId: 'orders', brokers: [] }).producer();
export async function placed(id: string, correlationId: string) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: id, value: id, headers: { correlationid: correlationId } }] });
}
`,
      errors: [{ messageId: 'missingContext', line: 4, variant: 'missing-traceparent' }],
    },
  ],
});
