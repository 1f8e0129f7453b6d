import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderJson, type ReviewJson } from '../../src/render/json.js';
import { buildResult, exampleFacts, exampleFindings, FILE, finding } from './fixture.js';

function render() {
  const findings = [
    ...exampleFindings(),
    finding({ ruleId: 'unbounded-retry', status: 'removed', line: 30 }),
    finding({
      ruleId: 'shared-oltp-write',
      status: 'pre-existing',
      accepted: { by: 'alice', reason: 'migrating' },
      line: 14,
    }),
  ];
  const result = buildResult(findings, exampleFacts());
  result.coverage = {
    codeFiles: [FILE],
    artifacts: ['docs/features/loyalty-points/design.md'],
    skipped: [{ path: 'logo.png', reason: 'binary', detail: '' }],
    suppressed: { 'missing-dlq': 1, 'dual-write': 2 },
    notes: [],
  };
  return { result, text: renderJson(result) };
}

describe('renderJson', () => {
  it('uses the documented top-level key order and a two-space indent', () => {
    const { text } = render();
    const doc = JSON.parse(text) as ReviewJson;
    assert.deepEqual(Object.keys(doc), [
      'findings',
      'checklists',
      'antiPatterns',
      'failureModes',
      'verdict',
      'coverage',
      'gate',
      'base',
      'head',
      'scope',
    ]);
    assert.deepEqual(Object.keys(doc.verdict), ['tier', 'level', 'gaps', 'claims', 'downgrade']);
    assert.deepEqual(Object.keys(doc.gate), ['conclusion', 'reason']);
    assert.deepEqual(Object.keys(doc.checklists), ['reliability', 'distributed']);
    assert.deepEqual(Object.keys(doc.coverage), ['codeFiles', 'artifacts', 'skipped', 'suppressed', 'notes', 'evidenceSkipped']);
    assert.deepEqual(Object.keys(doc.coverage.suppressed), ['dual-write', 'missing-dlq']);
    assert.deepEqual(Object.keys(doc.scope), ['features', 'channels', 'codeFiles', 'artifacts', 'patterns', 'contracts']);
    assert.ok(text.startsWith('{\n  "findings": [\n    {\n      "ruleId": '));
    assert.ok(text.endsWith('}\n'));
  });

  it('writes each finding with the contract keys, variant only when set', () => {
    const doc = JSON.parse(render().text) as ReviewJson;
    const dual = doc.findings.find((f) => f.ruleId === 'dual-write')!;
    assert.deepEqual(Object.keys(dual), [
      'ruleId',
      'severity',
      'precision',
      'status',
      'path',
      'line',
      'endLine',
      'message',
      'fingerprint',
      'gates',
      'variant',
      'related',
      'accepted',
      'baselined',
    ]);
    assert.equal(dual.gates, true);
    assert.equal(dual.baselined, false);
    assert.equal(dual.variant, 'commit-then-publish');
    assert.deepEqual(dual.related, [{ path: FILE, line: 17, note: 'DB write' }]);
    assert.equal(dual.path, FILE);
    assert.equal(dual.line, 20);

    const dlq = doc.findings.find((f) => f.ruleId === 'missing-dlq')!;
    assert.ok(!('variant' in dlq));
    assert.equal(dlq.gates, false);
    assert.equal(dlq.accepted, null);

    const accepted = doc.findings.find((f) => f.ruleId === 'shared-oltp-write')!;
    assert.deepEqual(accepted.accepted, { by: 'alice', reason: 'migrating' });
  });

  it('keeps removed findings with their status and orders findings deterministically', () => {
    const { result, text } = render();
    const doc = JSON.parse(text) as ReviewJson;
    assert.equal(doc.findings.length, result.findings.length);
    assert.equal(doc.findings.find((f) => f.ruleId === 'unbounded-retry')!.status, 'removed');
    assert.deepEqual(
      doc.findings.map((f) => f.severity),
      ['Critical', 'Critical', 'Important', 'Important', 'Important', 'Important', 'Important', 'Important', 'Suggestion', 'System'],
    );
    const shuffled = { ...result, findings: [...result.findings].reverse() };
    assert.equal(renderJson(shuffled), text);
  });

  it('carries the verdict, gate and commits', () => {
    const { result, text } = render();
    const doc = JSON.parse(text) as ReviewJson;
    assert.equal(doc.verdict.tier, 'Prototype');
    assert.equal(doc.verdict.level, 0);
    assert.deepEqual(doc.verdict.gaps, result.verdict.gaps);
    assert.deepEqual(doc.gate, { conclusion: 'failure', reason: '2 gating Critical findings' });
    assert.equal(doc.base, 'aaaaaaaa');
    assert.equal(doc.head, 'bbbbbbbb');
    assert.equal(doc.checklists.reliability.length, 8);
    assert.deepEqual(doc.coverage.skipped, [{ path: 'logo.png', reason: 'binary', detail: '' }]);
  });
});
