// Base versions rebuilt from head + patch must equal git's own base, byte for byte.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { reversePatch } from '../../src/github/reverse-patch.js';
import { FixtureRepo } from '../simulator/fixture-repo.js';

describe('reversePatch', () => {
  let repo: FixtureRepo;
  before(async () => {
    repo = await FixtureRepo.create();
  });
  after(() => repo?.remove());

  const lines = (n: number, tag = '') => Array.from({ length: n }, (_, i) => `line ${i + 1}${tag}`).join('\n');
  const cases: [string, string, string][] = [
    ['edit in the middle', `${lines(40)}\n`, `${lines(40).replace('line 20', 'line twenty')}\n`],
    ['several hunks', `${lines(80)}\n`, `${lines(80).replace('line 3\n', '').replace('line 50', 'x\ny\nline 50')}\n`],
    ['append at the end', `${lines(5)}\n`, `${lines(5)}\nline 6\n`],
    ['newline added at end of file', lines(5), `${lines(5)}\n`],
    ['newline removed at end of file', `${lines(5)}\n`, lines(5)],
    ['last line changed without final newline', lines(5), lines(5).replace('line 5', 'five')],
    ['delete the start', `${lines(10)}\n`, `${lines(10).split('\n').slice(4).join('\n')}\n`],
    ['whole file replaced', `${lines(3, 'a')}\n`, `${lines(4, 'b')}\n`],
    ['removed file', `${lines(3)}\n`, ''],
    ['lines that look like diff syntax', '-- a\n++ b\n@@ c\n\\ d\n', '-- a\n++ b changed\n@@ c\n\\ d\n'],
  ];

  for (const [name, baseText, headText] of cases) {
    it(name, async () => {
      const base = await repo.commit({ 'f.txt': baseText });
      const head = await repo.commit(headText === '' ? {} : { 'f.txt': headText }, base);
      const file = (await repo.pullFiles(base, head)).find((f) => f.filename === 'f.txt')!;
      assert.ok(file.patch, 'git produced a patch');
      assert.equal(reversePatch(headText, file.patch), baseText);
    });
  }

  it('refuses a patch that does not fit the head text', () => {
    assert.equal(reversePatch('a\nb\nc\n', '@@ -1,3 +1,3 @@\n a\n-x\n+y\n c'), null);
  });
});
