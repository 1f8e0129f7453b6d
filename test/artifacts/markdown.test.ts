import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  complianceSet,
  findField,
  findSection,
  headingKey,
  headingPath,
  isAnnotatedTbd,
  isPlaceholder,
  isRelativePathSpan,
  normKey,
  parseDate,
  parseDuration,
  parseMarkdown,
  parseTier,
  sectionAt,
  sectionFields,
  splitList,
  splitSentences,
  teamOf,
  tierRank,
  type MarkdownDoc,
} from '../../src/artifacts/markdown.js';

const md = (...lines: string[]) => `${lines.join('\n')}\n`;

function parse(text: string): MarkdownDoc {
  const result = parseMarkdown(text);
  assert.ok(result.ok, result.ok ? '' : result.detail);
  return result.doc;
}

describe('headingKey (artifacts.md §4.1)', () => {
  it('lower-cases, drops code marks and a trailing parenthetical, collapses whitespace', () => {
    assert.equal(headingKey('Reliability checklist (8 answers)'), 'reliability checklist');
    assert.equal(headingKey('System concerns (the layer beyond code)'), 'system concerns');
    assert.equal(headingKey('Boundary contracts (conceptual, not code)'), 'boundary contracts');
    assert.equal(headingKey('Contract: `orders.placed.v1`'), 'contract: orders.placed.v1');
    assert.equal(headingKey('  Ordering,   idempotency,  retention '), 'ordering, idempotency, retention');
  });

  it('drops trailing colons and periods, before and after the parenthetical', () => {
    assert.equal(headingKey('Blockers:'), 'blockers');
    assert.equal(headingKey('Decision :'), 'decision');
    assert.equal(headingKey('Rollback plan.'), 'rollback plan');
    assert.equal(headingKey('Related artifacts::'), 'related artifacts');
    assert.equal(headingKey('Reliability checklist (8 answers):'), 'reliability checklist');
    assert.equal(headingKey('Reliability checklist: (8 answers)'), 'reliability checklist');
    assert.equal(headingKey('Contract: `orders.placed.v1`.'), 'contract: orders.placed.v1');
  });
});

describe('front matter', () => {
  it('is no heading, and the lines after it keep their numbers', () => {
    for (const eol of ['\n', '\r\n']) {
      const doc = parse(['---', 'title: Points awarded', 'owner: loyalty', '---', '', '# Points awarded', '', '## Summary', '- **Status**: Active', ''].join(eol));
      assert.deepEqual(
        doc.headings.map((s) => [s.depth, s.key, s.line]),
        [
          [1, 'points awarded', 6],
          [2, 'summary', 8],
        ],
      );
      assert.deepEqual(
        doc.fields.map((f) => [f.name, f.value, f.line]),
        [['Status', 'Active', 9]],
      );
      assert.equal(doc.lines[1], 'title: Points awarded');
    }
  });

  it('TOML front matter too; an opening fence without a closing one is a thematic break', () => {
    assert.deepEqual(
      parse(md('+++', '# a TOML comment', 'title = "x"', '+++', '## Summary')).headings.map((s) => [s.key, s.line]),
      [['summary', 5]],
    );
    assert.deepEqual(
      parse(md('---', 'Text', '', '## Summary')).headings.map((s) => [s.key, s.line]),
      [['summary', 4]],
    );
    assert.deepEqual(
      parse(md('', '---', 'title: x', '---')).headings.map((s) => [s.key, s.line]),
      [['title: x', 3]],
    );
  });

  it('a document opening with a thematic break and a paragraph is not front matter', () => {
    // The paragraph before the second `---` is a setext heading in CommonMark, as GitHub renders it.
    assert.deepEqual(
      parse(md('---', 'This design moves points to the ledger.', '---', '', '## Summary', '- **Status**: Active')).headings.map((s) => [s.key, s.line]),
      [
        ['this design moves points to the ledger', 2],
        ['summary', 5],
      ],
    );
    assert.deepEqual(
      parse(md('---', '', '## Summary', '', 'Text', '', '---', '', '## Design')).headings.map((s) => [s.key, s.line]),
      [
        ['summary', 3],
        ['design', 9],
      ],
    );
  });

  it('front matter with lists, nested maps, quoted keys and comments is still front matter', () => {
    assert.deepEqual(
      parse(md('---', '# metadata', 'title: "Points"', 'tags:', '  - loyalty', '- extra', '"quoted key": 1', 'owner:', '  team: loyalty', '---', '## Summary')).headings.map((s) => [s.key, s.line]),
      [['summary', 11]],
    );
    assert.deepEqual(parse(md('+++', '[params]', 'a = 1', '+++', '## Summary')).headings.map((s) => [s.key, s.line]), [['summary', 5]]);
    // Keys in other scripts, with `:` or `/`, and a flow mapping.
    for (const block of [['títol: Comandes', 'estat: acceptat'], ['og:title: Orders', 'see/also: ADR-0002'], ['{title: Orders, status: accepted}']]) {
      assert.deepEqual(parse(md('---', ...block, '---', '# ADR-0001: X')).headings.map((s) => [s.depth, s.key]), [[1, 'adr-0001: x']], block.join(' '));
    }
  });
});

