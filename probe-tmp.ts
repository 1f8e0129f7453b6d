import { parseMarkdown } from './src/artifacts/markdown.ts';
for (const [name, text] of [
  ['quotes', '>'.repeat(100000) + ' x\n'],
  ['lists', Array.from({length: 3000}, (_, i) => ' '.repeat(i*2) + '- x').join('\n')],
  ['brackets', '['.repeat(200000)],
  ['emph', '*a '.repeat(100000)],
  ['headings', '# h\n'.repeat(50000)],
  ['random', Array.from({length: 200000}, () => String.fromCharCode(Math.floor(Math.random()*65536))).join('')],
] as const) {
  const t = Date.now();
  const r = parseMarkdown(text);
  console.log(name, Date.now() - t, 'ms', r.ok ? `ok headings=${r.doc.headings.length} trunc=${r.doc.headingsTruncated}` : r.detail);
}
