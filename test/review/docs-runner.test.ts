import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildArtifactModel, type ArtifactModel } from '../../src/artifacts/model.js';
import { configSchema, defaultConfig, type ConfigInput } from '../../src/config/schema.js';
import { runDocsRules } from '../../src/review/docs-runner.js';
import { createDocsRule, type DocsRuleContext, type ReportDescriptor } from '../../src/review/rule.js';

const DESIGN = 'docs/features/refunds/design.md';
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const DOC = md(
  '# Refund Saga Design', // 1
  '', // 2
  '## Summary', // 3
  '- **Status**:   Draft', // 4
  '', // 5
  '## Launch Decision', // 6
  '<!-- arch-review-disable probe: the decision is tracked in JIRA-12 -->', // 7
  '### Rollback plan', // 8
  '- **RTO**: 15 minutes', // 9
  '', // 10
  '## Related artifacts', // 11
  '- [README](README.md)', // 12
);

type Descriptor = ReportDescriptor<'problem'> & { loc: { path: string; startLine: number; endLine?: number } };

/** A docs rule that reports whatever the test hands it. */
function probe(id: string, reports: (ctx: DocsRuleContext<'problem'>) => Descriptor[]) {
  return createDocsRule({
    meta: {
      id,
      kind: 'docs',
      severity: 'Important',
      precision: 'Medium',
      systemTag: true,
      checklist: ['D1'],
      failureModes: ['lost-publish'],
      antiPattern: 'dual-write',
      pattern: 'Transactional Outbox',
      description: 'Test probe.',
      messages: { problem: 'Problem in {file}: {what} ({missing}).' },
    },
    create(context) {
      return { check: () => reports(context).forEach((d) => context.report(d)) };
    },
  });
}

const at = (line: number, extra: Partial<Descriptor> = {}): Descriptor => ({
  messageId: 'problem',
  data: { file: DESIGN, what: `line ${line}` },
  loc: { path: DESIGN, startLine: line },
  ...extra,
});

const model = (files: Record<string, string> = { [DESIGN]: DOC }, allPaths?: string[]): ArtifactModel =>
  buildArtifactModel(
    Object.entries(files).map(([path, text]) => ({ path, text })),
    allPaths ? { allPaths } : {},
  );

const run = (rules: Parameters<typeof runDocsRules>[0], config: ConfigInput = {}, m = model()) =>
  runDocsRules(rules, { side: 'head', model: m, other: null, config: configSchema.parse(config) });

describe('runDocsRules: findings', () => {
  it('fills a RawFinding from the descriptor and the rule meta', () => {
    const { findings, errors } = run([probe('probe', () => [at(4)])]);
    assert.deepEqual(errors, []);
    assert.deepEqual(findings, [
      {
        ruleId: 'probe',
        kind: 'docs',
        severity: 'Important',
        systemTag: true,
        precision: 'Medium',
        messageId: 'problem',
        message: `Problem in ${DESIGN}: line 4 ({missing}).`,
        location: { path: DESIGN, startLine: 4, endLine: 4 },
        anchor: 'refund saga design > summary | - **Status**: Draft',
        related: [],
        checklist: ['D1'],
        failureModes: ['lost-publish'],
        pattern: 'Transactional Outbox',
        antiPattern: 'dual-write',
      },
    ]);
  });

  it('lets the descriptor override meta defaults and keeps its own anchor', () => {
    const related = [{ path: 'docs/features/refunds/README.md', line: 3, note: 'index' }];
    const { findings } = run([
      probe('check', () => [
        at(8, {
          loc: { path: DESIGN, startLine: 8, endLine: 9 },
          anchor: 'rollback | rto',
          severity: 'Suggestion',
          precision: 'High',
          checklist: ['R4'],
          failureModes: [],
          variant: 'missing-rto',
          feature: 'refunds',
          channel: 'refunds.issued.v1',
          related,
        }),
      ]),
    ]);
    const [f] = findings;
    assert.deepEqual(
      [f.location, f.anchor, f.severity, f.precision, f.checklist, f.failureModes, f.variant, f.feature, f.channel, f.related],
      [{ path: DESIGN, startLine: 8, endLine: 9 }, 'rollback | rto', 'Suggestion', 'High', ['R4'], [], 'missing-rto', 'refunds', 'refunds.issued.v1', related],
    );
  });

  it('gives anchors without line numbers, stable when lines move', () => {
    const shifted = model({ [DESIGN]: `\n\n${DOC}` });
    const before = run([probe('check', () => [at(9)])]).findings[0];
    const after = run([probe('check', () => [at(11)])], {}, shifted).findings[0];
    assert.equal(before.anchor, 'refund saga design > launch decision > rollback plan | - **RTO**: 15 minutes');
    assert.equal(after.anchor, before.anchor);
  });

  it('answers exists() for files and folders of the tree, and passes the other side', () => {
    const seen: unknown[] = [];
    const other = model({});
    const rule = probe('probe', (ctx) => {
      seen.push(ctx.exists(DESIGN), ctx.exists('docs/features/refunds/'), ctx.exists('docs/features/refunds/adrs/'), ctx.exists('README.md'));
      seen.push(ctx.other === other, ctx.side, ctx.config === defaultConfig);
      return [];
    });
    runDocsRules([rule], { side: 'base', model: model(undefined, [DESIGN, 'src/a.ts']), other, config: defaultConfig });
    assert.deepEqual(seen, [true, true, false, false, true, 'base', true]);
  });
});