describe('sections', () => {
  const doc = parse(
    md(
      '# Loyalty Points Design', // 1
      '', // 2
      '## Summary', // 3
      '- **Status**: Accepted', // 4
      '', // 5
      '## Launch Decision', // 6
      '', // 7
      '### Blockers', // 8
      '- None.', // 9
      '', // 10
      '### Rollback plan', // 11
      '- **RTO**: 15 minutes', // 12
      '', // 13
      '## Related artifacts (peers)', // 14
      '- [README](../README.md)', // 15
    ),
  );

  it('builds the tree with lines, end lines and keys', () => {
    assert.deepEqual(doc.title, { text: 'Loyalty Points Design', line: 1 });
    assert.equal(doc.sections.length, 1);
    const summary = doc.headings.map((s) => [s.depth, s.key, s.line, s.endLine]);
    assert.deepEqual(summary, [
      [1, 'loyalty points design', 1, 15],
      [2, 'summary', 3, 5],
      [2, 'launch decision', 6, 13],
      [3, 'blockers', 8, 10],
      [3, 'rollback plan', 11, 13],
      [2, 'related artifacts', 14, 15],
    ]);
    assert.equal(findSection(doc, 'launch decision')!.children.length, 2);
    assert.equal(findSection(doc, 'rollback plan')!.parent!.key, 'launch decision');
  });

  it('attaches fields to the section that holds them, and collects them deeply on request', () => {
    const decision = findSection(doc, 'launch decision')!;
    assert.deepEqual(decision.fields, []);
    assert.deepEqual(
      sectionFields(decision, true).map((f) => f.name),
      ['RTO'],
    );
    assert.equal(findField(findSection(doc, 'summary')!.fields, 'status')!.value, 'Accepted');
  });

  it('finds the section and heading path of a line', () => {
    assert.equal(sectionAt(doc, 12)!.key, 'rollback plan');
    assert.deepEqual(headingPath(doc, 12), ['loyalty points design', 'launch decision', 'rollback plan']);
    assert.equal(sectionAt(parse(md('intro', '', '# T')), 1), null);
  });

  it('finds the section of every line among many siblings', () => {
    const lines = ['# Top', ''];
    for (let i = 0; i < 300; i++) lines.push(`## S${i}`, '', `Line of ${i}.`, '');
    const many = parse(md(...lines));
    for (const i of [0, 1, 150, 299]) {
      assert.deepEqual(headingPath(many, 3 + i * 4 + 2), ['top', `s${i}`], `the sentence of S${i}`);
      assert.deepEqual(headingPath(many, 3 + i * 4), ['top', `s${i}`], `the heading of S${i}`);
    }
    assert.deepEqual(headingPath(many, 2), ['top'], 'before the first subsection');
  });

  it('ignores headings inside block quotes and code', () => {
    const quoted = parse(md('# T', '', '> ## Not a section', '', '```', '## nor this', '```'));
    assert.deepEqual(
      quoted.headings.map((s) => s.key),
      ['t'],
    );
  });
});

describe('fields (artifacts.md §4.2)', () => {
  const doc = parse(
    md(
      '# T', // 1
      '', // 2
      '- **Status**: Accepted', // 3
      '- **Owner:** Loyalty Platform', // 4
      '- Ordering key: `member_id`', // 5
      'Date: 2026-05-13', // 6
      '- **TL;DR**: First half of a long line', // 7
      '  that wraps onto a second. <!-- arch-review-disable x: y -->', // 8
      '', // 9
      '> Retention: 7 days', // 10
      '', // 11
      '| Compliance: PII | x |', // 12
      '| --- | --- |', // 13
      '', // 14
      '```', // 15
      'Tenancy: multi-tenant', // 16
      '```', // 17
      '- See https://example.com/x: not a field', // 18
      '- Empty:', // 19
    ),
  );

  it('recognises the three shapes, first match wins', () => {
    const rows = doc.fields.map((f) => [f.name, f.value, f.normalized, f.line, f.endLine]);
    assert.deepEqual(rows, [
      ['Status', 'Accepted', 'Accepted', 3, 3],
      ['Owner', 'Loyalty Platform', 'Loyalty Platform', 4, 4],
      ['Ordering key', '`member_id`', 'member_id', 5, 5],
      ['Date', '2026-05-13', '2026-05-13', 6, 6],
      ['TL;DR', 'First half of a long line that wraps onto a second.', 'First half of a long line that wraps onto a second.', 7, 8],
      ['Empty', '', '', 19, 19],
    ]);
  });

  it('matches names case-insensitively after trimming', () => {
    assert.equal(findField(doc.fields, ' ordering KEY ')!.line, 5);
    assert.equal(findField(doc.fields, 'tldr', 'tl;dr')!.line, 7);
    assert.equal(findField(doc.fields, 'Retention'), undefined, 'block quotes are examples, not fields');
  });
});

