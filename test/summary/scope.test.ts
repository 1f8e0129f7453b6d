// Which touched feature a code path belongs to, through the sites it publishes on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReviewFacts } from '../../src/review/summary/facts.js';
import { featuresOfCode } from '../../src/review/summary/scope.js';

function facts(): ReviewFacts {
  return {
    consumers: [],
    publishes: [{ path: 'src/a.ts', line: 3, library: 'kafkajs', channel: 'orders.placed.v1' }],
    dbWrites: [],
    retries: [],
    regionsWithWriteAndPublish: 0,
    codeFiles: 2,
    testFiles: [],
    features: ['orders', 'billing'],
    hasDesign: false,
    channelOwners: new Map([['orders.placed.v1', 'orders'], ['invoices.issued.v1', 'billing']]),
  };
}

describe('featuresOfCode', () => {
  it('follows the channels a path publishes, also after sites are added between questions', () => {
    const f = facts();
    assert.deepEqual(featuresOfCode('src/a.ts', f), ['orders']);
    assert.deepEqual(featuresOfCode('src/b.ts', f), []);
    // The per-path index is rebuilt when the array grew since it was built.
    f.publishes.push({ path: 'src/b.ts', line: 9, library: 'kafkajs', channel: 'invoices.issued.v1' });
    assert.deepEqual(featuresOfCode('src/b.ts', f), ['billing']);
    f.publishes.push({ path: 'src/a.ts', line: 12, library: 'kafkajs', channel: 'invoices.issued.v1' });
    assert.deepEqual(featuresOfCode('src/a.ts', f), ['billing', 'orders']);
  });
});