describe('runDocsRules: configuration', () => {
  const rules = [probe('probe', () => [at(4)])];

  it('skips a rule switched off, either way', () => {
    assert.equal(run(rules, { rules: { probe: 'off' } }).findings.length, 0);
    assert.equal(run(rules, { rules: { probe: { enabled: false } } }).findings.length, 0);
    assert.equal(run(rules, { rules: { probe: 'on' } }).findings.length, 1);
  });

  it('overrides the severity of every finding of the rule', () => {
    const rule = probe('check', () => [at(4), at(9, { severity: 'Critical' })]);
    const { findings } = run([rule], { rules: { check: { severity: 'Suggestion' } } });
    assert.deepEqual(
      findings.map((f) => f.severity),
      ['Suggestion', 'Suggestion'],
    );
  });
});

describe('runDocsRules: a rule that throws', () => {
  it('loses its own findings but not the run', () => {
    const broken = probe('broken', (ctx) => {
      ctx.report(at(4));
      throw new Error('boom');
    });
    const unknownMessage = probe('unknown-message', () => [{ ...at(4), messageId: 'nope' as 'problem' }]);
    const fine = probe('fine', () => [at(4)]);
    const result = run([broken, unknownMessage, fine]);
    assert.deepEqual(
      result.findings.map((f) => f.ruleId),
      ['fine'],
    );
    assert.equal(result.errors.length, 2);
    assert.match(result.errors[0], /^broken: .*boom/);
    assert.match(result.errors[1], /^unknown-message: .*unknown messageId "nope"/);
  });
});

describe('runDocsRules: suppressions (rules.md §1.5)', () => {
  it('suppresses the rule in the comment\'s section and its subsections only', () => {
    const result = run([probe('probe', () => [at(4), at(7), at(9), at(12)])]);
    assert.deepEqual(
      result.findings.map((f) => f.location.startLine),
      [4, 12],
    );
    assert.deepEqual(result.suppressed, { probe: 2 });
    assert.deepEqual(result.suppressionProblems, []);
  });

  it('does not touch other rules', () => {
    const result = run([probe('other', () => [at(9)])]);
    assert.equal(result.findings.length, 1);
    assert.deepEqual(result.suppressed, {});
    assert.deepEqual(result.suppressionProblems, [], 'the probe rule did not run, so its suppression is not judged');
  });

  it('covers the whole file when placed before the first heading, and can name several rules', () => {
    const doc = md('<!-- arch-review-disable probe, other: generated from the wiki -->', DOC);
    const result = run([probe('probe', () => [at(5), at(10), at(13)]), probe('other', () => [at(2)])], {}, model({ [DESIGN]: doc }));
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.suppressed, { probe: 3, other: 1 });
    assert.deepEqual(result.suppressionProblems, []);
  });

  it('reports a suppression without a reason (it still suppresses) and one that suppresses nothing', () => {
    const doc = md(
      '# T', // 1
      '## A', // 2
      '<!-- arch-review-disable probe -->', // 3
      '- x', // 4
      '## B', // 5
      '<!-- arch-review-disable probe: nothing to hide here -->', // 6
      '- y', // 7
    );
    const result = run([probe('probe', () => [at(4)])], {}, model({ [DESIGN]: doc }));
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.suppressed, { probe: 1 });
    const problems = result.suppressionProblems.map((f) => [f.ruleId, f.messageId, f.severity, f.location.startLine]);
    assert.deepEqual(problems, [
      ['probe', 'suppressionWithoutReason', 'Suggestion', 3],
      ['probe', 'unusedSuppression', 'Suggestion', 6],
    ]);
    for (const f of result.suppressionProblems) {
      assert.doesNotMatch(f.message, /\{\w+\}/);
      assert.doesNotMatch(f.anchor, /\b3\b|\b6\b/, 'anchors carry no line numbers');
    }
  });

  it('ignores ordinary comments and suppressions of rules that are switched off', () => {
    const doc = md('# T', '<!-- a note -->', '<!-- arch-review-disable probe: off anyway -->');
    const result = run([probe('probe', () => [])], { rules: { probe: 'off' } }, model({ [DESIGN]: doc }));
    assert.deepEqual(result.suppressionProblems, []);
  });
});