describe('a field whose value is the list under it', () => {
  const doc = parse(
    md(
      '# T', // 1
      '', // 2
      '- **Procedure**:', // 3
      '  1. Switch off flag `loyalty-awards-beta`.', // 4
      '  2. Pause the outbox relay <!-- why -->', // 5
      '     and drain the consumer.', // 6
      '- **Consumers**:', // 7
      '  - `billing`', // 8
      '  - [notifications](../notifications/README.md)', // 9
      '- **System concerns**:', // 10
      '  - **Tenancy**: single-tenant', // 11
      '  - **Compliance**:', // 12
      '    - PII', // 13
      '- **Empty**:', // 14
      '- **Inline**: value', // 15
      '  - not the value', // 16
      '', // 17
      'Steps:', // 18
      '1. One', // 19
      '2. Two', // 20
      '', // 21
      'Intro:', // 22
      '', // 23
      '- a list after a blank line', // 24
      '', // 25
      'Other:', // 26
      '', // 27
      'A paragraph is not a list.', // 28
    ),
  );

  it('takes the text of the nested list, keeping the field line and extending its end line', () => {
    const rows = doc.fields.map((f) => [f.name, f.value, f.line, f.endLine]);
    assert.deepEqual(rows, [
      ['Procedure', 'Switch off flag `loyalty-awards-beta`. Pause the outbox relay and drain the consumer.', 3, 6],
      ['Consumers', '`billing`; [notifications](../notifications/README.md)', 7, 9],
      ['System concerns', '**Tenancy**: single-tenant; **Compliance**: PII', 10, 13],
      ['Tenancy', 'single-tenant', 11, 11],
      ['Compliance', 'PII', 12, 13],
      ['Empty', '', 14, 14],
      ['Inline', 'value', 15, 15],
      ['Steps', 'One; Two', 18, 20],
      ['Intro', 'a list after a blank line', 22, 24],
      ['Other', '', 26, 26],
    ]);
    assert.equal(findField(doc.fields, 'consumers')!.normalized, '`billing`; [notifications](../notifications/README.md)');
  });

  it('sub-fields stay fields of their own, in the same section', () => {
    assert.deepEqual(
      sectionFields(findSection(doc, 't')!).map((f) => f.name),
      ['Procedure', 'Consumers', 'System concerns', 'Tenancy', 'Compliance', 'Empty', 'Inline', 'Steps', 'Intro', 'Other'],
    );
  });

  it('bounds the value taken from a huge nested list', () => {
    const items = Array.from({ length: 3000 }, (_, i) => `  - item ${i} with some words`);
    const big = parse(md('- **Procedure**:', ...items));
    const field = findField(big.fields, 'Procedure')!;
    assert.ok(field.value.length <= 4000 && field.value.startsWith('item 0 with some words; item 1'));
    assert.equal(field.endLine, 3001);
  });
});

