import { parseMarkdown } from './src/artifacts/markdown.ts';
const cases: [string, string][] = [
  ['quotes200', '>'.repeat(200) + ' x\n'],
  ['quotes1000', '>'.repeat(1000) + ' x\n'],
  ['quotes-lines', Array.from({length: 2000}, (_, i) => '>'.repeat(Math.min(i, 300)) + ' x').join('\n')],
  ['lists1000', Array.from({length: 1000}, (_, i) => ' '.repeat(i*2) + '- x').join('\n')],
  ['listmarkers', '- '.repeat(5000) + 'x\n'],
  ['headings', '#\n'.repeat(500000)],
  ['links', '[a](b) '.repeat(140000)],
  ['table', '| a | b |\n| - | - |\n' + '| x | y |\n'.repeat(100000)],
];
for (const [name, text] of cases) {
  const t = Date.now();
  const r = parseMarkdown(text);
  console.log(name, text.length, Date.now() - t, 'ms', r.ok ? `ok headings=${r.doc.headings.length}` : r.detail);
}
