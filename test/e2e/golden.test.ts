// Golden `/review` outputs of realistic multi-feature repositories: each `fixtures/golden/<name>`
// holds a base and a head snapshot; the test builds a git repository from them, runs the real CLI
// (`main` of src/cli.ts, `--format markdown`) and compares stdout with `review.md`, byte for byte.
//
// Regenerate with `node --import tsx scripts/update-golden.ts [name...]` when the reviewer changes
// on purpose (a rule registered or improved, a wording fixed). A regenerated golden MUST be reviewed
// by a human before it is committed: every finding, checklist mark, failure-mode entry and gap has to
// be traceable to the fixture's code or to an artifact field, as listed per golden below. A golden
// that changes for a reason nobody can explain is a regression, not a new golden.
//
// - worked-example: review-output.md §12. The loyalty-points feature of artifacts.md §10, the new
//   award consumer (services/loyalty/src/award-consumer.ts) and the README cost-owner change. The
//   producing feature of orders.placed.v1 (order-placement) is documented but not touched.
// - refund-saga: a payments monorepo (services/payments, services/refunds, mapped to features by
//   .github/arch-review.yml). The PR adds a refund worker that calls the payment provider (`refund`,
//   a nonIdempotentCalls effect) in a retry loop without a bound, jitter or timeout, adds a required
//   field to the refunds.requested.v1 schema, adds a Kubernetes autoscaler, and calls a risk API
//   without a timeout from payment capture. Two features are touched, so there are two verdicts:
//   refund-saga (Prototype; its Service-ready claim is contradicted by C1.2 and C1.3) and
//   payment-capture (Service-ready; its Production-ready claim is contradicted by C3.6, because its
//   docs leave D2-D4 open: a pre-existing finding).
// - inventory-reservations: a well-built feature next to the documented order-placement producer.
//   The PR replaces a dual-write with an outbox (a removed finding), adds a bounded, jittered retry
//   and updates the runbook drill date. Tests that reference the consumer, a CI schema check, a
//   drilled runbook with alerts and complete docs make it Production-ready, with the level-4 gaps.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { goldenNames, goldenPath, runGolden } from '../../scripts/update-golden.js';

/** Gate outcome per golden: 1 when a gating Critical finding is introduced. */
const EXPECTED_EXIT: Record<string, number> = {
  'worked-example': 1,
  'refund-saga': 1,
  'inventory-reservations': 0,
};

describe('golden /review outputs (real CLI over fixtures/golden)', () => {
  it('has the three goldens, each with a committed review.md', () => {
    assert.deepEqual(goldenNames(), Object.keys(EXPECTED_EXIT).sort());
  });

  for (const name of goldenNames()) {
    it(`${name}: the CLI output equals review.md`, async () => {
      const run = await runGolden(name);
      assert.equal(run.code, EXPECTED_EXIT[name], `exit code (stderr: ${run.stderr})`);
      // The one line saying what was compared is information; anything else would be an error or warning.
      const other = run.stderr.split('\n').filter((line) => line !== '' && !/^arch-review: reviewed \S+ .*against its merge-base with /.test(line));
      assert.deepEqual(other, [], 'no rule errors or warnings');
      assert.match(run.stderr, /^arch-review: reviewed /, 'says what was compared');
      const expected = readFileSync(goldenPath(name), 'utf8');
      assert.equal(run.markdown, expected, `fixtures/golden/${name}/review.md is stale: run scripts/update-golden.ts ${name} and review the diff`);
    });
  }
});
