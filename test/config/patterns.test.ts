import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compiledPatterns, toRegExp } from '../../src/config/patterns.js';
import { configSchema } from '../../src/config/schema.js';

describe('toRegExp', () => {
  it('turns a leading (?i) into the i flag', () => {
    const re = toRegExp('(?i)outbox');
    assert.equal(re.source, 'outbox');
    assert.equal(re.flags, 'i');
    assert.ok(re.test('OutboxEvent'));
  });

  it('stays case-sensitive without an inline flag', () => {
    assert.equal(toRegExp('outbox').test('OutboxEvent'), false);
  });

  it('accepts combined and repeated leading flag groups', () => {
    assert.equal(toRegExp('(?is)a.b').flags, 'is');
    assert.equal(toRegExp('(?i)(?m)^x').flags, 'im');
    assert.ok(toRegExp('(?s)a.b').test('a\nb'));
  });

  it('leaves a non-leading group to the regular-expression engine', () => {
    assert.ok(toRegExp('(?:ab)+').test('abab'));
  });

  it('refuses an inline flag JS cannot express instead of silently dropping it', () => {
    assert.throws(() => toRegExp('(?x)a b'), /unsupported inline flag "\(\?x\)"/);
  });

  it('compiles the spec defaults to working expressions', () => {
    const patterns = compiledPatterns(configSchema.parse({}));
    assert.ok(patterns.dlqChannel.test('orders.DLQ'));
    assert.ok(patterns.dlqChannel.test('payments-dead-letter'));
    assert.equal(patterns.dlqChannel.test('orders.dlq.retry'), false);
    assert.ok(patterns.inboxTable.test('processed_events'));
    assert.ok(patterns.envPrefix.test('prod.orders'));
    assert.equal(patterns.envPrefix.test('production.orders'), false);
  });
});

describe('compiledPatterns', () => {
  it('compiles once per config object and separately for another config', () => {
    const a = configSchema.parse({});
    const b = configSchema.parse({ patterns: { outboxTable: 'event_outbox' } });
    assert.equal(compiledPatterns(a), compiledPatterns(a));
    assert.notEqual(compiledPatterns(a), compiledPatterns(b));
    assert.equal(compiledPatterns(b).outboxTable.test('OUTBOX'), false);
    assert.ok(compiledPatterns(b).outboxTable.test('event_outbox'));
  });
});
