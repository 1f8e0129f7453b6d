// Sentence splitting of long paragraphs (rules.md §3). Splitting used to filter every mask and line
// break of the paragraph once per sentence, so a 300 KB paragraph of one-letter sentences took
// seconds per `proseUnits` call and a review of it minutes. The expected units below were taken
// from that implementation and pin its behaviour.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findSection, parseMarkdown, type MarkdownDoc } from '../../src/artifacts/markdown.js';
import { MASK, maskInline, proseUnits, sectionUnits, splitMaskedSentences, type ProseUnit } from '../../src/artifacts/prose.js';

function parse(text: string): MarkdownDoc {
  const result = parseMarkdown(text);
  assert.ok(result.ok, result.ok ? '' : result.detail);
  return result.doc;
}

/** The line of every character of the unit, as [line, run length] pairs. */
function lineRuns(unit: ProseUnit): [number, number][] {
  const runs: [number, number][] = [];
  for (let i = 0; i < unit.text.length; i++) {
    const line = unit.lineOf(i);
    const last = runs.at(-1);
    if (last && last[0] === line) last[1]++;
    else runs.push([line, 1]);
  }
  return runs;
}

const show = (u: ProseUnit) => ({
  kind: u.kind,
  text: u.text,
  masks: u.masks,
  line: u.line,
  endLine: u.endLine,
  headingPath: u.headingPath,
  excluded: u.excluded,
  lines: lineRuns(u),
});

const M = MASK;
const summary = ['design', 'summary'];
const alternatives = ['design', 'alternatives considered'];

describe('sentence splitting (pinned behaviour)', () => {
  const doc = parse(
    [
      '# Design', // 1
      '', // 2
      '## Summary', // 3
      'We relay through the outbox. It retries, e.g. on timeouts. Mr. Smith owns it.', // 4
      'A second line continues', // 5
      'the third sentence! Does it end? "Quoted start." (Bracketed.) 42 is a number. v1.5 ships.', // 6
      '', // 7
      'Call `publish()`. `orders.placed` is the channel. See [the runbook](../runbooks/dlq.md#redrive). [Ref link][dlq] too.', // 8
      'Hard break here.\\', // 9
      'Next line. Ends with `code`.', // 10
      '', // 11
      '- Item one. Still item one.', // 12
      '  - Nested `x.y`. More.', // 13
      '', // 14
      '## Alternatives Considered', // 15
      'Two-phase commit. Rejected. <https://example.com/2pc> was read.', // 16
      '', // 17
      '[dlq]: ../runbooks/dlq.md', // 18
    ].join('\n') + '\n',
  );

  it('splits sentences, abbreviations, masks and line breaks as before', () => {
    const s = (text: string, line: number, lines: [number, number][], masks: unknown[] = [], endLine = line, path = summary) => ({
      kind: 'sentence',
      text,
      masks,
      line,
      endLine,
      headingPath: path,
      excluded: path === alternatives,
      lines,
    });
    assert.deepEqual(proseUnits(doc).map(show), [
      s('We relay through the outbox.', 4, [[4, 28]]),
      s('It retries, e.g. on timeouts.', 4, [[4, 29]]),
      s('Mr.', 4, [[4, 3]]),
      s('Smith owns it.', 4, [[4, 14]]),
      s('A second line continues\nthe third sentence!', 5, [[5, 24], [6, 19]], [], 6),
      s('Does it end?', 6, [[6, 12]]),
      s('"Quoted start." (Bracketed.) 42 is a number. v1.5 ships.', 6, [[6, 56]]),
      s(`Call ${M}.`, 8, [[8, 7]], [{ offset: 5, kind: 'code', content: 'publish()', line: 8 }]),
      s(`${M} is the channel.`, 8, [[8, 17]], [{ offset: 0, kind: 'code', content: 'orders.placed', line: 8 }]),
      s(`See the runbook${M}.`, 8, [[8, 17]], [
        { offset: 15, kind: 'link', content: '../runbooks/dlq.md#redrive', line: 8, linkText: 'the runbook', textOffset: 4 },
      ]),
      s(`Ref link${M} too.`, 8, [[8, 14]], [{ offset: 8, kind: 'link', content: '../runbooks/dlq.md', line: 8, linkText: 'Ref link', textOffset: 0 }]),
      s('Hard break here.', 9, [[9, 16]]),
      s('Next line.', 10, [[10, 10]]),
      s(`Ends with ${M}.`, 10, [[10, 12]], [{ offset: 10, kind: 'code', content: 'code', line: 10 }]),
      {
        kind: 'item',
        text: `Item one. Still item one.\nNested ${M}. More.`,
        masks: [{ offset: 33, kind: 'code', content: 'x.y', line: 13 }],
        line: 12,
        endLine: 13,
        headingPath: summary,
        excluded: false,
        lines: [
          [12, 26],
          [13, 15],
        ],
      },
      s('Two-phase commit.', 16, [[16, 17]], [], 16, alternatives),
      s('Rejected.', 16, [[16, 9]], [], 16, alternatives),
      s(`https://example.com/2pc${M} was read.`, 16, [[16, 34]], [
        { offset: 23, kind: 'link', content: 'https://example.com/2pc', line: 16, linkText: 'https://example.com/2pc', textOffset: 0 },
      ], 16, alternatives),
    ]);
    assert.equal(proseUnits(doc, { affirmative: true }).length, 15);
  });

  it('gives every caller the same units in a fresh array', () => {
    const first = proseUnits(doc);
    first.length = 0;
    const again = proseUnits(doc).map(show);
    assert.equal(again.length, 18);
    const alt = findSection(doc, 'alternatives considered');
    assert.ok(alt);
    assert.deepEqual(sectionUnits(doc, alt).map(show), again.slice(15));
    assert.deepEqual(sectionUnits(doc, alt, { affirmative: true }), []);
    // A fresh parse of the same text builds the same units.
    assert.deepEqual(proseUnits(parse(doc.text)).map(show), again);
  });

  it('splits a masked field value as before', () => {
    assert.deepEqual(splitMaskedSentences(maskInline('Use `a.b`. Then [x](y.md). done. Next `z`', 7)), [
      { text: `Use ${M}.`, masks: [{ offset: 4, kind: 'code', content: 'a.b', line: 7 }] },
      { text: `Then x${M}. done.`, masks: [{ offset: 6, kind: 'link', content: 'y.md', linkText: 'x', textOffset: 5, line: 7 }] },
      { text: `Next ${M}`, masks: [{ offset: 5, kind: 'code', content: 'z', line: 7 }] },
    ]);
  });

  it('still splits a hand-built value whose masks are out of order', () => {
    const value = maskInline('Use `a`. Then `b`. End `c`.');
    const reversed = { text: value.text, masks: [...value.masks].reverse() };
    assert.deepEqual(
      splitMaskedSentences(reversed).map((s) => s.masks.map((m) => [m.content, m.offset])),
      [[['a', 4]], [['b', 5]], [['c', 4]]],
    );
  });
});

