import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compiledPatterns, compilePattern, DEFAULT_PATTERNS } from '../../src/config/patterns.js';
import { configSchema } from '../../src/config/schema.js';

describe('compilePattern', () => {
  it('reads leading (?i), (?s) and (?m) groups, for defaults and repository patterns alike', () => {
    for (const custom of [false, true]) {
      // A trailing empty group makes the pattern differ from every default, so RE2 matches it.
      const tail = custom ? '(?:)' : '';
      assert.equal(compilePattern(`(?i)outbox${tail}`).test('OutboxEvent'), true);
      assert.equal(compilePattern(`outbox${tail}`).test('OutboxEvent'), false);
    }
    assert.ok(compilePattern('(?is)a.b').test('A\nb'));
    assert.ok(compilePattern('(?i)(?m)^x').test('y\nX'));
    assert.ok(compilePattern('(?:ab)+').test('abab'));
  });

  it('refuses what RE2 cannot match in linear time, saying why', () => {
    assert.throws(() => compilePattern('(?<=orders)_outbox'), /RE2 syntax: no lookaround or backreferences/);
    assert.throws(() => compilePattern('(a)\\1'), /RE2 syntax/);
    assert.throws(() => compilePattern('(?x)a b'), /RE2 syntax/);
  });

  it('matches a pattern that backtracks catastrophically as a JS RegExp, in linear time', () => {
    // /(a+)+$/ against 40 a's and a b takes 2^40 steps in V8; RE2 answers at once.
    const nested = compilePattern('(a+)+$');
    assert.equal(nested.test(`${'a'.repeat(40)}b`), false);
    assert.equal(nested.test(`b${'a'.repeat(40)}`), true);
    assert.equal(compilePattern('^(a+)+$').test(`${'a'.repeat(40)}b`), false);
    assert.equal(compilePattern('^(a|aa)+c$').test('a'.repeat(5_000)), false);
  });

  it('strip removes the first match only, in both engines', () => {
    assert.equal(compilePattern(DEFAULT_PATTERNS.envPrefix).strip('prod.orders.placed'), 'orders.placed');
    assert.equal(compilePattern('^(qa|uat)_').strip('uat_orders_uat_x'), 'orders_uat_x');
    assert.equal(compilePattern('_v[0-9]+').strip('orders_v2_v3'), 'orders_v3');
    assert.equal(compilePattern('^(qa|uat)_').strip('orders'), 'orders');
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

  it('a repository pattern RE2 refuses is a configuration error naming the key', () => {
    const parsed = configSchema.safeParse({ patterns: { outboxTable: '(?<!legacy_)outbox' } });
    assert.equal(parsed.success, false);
    assert.match(JSON.stringify(parsed.error?.issues), /patterns\.outboxTable is not a valid regular expression: .*RE2 syntax/);
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
