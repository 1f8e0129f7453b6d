import assert from 'node:assert/strict';
import { compilePattern } from '../../src/config/patterns.js';
import { describe, it } from 'node:test';
import type { CodeModel } from '../../src/code/model.js';
import { isWriteSql, sqlTarget } from '../../src/code/model.js';
import { build, call, effectsAt, identifier } from './model-helpers.js';

const header = `import { Kafka } from 'kafkajs';
const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();
`;

/** The channel resolved for `producer.send({ topic: <expr>, ... })` with the given topic expression. */
function topicChannel(topicExpr: string, declarations = '', options: Parameters<typeof build>[2] = {}): string | null {
  const model = build(`${header}${declarations}
export async function publish(topic: string, tenant: string, order: { region: string }) {
  await producer.send({ topic: ${topicExpr}, messages: [{ value: 'x' }] });
}
`, 'src/publisher.ts', options);
  const effects = effectsAt(model, 'producer.send');
  assert.equal(effects.length, 1);
  return effects[0]!.channel;
}

describe('channel resolution (rules.md §2.11)', () => {
  it('a string literal', () => {
    assert.equal(topicChannel(`'orders.placed.v1'`), 'orders.placed.v1');
  });

  it('a template literal without expressions', () => {
    assert.equal(topicChannel('`orders.placed.v1`'), 'orders.placed.v1');
  });

  it('a module-level const, and a const aliasing another const', () => {
    assert.equal(topicChannel('ORDERS_TOPIC', `const ORDERS_TOPIC = 'orders.placed.v1';\n`), 'orders.placed.v1');
    assert.equal(topicChannel('ALIAS', `const ORDERS_TOPIC = 'orders.placed.v1';\nconst ALIAS = ORDERS_TOPIC;\n`), 'orders.placed.v1');
  });

  it('an exported const and a function-local const', () => {
    assert.equal(topicChannel('ORDERS_TOPIC', `export const ORDERS_TOPIC = 'orders.placed.v1';\n`), 'orders.placed.v1');
    const model = build(`${header}export async function publish() {
  const LOCAL_TOPIC = 'orders.shipped.v1';
  await producer.send({ topic: LOCAL_TOPIC, messages: [] });
}
`);
    assert.equal(effectsAt(model, 'producer.send')[0]!.channel, 'orders.shipped.v1');
  });

  it('an enum member with a string initialiser, exported or not', () => {
    assert.equal(topicChannel('Topic.Shipped', `enum Topic { Placed = 'orders.placed.v1', Shipped = 'orders.shipped.v1' }\n`), 'orders.shipped.v1');
    assert.equal(topicChannel('Topic.Cancelled', `export enum Topic { Cancelled = 'orders.cancelled.v1' }\n`), 'orders.cancelled.v1');
  });

  it('a numeric or missing enum member is dynamic', () => {
    assert.equal(topicChannel('Topic.Numeric', `enum Topic { Numeric = 3 }\n`), null);
    assert.equal(topicChannel('Topic.Missing', `enum Topic { Placed = 'orders.placed.v1' }\n`), null);
  });

  it('an object-constant member, with or without `as const`', () => {
    assert.equal(topicChannel('Topics.refunds', `const Topics = { refunds: 'payments.refund-issued.v1' } as const;\n`), 'payments.refund-issued.v1');
    assert.equal(topicChannel(`Topics['placed']`, `const Topics = { placed: 'orders.placed.v1' };\n`), 'orders.placed.v1');
    assert.equal(topicChannel('Topics.unknown', `const Topics = { placed: 'orders.placed.v1' };\n`), null);
  });

  it('an environment-prefix template `${env}.orders.placed.v1` resolves to the unprefixed name', () => {
    const env = `const env = process.env.APP_ENV ?? 'dev';\n`;
    assert.equal(topicChannel('`${env}.orders.placed.v1`', env), 'orders.placed.v1');
    assert.equal(topicChannel('`${process.env.APP_ENV}-orders.placed.v1`'), 'orders.placed.v1');
  });

  it('fully dynamic names are null', () => {
    assert.equal(topicChannel('topic'), null);
    assert.equal(topicChannel('`orders.${topic}`'), null);
    assert.equal(topicChannel('`${tenant}.orders.${topic}`'), null);
    assert.equal(topicChannel('`${tenant}${topic}`'), null);
    assert.equal(topicChannel('getTopic()'), null);
    assert.equal(topicChannel('order.region'), null);
    assert.equal(topicChannel(`'orders.' + topic`), null);
  });

  it('a literal environment prefix is stripped with patterns.envPrefix', () => {
    assert.equal(topicChannel(`'prod.orders.placed.v1'`), 'orders.placed.v1');
    assert.equal(topicChannel(`'staging-orders.placed.v1'`), 'orders.placed.v1');
    assert.equal(topicChannel('PROD_TOPIC', `const PROD_TOPIC = 'prod.orders.placed.v1';\n`), 'orders.placed.v1');
    // Only a leading prefix is stripped; a name merely containing it stays as written.
    assert.equal(topicChannel(`'orders.prod.placed'`), 'orders.prod.placed');
  });

  it('the stripped prefix follows the configured pattern', () => {
    const options = { envPrefixPattern: compilePattern('^(qa|uat)_') };
    assert.equal(topicChannel(`'uat_orders.placed.v1'`, '', options), 'orders.placed.v1');
    assert.equal(topicChannel(`'prod.orders.placed.v1'`, '', options), 'prod.orders.placed.v1');
  });

  it('a name that is only a prefix resolves to null rather than the empty string', () => {
    assert.equal(topicChannel(`'prod.'`), null);
  });
});

