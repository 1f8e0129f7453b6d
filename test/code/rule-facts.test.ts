import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeFacts, instrumentationCovers, providedByConfig } from '../../src/code/rule-facts.js';
import { configSchema } from '../../src/config/schema.js';

describe('rule facts', () => {
  it('codeFacts is empty until the engine provides facts', () => {
    assert.deepEqual(codeFacts({}), {});
    const facts = { instrumentation: null };
    assert.equal(codeFacts({ facts }), facts);
  });

  it('instrumentation covers a library only when registered and propagating for it', () => {
    const fact = { packageRoot: 'services/orders', packages: ['@opentelemetry/instrumentation-kafkajs'], registered: true };
    assert.equal(instrumentationCovers(fact, 'kafka'), true);
    assert.equal(instrumentationCovers(fact, 'amqplib'), false);
    assert.equal(instrumentationCovers({ ...fact, registered: false }, 'kafka'), false);
    assert.equal(instrumentationCovers({ ...fact, packages: ['dd-trace'] }, 'pubsub'), true);
    assert.equal(instrumentationCovers(null, 'kafka'), false);
  });

  it('instrumentation.provided matches package folders and globs', () => {
    const config = configSchema.parse({ instrumentation: { provided: ['services/legacy-gateway/', 'apps/*-worker'] } });
    assert.equal(providedByConfig(config, 'services/legacy-gateway/src/a.ts'), true);
    assert.equal(providedByConfig(config, 'apps/email-worker/index.js'), true);
    assert.equal(providedByConfig(config, 'services/orders/src/a.ts'), false);
  });
});
