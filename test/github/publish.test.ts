// Check output, annotation batching, inline planning, markers and the rate-limit retry, each
// against GitHub's documented limits.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { withSecondaryLimitRetry, type GitHubApi } from '../../src/github/api.js';
import { buildCheckOutput, type Annotation } from '../../src/github/check-output.js';
import { planInlineComments } from '../../src/github/inline.js';
import { ACCEPT_CONFIRMATION, acceptMarker, acceptsIn, fingerprintIn, fingerprintMarker, hasSummaryMarker, isOwnComment, SUMMARY_MARKER } from '../../src/github/markers.js';
import { completeCheckRun, summaryCommentBody } from '../../src/github/publish.js';
import type { ChangedFile } from '../../src/review/source.js';
import type { Finding } from '../../src/review/types.js';

function fakeApi(fail: unknown[] = []): GitHubApi & { calls: { route: string; params?: Record<string, unknown> }[] } {
  const calls: { route: string; params?: Record<string, unknown> }[] = [];
  return {
    calls,
    async request<T>(route: string, params?: Record<string, unknown>) {
      calls.push({ route, params });
      const next = fail.shift();
      if (next) throw next;
      return { status: 200, data: { id: 1 } as T, headers: {} };
    },
    async graphql<T>() {
      return {} as T;
    },
  };
}

function finding(over: Partial<Finding> & { fingerprint: string }): Finding {
  return {
    ruleId: 'dual-write',
    kind: 'code',
    severity: 'Critical',
    systemTag: false,
    precision: 'High',
    messageId: 'x',
    message: 'Dual-write',
    location: { path: 'a.ts', startLine: 10, endLine: 12 },
    anchor: 'a',
    related: [],
    checklist: [],
    failureModes: [],
    status: 'introduced',
    gating: true,
    accepted: null,
    ...over,
  };
}

