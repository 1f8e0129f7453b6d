import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeFacts, contractOf, instrumentationCovers, providedByConfig } from '../../src/code/rule-facts.js';
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

  it('contracts come from facts first, else from declaredChannels entries that carry the key', () => {
    const declaredChannels = new Map([
      ['orders.placed.v1', { feature: 'orders', path: 'docs/features/orders/contracts/orders.placed.v1.md', orderingKey: 'order_id' }],
      ['users.updated.v1', { feature: 'users', path: 'docs/features/users/contracts/users.updated.v1.md' }],
    ]);
    assert.deepEqual(contractOf({ declaredChannels }, 'orders.placed.v1'), {
      channel: 'orders.placed.v1', orderingKey: 'order_id', delivery: null, path: 'docs/features/orders/contracts/orders.placed.v1.md',
    });
    assert.equal(contractOf({ declaredChannels }, 'users.updated.v1'), null);
    assert.equal(contractOf({ declaredChannels, facts: { contract: () => null } }, 'orders.placed.v1'), null);
  });
});
