import { readFileSync } from 'node:fs';
import { parseMarkdown } from '../src/artifacts/markdown.js';
const design = readFileSync('fixtures/demo/base/docs/features/order-placement/design.md', 'utf8') + readFileSync('fixtures/artifacts/loyalty-points/docs/features/loyalty-points/design.md', 'utf8');
for (const n of [100_000, 250_000, 500_000, 1_000_000]) {
  const text = design.repeat(Math.ceil(n / design.length)).slice(0, n);
  const t0 = performance.now();
  const r = parseMarkdown(text, { maxBytes: 2e6 });
  console.log(n, Math.round(performance.now() - t0), 'ms', r.ok);
}
