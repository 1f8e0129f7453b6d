import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeSpan, escapeCell, renderCoverageLine, renderMarkdown } from '../../src/render/markdown.js';
import type { Finding, ReviewResult } from '../../src/review/types.js';
import { buildResult, exampleFacts, exampleFindings, facts, FILE, finding } from './fixture.js';

function section(md: string, heading: string): string {
  const start = md.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `missing section ${heading}`);
  const rest = md.slice(start + 1);
  const end = rest.indexOf('\n## ', 1);
  return end < 0 ? rest : rest.slice(0, end);
}

function group(md: string, severity: string): string[] {
  const findings = section(md, 'Findings');
  const start = findings.indexOf(`### ${severity}\n`);
  const lines = findings.slice(start).split('\n').slice(1);
  const end = lines.findIndex((l) => !l.startsWith('- '));
  return end < 0 ? lines : lines.slice(0, end);
}

function example(): ReviewResult {
  return buildResult(exampleFindings(), exampleFacts());
}

describe('renderMarkdown structure', () => {
  it('has the title, the scope line and exactly six ## sections in order', () => {
    const md = renderMarkdown(example());
    const lines = md.split('\n');
    assert.match(lines[0], /^\*\*Architecture review\*\* — 2 Critical · 4 Important · 1 Suggestion · 1 System — Tier: Prototype \(claimed Service-ready\)$/);
    assert.match(lines[1], /^Scope: features loyalty-points; channels orders\.placed\.v1, loyalty\.points-awarded\.v1; 1 code file, 9 artifacts; patterns touched: Retry; contracts affected: /);
    assert.deepEqual(
      lines.filter((l) => l.startsWith('## ')),
      [
        '## Findings',
        '## Reliability checklist',
        '## Distributed-systems checklist',
        '## Anti-patterns',
        '## Failure-mode walk',
        '## Readiness verdict',
      ],
    );
    assert.deepEqual(
      section(md, 'Findings').split('\n').filter((l) => l.startsWith('### ')),
      ['### Critical', '### Important', '### Suggestion', '### System'],
    );
    assert.ok(!/^#\s|^#{4,}/m.test(md), 'no other heading levels');
  });

  it('adds the claim note when a claim is above the computed tier', () => {
    const r = buildResult([], facts());
    r.verdict.claims = [
      { location: 'README.md:6', tier: 'Service-ready' },
      { location: 'docs/system/catalog.md:7', tier: 'Prototype' },
    ];
    assert.match(renderMarkdown(r).split('\n')[0], /— Tier: Prototype \(claimed Service-ready\)$/);
  });

  it('renders eight reliability rows and the not-applicable line', () => {
    const r = buildResult([], facts());
    const md = renderMarkdown(r);
    assert.equal(section(md, 'Reliability checklist').split('\n').filter((l) => /^\| R\d /.test(l)).length, 8);
    const dist = section(md, 'Distributed-systems checklist').trim().split('\n');
    assert.equal(dist.length, 2);
    assert.match(dist[1], /^Not applicable: the change does not touch scale, resilience, multi-region or service boundaries/);
  });

  it('renders six distributed rows when applicable', () => {
    const md = renderMarkdown(example());
    assert.equal(section(md, 'Distributed-systems checklist').split('\n').filter((l) => /^\| D\d /.test(l)).length, 6);
  });

  it('renders the anti-pattern bullets in order', () => {
    const bullets = section(renderMarkdown(example()), 'Anti-patterns')
      .split('\n')
      .filter((l) => l.startsWith('- '))
      .map((l) => l.replace(/:\*\*.*$/, ''));
    assert.deepEqual(bullets, [
      '- **Fired',
      '- **Removed by this change',
      '- **Forward-looking risks',
      '- **Checked, clean',
      '- **Not checked (no deterministic rule)',
    ]);
  });

  it('renders failure-mode entries with the four bullets', () => {
    const walk = section(renderMarkdown(example()), 'Failure-mode walk');
    const headings = walk.split('\n').filter((l) => l.startsWith('### '));
    assert.ok(headings.length >= 3 && headings.length <= 5);
    assert.equal(headings[0], '### 1. Lost publish — likelihood 3/3, impact 3/3');
    headings.forEach((h, i) => assert.match(h, new RegExp(`^### ${i + 1}\\. .+ — likelihood [1-3]/3, impact [1-3]/3$`)));
    for (const label of ['Root cause here', 'Blast radius', 'Mitigation pattern', 'Required test']) {
      assert.equal(walk.split('\n').filter((l) => l.startsWith(`- **${label}:** `)).length, headings.length);
    }
    assert.match(walk, /- \*\*Required test:\*\* kill the process between DB commit and publish — not found/);
  });

  it('renders the readiness verdict of the worked example', () => {
    const verdict = section(renderMarkdown(example()), 'Readiness verdict').trimEnd().split('\n');
    assert.deepEqual(verdict, [
      '## Readiness verdict',
      'Tier: Prototype (maturity level 0)',
      'Downgrade: README.md:6, launches/2026-05-20.md:5 and docs/system/catalog.md:7 claim Service-ready; evidence supports Prototype.',
      'Gaps to next tier (Service-ready):',
      '- [technical] C1.1 no dual-writes — award-consumer.ts:20 (dual-write); write the event to an outbox in the same transaction (or record an inbox row on the consumer side). Owner: Loyalty Platform.',
      '- [technical] C1.2 every consumer side effect is keyed for idempotency — award-consumer.ts:17 (non-idempotent-consumer); guard each side effect with an inbox row, unique constraint or upsert, and declare the contract `Idempotency key`. Owner: Loyalty Platform.',
      '- [technical] C1.4 a working dead-letter queue — award-consumer.ts:12 (missing-dlq); route failed messages to a dead-letter channel before acknowledging, and declare the DLQ in the contract. Owner: Loyalty Platform.',
      'README updates to consider: Cost owner now differs from every other artifact of the feature (README.md:12 vs design.md:12); confirm the new value and update the design, ADR, contract, runbook and launch decision, or revert the README line.',
    ]);
  });

  it('renders one verdict per feature under its own sub-heading, and every tier in the title', () => {
    const r = example();
    const second = { ...r.verdict, feature: 'orders', tier: 'Service-ready' as const, level: 1, nextTier: 'Production-ready' as const, claims: [], downgrade: null, gaps: [], readmeUpdates: [] };
    r.verdicts = [r.verdict, second];
    const md = renderMarkdown(r);
    assert.match(md.split('\n')[0], /— Tier: loyalty-points Prototype \(claimed Service-ready\), orders Service-ready$/);
    const verdict = section(md, 'Readiness verdict').trimEnd().split('\n');
    assert.deepEqual(verdict.filter((l) => l.startsWith('### ') || l.startsWith('Tier: ')), [
      '### loyalty-points',
      'Tier: Prototype (maturity level 0)',
      '### orders',
      'Tier: Service-ready (maturity level 1: basic)',
    ]);
    assert.equal(md.split('\n').filter((l) => l.startsWith('## ')).length, 6);
  });

  it('says when a level-0 criterion is not met', () => {
    const r = example();
    r.verdict = { ...r.verdict, belowGate: ['C0.2'] };
    assert.match(renderMarkdown(r), /\nTier: Prototype \(maturity level 0, below the Prototype gate: C0\.2 not met\)\n/);
  });

  it('shows level 1 as basic', () => {
    const r = example();
    r.verdict = { ...r.verdict, tier: 'Service-ready', level: 1, nextTier: 'Production-ready' };
    assert.match(renderMarkdown(r), /\nTier: Service-ready \(maturity level 1: basic\)\n/);
  });

  it('ends with the verdict section: the coverage line is not part of the document', () => {
    const md = renderMarkdown(example());
    assert.ok(!md.includes('Coverage:'));
    assert.match(md, /README updates to consider: [^\n]*\n$/);
  });
});

describe('renderMarkdown of a skipped review', () => {
  it('says only that nothing architectural is in scope, and why (§3.5)', () => {
    const result = buildResult([], facts({ hasDesign: false }), {
      gate: { conclusion: 'skipped', reason: 'nothing architectural in scope: no sink, handler or retry in changed code and no artifact touched' },
    });
    const lines = renderMarkdown(result).split('\n');
    assert.equal(lines[0], '**Architecture review** — nothing architectural in scope');
    assert.match(lines[1]!, /^Scope: /);
    assert.equal(lines[3], 'No sink, handler or retry in changed code and no artifact touched, so no checklist, anti-pattern or readiness verdict applies.');
    assert.equal(lines.length, 5);
  });

  it('still lists its findings (a suppression note can come with nothing in scope)', () => {
    const note = finding({ ruleId: 'dual-write', severity: 'Suggestion', line: 3 });
    const result = buildResult([note], facts({ hasDesign: false }), { gate: { conclusion: 'skipped', reason: 'nothing architectural in scope: x' } });
    const text = renderMarkdown(result);
    assert.match(text, /^## Findings$/m);
    assert.match(text, new RegExp(`\\*\\*dual-write\\*\\*`));
    assert.doesNotMatch(text, /## Reliability checklist/);
  });
});

describe('renderMarkdown findings rules', () => {
  it('orders by status, then path, then line, then rule id', () => {
    const findings: Finding[] = [
      finding({ ruleId: 'b-rule', path: 'b.ts', line: 3, status: 'pre-existing' }),
      finding({ ruleId: 'z-rule', path: 'b.ts', line: 3 }),
      finding({ ruleId: 'a-rule', path: 'b.ts', line: 3 }),
      finding({ ruleId: 'a-rule', path: 'b.ts', line: 10 }),
      finding({ ruleId: 'a-rule', path: 'b.ts', line: 2 }),
      finding({ ruleId: 'a-rule', path: 'a.ts', line: 99 }),
    ];
    const bullets = group(renderMarkdown(buildResult(findings, facts())), 'Important');
    assert.deepEqual(
      bullets.map((b) => b.replace(/ — [^—]*$/, '')),
      [
        '- `a.ts:99` — **a-rule**',
        '- `b.ts:2` — **a-rule**',
        '- `b.ts:3` — **a-rule**',
        '- `b.ts:3` — **z-rule**',
        '- `b.ts:10` — **a-rule**',
        '- `b.ts:3` — **b-rule**',
      ],
    );
  });

  it('writes the bullet as `path:line` — **rule** — message with the status and acceptance suffixes', () => {
    const findings = [
      finding({ ruleId: 'dual-write', severity: 'Critical', line: 20, message: 'Dual-write.', status: 'pre-existing' }),
      finding({
        ruleId: 'non-idempotent-consumer',
        severity: 'Critical',
        line: 17,
        message: 'No dedup guard.',
        accepted: { by: 'alice', reason: 'backfill job, replays are disabled' },
      }),
    ];
    const bullets = group(renderMarkdown(buildResult(findings, facts())), 'Critical');
    assert.deepEqual(bullets, [
      `- \`${FILE}:17\` — **non-idempotent-consumer** — No dedup guard. (risk accepted by @alice: backfill job, replays are disabled)`,
      `- \`${FILE}:20\` — **dual-write** — Dual-write. (pre-existing)`,
    ]);
  });

  it('writes - None. for an empty group', () => {
    const md = renderMarkdown(buildResult([finding({ ruleId: 'x', severity: 'Critical' })], facts()));
    assert.deepEqual(group(md, 'Important'), ['- None.']);
    assert.deepEqual(group(md, 'Suggestion'), ['- None.']);
    assert.deepEqual(group(md, 'System'), ['- None.']);
  });

  it('caps a group at 50 bullets and summarises the rest', () => {
    const many = Array.from({ length: 53 }, (_, i) => finding({ ruleId: 'missing-dlq', line: i + 1 }));
    const bullets = group(renderMarkdown(buildResult(many, facts())), 'Important');
    assert.equal(bullets.length, 51);
    assert.equal(bullets[49], `- \`${FILE}:50\` — **missing-dlq** — missing-dlq message`);
    assert.equal(bullets[50], "- … and 3 more, not listed here (the check run annotates up to 500 findings, most severe first; the CLI's `--format json` lists all).");
    const small = group(renderMarkdown(buildResult(many, facts()), { maxPerGroup: 5 }), 'Important');
    assert.equal(small.length, 6);
    assert.match(small[5]!, /^- … and 48 more, not listed here/);
    const exact = Array.from({ length: 50 }, (_, i) => finding({ ruleId: 'missing-dlq', line: i + 1 }));
    assert.equal(group(renderMarkdown(buildResult(exact, facts())), 'Important').length, 50);
  });

  it('points from the System group to System-tagged findings of other severities', () => {
    const findings = [
      finding({ ruleId: 'shared-oltp-write', systemTag: true, path: 'services/billing/src/repo.ts', line: 14 }),
      finding({ ruleId: 'system-concerns-drift', severity: 'System', systemTag: true, path: 'README.md', line: 12 }),
    ];
    const md = renderMarkdown(buildResult(findings, facts()));
    assert.deepEqual(group(md, 'System'), [
      '- `README.md:12` — **system-concerns-drift** — system-concerns-drift message',
      '- see Important: shared-oltp-write at services/billing/src/repo.ts:14',
    ]);
    assert.equal(group(md, 'Important').length, 1);
    assert.match(md.split('\n')[0], /0 Critical · 1 Important · 0 Suggestion · 1 System/);
  });

  it('lists removed findings only under Anti-patterns', () => {
    const findings = [finding({ ruleId: 'dual-write', severity: 'Critical', status: 'removed', line: 20 })];
    const md = renderMarkdown(buildResult(findings, exampleFacts()));
    assert.match(md.split('\n')[0], /— 0 Critical ·/);
    assert.deepEqual(group(md, 'Critical'), ['- None.']);
    assert.match(section(md, 'Anti-patterns'), new RegExp(`\\*\\*Removed by this change:\\*\\* dual-write: 1 removed \\(was at ${FILE}:20\\)\\.`));
  });
});

describe('renderMarkdown escaping', () => {
  it('escapes pipes in table cells so rows keep four cells', () => {
    const r = buildResult([], facts());
    r.checklists.reliability[0] = { ...r.checklists.reliability[0], evidence: 'design says `a|b` | and more' };
    const row = renderMarkdown(r).split('\n').find((l) => l.startsWith('| R1 '))!;
    assert.equal(row, '| R1 | Delivery guarantee | Open | design says `a\\|b` \\| and more |');
    assert.equal(row.split(/(?<!\\)\|/).length - 2, 4);
  });

  it('keeps user text on one line and neutralises HTML', () => {
    const findings = [
      finding({
        ruleId: 'tier-claim-unsupported',
        path: 'docs/README.md',
        line: 6,
        message: 'excerpt:\n## Fake section\n<!-- arch-review:summary -->\r\nend',
        accepted: { by: '@bob', reason: 'line one\nline two' },
      }),
    ];
    const md = renderMarkdown(buildResult(findings, facts()));
    assert.equal(md.split('\n').filter((l) => l.startsWith('## ')).length, 6);
    assert.ok(!md.includes('<!--'));
    assert.deepEqual(group(md, 'Important'), [
      '- `docs/README.md:6` — **tier-claim-unsupported** — excerpt: ## Fake section &lt;!-- arch-review:summary --> end (risk accepted by @bob: line one line two)',
    ]);
  });

  it('fences code spans around paths with backticks', () => {
    assert.equal(codeSpan('a`b.ts:1'), '``a`b.ts:1``');
    assert.equal(codeSpan('`x`'), '`` `x` ``');
    assert.equal(escapeCell('a\nb|c'), 'a b\\|c');
  });

  it('shows control characters in paths and text as visible marks, never raw', () => {
    assert.equal(codeSpan('src/\u001b[31mred\u0007.ts:1'), '`src/\u241b[31mred\u2407.ts:1`');
    assert.equal(escapeCell('tab\there\u007f\u009b'), 'tab\there\u2421\ufffd');
  });
});

describe('renderCoverageLine', () => {
  it('renders the reviewed counts and the skipped files', () => {
    const line = renderCoverageLine({
      codeFiles: ['a.ts', 'b.ts', 'c.ts'],
      artifacts: Array.from({ length: 9 }, (_, i) => `docs/${i}.md`),
      skipped: [
        { path: 'big.min.js', reason: 'too-large', detail: '5.2 MB > 1 MB' },
        { path: 'logo.png', reason: 'binary', detail: '' },
      ],
      suppressed: {},
      notes: [],
    });
    assert.equal(line, 'Coverage: 3 code files, 9 artifacts reviewed; skipped 2: big.min.js (too large, 5.2 MB > 1 MB), logo.png (binary).');
  });

  it('uses singulars, omits empty parts and lists suppressions', () => {
    const line = renderCoverageLine({
      codeFiles: ['a.ts'],
      artifacts: ['docs/x.md'],
      skipped: [],
      suppressed: { 'missing-dlq': 1, 'dual-write': 2, unused: 0 },
      notes: [],
    });
    assert.equal(line, 'Coverage: 1 code file, 1 artifact reviewed; suppressed 3: dual-write ×2, missing-dlq ×1.');
  });

  it('names up to 50 skipped files and counts the rest', () => {
    const skipped = Array.from({ length: 3_000 }, (_, i) => ({ path: `src/f${i}.ts`, side: 'head' as const, reason: 'time-budget' as const, detail: '' }));
    const line = renderCoverageLine({ codeFiles: [], artifacts: [], skipped, suppressed: {}, notes: [] });
    assert.match(line, /; skipped 3000: src\/f0\.ts \(time budget exceeded\), .*src\/f49\.ts \(time budget exceeded\) and 2950 more\.$/);
    assert.doesNotMatch(line, /src\/f50\.ts/);
  });

  it('names up to five imports it could not analyse as evidence and counts the rest', () => {
    const evidence = (n: number) => Array.from({ length: n }, (_, i) => ({ path: `lib/h${i}.ts`, reason: 'unparseable' as const, detail: '' }));
    const base = { codeFiles: ['a.ts'], artifacts: [], skipped: [], suppressed: {}, notes: [] };
    assert.equal(
      renderCoverageLine({ ...base, evidenceSkipped: [{ path: 'lib/big.ts', reason: 'too-large', detail: '2097152 bytes > 1048576' }] }),
      'Coverage: 1 code file, 0 artifacts reviewed; imports not analysed 1: lib/big.ts (too large, 2097152 bytes > 1048576).',
    );
    assert.equal(
      renderCoverageLine({ ...base, evidenceSkipped: evidence(7) }),
      'Coverage: 1 code file, 0 artifacts reviewed; imports not analysed 7: lib/h0.ts (unparseable), lib/h1.ts (unparseable), lib/h2.ts (unparseable), lib/h3.ts (unparseable), lib/h4.ts (unparseable) and 2 more.',
    );
    assert.equal(renderCoverageLine({ ...base, evidenceSkipped: [] }), 'Coverage: 1 code file, 0 artifacts reviewed.');
  });
});

describe('renderMarkdown golden', () => {
  it('renders a small code-only review exactly', () => {
    const findings = [
      finding({
        ruleId: 'dual-write',
        severity: 'Critical',
        line: 20,
        message: 'Dual-write: save then send.',
        failureModes: ['lost-publish'],
      }),
    ];
    const f = facts({
      publishes: [{ path: FILE, line: 20, library: 'kafkajs', channel: 'loyalty.points-awarded.v1' }],
      dbWrites: [{ path: FILE, line: 17, library: '@prisma/client' }],
      regionsWithWriteAndPublish: 1,
      testFiles: ['services/loyalty/test/outbox.test.ts'],
      tests: [{ path: 'services/loyalty/test/outbox.test.ts', text: "import { award } from '../src/award-consumer';\ntest('outbox row commits with the ledger row', () => {});\n" }],
      contracts: 0,
      asyncApiFiles: 0,
      schemaFiles: 0,
      writeHandlers: 0,
      streamWrites: 0,
      lockSites: 0,
      services: 1,
      features: [],
      hasDesign: false,
    });
    const r = buildResult(findings, f, {
      scope: { features: [], channels: [], codeFiles: 1, artifacts: 0, patterns: [], contracts: [] },
    });
    const expected = [
      '**Architecture review** — 1 Critical · 0 Important · 0 Suggestion · 0 System — Tier: Prototype',
      'Scope: features none; channels none; 1 code file, 0 artifacts; patterns touched: none; contracts affected: none',
      '',
      '## Findings',
      '### Critical',
      '- `services/loyalty/src/award-consumer.ts:20` — **dual-write** — Dual-write: save then send.',
      '### Important',
      '- None.',
      '### Suggestion',
      '- None.',
      '### System',
      '- None.',
      '',
      '## Reliability checklist',
      '| # | Question | Status | Evidence |',
      '| --- | --- | --- | --- |',
      '| R1 | Delivery guarantee | Open | no design in scope |',
      '| R2 | Idempotency strategy | Open | no design and no at-least-once consumer in scope to show a dedup guard |',
      '| R3 | Bad-message strategy | Open | no design and no consumer in scope to show dead-letter handling |',
      '| R4 | Retry policy | Open | no design and no retry construct in scope |',
      '| R5 | Ordering requirement | Open | no design in scope |',
      '| R6 | Schema evolution | Open | no design in scope |',
      '| R7 | Observability | Answered | no design; 1 publish(es) propagate trace context (missing-trace-context clean) |',
      '| R8 | Failure boundary | Regressed | dual-write introduced at award-consumer.ts:20; no design in scope |',
      '',
      '## Distributed-systems checklist',
      '| # | Question | Status | Evidence |',
      '| --- | --- | --- | --- |',
      '| D1 | Boundary and ownership | Open | no feature docs in scope |',
      '| D2 | Consistency model | Regressed | dual-write introduced at award-consumer.ts:20; no design, ADR or architecture doc in scope |',
      '| D3 | Scaling axis | Open | Capacity has no number; the docs name no scaling axis |',
      '| D4 | Failure mode | Open | no runbook for the feature; the docs state no timeouts, retry budget or circuit breaking |',
      '| D5 | Backpressure | Answered | n/a: the code in scope has no consumer |',
      '| D6 | Operations | Open | no feature docs in scope |',
      '',
      '## Anti-patterns',
      '- **Fired:** dual-write: 1 introduced, 0 pre-existing (first at services/loyalty/src/award-consumer.ts:20).',
      '- **Removed by this change:** none.',
      '- **Forward-looking risks:** none.',
      '- **Checked, clean:** missing trace context (traceparent, correlation / causation id), oversized broker payloads, distributed 2PC / XA, one channel with many event types.',
      '- **Not checked (no deterministic rule):** distributed monolith, autoscaling on the wrong signal, business rules in routers, cache as source of truth, active-active without conflict policy, "eventually consistent" skipping a Process Manager; n/a in scope: ack / commit before processing or auto-commit (no consumer in scope), unbounded retry (no retry construct in scope, no consumer in scope), no jitter or retrying permanent errors (no retry construct in scope), retry storm (stacked retries) (no retry construct in scope), non-idempotent consumer under at-least-once (no at-least-once consumer in scope), DLQ missing or without owner / alert / dashboard / redrive (no consumer in scope, no contract in scope), synchronous RPC chain on a write path (no write handler in scope), unbounded queues / workers / prefetch / buffers (no consumer in scope, no stream write in scope), distributed locks without fencing (no lock code in scope), shared OLTP between services (single service), schema change without compatibility check and consumer audit (no schema in scope, no contract in scope).',
      '',
      '## Failure-mode walk',
      '### 1. Lost publish — likelihood 3/3, impact 3/3',
      '- **Root cause here:** services/loyalty/src/award-consumer.ts:20 — dual-write (Critical, High): Dual-write: save then send.',
      '- **Blast radius:** tenants: not documented; compliance: not documented; cost: not documented; consumers: not documented (no feature docs in scope)',
      '- **Mitigation pattern:** Transactional Outbox plus CDC',
      '- **Required test:** kill the process between DB commit and publish — found at `services/loyalty/test/outbox.test.ts`',
      '### 2. Lost trace context — likelihood 1/3, impact 1/3',
      '- **Root cause here:** Exposure: producer at services/loyalty/src/award-consumer.ts:20; no mitigation evidence found.',
      '- **Blast radius:** tenants: not documented; compliance: not documented; cost: not documented; consumers: not documented (no feature docs in scope)',
      '- **Mitigation pattern:** Message History, W3C Trace Context',
      '- **Required test:** one trace spans producer, broker and consumer — not found',
      '',
      '## Readiness verdict',
      'Tier: Prototype (maturity level 0, below the Prototype gate: C0.1, C0.2 not met)',
      'Gaps to next tier (Service-ready):',
      '- [technical] C0.1 patterns are named — not demonstrated: no design and no `// Pattern:` comment in scope; name the patterns in the design `## Patterns` section or with `// Pattern:` comments at boundaries.',
      '- [technical] C0.2 reliability questions answered in design notes — not demonstrated: no design in scope; answer the eight reliability questions in the design, none of them "later".',
      '- [technical] C1.1 no dual-writes — award-consumer.ts:20 (dual-write); write the event to an outbox in the same transaction (or record an inbox row on the consumer side).',
      '- [technical] C1.2 every consumer side effect is keyed for idempotency — not demonstrated: no feature docs in scope; guard each side effect with an inbox row, unique constraint or upsert, and declare the contract `Idempotency key`.',
      '- [technical] C1.3 retries are bounded and back off explicitly — not demonstrated: no feature docs in scope; bound attempts, back off with jitter, and state the bound in the design `Retry` answer.',
      '- [technical] C1.4 a working dead-letter queue — not demonstrated: no feature docs in scope; route failed messages to a dead-letter channel before acknowledging, and declare the DLQ in the contract.',
      '- [technical] C1.5 every channel has a documented owner and purpose — not demonstrated: no feature docs in scope; give every produced and consumed channel a contract with `Owner` and `TL;DR`.',
      '- [system] Owner team filled — no feature docs in scope; fill it in the design System concerns and the README.',
      'README updates to consider: none.',
      '',
    ].join('\n');
    assert.equal(renderMarkdown(r), expected);
  });
});
