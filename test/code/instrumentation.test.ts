import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { candidatePaths, clientTracing, instrumentationFact, preloads, registersInstrumentation } from '../../src/code/instrumentation.js';
import { build } from './model-helpers.js';

const reader = (files: Record<string, string>) => (path: string) => files[path] ?? null;
const otelPackage = (scripts: Record<string, string>, extra: object = {}) =>
  JSON.stringify({ scripts, dependencies: { '@opentelemetry/auto-instrumentations-node': '^0.50.0', '@opentelemetry/sdk-node': '^0.53.0', kafkajs: '^2.2.4' }, ...extra });
const sdkStart = `import { NodeSDK } from '@opentelemetry/sdk-node';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
const sdk = new NodeSDK({ instrumentations: [getNodeAutoInstrumentations()] });
sdk.start();
`;

describe('instrumentation fact (rules.md §2.10)', () => {
  it('a preloaded build output maps back to its source and registers the SDK', () => {
    const fact = instrumentationFact('services/orders', otelPackage({ start: 'node --import ./dist/instrumentation.js dist/main.js' }),
      reader({ 'services/orders/src/instrumentation.ts': sdkStart }));
    assert.deepEqual(fact, { packageRoot: 'services/orders', packages: ['@opentelemetry/auto-instrumentations-node', '@opentelemetry/sdk-node'], registered: true });
  });

  it('a self-registering preload needs no file', () => {
    const fact = instrumentationFact('svc', otelPackage({ start: 'node -r @opentelemetry/auto-instrumentations-node/register index.js' }), reader({}));
    assert.equal(fact.registered, true);
  });

  it('the main file importing a registering module', () => {
    const fact = instrumentationFact('svc', otelPackage({}, { main: 'dist/main.js' }),
      reader({ 'svc/src/main.ts': "import './tracing';\nimport { bootstrap } from './app';\n", 'svc/src/tracing.ts': sdkStart }));
    assert.equal(fact.registered, true);
  });

  it('a dependency nobody registers is not instrumentation; no tracing dependency at all', () => {
    assert.equal(instrumentationFact('svc', otelPackage({ start: 'node dist/main.js' }), reader({})).registered, false);
    assert.deepEqual(instrumentationFact('svc', JSON.stringify({ dependencies: { kafkajs: '2' } }), reader({})), { packageRoot: 'svc', packages: [], registered: false });
    assert.equal(instrumentationFact('svc', '{ not json', reader({})).registered, false);
  });

  it('helpers: preloads, candidate paths, registration patterns', () => {
    assert.deepEqual(preloads({ scripts: { a: 'node -r ./tracing.js x', b: 'NODE_OPTIONS="--require dd-trace/init" node y', c: 'node --import=./otel.mjs z' } }),
      ['./tracing.js', 'dd-trace/init', './otel.mjs']);
    assert.ok(candidatePaths('svc', './dist/src/lib/tracing.js').includes('svc/src/lib/tracing.ts'));
    assert.equal(registersInstrumentation("require('dd-trace').init({ service: 'x' });"), true);
    assert.equal(registersInstrumentation("import { trace } from '@opentelemetry/api';"), false);
  });

  it('client tracing switched on in code', () => {
    const model = build(`import { PubSub } from '@google-cloud/pubsub';
import { Queue } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';
export const pubsub = new PubSub({ enableOpenTelemetryTracing: true });
export const q = new Queue('emails', { telemetry: new BullMQOtel('emails') });`);
    assert.deepEqual(clientTracing(model), ['bullmq', 'pubsub']);
    assert.deepEqual(clientTracing(build(`import { PubSub } from '@google-cloud/pubsub';\nexport const p = new PubSub({ enableOpenTelemetryTracing: false });`)), []);
  });
});
