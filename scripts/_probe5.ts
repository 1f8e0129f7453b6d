import { parseMarkdown } from '../src/artifacts/markdown.js';
const N = Number(process.argv[2] ?? 900_000);
const L = (unit: string) => unit.repeat(39_990);
const fill = (unit: string, n = N) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const underCap = (block: string, perBlock: number) => { const blocks = Math.floor(63_000 / perBlock); return Array.from({ length: blocks }, () => block).join('\n\n'); };
const cases: Record<string, string> = {
  boldParasCap: fill('**a**: x\n\n', 157_000),
  bracketBlocks: underCap(fill('[[[[ x\n', 13_900), 7_940),
  linkOpenBlocks: underCap(fill('[a](', 10_600), 7_950),
  tableBlocks: underCap('| a | b |\n|---|---|\n' + fill('| x | y |\n', 19_000), 7_990),
  ticksBlocks: underCap(fill('`` x\n', 19_900), 7_960),
  lists40k: L('- a\n'),
  headings40k: L('## h\n'),
  setext40k: L('a\n---\n').slice(0, 200_000),
  quotes40k: L('> a\n'),
  numbered40k: L('1. a\n'),
  nested40k: L('- a\n  - b\n').slice(0, 160_000),
  longLines40k: L(`${'word '.repeat(4)}\n`),
  lists: fill('- a\n'),
  headings: fill('## h\n'),
  setext: fill('a\n---\n'),
  quotes: fill('> a\n'),
  indented: fill('    code\n'),
  fences: fill('```\nx\n```\n'),
  plain: fill('word '),
  lines: fill('a\n'),
  numbered: fill('1. a\n'),
  nestedLists: fill('- a\n  - b\n    - c\n      - d\n'),
  quotesLists: fill('> - > - a\n'),
};
for (const [name, text] of Object.entries(cases)) {
  const t0 = performance.now();
  const r = parseMarkdown(text);
  console.log(name.padEnd(14), String(text.length).padStart(8), Math.round(performance.now() - t0), 'ms', r.ok ? 'ok' : `${r.reason} ${r.detail.slice(0, 60)}`);
}
