import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessReadiness, contradictions } from '../../src/review/summary/criteria.js';
import type { ReviewFacts } from '../../src/review/summary/facts.js';
import { computeVerdict, computeVerdicts, evaluateCriteria } from '../../src/review/summary/verdict.js';
import {
  exampleCodeFacts,
  exampleFacts,
  exampleFindings,
  facts,
  FILE,
  finding,
  loyaltyFiles,
  loyaltyModel,
  README,
} from '../render/fixture.js';

const state = (c: ReturnType<typeof evaluateCriteria>, id: string) => c.find((x) => x.id === id)!;
const DESIGN = 'docs/features/loyalty-points/design.md';
const CONTRACT = 'docs/features/loyalty-points/contracts/loyalty.points-awarded.v1.md';

const edit = (path: string, from: string, to: string) => {
  const text = loyaltyFiles()[path]!;
  assert.ok(text.includes(from), `fixture ${path} lacks "${from}"`);
  return { [path]: text.replace(from, to) };
};

/** The example feature with the award consumer's code and no finding: every code rule is clean. */
function cleanFacts(overrides: Partial<ReviewFacts> = {}, head: Record<string, string | null> = {}): ReviewFacts {
  return exampleFacts({ artifacts: { head: loyaltyModel(head), base: loyaltyModel({}, 'base') }, ...overrides });
}

function docsOnly(head: Record<string, string | null> = {}): ReviewFacts {
  return facts({ codeFiles: 0, analysedPaths: [], artifacts: { head: loyaltyModel(head), base: loyaltyModel({}, 'base') } });
}

