// The preview's branches that the App tests do not reach: a removed file, an unreadable one, and a
// proposed review that fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { previewProposedConfig, type ConfigPreviewInput } from '../../src/app/config-preview.js';
import { CONFIG_PATH, parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { ReviewResult } from '../../src/review/types.js';

const strict = parseConfig('gate:\n  failOn: [Critical, Important]\n');
if (!strict.ok) throw new Error('fixture config');
const now = { gate: { conclusion: 'failure' as const, reason: '1 gating finding (1 missing-dlq); first at src/a.ts:3' }, findings: [{}, {}] as ReviewResult['findings'] };

function input(over: Partial<ConfigPreviewInput>): ConfigPreviewInput {
  return {
    source: { readFile: async () => ({ ok: true, text: '', bytes: 0 }) },
    changed: [{ path: CONFIG_PATH, status: 'removed', hunks: [], hasPatch: true }],
    current: strict.ok ? strict.config : ({} as Config),
    defaultBranch: 'main',
    knownRuleIds: ['missing-dlq'],
    now,
    review: async () => ({ gate: { conclusion: 'success', reason: 'no gating finding' }, findings: [{}, {}] }) as unknown as ReviewResult,
    ...over,
  };
}

describe('previewProposedConfig', () => {
  it('says nothing when the configuration file is not in the pull request', async () => {
    assert.equal(await previewProposedConfig(input({ changed: [{ path: 'src/a.ts', status: 'modified', hunks: [], hasPatch: true }] })), null);
  });

  it('previews the defaults when the pull request removes the file', async () => {
    const seen: Config[] = [];
    const note = await previewProposedConfig(input({ review: async (c) => (seen.push(c), { gate: { conclusion: 'success', reason: 'no gating finding' }, findings: [{}] } as unknown as ReviewResult) }));
    assert.deepEqual(seen[0]!.gate.failOn, ['Critical']);
    assert.match(note!, /with the proposed file \(the file is removed or empty, so the defaults apply\) the gate would be \*\*success\*\* \(no gating finding\), with 1 finding \(now 2\)\.$/);
  });

  it("reviews with a pull request's own patterns and globs, which are matched in linear time", async () => {
    const modified = [{ path: CONFIG_PATH, status: 'modified' as const, hunks: [], hasPatch: true }];
    const seen: Config[] = [];
    const note = await previewProposedConfig(input({
      changed: modified,
      source: { readFile: async () => ({ ok: true, text: 'gate:\n  failOn: [Critical, Important]\npatterns:\n  outboxTable: "(a+)+$"\nfeatures:\n  orders: ["services/**/**/**/x"]\n', bytes: 90 }) },
      review: async (c) => (seen.push(c), { gate: { conclusion: 'success', reason: 'no gating finding' }, findings: [] } as unknown as ReviewResult),
    }));
    assert.equal(seen[0]!.patterns.outboxTable, '(a+)+$');
    assert.deepEqual(seen[0]!.features, { orders: ['services/**/**/**/x'] });
    assert.match(note!, /with the proposed file the gate would be \*\*success\*\* \(no gating finding\), with 0 findings \(now 2\)\.$/);
    // A pattern RE2 cannot match in linear time is invalid before it could ever run.
    const lookbehind = await previewProposedConfig(input({
      changed: modified,
      source: { readFile: async () => ({ ok: true, text: 'patterns:\n  outboxTable: "(?<!legacy_)outbox"\n', bytes: 40 }) },
      review: async () => { throw new Error('must not run'); },
    }));
    assert.match(lookbehind!, /the proposed file is invalid .*patterns\.outboxTable is not a valid regular expression: .*RE2 syntax/);
    // Over the size limit is what would stop every review once merged: invalid, not unreadable.
    const big = await previewProposedConfig(input({ changed: modified, source: { readFile: async () => ({ ok: false, reason: 'too-large', bytes: 70_000 }) } }));
    assert.match(big!, /the proposed file is invalid and, once merged, every review would stop with a configuration error: \.github\/arch-review\.yml in this pull request: file is larger than 64 KiB$/);
  });

  it('names a proposed file it cannot read, and a proposed review that fails', async () => {
    const modified = [{ path: CONFIG_PATH, status: 'modified' as const, hunks: [], hasPatch: true }];
    const unreadable = await previewProposedConfig(input({ changed: modified, source: { readFile: async () => ({ ok: false, reason: 'binary' }) } }));
    assert.match(unreadable!, /the proposed file could not be read \(binary\), so it was not checked\.$/);
    const failing = await previewProposedConfig(input({
      changed: modified,
      source: { readFile: async () => ({ ok: true, text: 'gate:\n  minPrecision: High\n', bytes: 26 }) },
      review: async () => { throw new Error('GitHub answered 502\nstack'); },
    }));
    assert.match(failing!, /the proposed file is valid; reviewing with it failed \(GitHub answered 502\)\.$/);
  });
});