describe('AWS channel names', () => {
  function sqsChannel(queueUrl: string, declarations = ''): string | null {
    const model = build(`import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
${declarations}
export async function f() { await sqs.send(new SendMessageCommand({ QueueUrl: ${queueUrl}, MessageBody: '{}' })); }
`);
    return effectsAt(model, 'sqs.send')[0]!.channel;
  }

  it('SQS uses the last path segment of QueueUrl', () => {
    assert.equal(sqsChannel(`'https://sqs.eu-west-1.amazonaws.com/123456789012/billing-requests'`), 'billing-requests');
    assert.equal(sqsChannel(`'https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo'`), 'orders.fifo');
    assert.equal(sqsChannel('QUEUE_URL', `const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/1/refunds';`), 'refunds');
  });

  it('SQS with a trailing slash or a dynamic URL is null', () => {
    assert.equal(sqsChannel(`'https://sqs.eu-west-1.amazonaws.com/1/'`), null);
    assert.equal(sqsChannel('process.env.QUEUE_URL!'), null);
  });

  it('SNS uses the text after the last colon of TopicArn', () => {
    const model = build(`import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
const sns = new SNSClient({});
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:orders-placed';
export async function f() {
  await sns.send(new PublishCommand({ TopicArn: TOPIC_ARN, Message: '{}' }));
  await sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:123456789012:payments.fifo', Message: '{}' }));
}
`);
    assert.equal(effectsAt(model, 'sns.send', 0)[0]!.channel, 'orders-placed');
    assert.equal(effectsAt(model, 'sns.send', 1)[0]!.channel, 'payments.fifo');
  });
});

describe('channels bound to handles', () => {
  it('bullmq and pubsub channels come from the constructor / topic() argument, resolved like any channel', () => {
    const model = build(`import { Queue } from 'bullmq';
import { PubSub } from '@google-cloud/pubsub';
const EMAILS = 'emails';
enum Topics { Refunds = 'prod.refunds-issued' }
const queue = new Queue(EMAILS);
const pubsub = new PubSub();
const dynamicQueue = new Queue(process.env.QUEUE_NAME!);
export async function f() {
  await queue.add('welcome', {});
  await pubsub.topic(Topics.Refunds).publishMessage({ json: {} });
  await dynamicQueue.add('x', {});
}
`);
    assert.equal(effectsAt(model, 'queue.add')[0]!.channel, 'emails');
    assert.equal(effectsAt(model, 'pubsub.topic(Topics.Refunds).publishMessage')[0]!.channel, 'refunds-issued');
    assert.equal(effectsAt(model, 'dynamicQueue.add')[0]!.channel, null);
  });
});

describe('stringValue and channelValue', () => {
  function model(): CodeModel {
    return build(`const A = 'alpha';
const B = A;
const C = \`gamma\`;
const D = \`d-\${A}\`;
const O = { k: 'kappa' };
enum E { X = 'ex' }
use(A, B, C, D, O.k, E.X, 'prod.orders', 42);
`);
  }

  it('resolves literals, aliases, plain templates, object members and enum members', () => {
    const m = model();
    const args = (call(m, 'use') as { arguments: unknown[] }).arguments as Parameters<CodeModel['stringValue']>[0][];
    assert.deepEqual(args.map((a) => m.stringValue(a)), ['alpha', 'alpha', 'gamma', null, 'kappa', 'ex', 'prod.orders', null]);
  });

  it('channelValue strips the env prefix; stringValue does not', () => {
    const m = model();
    const args = (call(m, 'use') as { arguments: unknown[] }).arguments as Parameters<CodeModel['stringValue']>[0][];
    assert.equal(m.stringValue(args[6]), 'prod.orders');
    assert.equal(m.channelValue(args[6]), 'orders');
    assert.equal(m.channelValue(null), null);
    assert.equal(m.channelValue(undefined), null);
  });

  it('does not loop on self-referential constants', () => {
    const m = build(`let a = b; let b = a;\nuse(a);\n`);
    assert.equal(m.stringValue(identifier(m, 'a', 2)), null);
  });
});

describe('SQL helpers', () => {
  it('isWriteSql recognises write verbs, data-modifying CTEs and leading comments', () => {
    for (const sql of [
      'INSERT INTO orders VALUES (1)',
      '  update orders set s = 1',
      'DELETE FROM carts',
      'MERGE INTO stock USING x ON (1=1)',
      'REPLACE INTO kv VALUES (1)',
      '/* audit */ INSERT INTO audit VALUES (1)',
      '-- move\nDELETE FROM sessions',
      'WITH moved AS (DELETE FROM cart RETURNING *) INSERT INTO orders SELECT * FROM moved',
    ]) {
      assert.equal(isWriteSql(sql), true, sql);
    }
    for (const sql of ['SELECT * FROM orders', 'WITH x AS (SELECT 1) SELECT * FROM x', 'BEGIN', 'SELECT updated_at FROM orders', 'EXPLAIN SELECT 1']) {
      assert.equal(isWriteSql(sql), false, sql);
    }
  });

  it('sqlTarget finds the written table, dropping schema and quotes', () => {
    assert.equal(sqlTarget('INSERT INTO orders (id) VALUES (1)'), 'orders');
    assert.equal(sqlTarget('INSERT IGNORE INTO inbox_messages (id) VALUES (1)'), 'inbox_messages');
    assert.equal(sqlTarget('UPDATE public.accounts SET balance = 0'), 'accounts');
    assert.equal(sqlTarget('DELETE FROM "outbox_events" WHERE id = 1'), 'outbox_events');
    assert.equal(sqlTarget('UPDATE ONLY ledger SET x = 1'), 'ledger');
    assert.equal(sqlTarget('SELECT 1'), null);
  });
});
