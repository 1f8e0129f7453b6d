import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findSection, parseMarkdown, type MarkdownDoc } from '../../src/artifacts/markdown.js';
import {
  excerpt,
  isNonAffirmativePath,
  MASK,
  maskFollowing,
  maskInline,
  proseUnits,
  revealText,
  sectionUnits,
  splitMaskedSentences,
} from '../../src/artifacts/prose.js';

const md = (...lines: string[]) => `${lines.join('\n')}\n`;

function parse(text: string): MarkdownDoc {
  const result = parseMarkdown(text);
  assert.ok(result.ok, result.ok ? '' : result.detail);
  return result.doc;
}

const shown = (doc: MarkdownDoc, options = {}) => proseUnits(doc, options).map((u) => [u.kind, u.line, u.endLine, revealText(u)]);

describe('proseUnits (rules.md §3)', () => {
  const doc = parse(
    md(
      '# ADR-0007: Relay', // 1
      '', // 2
      '## Decision', // 3
      'We will relay through the outbox. Decision owner: Platform lead.', // 4
      'Second line of the same paragraph', // 5
      'ends here.', // 6
      '', // 7
      '- Roll back when p99 exceeds 80 ms', // 8
      '  for 10 minutes.', // 9
      '  - Nested trigger `HALF_OPEN`.', // 10
      '- Second item', // 11
      '', // 12
      '> Quoted: alert on anything.', // 13
      '', // 14
      '```text', // 15
      'alert on everything', // 16
      '```', // 17
      '', // 18
      '| Concern | Pattern |', // 19
      '| --- | --- |', // 20
      '| Alerts | alert on lag |', // 21
      '', // 22
      '<!-- arch-review-disable concrete-criteria: reason -->', // 23
      '', // 24
      '## Alternatives Considered', // 25
      '- Two-phase commit across services. Rejected.', // 26
      '', // 27
      '## Anti-patterns to avoid', // 28
      '- Dual-write.', // 29
    ),
  );

  it('yields list items (nested text included) and paragraph sentences with their lines', () => {
    assert.deepEqual(shown(doc), [
      ['sentence', 4, 4, 'We will relay through the outbox.'],
      ['sentence', 4, 4, 'Decision owner: Platform lead.'],
      ['sentence', 5, 6, 'Second line of the same paragraph\nends here.'],
      ['item', 8, 10, 'Roll back when p99 exceeds 80 ms\nfor 10 minutes.\nNested trigger HALF_OPEN.'],
      ['item', 11, 11, 'Second item'],
      ['item', 26, 26, 'Two-phase commit across services. Rejected.'],
      ['item', 29, 29, 'Dual-write.'],
    ]);
  });

  it('leaves out block quotes, fenced code, tables and HTML comments', () => {
    const texts = proseUnits(doc).map((u) => u.text).join('\n');
    assert.doesNotMatch(texts, /alert on/);
    assert.doesNotMatch(texts, /arch-review-disable/);
  });

  it('attaches the heading path and marks the non-affirmative sections', () => {
    const units = proseUnits(doc);
    assert.deepEqual(units[0].headingPath, ['adr-0007: relay', 'decision']);
    assert.equal(units[0].section?.key, 'decision');
    assert.deepEqual(units.map((u) => u.excluded), [false, false, false, false, false, true, true]);
    assert.deepEqual(
      proseUnits(doc, { affirmative: true }).map((u) => u.line),
      [4, 4, 5, 8, 11],
      'affirmative scans skip Anti-patterns to avoid and Alternatives Considered',
    );
  });

  it('recognises the non-affirmative sections behind an overview numbering prefix', () => {
    assert.equal(isNonAffirmativePath(['overview', '14. alternatives considered']), true);
    assert.equal(isNonAffirmativePath(['design', 'anti-patterns to avoid', 'details']), true);
    assert.equal(isNonAffirmativePath(['design', 'patterns']), false);
  });

  it('limits units to one section', () => {
    const decision = findSection(doc, 'decision')!;
    assert.deepEqual(sectionUnits(doc, decision).map((u) => u.line), [4, 4, 5, 8, 11]);
  });

  it('maps every offset to its source line', () => {
    const item = proseUnits(doc)[3];
    assert.equal(item.lineOf(item.text.indexOf('for 10')), 9);
    assert.equal(item.lineOf(item.text.indexOf('Nested')), 10);
  });
});

