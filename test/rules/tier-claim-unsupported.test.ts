import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../rules/docs/tier-claim-unsupported.js';
import { buildArtifactModel } from '../../src/artifacts/model.js';
import { defaultConfig } from '../../src/config/schema.js';
import { runDocsRules } from '../../src/review/docs-runner.js';
import { provideReadinessInputs } from '../../src/review/summary/criteria.js';
import type { ReviewFacts } from '../../src/review/summary/facts.js';
import type { RawFinding } from '../../src/review/types.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule, type FileTree } from '../harness/docs-rule-tester.js';

const ROOT = 'docs/features/loyalty-points';
const README = `${ROOT}/README.md`;
const DESIGN = `${ROOT}/design.md`;
const CONTRACT = `${ROOT}/contracts/loyalty.points-awarded.v1.md`;
const RUNBOOK = `${ROOT}/runbooks/dlq-triage.md`;
const LAUNCH = `${ROOT}/launches/2026-05-20.md`;
const CATALOG = 'docs/system/catalog.md';

const example = (): FileTree => readFixtureTree(LOYALTY_POINTS_FIXTURE);

function edited(edits: [path: string, from: string, to: string][], remove: string[] = []): FileTree {
  const files = example();
  for (const [path, from, to] of edits) {
    assert.ok(files[path]?.includes(from), `${path} lacks "${from}"`);
    files[path] = files[path]!.replace(from, to);
  }
  for (const path of remove) delete files[path];
  return files;
}

testDocsRule(rule, {
  valid: [
    {
      // artifacts.md §10.10: no Service-ready (level-1) criterion is contradicted; the code criteria are
      // only "not demonstrated" in a docs-only review.
      name: 'the loyalty-points example claims Service-ready in README, launch and catalog',
      files: example(),
    },
    {
      name: 'a Prototype claim is never contradicted',
      files: edited([
        [README, '- **Tier**: Service-ready', '- **Tier**: Prototype'],
        [LAUNCH, '- **Tier achieved**: Service-ready', '- **Tier achieved**: Prototype'],
        [CATALOG, '| Loyalty Platform | Service-ready |', '| Loyalty Platform | Prototype |'],
        [CONTRACT, '- **Idempotency key**: `id` (CloudEvents)\n', ''],
      ]),
    },
    {
      name: 'a failed level-2 criterion is a gap, not a contradiction of Service-ready',
      files: edited([[CONTRACT, '- **Compatibility**: BACKWARD\n', '']]),
    },
    {
      name: 'a feature without any claim',
      files: edited([[README, '- **Tier**: Service-ready\n', '']], [LAUNCH, CATALOG]),
      extraPaths: [LAUNCH],
    },
  ],
  invalid: [
    {
      // rules.md rule 39 "Fails": Production-ready, the contract names no CI gate, the DLQ has no runbook.
      name: 'README claims Production-ready; the contract names no CI gate and the DLQ has no runbook',
      files: edited([
        [README, '- **Tier**: Service-ready', '- **Tier**: Production-ready'],
        [CONTRACT, '- **CI gate**: the `schema-compat` job runs a JSON Schema compatibility check against the last released schema on every pull request.\n', ''],
      ], [RUNBOOK]),
      errors: [{ messageId: 'contradicted', path: README, line: 6 }],
    },
    {
      name: 'a Service-ready claim contradicted by a level-1 docs criterion, reported once at the README',
      files: edited([[CONTRACT, '- **Idempotency key**: `id` (CloudEvents)\n', '']]),
      errors: [{ messageId: 'contradicted', path: README, line: 6 }],
    },
    {
      name: 'only the launch and the catalog claim: the finding is on the launch Tier achieved line',
      files: edited([
        [README, '- **Tier**: Service-ready\n', ''],
        [DESIGN, '- **Retry**: 5 attempts, exponential backoff from 200 ms with full jitter; permanent errors skip retry.', '- **Retry**: exponential backoff with full jitter; permanent errors skip retry.'],
      ]),
      errors: [{ messageId: 'contradicted', path: LAUNCH, line: 5 }],
    },
    {
      name: 'the Service-ready System-concerns requirement (Owner team) is not met',
      files: edited([
        [README, '- **Owner team**: Loyalty Platform (#loyalty-platform, page `loyalty-oncall`)', '- **Owner team**: <TBD>'],
        [DESIGN, '- **Owner team**: Loyalty Platform (#loyalty-platform, page `loyalty-oncall`)', '- **Owner team**: <TBD>'],
      ]),
      errors: [{ messageId: 'contradicted', path: README, line: 6 }],
    },
  ],
});

function run(files: FileTree, inputs?: { findings: RawFinding[]; facts: Partial<ReviewFacts> }) {
  const model = buildArtifactModel(Object.entries(files).map(([path, text]) => ({ path, text })), { side: 'head' });
  if (inputs) {
    provideReadinessInputs(model, {
      findings: inputs.findings,
      facts: {
        consumers: [], publishes: [], dbWrites: [], retries: [], regionsWithWriteAndPublish: 0, codeFiles: 1, testFiles: [],
        features: ['loyalty-points'], hasDesign: true, ...inputs.facts,
      },
    });
  }
  const result = runDocsRules([rule], { side: 'head', model, other: null, config: defaultConfig });
  assert.deepEqual(result.errors, []);
  return result.findings;
}

const FILE = 'services/loyalty/src/award-consumer.ts';
const raw = (ruleId: string, line: number, severity: RawFinding['severity'] = 'Critical'): RawFinding => ({
  ruleId, kind: 'code', severity, systemTag: false, precision: 'High', messageId: 'x', message: ruleId,
  location: { path: FILE, startLine: line, endLine: line }, anchor: `${ruleId}-${line}`, related: [], checklist: [], failureModes: [],
});