describe('evaluateCriteria (§9.1)', () => {
  it('evaluates the worked example: level-1 failures from the code findings, docs criteria from the artifacts', () => {
    const c = evaluateCriteria(exampleFindings(), exampleFacts());
    const s = (id: string) => [state(c, id).state, state(c, id).evidence];
    assert.deepEqual(s('C0.1'), ['met', 'design names 6 patterns']);
    assert.deepEqual(s('C0.2'), ['met', 'design answers all eight']);
    assert.deepEqual(s('C1.1'), ['failed', 'award-consumer.ts:20 (dual-write)']);
    assert.deepEqual(s('C1.2'), ['failed', 'award-consumer.ts:17 (non-idempotent-consumer)']);
    assert.deepEqual(s('C1.3'), ['met', 'unbounded-retry clean; design Retry bound "5 attempts"']);
    assert.deepEqual(s('C1.4'), ['failed', 'award-consumer.ts:12 (missing-dlq)']);
    assert.deepEqual(s('C1.5'), ['met', '1 channel with an owned contract']);
    assert.equal(state(c, 'C2.2').state, 'failed');
    assert.equal(state(c, 'C2.5').state, 'failed');
    assert.deepEqual(s('C3.1'), ['not-demonstrated', 'no CI configuration visible']);
    assert.deepEqual(s('C3.3'), ['failed', 'no alert with a concrete threshold on DLQ, retry rate, queue age']);
    assert.deepEqual(s('C3.4'), ['met', 'README.md:4 names the team and its escalation']);
    assert.deepEqual(s('C3.5'), ['failed', 'no runbook `Last drilled` date and no dated drill or game day']);
    assert.equal(state(c, 'C3.6').state, 'failed');
    assert.deepEqual(s('C4.1'), ['met', 'README.md:5 SLO']);
    assert.deepEqual(s('C4.5'), ['met', 'single-tenant']);
    assert.deepEqual(s('C4.6'), ['met', 'launches/2026-05-20.md:30 rollback trigger']);
  });

  it('leaves code criteria not demonstrated in a docs-only review, so nothing at level 1 fails', () => {
    const c = evaluateCriteria([], docsOnly());
    for (const id of ['C1.1', 'C1.2', 'C1.3', 'C1.4']) assert.deepEqual([id, state(c, id).state, state(c, id).evidence], [id, 'not-demonstrated', 'no code in scope']);
    assert.equal(state(c, 'C1.5').state, 'met');
    assert.equal(c.filter((x) => x.level <= 1 && x.state === 'failed').length, 0);
  });

  it('counts a criterion as met (n/a) when its construct is absent, but not without any code', () => {
    const withCode = evaluateCriteria([], facts());
    assert.deepEqual([state(withCode, 'C1.1').state, state(withCode, 'C1.1').evidence], ['met', 'n/a: no DB write together with a publish']);
    const noCode = evaluateCriteria([], facts({ codeFiles: 0 }));
    assert.deepEqual([state(noCode, 'C1.1').state, state(noCode, 'C1.1').evidence], ['not-demonstrated', 'no code in scope']);
  });

  it('never fails a criterion on Heuristic findings, nor calls a rule that did not run clean', () => {
    const c = evaluateCriteria([finding({ ruleId: 'dual-write', severity: 'Critical', precision: 'Heuristic', line: 3 })], exampleFacts());
    assert.equal(state(c, 'C1.1').state, 'not-demonstrated');
    const notRun = evaluateCriteria([], cleanFacts({ ranRules: new Set(['dual-write']) }));
    assert.deepEqual([state(notRun, 'C1.4').state, state(notRun, 'C1.4').evidence], ['not-demonstrated', 'missing-dlq did not run']);
    assert.equal(state(notRun, 'C1.1').state, 'met');
  });

  it('fails a docs criterion the feature docs should hold and do not', () => {
    const noKey = evaluateCriteria([], cleanFacts({}, edit(CONTRACT, '- **Idempotency key**: `id` (CloudEvents)\n', '')));
    assert.deepEqual([state(noKey, 'C1.2').state, state(noKey, 'C1.2').evidence], ['failed', 'contract loyalty.points-awarded.v1 declares no `Idempotency key`']);
    const noBound = evaluateCriteria([], cleanFacts({}, edit(DESIGN, '5 attempts, exponential backoff', 'exponential backoff')));
    assert.deepEqual([state(noBound, 'C1.3').state, state(noBound, 'C1.3').evidence], ['failed', 'design Retry answer states no bound (design.md:29)']);
  });

  it('checks consumed channels against the producer feature contract (C1.5)', () => {
    const consumed = edit(DESIGN, '## Anti-patterns to avoid', '- `orders.placed.v1` (consumed) — ordering key: `order_id`; idempotency key: `id`\n\n## Anti-patterns to avoid');
    const missing = evaluateCriteria([], cleanFacts({}, consumed));
    assert.deepEqual([state(missing, 'C1.5').state, state(missing, 'C1.5').evidence], ['failed', 'consumed channel orders.placed.v1 has no contract in any feature']);
    const withContract = loyaltyModel({ ...consumed, 'docs/features/orders/contracts/orders.placed.v1.md': '# Contract: `orders.placed.v1`\n\n## Summary\n- **Owner**: Checkout\n- **TL;DR**: One event per order.\n' });
    const ok = evaluateCriteria([], cleanFacts({ artifacts: { head: withContract, base: null } }));
    assert.deepEqual([state(ok, 'C1.5').state, state(ok, 'C1.5').evidence], ['met', '2 channels with an owned contract']);
  });

  it('searches test contents of tests that reference the feature code (C2.1, C3.2)', () => {
    const tests = [
      { path: 'services/loyalty/test/award.test.ts', text: "import { start } from '../src/award-consumer';\nit('ignores a duplicate', () => {});\nit('sends a poison message to the DLQ', () => {});\nit('replay', () => {});\nit('classifies permanent errors', () => {});\nimport { KafkaContainer } from '@testcontainers/kafka';" },
      { path: 'services/other/test/x.test.ts', text: 'duplicate poison replay retry testcontainers' },
    ];
    const c = evaluateCriteria([], cleanFacts({ tests }));
    assert.deepEqual([state(c, 'C2.1').state, state(c, 'C2.1').evidence], ['met', 'tests cover every group (award.test.ts)']);
    assert.equal(state(c, 'C3.2').state, 'met');
    const unrelated = evaluateCriteria([], cleanFacts({ tests: [tests[1]] }));
    assert.equal(state(unrelated, 'C2.1').state, 'not-demonstrated');
    assert.equal(state(unrelated, 'C3.2').state, 'not-demonstrated');
  });

  it('reads CI configuration for C3.1', () => {
    const job = evaluateCriteria([], cleanFacts({ ciConfigs: [{ path: '.github/workflows/ci.yml', text: 'jobs:\n  schema-compat:\n    runs-on: ubuntu-latest\n' }] }));
    assert.deepEqual([state(job, 'C3.1').state, state(job, 'C3.1').evidence], ['met', '.github/workflows/ci.yml runs `schema-compat`']);
    const none = evaluateCriteria([], cleanFacts({ ciConfigs: [{ path: '.github/workflows/ci.yml', text: 'jobs:\n  test:\n    run: npm test\n' }] }));
    assert.equal(state(none, 'C3.1').state, 'failed');
    const ungated = evaluateCriteria([], cleanFacts({}, edit(CONTRACT, '- **CI gate**:', '- **Notes**:')));
    assert.deepEqual([state(ungated, 'C3.1').state, state(ungated, 'C3.1').evidence], ['failed', 'contract loyalty.points-awarded.v1 names no CI gate']);
  });
});

