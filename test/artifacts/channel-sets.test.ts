import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  baseOfDerived,
  boundaryContracts,
  compatibilityMode,
  contractTitleChannel,
  isChannelName,
  isDerivedChannel,
  isNearMiss,
  nearestChannel,
  nextVersion,
  orderingKeyOf,
  readmeChannels,
} from '../../src/artifacts/channel-sets.js';
import { buildArtifactModel, type MarkdownArtifact } from '../../src/artifacts/model.js';

const lines = (...rows: string[]) => `${rows.join('\n')}\n`;

function markdown(path: string, text: string): MarkdownArtifact {
  const model = buildArtifactModel([{ path, text }]);
  return model.artifacts.get(path) as MarkdownArtifact;
}

describe('channel grammar', () => {
  it('accepts semantic versioned names and derived channels', () => {
    for (const name of ['orders.placed.v1', 'loyalty.points-awarded.v1', 'a_b.c-d.v12']) assert.ok(isChannelName(name), name);
    for (const name of ['orders.placed', 'Orders.placed.v1', 'events', 'orders.v1', 'orders.placed.v0']) assert.ok(!isChannelName(name), name);
    assert.ok(isDerivedChannel('orders.placed.v1.dlq'));
    assert.ok(!isDerivedChannel('orders-dlq'));
    assert.equal(baseOfDerived('orders.placed.v1.quarantine'), 'orders.placed.v1');
    assert.equal(nextVersion('orders.placed.v9'), 'orders.placed.v10');
  });

  it('near misses: two edits, or another version', () => {
    assert.ok(isNearMiss('orders.plcaed.v1', 'orders.placed.v1'));
    assert.ok(isNearMiss('orders.placed.v2', 'orders.placed.v1'));
    assert.ok(isNearMiss('orders.placed.v10', 'orders.placed.v1'));
    assert.ok(!isNearMiss('orders.order-placed.v1', 'orders.placed.v1'));
    assert.ok(!isNearMiss('orders.placed.v1', 'orders.placed.v1'));
    assert.equal(nearestChannel('orders.placd.v1', ['orders.placed.v2', 'orders.placed.v1']), 'orders.placed.v1');
  });
});

describe('design Boundary contracts', () => {
  const design = markdown(
    'docs/features/shop/design.md',
    lines(
      '# Shop Design', // 1
      '', // 2
      '## Boundary contracts (conceptual, not code)', // 3
      '- `orders.placed.v1` — ordering key: `order_id`; idempotency key: `id`; retention: 7 days; DLQ owner: Orders; compatibility: BACKWARD', // 4
      '- `payments.settled.v1` (consumed) – partition key: `payment_id`; dedup key: `id`', // 5
      '- `orders.shipped.v1`', // 6
      '  - Ordering key: `order_id`', // 7
      '  - **Compatibility mode**: FULL', // 8
      '- `orders.cancelled.v1` (produced): ordering key: none;', // 9
      '  continued: on a wrapped line', // 10
      '', // 11
      '## Related artifacts', // 12
    ),
  );

  it('reads both bullet forms, marks, separators and synonyms', () => {
    const { section, entries } = boundaryContracts(design);
    assert.equal(section?.line, 3);
    assert.deepEqual(
      entries.map((e) => [e.channel, e.mark, e.line, [...e.facts].map(([k, f]) => `${k}=${f.value}@${f.line}`)]),
      [
        ['orders.placed.v1', null, 4, ['ordering key=`order_id`@4', 'idempotency key=`id`@4', 'retention=7 days@4', 'dlq owner=Orders@4', 'compatibility=BACKWARD@4']],
        ['payments.settled.v1', 'consumed', 5, ['ordering key=`payment_id`@5', 'idempotency key=`id`@5']],
        ['orders.shipped.v1', null, 6, ['ordering key=`order_id`@7', 'compatibility=FULL@8']],
        ['orders.cancelled.v1', 'produced', 9, ['ordering key=none@9', 'continued=on a wrapped line@10']],
      ],
    );
  });
});

describe('README Channels owned and contract facts', () => {
  it('reads channel entries with their role', () => {
    const readme = markdown(
      'docs/features/shop/README.md',
      lines('# Shop', '', '## Channels owned', '- `orders.placed.v1`: produced. See [c](contracts/orders.placed.v1.md).', '- `payments.settled.v1`: consumed.', '- `x.y.v1`: both'),
    );
    assert.deepEqual(readmeChannels(readme).entries.map((e) => [e.channel, e.role, e.line]), [
      ['orders.placed.v1', 'produced', 4],
      ['payments.settled.v1', 'consumed', 5],
      ['x.y.v1', 'both', 6],
    ]);
  });

  it('reads the H1 channel and the compatibility mode', () => {
    const contract = markdown(
      'docs/features/shop/contracts/orders.placed.v1.md',
      lines('# Contract: `orders.placed.v1`', '', '## Compatibility and versioning', 'Schema changes are checked in CI.', '- **Compatibility**: backward_transitive'),
    );
    assert.deepEqual(contractTitleChannel(contract.doc), { channel: 'orders.placed.v1', line: 1 });
    const mode = compatibilityMode(contract);
    assert.deepEqual([mode?.mode, mode?.line], ['BACKWARD', 5]);
  });

  it('normalises ordering keys', () => {
    assert.equal(orderingKeyOf('`member_id`'), 'member_id');
    assert.equal(orderingKeyOf('`memberId` (per member)'), 'member_id');
    assert.equal(orderingKeyOf('`(tenant_id, order_id)`'), 'tenant_id,order_id');
    assert.equal(orderingKeyOf('`tenantId` + `orderId`'), 'tenant_id,order_id');
    assert.equal(orderingKeyOf('none (facts are independent)'), 'none');
    assert.equal(orderingKeyOf('<TBD>'), null);
  });
});
