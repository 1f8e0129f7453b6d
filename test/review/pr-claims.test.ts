import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pullRequestClaims } from '../../src/review/pr-claims.js';

const claims = (title: string, body: string | null = null) => pullRequestClaims({ title, body }).map((c) => `${c.location}: ${c.tier}`);

describe('pullRequestClaims (review-output.md §9.3 step 5)', () => {
  it('reads the spec pattern in the title and the body, each tier once per place', () => {
    assert.deepEqual(claims('Make orders production-ready'), ['PR title: Production-ready']);
    assert.deepEqual(claims('Orders: Production Ready', 'This is enterprise-critical.\nStill production ready.'), [
      'PR title: Production-ready',
      'PR body: Production-ready',
      'PR body: Enterprise-critical',
    ]);
    assert.deepEqual(claims('Add retries', null), []);
    assert.deepEqual(claims('productionready or preproduction-readyness'), []);
  });

  it('skips what is not the author claiming: template comments, code, unchecked items, quotes, negations', () => {
    const body = [
      '<!-- Tick "Production-ready" only when every checklist item holds -->',
      '- [ ] Production-ready',
      '* [ ] Enterprise-critical',
      '> reviewer: is this production-ready?',
      'The `production-ready` label is set by CI.',
      '```',
      'tier: enterprise-critical',
      '```',
      'This is not production-ready yet, and it is never going to be enterprise critical... no: it is not yet fully enterprise-critical.',
    ].join('\r\n');
    assert.deepEqual(claims('Orders isn\'t production-ready', body), []);
    assert.deepEqual(claims('Pre-production ready; non-production-ready; we cannot call this production-ready', 'Run ``tier: enterprise-critical`` locally.'), []);
    // An unclosed double-tick run stays text, so the claim after it counts.
    assert.deepEqual(claims('x', 'A `` stray pair, and this is production-ready.'), ['PR body: Production-ready']);
    // A fence closes only with a run as long as its opener.
    assert.deepEqual(claims('x', '````\n```\nenterprise-critical\n````\nproduction ready'), ['PR body: Production-ready']);
    assert.deepEqual(claims('x', '- [x] Production-ready'), ['PR body: Production-ready']);
  });

  it('stays linear on hostile bodies: many blank lines, an unclosed fence, a long line of mentions', { timeout: 10_000 }, () => {
    assert.deepEqual(claims('x', `${'\n'.repeat(60_000)}production-ready`), ['PR body: Production-ready']);
    assert.deepEqual(claims('x', `\`\`\`\n${'production-ready '.repeat(3_000)}`), []);
    assert.deepEqual(claims('x', `${'not '.repeat(10_000)}${'production-ready, '.repeat(3_000)}`), ['PR body: Production-ready']);
    // A single regex over the body took 3 s on this input (a long unterminated backtick run); lines take milliseconds.
    assert.deepEqual(claims('x', `production-ready\n${'`'.repeat(65_000)}`), ['PR body: Production-ready']);
    assert.deepEqual(claims('x', `${'`` ` '.repeat(10_000)}production-ready`), ['PR body: Production-ready']);
    // Only the first 64 KiB is read, like GitHub's own body limit.
    assert.deepEqual(claims('x', `${'a'.repeat(70_000)} production-ready`), []);
  });
});
