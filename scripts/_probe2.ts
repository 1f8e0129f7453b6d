import { docsRules, codeRules, allRules } from '../rules/index.js';
import { parseConfig } from '../src/config/load.js';
import { buildArtifactModel } from '../src/artifacts/model.js';
import { runDocsRules } from '../src/review/docs-runner.js';
import { runCodeRules } from '../src/review/code-runner.js';
const cfg = parseConfig('', 'x', { knownRuleIds: allRules.map((r) => r.meta.id) });
if (!cfg.ok) throw new Error();
const N = Number(process.argv[2] ?? 200_000);
const fill = (unit: string) => unit.repeat(Math.ceil(N / unit.length)).slice(0, N);
const head = '# T\n\n## Summary\n\n- **Status:** Accepted\n- **Date:** 2026-01-01\n- **TL;DR:** x\n\n';
const md: Record<string, string> = {
  ticks: head + fill('`'),
  brackets: head + fill('['),
  linkspaces: head + '[a](' + fill(' '),
  lt: head + fill('<http:'),
  dots: head + fill('../') + 'a.',
  section: head + 'See ' + fill('section "'),
  bold: head + fill('**a**: '),
  anchor: head + '<a id="' + fill('x'),
  oq: head + fill('OQ-1: '),
  field: head + '- **Status:** ' + fill('a '),
  words: head + fill('snake_case camelCase '),
  pii: head + fill('pii: '),
  table: head + '| a |\n|---|\n' + fill('| x '),
  amp: head + fill('& and , + '),
  comment: head + '<!-- ' + fill('- '),
  code: head + '`orders.placed.v1` ' + fill('(consumed) '),
  sentences: head + fill('a. '),
  headings: head + fill('## section "x"\n'),
};
for (const [name, text] of Object.entries(md).filter(([n]) => !process.argv[3] || process.argv[3].split(',').includes(n))) {
  for (const path of (process.argv[4] ? [process.argv[4]] : ['docs/features/f/contracts/orders.x.v1.md', 'docs/features/f/design.md', 'docs/features/f/runbooks/r.md', 'docs/features/f/launches/2026-01-01.md', 'docs/features/f/adrs/0001-a.md', 'docs/features/f/README.md'])) {
    const t0 = performance.now();
    const model = buildArtifactModel([{ path, text }], { allPaths: [path], side: 'head' });
    const t1 = performance.now();
    runDocsRules(docsRules, { side: 'head', model, other: model, config: cfg.config });
    const t2 = performance.now();
    if (t2 - t0 > 300) console.log(name.padEnd(12), path.padEnd(48), 'model', Math.round(t1 - t0), 'rules', Math.round(t2 - t1), 'ms', model.skipped.map(s=>s.reason).join(','));
  }
}
