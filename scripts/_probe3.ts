import { parseMarkdown } from '../src/artifacts/markdown.js';
const N = Number(process.argv[2] ?? 300_000);
const fill = (unit: string) => unit.repeat(Math.ceil(N / unit.length)).slice(0, N);
const cases: Record<string, string> = {
  boldLine: fill('**a**: '),
  boldLines: fill('**a**: x\n'),
  boldParas: fill('**a**: x\n\n'),
  emph: fill('*a _b '),
  tableRows: '| a | b | c |\n|---|---|---|\n' + fill('| x | y | z |\n'),
  tableWide: '| a |\n|---|\n' + fill('| x '),
  bracketsLine: fill('['),
  bracketsLines: fill('[[[[ x\n'),
  linkOpen: fill('[a]('),
  ticks: fill('`'),
  ticksLines: fill('`` x\n'),
  html: fill('<a '),
  autolink: fill('<http://a '),
  refdefs: fill('[a]: b\n'),
  entities: fill('&amp'),
  under: fill('_a_b'),
  stars: fill('*'),
};
for (const [name, text] of Object.entries(cases)) {
  const t0 = performance.now();
  const r = parseMarkdown(text);
  console.log(name.padEnd(14), Math.round(performance.now() - t0), 'ms', r.ok ? 'ok' : r.reason);
}