describe('tier-claim-unsupported with the engine inputs', () => {
  it('names the failed criteria, the other claim locations and the computed tier (review-output.md §12)', () => {
    const findings = run(example(), {
      findings: [raw('dual-write', 20), raw('non-idempotent-consumer', 17), raw('missing-dlq', 12, 'Important')],
      facts: {
        consumers: [{ path: FILE, line: 12, library: 'kafkajs', atLeastOnce: true, channel: 'orders.placed.v1' }],
        publishes: [{ path: FILE, line: 20, library: 'kafkajs', channel: 'loyalty.points-awarded.v1' }],
        dbWrites: [{ path: FILE, line: 17, library: '@prisma/client' }],
        retries: [{ path: FILE, line: 16, library: 'p-retry' }],
        regionsWithWriteAndPublish: 1,
        analysedPaths: [FILE],
      },
    });
    assert.equal(findings.length, 1);
    const [f] = findings;
    assert.equal(
      f.message,
      'Tier claim "Service-ready" in README.md (also in launches/2026-05-20.md:5 and docs/system/catalog.md:7) is contradicted by: ' +
        'C1.1 (dual-write), C1.2 (idempotency) and C1.4 (DLQ). Evidence supports "Prototype". Downgrade the claim or close the gaps.',
    );
    assert.deepEqual([f.location.path, f.location.startLine, f.severity, f.precision], [README, 6, 'Important', 'Medium']);
    assert.deepEqual(f.related.map((r) => `${r.path}:${r.line}`), [`${LAUNCH}:5`, `${CATALOG}:7`]);
    assert.equal(f.feature, 'loyalty-points');
  });

  it('does not fire on Heuristic findings or on rules other than the criteria', () => {
    const heuristic = { ...raw('dual-write', 20), precision: 'Heuristic' as const };
    const findings = run(example(), { findings: [heuristic, raw('consumer-graceful-shutdown', 12, 'Suggestion')], facts: { analysedPaths: [FILE] } });
    assert.deepEqual(findings, []);
  });

  it('keeps its anchor when only the failed criteria change, so the finding stays pre-existing', () => {
    const one = run(example(), { findings: [raw('dual-write', 20)], facts: { analysedPaths: [FILE] } });
    const two = run(example(), { findings: [raw('dual-write', 20), raw('non-idempotent-consumer', 17)], facts: { analysedPaths: [FILE] } });
    assert.equal(one.length, 1);
    assert.equal(one[0].anchor, two[0].anchor);
  });
});

describe('tier-claim-unsupported with a claim in the PR title or body (rules.md rule 39 step 3)', () => {
  const noClaims = () => edited([[README, '- **Tier**: Service-ready\n', '']], [LAUNCH, CATALOG]);
  const production = { findings: [] as RawFinding[], facts: { analysedPaths: [FILE] } };

  it('reports a claim only the PR makes at line 1 of the feature README, naming the PR title', () => {
    // Without a CI gate the Production-ready (level-3) criteria fail; no document claims a tier.
    const files = noClaims();
    files[CONTRACT] = files[CONTRACT]!.replace(/- \*\*CI gate\*\*:[^\n]*\n/, '');
    const findings = run(files, { ...production, facts: { ...production.facts, pullRequestClaims: [{ location: 'PR title', tier: 'Production-ready' }] } });
    assert.equal(findings.length, 1);
    const [f] = findings;
    assert.deepEqual([f.location.path, f.location.startLine], [README, 1]);
    assert.match(f.message, /^Tier claim "Production-ready" in the PR title is contradicted by: .*C3\.\d/);
    assert.deepEqual(f.related, []);
  });

  it('names a contradicted PR claim after the README claim, without a related location for it', () => {
    const files = edited([[README, '- **Tier**: Service-ready', '- **Tier**: Production-ready']], [LAUNCH, CATALOG]);
    files[CONTRACT] = files[CONTRACT]!.replace(/- \*\*CI gate\*\*:[^\n]*\n/, '');
    const findings = run(files, { ...production, facts: { ...production.facts, pullRequestClaims: [{ location: 'PR body', tier: 'Enterprise-critical' }] } });
    assert.equal(findings.length, 1);
    assert.deepEqual([findings[0].location.path, findings[0].location.startLine], [README, 6]);
    assert.match(findings[0].message, /^Tier claim "Production-ready" in README\.md \(also in the PR body as Enterprise-critical\) is contradicted by/);
    assert.deepEqual(findings[0].related, []);
    // The base side has no PR text: the finding keeps the README claim's identity, so it stays pre-existing.
    const withoutPr = run(files, production);
    assert.equal(findings[0].anchor, withoutPr[0]!.anchor);
  });

  it('adds nothing when the PR text claims no tier, next to a supported README claim', () => {
    // pullRequestClaims yields only Production-ready and Enterprise-critical; the example's docs fail
    // C3.3 and C3.5, so a PR claim there always fires (the first case). Without one, nothing is added.
    const model = buildArtifactModel(Object.entries(example()).map(([path, text]) => ({ path, text })), { side: 'head' });
    provideReadinessInputs(model, { findings: [], facts: { consumers: [], publishes: [], dbWrites: [], retries: [], regionsWithWriteAndPublish: 0, codeFiles: 0, testFiles: [], features: ['loyalty-points'], hasDesign: true, pullRequestClaims: [] } });
    assert.deepEqual(runDocsRules([rule], { side: 'head', model, other: null, config: defaultConfig }).findings, []);
  });
});
