// Code suppression comments (rules.md §1.5): what they suppress, and the notes about them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyCodeSuppressions, isSuppressionProblem, type Suppression } from '../../src/review/code-suppressions.js';
import type { RawFinding } from '../../src/review/types.js';

const PATH = 'src/orders/place-order.ts';
const raw = (ruleId: string, line: number): RawFinding => ({
  ruleId, kind: 'code', severity: 'Critical', systemTag: false, precision: 'High', messageId: 'x', message: 'm',
  location: { path: PATH, startLine: line, endLine: line }, anchor: `a${line}`, related: [], checklist: [], failureModes: [],
});
const directive = (ruleIds: string[], reason: string, line: number): Suppression => ({
  path: PATH, ruleIds, reason, commentLine: line, fromLine: line + 1, toLine: line + 1, used: false,
});
const KNOWN = ['dual-write', 'unbounded-retry'];

describe('applyCodeSuppressions', () => {
  it('suppresses the next line\'s finding of the named rule and counts it', () => {
    const out = applyCodeSuppressions([raw('dual-write', 10), raw('dual-write', 20)], new Map([[PATH, [directive(['dual-write'], 'metrics only', 9)]]]), KNOWN);
    assert.deepEqual(out.findings.map((f) => f.location.startLine), [20]);
    assert.deepEqual(out.suppressed, { 'dual-write': 1 });
  });

  it('names a misspelt rule id under the rule it was meant for, and suppresses nothing', () => {
    const out = applyCodeSuppressions([raw('dual-write', 10)], new Map([[PATH, [directive(['dual-wrte'], 'typo', 9)]]]), KNOWN);
    assert.deepEqual(out.findings.map((f) => [f.ruleId, f.messageId, f.severity, f.location.startLine]), [
      ['dual-write', 'x', 'Critical', 10],
      ['dual-write', 'unknownRuleInSuppression', 'Suggestion', 9],
    ]);
    assert.equal(out.findings[1]!.message, 'Suppression names `dual-wrte`, which is no rule, so it suppresses nothing. Did you mean `dual-write`?');
    assert.deepEqual(out.suppressed, {});
  });

  it('says nothing of an id close to no rule (it may be a newer version\'s)', () => {
    const out = applyCodeSuppressions([], new Map([[PATH, [directive(['schema-registry-drift'], 'later', 3)]]]), KNOWN);
    assert.deepEqual(out.findings, []);
  });

  it('looks no typo up for an id far longer than any rule id (hostile comments)', () => {
    const long = directive(['dual-write' + 'e'.repeat(20_000)], 'x', 3);
    assert.deepEqual(applyCodeSuppressions([], new Map([[PATH, [long]]]), KNOWN).findings, []);
  });

  it('marks its notes as suppression problems, not findings of the rule', () => {
    const out = applyCodeSuppressions([raw('dual-write', 10)], new Map([[PATH, [directive(['dual-write'], '', 9), directive(['unbounded-retry'], 'never fires', 30)]]]), KNOWN);
    assert.deepEqual(out.findings.map((f) => [f.messageId, isSuppressionProblem(f)]), [
      ['suppressionWithoutReason', true],
      ['unusedSuppression', true],
    ]);
    assert.equal(isSuppressionProblem(raw('dual-write', 1)), false);
  });
});

describe('suppression notes in the review', () => {
  it('do not fire the anti-pattern of the rule they name', async () => {
    const { allRules, codeRules, docsRules } = await import('../../rules/index.js');
    const { parseConfig } = await import('../../src/config/load.js');
    const { runReview } = await import('../../src/review/engine.js');
    const text = `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';
const prisma = new PrismaClient();
const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();
export async function refund(input: { id: string }) {
  const row = await prisma.refund.create({ data: input });
  // arch-review-disable-next-line dual-write
  await producer.send({ topic: 'orders.refunded.v1', messages: [{ key: row.id, value: JSON.stringify(row) }] });
}
`;
    const path = 'services/orders/src/refund.ts';
    const settings = parseConfig('', '.github/arch-review.yml', { knownRuleIds: allRules.map((r) => r.meta.id) });
    assert.ok(settings.ok);
    const result = await runReview({
      source: {
        baseRef: 'base', headRef: 'head',
        changedFiles: async () => [{ path, status: 'added', hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 9, added: [1, 2, 3, 4, 5, 6, 7, 8, 9], deleted: [] }], hasPatch: true }],
        readFile: async (side, p) => (side === 'head' && p === path ? { ok: true, text, bytes: text.length } : { ok: false, reason: 'missing' }),
        listPaths: async (side) => (side === 'head' ? [path] : []),
      },
      config: settings.config, codeRules, docsRules,
    });
    const dual = result.findings.filter((f) => f.ruleId === 'dual-write');
    assert.deepEqual(dual.map((f) => [f.messageId, f.severity]), [['suppressionWithoutReason', 'Suggestion']]);
    assert.notEqual(result.antiPatterns.find((r) => r.name === 'dual-write')?.state, 'fired');
  });
});