describe('links (artifacts.md §4.4, §4.5)', () => {
  const doc = parse(
    md(
      '# T', // 1
      '- Design: [../design.md](../design.md)', // 2
      '- Platform ADRs: `../../../system/adrs/` (not yet written)', // 3
      '- Schema: `schemas/orders.placed.v1.json#/properties`, runbook [r](runbooks/x.md) (not yet written)', // 4
      '- Dashboards: `loyalty/consumer-health`, `application/cloudevents+json`, `msg/s`, `orders.placed.v1`', // 5
      '- External: [spec](https://asyncapi.com/x.md), [top](#summary), <mailto:a@b.c>', // 6
      '', // 7
      '[ref]: ./notes.md', // 8
    ),
  );

  it('collects Markdown links, definitions and relative-path code spans with their lines', () => {
    const rows = doc.links.map((l) => [l.kind, l.target, l.line, l.external, l.notYetWritten]);
    assert.deepEqual(rows, [
      ['link', '../design.md', 2, false, false],
      ['code', '../../../system/adrs/', 3, false, true],
      ['code', 'schemas/orders.placed.v1.json#/properties', 4, false, false],
      ['link', 'runbooks/x.md', 4, false, true],
      ['link', 'https://asyncapi.com/x.md', 6, true, false],
      ['link', '#summary', 6, true, false],
      ['link', 'mailto:a@b.c', 6, true, false],
      ['definition', './notes.md', 8, false, false],
    ]);
    assert.equal(doc.links[2].path, 'schemas/orders.placed.v1.json');
  });

  it('treats only whole relative paths in code spans as targets', () => {
    for (const yes of ['../design.md', './', '../../../system/adrs/', 'schemas/a.v1.json', 'a.yml', 'x.proto#L3']) {
      assert.equal(isRelativePathSpan(yes), true, yes);
    }
    for (const no of ['loyalty/consumer-health', 'application/cloudevents+json', 'msg/s', 'orders.placed.v1', '<slug>/design.md', 'a b.md', 'https://x/y.md', '${ENV}.json', 'docs/*.md']) {
      assert.equal(isRelativePathSpan(no), false, no);
    }
  });
});

describe('code blocks and comments', () => {
  const doc = parse(
    md(
      '<!-- arch-review-disable design-no-code-blocks: diagram only -->', // 1
      '# T', // 2
      '```mermaid', // 3
      'graph TD', // 4
      '```', // 5
      '~~~', // 6
      'x', // 7
      '~~~', // 8
      '', // 9
      '    indented', // 10
      '', // 11
      'Text <!-- inline --> more', // 12
      '<!--', // 13
      'multi', // 14
      '-->', // 15
    ),
  );

  it('lists fenced and indented blocks with their language', () => {
    assert.deepEqual(doc.codeBlocks, [
      { line: 3, endLine: 5, lang: 'mermaid', fenced: true },
      { line: 6, endLine: 8, lang: null, fenced: true },
      { line: 10, endLine: 10, lang: null, fenced: false },
    ]);
  });

  it('lists HTML comments with their lines', () => {
    assert.deepEqual(doc.comments, [
      { text: 'arch-review-disable design-no-code-blocks: diagram only', line: 1, endLine: 1 },
      { text: 'inline', line: 12, endLine: 12 },
      { text: 'multi', line: 13, endLine: 15 },
    ]);
  });
});

describe('splitSentences (rules.md §3)', () => {
  const cases: [string, string[]][] = [
    ['One sentence.', ['One sentence.']],
    ['Awards land fast. Two teams read them.', ['Awards land fast.', 'Two teams read them.']],
    ['99.5% of awards are visible within 60 s. Alerts fire after that.', ['99.5% of awards are visible within 60 s.', 'Alerts fire after that.']],
    ['Use a saga, e.g. the refund flow, for compensation.', ['Use a saga, e.g. the refund flow, for compensation.']],
    ['Publish loyalty.points-awarded.v1 from the outbox. Consumers dedupe.', ['Publish loyalty.points-awarded.v1 from the outbox.', 'Consumers dedupe.']],
    ['Read `a. B. c` first. Then act.', ['Read `a. B. c` first.', 'Then act.']],
    ['Read it. [Design](../design.md) explains it.', ['Read it.', '[Design](../design.md) explains it.']],
    ['Links [to v1.json](../schemas/a.v1.json) stay whole.', ['Links [to v1.json](../schemas/a.v1.json) stay whole.']],
    ['Retry 5 times. 3 attempts is too few! Why? `code` starts this one.', ['Retry 5 times.', '3 attempts is too few!', 'Why?', '`code` starts this one.']],
    ['Schemas live in v1.json; see the design: it explains. no split before lower case', ['Schemas live in v1.json; see the design: it explains. no split before lower case']],
    ['Ends without a period', ['Ends without a period']],
    ['Done. **Bold** next.', ['Done.', '**Bold** next.']],
    ['', []],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => assert.deepEqual(splitSentences(input), expected));
  }
});

