// `/review full`'s unchanged code in the engine: analysed at both sides, never gating, and dropped
// when one side could not analyse it (its findings would otherwise pass for introduced or fixed).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRules, codeRules, docsRules } from '../../rules/index.js';
import { parseConfig } from '../../src/config/load.js';
import { runReview } from '../../src/review/engine.js';
import type { ChangedFile, ReviewSource } from '../../src/review/source.js';

const dualWrite = `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';
const prisma = new PrismaClient();
const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();
export async function refund(input: { id: string }) {
  const row = await prisma.refund.create({ data: input });
  await producer.send({ topic: 'orders.refunded.v1', messages: [{ key: row.id, value: JSON.stringify(row) }] });
}
`;
const money = 'export const cents = (amount: number): number => Math.round(amount * 100);\n';

function source(baseUnreadable: boolean): ReviewSource {
  const head: Record<string, string> = { 'services/orders/src/money.ts': money, 'services/orders/src/legacy.ts': dualWrite };
  const base: Record<string, string> = { 'services/orders/src/legacy.ts': dualWrite };
  const changed: ChangedFile[] = [{ path: 'services/orders/src/money.ts', status: 'added', hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 1, added: [1], deleted: [] }], hasPatch: true }];
  return {
    baseRef: 'base',
    headRef: 'head',
    changedFiles: async () => changed,
    async readFile(side, path) {
      if (side === 'base' && baseUnreadable && path === 'services/orders/src/legacy.ts') return { ok: false, reason: 'binary', bytes: 10 };
      const text = (side === 'head' ? head : base)[path];
      return text === undefined ? { ok: false, reason: 'missing' } : { ok: true, text, bytes: text.length };
    },
    async listPaths(side, prefix) {
      return Object.keys(side === 'head' ? head : base).filter((p) => prefix === '' || p.startsWith(prefix)).sort();
    },
  };
}

const settings = parseConfig('features:\n  orders: ["services/orders/**"]\ngate:\n  failOn: [Critical]\n  scope: all\n', '.github/arch-review.yml', { knownRuleIds: allRules.map((r) => r.meta.id) });
if (!settings.ok) throw new Error('fixture config');

describe('runReview with unchangedCode', () => {
  it('reports a finding in unchanged code as pre-existing and never gating', async () => {
    const result = await runReview({ source: source(false), config: settings.config, codeRules, docsRules, unchangedCode: ['services/orders/src/legacy.ts'] });
    const legacy = result.findings.find((f) => f.ruleId === 'dual-write')!;
    assert.deepEqual([legacy.location.path, legacy.status, legacy.gating], ['services/orders/src/legacy.ts', 'pre-existing', false]);
    // review-output.md §11.2: a Critical that does not gate still makes the run neutral, never a failure.
    assert.deepEqual([result.gate.conclusion, result.gate.reason], ['neutral', 'no gating finding; 1 Critical, 2 Important to look at']);
    assert.equal(result.coverage.reach, 'full review: 1 unchanged code file of the touched features analysed');
  });

  it('drops an unchanged file\'s findings when one side could not analyse it, and names the file', async () => {
    const result = await runReview({ source: source(true), config: settings.config, codeRules, docsRules, unchangedCode: ['services/orders/src/legacy.ts'] });
    assert.equal(result.findings.filter((f) => f.location.path === 'services/orders/src/legacy.ts').length, 0);
    assert.ok(result.coverage.skipped.some((s) => s.path === 'services/orders/src/legacy.ts' && s.side === 'base' && s.reason === 'binary'));
  });
});
