import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configSchema, defaultConfig } from '../../src/config/schema.js';

describe('configSchema defaults', () => {
  it('fills every §1.6 default from an empty object', () => {
    assert.deepEqual(configSchema.parse({}), {
      features: {},
      services: {},
      wrappers: { publish: [], dbWrite: [], ack: [], dlq: [] },
      patterns: {
        outboxTable: '(?i)outbox',
        inboxTable: '(?i)(inbox|processed_?(event|message)s?|dedup|idempot)',
        dlqChannel: '(?i)(\\.dlq|\\.dlt|dead[-_.]?letter)$',
        envPrefix: '^(dev|staging|prod)[.-]',
      },
      thresholds: {
        maxAttempts: 50,
        rpcChainServices: 3,
        payloadBytes: { kafka: 1048576, sqs: 262144, sns: 262144, pubsub: 10000000, nats: 1048576 },
        readmeLines: [30, 60],
        workerConcurrency: 256,
      },
      internalHosts: ['*.svc.cluster.local', '*-service', '*_SERVICE_URL'],
      nonIdempotentCalls: ['sendEmail', 'sendSms', 'charge', 'capture', 'refund', 'payout', 'transfer'],
      gate: { failOn: ['Critical'], minPrecision: 'Medium', scope: 'introduced', strict: false },
      inline: { severities: ['Critical', 'Important', 'System'], max: 30 },
      summaryComment: 'on-command',
      onError: 'neutral',
      instrumentation: { provided: [] },
      treatJobQueuesAsChannels: false,
      asyncapi: { traceHeaderIn: 'asyncapi' },
      rules: {},
      drafts: false,
    exclude: [],
    });
  });

  it('fills the siblings of a partly written nested object', () => {
    const config = configSchema.parse({ thresholds: { payloadBytes: { sqs: 1024 } }, gate: { strict: true } });
    assert.deepEqual(config.thresholds.payloadBytes, { kafka: 1048576, sqs: 1024, sns: 262144, pubsub: 10000000, nats: 1048576 });
    assert.equal(config.thresholds.maxAttempts, 50);
    assert.deepEqual(config.gate, { failOn: ['Critical'], minPrecision: 'Medium', scope: 'introduced', strict: true });
  });

  it('exports defaultConfig equal to a parse of {} and frozen against shared mutation', () => {
    assert.deepEqual(defaultConfig, configSchema.parse({}));
    assert.throws(() => (defaultConfig.gate.failOn as string[]).push('Important'), TypeError);
    assert.notEqual(configSchema.parse({}).gate.failOn, configSchema.parse({}).gate.failOn);
  });

  it('normalises a single glob to a list for features and services', () => {
    const config = configSchema.parse({ services: { orders: 'services/orders/**' }, features: { a: ['x/**', 'y/**'] } });
    assert.deepEqual(config.services.orders, ['services/orders/**']);
    assert.deepEqual(config.features.a, ['x/**', 'y/**']);
  });

  it('rejects unknown keys at every level, including inside a rule override', () => {
    assert.equal(configSchema.safeParse({ gates: {} }).success, false);
    assert.equal(configSchema.safeParse({ gate: { failon: ['Critical'] } }).success, false);
    assert.equal(configSchema.safeParse({ thresholds: { payloadBytes: { kinesis: 1 } } }).success, false);
    assert.equal(configSchema.safeParse({ rules: { 'dual-write': { sevrity: 'Important' } } }).success, false);
  });

  it('accepts the three forms of a rule override', () => {
    const config = configSchema.parse({
      rules: { 'a-rule': 'off', 'b-rule': 'on', 'c-rule': { severity: 'Suggestion', ignore: ['x'], enabled: true } },
    });
    assert.deepEqual(config.rules, {
      'a-rule': 'off',
      'b-rule': 'on',
      'c-rule': { severity: 'Suggestion', ignore: ['x'], enabled: true },
    });
  });

  it('bounds inline.max to an integer in 0..100', () => {
    assert.equal(configSchema.safeParse({ inline: { max: 0 } }).success, true);
    assert.equal(configSchema.safeParse({ inline: { max: 100 } }).success, true);
    assert.equal(configSchema.safeParse({ inline: { max: 101 } }).success, false);
    assert.equal(configSchema.safeParse({ inline: { max: -1 } }).success, false);
    assert.equal(configSchema.safeParse({ inline: { max: 2.5 } }).success, false);
  });

  it('rejects an invalid regular expression in patterns, naming the key', () => {
    const result = configSchema.safeParse({ patterns: { dlqChannel: '(?i)(dlq' } });
    assert.equal(result.success, false);
    assert.match(result.error!.issues[0].message, /^patterns\.dlqChannel is not a valid regular expression/);
    assert.deepEqual(result.error!.issues[0].path, ['patterns', 'dlqChannel']);
  });

  it('rejects a readmeLines band whose bounds are reversed', () => {
    assert.equal(configSchema.safeParse({ thresholds: { readmeLines: [60, 30] } }).success, false);
  });
});
