// artifacts.md §10: the loyalty-points example passes every rule. Reviewed as a docs-only pull request
// (the nine files added to a repository that had none of them), every registered rule - code and
// docs - must report nothing, and the computed review must reflect a docs-only review (§9.3 step 6).
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { allRules, codeRules, docsRules } from '../../rules/index.js';
import tierClaimUnsupported from '../../rules/docs/tier-claim-unsupported.js';
import { defaultConfig } from '../../src/config/schema.js';
import { createLocalGitSource } from '../../src/git/local-source.js';
import { createRepoFromSnapshots } from '../../src/git/snapshot-repo.js';
import { runReview } from '../../src/review/engine.js';
import type { DocsRule } from '../../src/review/rule.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/artifacts/loyalty-points/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'arch-review-loyalty-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// rule 39 reads the readiness evaluation; it is part of the check even before it is registered.
const rules: DocsRule[] = docsRules.some((r) => r.meta.id === tierClaimUnsupported.meta.id)
  ? docsRules
  : [...docsRules, tierClaimUnsupported as DocsRule];

async function review() {
  const base = join(scratch, 'base');
  const head = join(scratch, 'head');
  mkdirSync(base, { recursive: true });
  writeFileSync(join(base, 'README.md'), '# shop\n');
  cpSync(base, head, { recursive: true });
  cpSync(FIXTURE, head, { recursive: true });
  const repo = await createRepoFromSnapshots(base, head, { dir: join(scratch, 'repo') });
  const source = await createLocalGitSource({ repo: repo.dir, base: repo.base, head: repo.head });
  return runReview({ source, config: defaultConfig, codeRules, docsRules: rules });
}

describe('the loyalty-points example (artifacts.md §10) as a docs-only pull request', () => {
  it('produces zero findings from every registered rule', async () => {
    const result = await review();
    assert.deepEqual(result.coverage.notes, [], 'no rule threw');
    assert.deepEqual(
      result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.message}`),
      [],
    );
    assert.equal(result.scope.artifacts, 9);
    assert.equal(result.scope.codeFiles, 0);
    assert.equal(result.gate.conclusion, 'success');
    assert.ok(allRules.length >= codeRules.length + docsRules.length);

    // The computed review: every reliability question is answered by the design and the contract;
    // code criteria are not demonstrated, so the tier is Prototype and the Service-ready claims get a
    // Downgrade line but no tier-claim finding (review-output.md §9.3 step 6).
    assert.deepEqual(result.checklists.reliability.map((r) => r.status), Array(8).fill('Answered'));
    assert.equal(result.verdict.tier, 'Prototype');
    assert.equal(
      result.verdict.downgrade,
      'Downgrade: README.md:6, launches/2026-05-20.md:5 and docs/system/catalog.md:7 claim Service-ready; evidence supports Prototype.',
    );
    assert.deepEqual(result.verdict.gaps.map((g) => g.text.split(' — ')[0]), [
      'C1.1 no dual-writes',
      'C1.2 every consumer side effect is keyed for idempotency',
      'C1.3 retries are bounded and back off explicitly',
      'C1.4 a working dead-letter queue',
    ]);
    assert.ok(result.verdict.gaps.every((g) => g.text.includes('not demonstrated: no code in scope')));
  });
});