describe('value helpers (artifacts.md §1, §8)', () => {
  it('isPlaceholder / isAnnotatedTbd', () => {
    for (const v of ['<TBD>', '<team>', '<YYYY-MM-DD>', 'TBD', 'TODO', '?', '`<TBD>`', ' <TBD: FinOps decides> ']) {
      assert.equal(isPlaceholder(v), true, v);
    }
    for (const v of ['Loyalty Platform', 'TBD by Friday', '<a> and <b>', '']) assert.equal(isPlaceholder(v), false, v);
    assert.equal(isAnnotatedTbd('<TBD: FinOps to assign after the pilot>'), true);
    assert.equal(isAnnotatedTbd('<TBD>'), false);
    assert.equal(isAnnotatedTbd('<TBD: >'), false);
  });

  it('parseDate accepts only real calendar dates', () => {
    assert.equal(parseDate('2026-05-20'), '2026-05-20');
    assert.equal(parseDate('`2024-02-29`'), '2024-02-29');
    for (const v of ['2026-02-29', '2026-13-01', '2026-5-20', '20 May 2026', '<YYYY-MM-DD>', '2026-05-20 (draft)']) {
      assert.equal(parseDate(v), null, v);
    }
  });

  it('parseDuration', () => {
    assert.equal(parseDuration('7 days'), 7 * 86_400_000);
    assert.equal(parseDuration('retention: 200 ms'), 200);
    assert.equal(parseDuration('P7D'), 7 * 86_400_000);
    assert.equal(parseDuration('PT30M'), 1_800_000);
    assert.equal(parseDuration('forever'), Infinity);
    assert.equal(parseDuration('5 members'), null);
  });

  it('parseDuration reads the shorthand units (m, mins, hr, hrs, secs)', () => {
    assert.equal(parseDuration('15m'), 900_000);
    assert.equal(parseDuration('15 mins'), 900_000);
    assert.equal(parseDuration('< 1 hr'), 3_600_000);
    assert.equal(parseDuration('2 hrs'), 7_200_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('30 secs'), 30_000);
    assert.equal(parseDuration('1 min'), 60_000);
    assert.equal(parseDuration('1M messages, then 7 days'), 7 * 86_400_000);
    assert.equal(parseDuration('10 mb'), null);
  });

  it('normKey, teamOf, complianceSet, tiers, lists', () => {
    assert.equal(normKey('`memberId`'), 'member_id');
    assert.equal(normKey('(member_id, orderId)'), 'member_id,order_id');
    assert.equal(teamOf('Loyalty Platform (#loyalty-platform, page `loyalty-oncall`)'), 'loyalty platform');
    assert.equal(teamOf('Payments - escalation to CTO'), 'payments');
    assert.deepEqual([...complianceSet('none (opaque member ids only, no contact data)')], ['none']);
    assert.deepEqual([...complianceSet('PII, GDPR and data residency (EU)')], ['PII', 'GDPR', 'data residency']);
    assert.deepEqual([...complianceSet('PIIX')], []);
    assert.equal(parseTier('service-ready'), 'Service-ready');
    assert.equal(parseTier('Service-ready (basic)'), 'Service-ready');
    assert.equal(parseTier('Gold'), null);
    assert.equal(tierRank('Enterprise-critical'), 3);
    assert.deepEqual(splitList('a, b; c | d and e'), ['a', 'b', 'c', 'd', 'e']);
  });
});

describe('parse budget and hostile input', () => {
  it('refuses files over the byte limit', () => {
    const result = parseMarkdown('x'.repeat(2000), { maxBytes: 1000 });
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.reason, 'too-large');
  });

  it('caps the number of headings and says so', () => {
    const result = parseMarkdown('## h\n'.repeat(50), { maxHeadings: 10 });
    assert.ok(result.ok);
    assert.equal(result.doc.headings.length, 10);
    assert.equal(result.doc.headingsTruncated, true);
    assert.equal(result.doc.headings[9].endLine, 50);
  });

  it('refuses pathological nesting instead of stalling or overflowing the stack', () => {
    for (const text of ['>'.repeat(100_000) + ' x\n', '- '.repeat(5000) + 'x\n']) {
      const result = parseMarkdown(text);
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.reason, 'unparseable');
    }
  });

  it('accepts deeply indented code, which opens no container', () => {
    const result = parseMarkdown(md('# T', '', '```json', `${' '.repeat(300)}"deep": 1`, '```'));
    assert.ok(result.ok);
  });

  it('never throws on odd input', () => {
    for (const text of ['', '\u0000\u0001\uFFFF', '['.repeat(10_000), '*a '.repeat(5000), '<!--', '\r\n\r\n# T\r\n- a: b\r\n']) {
      assert.doesNotThrow(() => parseMarkdown(text));
    }
    const crlf = parse('# T\r\n- **Status**: Draft\r\n');
    assert.deepEqual([crlf.fields[0].name, crlf.fields[0].value, crlf.fields[0].line], ['Status', 'Draft', 2]);
  });
});
