import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baselineEntries, parseBaseline, readBaseline, serializeBaseline } from '../../src/review/baseline.js';
import type { Finding } from '../../src/review/types.js';

const print = (c: string) => c.repeat(40);
const finding = (fingerprint: string, path: string, ruleId: string, status: Finding['status'] = 'introduced') =>
  ({ fingerprint, ruleId, status, message: 'm'.repeat(200), location: { path, startLine: 1, endLine: 1 } }) as Finding;

describe('the baseline file', () => {
  it('round-trips: one sorted entry per fingerprint, removed findings left out, messages shortened', () => {
    const text = serializeBaseline(baselineEntries([
      finding(print('b'), 'src/z.ts', 'dual-write'),
      finding(print('a'), 'src/a.ts', 'missing-dlq'),
      finding(print('a'), 'src/a.ts', 'missing-dlq'),
      finding(print('c'), 'src/b.ts', 'dual-write', 'removed'),
    ]));
    const parsed = parseBaseline(text);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.entries.map((e) => [e.path, e.fingerprint[0]]), [['src/a.ts', 'a'], ['src/z.ts', 'b']]);
    assert.equal(parsed.entries[0]!.message!.length, 160);
    assert.ok(text.endsWith('}\n'));
  });

  it('names what is wrong with a broken file, and applies nothing', async () => {
    assert.deepEqual(parseBaseline('{'), { ok: false, message: `.github/arch-review-baseline.json: not JSON (${(() => { try { JSON.parse('{'); } catch (e) { return (e as Error).message; } return ''; })()})` });
    const bad = parseBaseline(JSON.stringify({ version: 1, findings: [{ fingerprint: 'abc', ruleId: 'x', path: 'y' }] }));
    assert.equal(bad.ok, false);
    assert.match((bad as { message: string }).message, /findings\.0\.fingerprint: a fingerprint is 40 hexadecimal characters/);
    const extra = parseBaseline(JSON.stringify({ version: 1, findings: [], note: 'x' }));
    assert.equal(extra.ok, false);
    const read = (result: Awaited<ReturnType<Parameters<typeof readBaseline>[0]['readFile']>>) => readBaseline({ readFile: async () => result }, 'base');
    assert.deepEqual(await read({ ok: false, reason: 'missing' }), { fingerprints: new Set(), note: null });
    assert.match((await read({ ok: false, reason: 'too-large', bytes: 5_000_000 })).note!, /^baseline not applied: \.github\/arch-review-baseline\.json is too large to read \(5000000 bytes\)$/);
    assert.match((await read({ ok: true, text: '[]', bytes: 2 })).note!, /^baseline not applied: \.github\/arch-review-baseline\.json: \(root\): /);
    const good = await read({ ok: true, text: serializeBaseline(baselineEntries([finding(print('d'), 'a.ts', 'r')])), bytes: 1 });
    assert.deepEqual([...good.fingerprints], [print('d')]);
  });
});