describe('computeVerdict (§9.3, §9.4)', () => {
  it('reproduces the worked example: Prototype, the Downgrade line, three gaps with their owner, the README update', () => {
    const v = computeVerdict(exampleFindings(), exampleFacts());
    assert.equal(v.tier, 'Prototype');
    assert.equal(v.level, 0);
    assert.equal(v.nextTier, 'Service-ready');
    assert.equal(v.feature, 'loyalty-points');
    assert.equal(v.downgrade, 'Downgrade: README.md:6, launches/2026-05-20.md:5 and docs/system/catalog.md:7 claim Service-ready; evidence supports Prototype.');
    assert.deepEqual(v.gaps, [
      {
        kind: 'technical',
        text: 'C1.1 no dual-writes — award-consumer.ts:20 (dual-write); write the event to an outbox in the same transaction (or record an inbox row on the consumer side). Owner: Loyalty Platform.',
      },
      {
        kind: 'technical',
        text: 'C1.2 every consumer side effect is keyed for idempotency — award-consumer.ts:17 (non-idempotent-consumer); guard each side effect with an inbox row, unique constraint or upsert, and declare the contract `Idempotency key`. Owner: Loyalty Platform.',
      },
      {
        kind: 'technical',
        text: 'C1.4 a working dead-letter queue — award-consumer.ts:12 (missing-dlq); route failed messages to a dead-letter channel before acknowledging, and declare the DLQ in the contract. Owner: Loyalty Platform.',
      },
    ]);
    assert.deepEqual(v.readmeUpdates, [
      'Cost owner now differs from every other artifact of the feature (README.md:12 vs design.md:12); confirm the new value and update the design, ADR, contract, runbook and launch decision, or revert the README line',
    ]);
    assert.equal(v.belowGate, undefined);
  });

  it('reaches Service-ready (level 1: basic) when the code is clean and the docs answer level 1', () => {
    const v = computeVerdict([], cleanFacts());
    assert.equal(v.tier, 'Service-ready');
    assert.equal(v.level, 1);
    assert.equal(v.nextTier, 'Production-ready');
    assert.equal(v.downgrade, null);
    assert.deepEqual(v.gaps.map((g) => g.text.split(' — ')[0]), [
      'C2.1 tests exist for duplicate or replayed messages, retry classification and DLQ routing',
      'C3.1 CI rejects incompatible contract changes',
      'C3.2 an integration test against a real broker covers one success and one poison message',
      'C3.3 dashboards, a published runbook, and alerts on DLQ, retry rate and queue age',
      'C3.5 replay and redrive have been rehearsed',
      'C3.6 no unanswered checklist items',
    ]);
  });

  it('caps the tier by the System-concerns requirement and lists it as a [system] gap', () => {
    const head = {
      ...edit(README, '- **Owner team**: Loyalty Platform (#loyalty-platform, page `loyalty-oncall`)', '- **Owner team**: <TBD: who owns awards>'),
    };
    const design = edit(DESIGN, '- **Owner team**: Loyalty Platform (#loyalty-platform, page `loyalty-oncall`)', '- **Owner team**: <TBD>');
    const v = computeVerdict([], cleanFacts({}, { ...head, ...design }));
    assert.equal(v.tier, 'Prototype');
    assert.match(v.basis, /capped at Prototype by System concerns \(Owner team\)/);
    assert.deepEqual(v.gaps.filter((g) => g.kind === 'system').map((g) => g.text.split(' — ')[0]), ['Owner team filled']);
  });

  it('stays Prototype in a docs-only review, with a Downgrade line but no contradiction', () => {
    const [r] = assessReadiness([], docsOnly());
    assert.equal(r.tier, 'Prototype');
    assert.deepEqual(r.claims.map((c) => c.location), ['README.md:6', 'launches/2026-05-20.md:5', 'docs/system/catalog.md:7']);
    assert.deepEqual(contradictions(r, 'Service-ready'), []);
    assert.ok(contradictions(r, 'Production-ready').some((c) => c.id === 'C3.3'));
  });

  it('says "below the Prototype gate" when a level-0 criterion is not met', () => {
    const v = computeVerdict([], exampleCodeFacts({ features: [] }));
    assert.equal(v.feature, null);
    assert.deepEqual(v.belowGate, ['C0.1', 'C0.2']);
    assert.ok(v.gaps.some((g) => g.text.startsWith('C0.2 reliability questions answered in design notes — not demonstrated: no design in scope')));
  });

  it('reports one verdict per touched feature; the headline is the lowest tier', () => {
    const model = loyaltyModel();
    const f = cleanFacts({ features: ['loyalty-points', 'orders'], artifacts: { head: model, base: null }, featureGlobs: { 'loyalty-points': ['services/loyalty/**'] } });
    const verdicts = computeVerdicts([], f);
    assert.deepEqual(verdicts.map((v) => [v.feature, v.tier]), [['loyalty-points', 'Service-ready'], ['orders', 'Prototype']]);
    assert.equal(computeVerdict([], f).feature, 'orders');
  });

  it('writes one downgrade line per claimed tier above the evidence, external claims included', () => {
    const v = computeVerdict(exampleFindings(), { ...exampleFacts(), pullRequestClaims: [{ location: 'PR body', tier: 'Production-ready' }] });
    assert.equal(
      v.downgrade,
      'Downgrade: README.md:6, launches/2026-05-20.md:5 and docs/system/catalog.md:7 claim Service-ready; evidence supports Prototype.\n' +
        'Downgrade: PR body claims Production-ready; evidence supports Prototype.',
    );
    assert.equal(computeVerdict([], facts()).downgrade, null);
  });

  it('names the feature file that holds a finding, not a repository path, in gaps', () => {
    const v = computeVerdict([finding({ ruleId: 'dual-write', severity: 'Critical', line: 20, path: FILE })], cleanFacts());
    assert.match(v.gaps[0].text, /^C1\.1 no dual-writes — award-consumer\.ts:20 \(dual-write\)/);
  });
});