describe('check-run output', () => {
  it('keeps a short report whole in the summary', () => {
    const out = buildCheckOutput('**Architecture review** — 0 Critical\nbody\n', 'appendix');
    assert.equal(out.title, 'Architecture review — 0 Critical');
    assert.equal(out.summary, '**Architecture review** — 0 Critical\nbody\n');
    assert.equal(out.text, 'appendix');
  });

  it('moves what does not fit in 65,535 characters to text, then truncates text with a notice', () => {
    const report = `**Architecture review** — 900 Critical\n${'- a finding line that is long enough to matter 😀\n'.repeat(4000)}`;
    const out = buildCheckOutput(report, 'appendix');
    assert.ok(out.summary.length <= 65_535);
    assert.ok((out.text ?? '').length <= 65_535);
    assert.match(out.summary, /continues in the details below/);
    assert.match(out.text ?? '', /Truncated at GitHub's 65,535-character limit/);
    assert.doesNotMatch(out.summary.slice(-200), /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('caps the sticky comment at 65,536 characters', () => {
    const body = summaryCommentBody('x'.repeat(70_000));
    assert.ok(body.length <= 65_536);
    assert.match(body, /^<!-- arch-review:summary -->/);
    assert.match(body, /check run has the full report/);
  });

  it('sends annotations 50 a request, the last batch with the conclusion', async () => {
    const api = fakeApi();
    const annotations: Annotation[] = Array.from({ length: 120 }, (_, i) => ({
      path: 'a.ts', start_line: i + 1, end_line: i + 1, annotation_level: 'failure', title: 't', message: 'm',
    }));
    await completeCheckRun(api, { owner: 'o', repo: 'r' }, 9, 'failure', { title: 't', summary: 's' }, annotations);
    const sizes = api.calls.map((c) => ((c.params?.output as { annotations?: unknown[] }).annotations ?? []).length);
    assert.deepEqual(sizes, [50, 50, 20]);
    assert.deepEqual(api.calls.map((c) => c.params?.conclusion), [undefined, undefined, 'failure']);
  });
});

describe('inline comment planning', () => {
  const config = configSchema.parse({ inline: { max: 2 } });
  const file: ChangedFile = {
    path: 'a.ts',
    status: 'modified',
    hasPatch: true,
    hunks: [
      { oldStart: 8, oldLines: 6, newStart: 8, newLines: 7, added: [11], deleted: [] },
      { oldStart: 40, oldLines: 3, newStart: 41, newLines: 4, added: [42], deleted: [] },
    ],
  };

  it('anchors inside hunks only, multi-line within one hunk, capped and deduplicated', () => {
    const plan = planInlineComments(
      [
        finding({ fingerprint: 'aaaaaaaa01', location: { path: 'a.ts', startLine: 10, endLine: 12 } }),
        finding({ fingerprint: 'aaaaaaaa02', location: { path: 'a.ts', startLine: 30, endLine: 42 } }),
        finding({ fingerprint: 'aaaaaaaa03', location: { path: 'a.ts', startLine: 100, endLine: 100 } }),
        finding({ fingerprint: 'aaaaaaaa04', location: { path: 'docs/x.md', startLine: 1, endLine: 1 } }),
        finding({ fingerprint: 'aaaaaaaa05', location: { path: 'a.ts', startLine: 9, endLine: 9 } }),
        finding({ fingerprint: 'aaaaaaaa06', location: { path: 'a.ts', startLine: 43, endLine: 43 } }),
        finding({ fingerprint: 'aaaaaaaa07', severity: 'Suggestion', location: { path: 'a.ts', startLine: 11, endLine: 11 } }),
      ],
      [file],
      config,
      new Set(['aaaaaaaa05']),
    );
    assert.deepEqual(
      plan.comments.map((c) => [c.fingerprint, c.start_line, c.line]),
      [['aaaaaaaa01', 10, 12], ['aaaaaaaa02', undefined, 42]],
    );
    assert.equal(plan.alreadyCommented, 1);
    assert.equal(plan.outsideDiff, 2);
    assert.equal(plan.overCap, 1);
    assert.ok(plan.comments.every((c) => fingerprintIn(c.body) === c.fingerprint));
  });

  it('counts the pull request\'s open threads toward the cap, so each run does not add another inline.max', () => {
    const findings = [
      finding({ fingerprint: 'bbbbbbbb01', location: { path: 'a.ts', startLine: 11, endLine: 11 } }),
      finding({ fingerprint: 'bbbbbbbb02', location: { path: 'a.ts', startLine: 42, endLine: 42 } }),
    ];
    const oneOpen = planInlineComments(findings, [file], config, new Set(['cccccccc01']), 1);
    assert.deepEqual(oneOpen.comments.map((c) => c.fingerprint), ['bbbbbbbb01']);
    assert.equal(oneOpen.overCap, 1);
    const full = planInlineComments(findings, [file], config, new Set(), 2);
    assert.deepEqual([full.comments.length, full.overCap], [0, 2]);
  });
});

describe('markers', () => {
  it('round-trips an accept reason that tries to close the HTML comment', () => {
    const reason = 'ok --> <b>hi</b> 100% sure';
    const marker = acceptMarker('a'.repeat(40), 'boss', reason);
    assert.ok(!marker.slice(4, -3).includes('-->'));
    assert.deepEqual(acceptsIn(`${ACCEPT_CONFIRMATION}boss (admin) for x\n${marker}`), [{ fingerprint: 'a'.repeat(40), by: 'boss', reason }]);
  });

  it('reads markers only where the App writes them, so quoted pull request text cannot plant one', () => {
    const fp = 'b'.repeat(40);
    const planted = acceptMarker(fp, 'boss', 'approved');
    // A file path quoted in the summary, a refusal or the middle of a confirmation.
    assert.deepEqual(acceptsIn(`${SUMMARY_MARKER}\n- \`src/x ${planted}/a.ts:3\` — dual-write`), []);
    assert.deepEqual(acceptsIn(`@writer accepting needs an admin; \`x\n${planted}\``), []);
    assert.deepEqual(acceptsIn(`${ACCEPT_CONFIRMATION}boss (admin) at \`${planted}\`: ok\n${acceptMarker('c'.repeat(40), 'boss', 'ok')}`).map((a) => a.fingerprint), ['c'.repeat(40)]);
    assert.equal(fingerprintIn(`**[Critical] dual-write**\nsee ${fingerprintMarker(fp)} here\nthe end`), null);
    assert.equal(fingerprintIn(`**[Critical] dual-write**\n…\n${fingerprintMarker(fp)}`), fp);
    assert.equal(hasSummaryMarker(`Risk accepted … ${SUMMARY_MARKER}`), false);
    assert.equal(hasSummaryMarker(`${SUMMARY_MARKER}\n**Architecture review**`), true);
    assert.equal(hasSummaryMarker(`${SUMMARY_MARKER}\r\n**Architecture review**`), true, 'after a browser edit');
    assert.equal(hasSummaryMarker(`${SUMMARY_MARKER} and more`), false);
  });

  it('trusts only the app bot as an author', () => {
    assert.ok(isOwnComment('arch-review', 'arch-review'));
    assert.ok(isOwnComment('arch-review[bot]', 'arch-review'));
    assert.ok(!isOwnComment('arch-reviewer', 'arch-review'));
    assert.ok(!isOwnComment(undefined, 'arch-review'));
  });
});

describe('secondary rate limits', () => {
  const limited = (headers: Record<string, string> = { 'retry-after': '2' }) =>
    Object.assign(new Error('You have exceeded a secondary rate limit'), { status: 403, response: { headers } });

  it('waits as long as retry-after says, then succeeds', async () => {
    const waits: number[] = [];
    const api = fakeApi([limited(), limited({})]);
    const wrapped = withSecondaryLimitRetry(api, { sleep: async (ms) => void waits.push(ms), fallbackWaitMs: 100 });
    await wrapped.request('POST /x');
    // Never earlier than retry-after (or the fallback), with at most 10% of jitter on top.
    assert.equal(waits.length, 2);
    assert.ok(waits[0]! >= 2000 && waits[0]! <= 2200, `first wait ${waits[0]}`);
    assert.ok(waits[1]! >= 200 && waits[1]! <= 220, `second wait ${waits[1]}`);
    assert.equal(api.calls.length, 3);
  });

  it('gives up after the bounded number of retries, and never retries a plain 403', async () => {
    const api = fakeApi([limited(), limited(), limited(), limited()]);
    const wrapped = withSecondaryLimitRetry(api, { sleep: async () => undefined, retries: 2 });
    await assert.rejects(wrapped.request('POST /x'), /secondary rate limit/);
    assert.equal(api.calls.length, 3);

    const forbidden = fakeApi([Object.assign(new Error('Resource not accessible by integration'), { status: 403, response: { headers: {} } })]);
    await assert.rejects(withSecondaryLimitRetry(forbidden, { sleep: async () => undefined }).request('POST /x'));
    assert.equal(forbidden.calls.length, 1);
  });

  it('does not sleep for a retry-after longer than the cap', async () => {
    const api = fakeApi([limited({ 'retry-after': '3600' })]);
    await assert.rejects(withSecondaryLimitRetry(api, { sleep: async () => assert.fail('slept') }).request('POST /x'));
  });
});