describe('masking (rules.md §3, CHANGES.md item 1)', () => {
  const doc = parse(
    md(
      '## Contract', // 1
      '- Redrive per [the runbook](../runbooks/dlq-triage.md#redrive) at `20 msg/s`.', // 2
      '- See [ADR][adr] and <https://example.com/x> and `loyalty/consumer-health`.', // 3
      '- Owner: <TBD: FinOps decides> and <TBD:who-decides> and <team>.', // 4
      '', // 5
      '[adr]: ../adrs/0001-ledger.md', // 6
    ),
  );
  const [first, second, third] = proseUnits(doc);

  it('replaces code spans and link destinations with one token each, keeping link text', () => {
    assert.equal(first.text, `Redrive per the runbook${MASK} at ${MASK}.`);
    assert.deepEqual(
      first.masks.map((m) => [m.kind, m.content, m.linkText ?? null, m.line]),
      [
        ['link', '../runbooks/dlq-triage.md#redrive', 'the runbook', 2],
        ['code', '20 msg/s', null, 2],
      ],
    );
    assert.equal(first.text[first.masks[0].offset], MASK);
    assert.equal(first.text.slice(first.masks[0].textOffset, first.masks[0].offset), 'the runbook');
  });

  it('resolves reference-style links and masks URL autolinks', () => {
    assert.deepEqual(
      second.masks.map((m) => [m.kind, m.content]),
      [
        ['link', '../adrs/0001-ledger.md'],
        ['link', 'https://example.com/x'],
        ['code', 'loyalty/consumer-health'],
      ],
    );
  });

  it('keeps placeholders visible: `<TBD: ...>`, `<TBD:x>` (an autolink to CommonMark) and `<team>`', () => {
    assert.equal(third.text, 'Owner: <TBD: FinOps decides> and <TBD:who-decides> and <team>.');
    assert.deepEqual(third.masks, []);
  });

  it('finds the code span or link that directly follows a phrase', () => {
    const at = first.text.indexOf('per') + 'per'.length;
    assert.equal(maskFollowing(first, at)?.content, '../runbooks/dlq-triage.md#redrive');
    assert.equal(maskFollowing(first, 0), undefined);
    const unit = maskInline('see: `../design.md`');
    assert.equal(maskFollowing(unit, 3)?.content, '../design.md');
  });

  it('shows masked units as excerpts', () => {
    assert.equal(excerpt(first), 'Redrive per the runbook at `20 msg/s`.');
    assert.equal(excerpt(maskInline('x '.repeat(80)), 20), 'x x x x x x x x x x…');
  });
});

describe('sentence splitting (rules.md §3, CHANGES.md item 17)', () => {
  const sentences = (markdown: string) => splitMaskedSentences(maskInline(markdown)).map(revealText);

  it('splits after . ! ? followed by whitespace and an upper-case letter, a digit or a masked token', () => {
    assert.deepEqual(sentences('One. Two! 3 three? `four` four.'), ['One.', 'Two!', '3 three?', 'four four.']);
    assert.deepEqual(sentences('Go. [Docs](x.md) say so.'), ['Go.', 'Docs say so.']);
    assert.deepEqual(sentences('Quoted. "Next" one.'), ['Quoted.', '"Next" one.']);
  });

  it('does not split inside numbers, abbreviations, dotted names or code', () => {
    assert.deepEqual(sentences('Serve 99.5% of awards.'), ['Serve 99.5% of awards.']);
    assert.deepEqual(sentences('Some paths, e.g. the card path, retry.'), ['Some paths, e.g. the card path, retry.']);
    assert.deepEqual(sentences('Publish loyalty.points-awarded.v1 and v1.json now.'), ['Publish loyalty.points-awarded.v1 and v1.json now.']);
    assert.deepEqual(sentences('Run `a. B` first.'), ['Run a. B first.']);
    assert.deepEqual(sentences('Ratio: 3; next: 4'), ['Ratio: 3; next: 4']);
  });
});

describe('maskInline', () => {
  it('masks code spans, links and autolinks in a field value and drops strong marks', () => {
    const value = maskInline('**Compatibility**: `BACKWARD` per [doc](../design.md "title") <https://x.io>');
    assert.equal(value.text, `Compatibility: ${MASK} per doc${MASK} ${MASK}`);
    assert.deepEqual(value.masks.map((m) => [m.kind, m.content]), [
      ['code', 'BACKWARD'],
      ['link', '../design.md'],
      ['link', 'https://x.io'],
    ]);
  });

  it('treats double backticks as one span', () => {
    const value = maskInline('use ``a `b` c`` here');
    assert.deepEqual(value.masks.map((m) => m.content), ['a `b` c']);
  });

  it('never lets a literal U+FFFC in the source pose as a token', () => {
    assert.deepEqual(maskInline(`odd ${MASK} char`).masks, []);
    assert.doesNotMatch(maskInline(`odd ${MASK} char`).text, new RegExp(MASK));
  });
});