describe('long paragraphs', () => {
  it('splits a paragraph of 1000 lines with code spans and links, masks on the right sentences', () => {
    let text = '# T\n\n';
    for (let i = 0; i < 1000; i++) text += `Step \`s${i}\`. Then [doc ${i}](d${i}.md) runs. \`c${i}\` closes.\n`;
    const units = proseUnits(parse(text));
    assert.equal(units.length, 3000);
    for (let i = 0; i < 1000; i++) {
      const [a, b, c] = units.slice(3 * i, 3 * i + 3).map(show);
      const line = 3 + i;
      assert.deepEqual(a, { ...a, text: `Step ${M}.`, masks: [{ offset: 5, kind: 'code', content: `s${i}`, line }], line, endLine: line, lines: [[line, 7]] });
      assert.deepEqual(b, {
        ...b,
        text: `Then doc ${i}${M} runs.`,
        masks: [{ offset: 9 + String(i).length, kind: 'link', content: `d${i}.md`, line, linkText: `doc ${i}`, textOffset: 5 }],
        line,
        endLine: line,
      });
      assert.deepEqual(c, { ...c, text: `${M} closes.`, masks: [{ offset: 0, kind: 'code', content: `c${i}`, line }], line, endLine: line });
    }
  });

  it('splits a ~300 KB paragraph of one-letter sentences into 100,000 units', () => {
    const lines = 10_000;
    const text = `# T\n\n${'A. B. C. D. E. F. G. H. I. J.\n'.repeat(lines)}`;
    assert.ok(text.length > 300_000);
    const doc = parse(text);
    const units = proseUnits(doc);
    assert.equal(units.length, lines * 10);
    units.forEach((unit, k) => {
      const line = 3 + Math.floor(k / 10);
      if (unit.text !== `${'ABCDEFGHIJ'[k % 10]}.` || unit.line !== line || unit.endLine !== line || unit.masks.length !== 0 || unit.lineOf(1) !== line) {
        assert.fail(`unit ${k}: ${JSON.stringify(show(unit))}`);
      }
    });
    assert.deepEqual(units[0].headingPath, ['t']);
    assert.equal(proseUnits(doc, { affirmative: true }).length, lines * 10);
  });
});
