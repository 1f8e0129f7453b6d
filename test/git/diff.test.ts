import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedFilesFromUnifiedDiff, hunksFromPatch } from '../../src/git/diff.js';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

describe('changedFilesFromUnifiedDiff', () => {
  it('returns nothing for empty input', () => {
    assert.deepEqual(changedFilesFromUnifiedDiff(''), []);
    assert.deepEqual(changedFilesFromUnifiedDiff('\n'), []);
  });

  it('reads a modified file with two hunks and exact line numbers', () => {
    const diff = lines(
      'diff --git a/src/app.ts b/src/app.ts',
      'index 1111111..2222222 100644',
      '--- a/src/app.ts',
      '+++ b/src/app.ts',
      '@@ -1,5 +1,6 @@',
      ' line1',
      '-line2',
      '+line2 changed',
      '+line2b',
      ' line3',
      ' line4',
      ' line5',
      '@@ -20,4 +21,3 @@ export function tail() {',
      ' line20',
      '-line21',
      '-line22',
      '+line21 new',
      ' line23',
    );
    const [file, ...rest] = changedFilesFromUnifiedDiff(diff);
    assert.equal(rest.length, 0);
    assert.equal(file.path, 'src/app.ts');
    assert.equal(file.status, 'modified');
    assert.equal(file.previousPath, undefined);
    assert.equal(file.hasPatch, true);
    assert.equal(file.binary, undefined);
    assert.deepEqual(file.hunks, [
      { oldStart: 1, oldLines: 5, newStart: 1, newLines: 6, added: [2, 3], deleted: [2] },
      { oldStart: 20, oldLines: 4, newStart: 21, newLines: 3, added: [22], deleted: [21, 22] },
    ]);
  });

  it('reads added and removed files against /dev/null', () => {
    const diff = lines(
      'diff --git a/new.ts b/new.ts',
      'new file mode 100644',
      'index 0000000..3333333',
      '--- /dev/null',
      '+++ b/new.ts',
      '@@ -0,0 +1,3 @@',
      '+a',
      '+b',
      '+c',
      'diff --git a/old.ts b/old.ts',
      'deleted file mode 100644',
      'index 4444444..0000000',
      '--- a/old.ts',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
      '-x',
      '-y',
    );
    const files = changedFilesFromUnifiedDiff(diff);
    assert.deepEqual(
      files.map((f) => [f.path, f.status]),
      [
        ['new.ts', 'added'],
        ['old.ts', 'removed'],
      ],
    );
    assert.deepEqual(files[0].hunks[0].added, [1, 2, 3]);
    assert.deepEqual(files[0].hunks[0].deleted, []);
    assert.deepEqual(files[1].hunks[0].deleted, [1, 2]);
    assert.deepEqual(files[1].hunks[0].added, []);
  });

  it('reads an added empty file, which has no ---/+++ lines', () => {
    const files = changedFilesFromUnifiedDiff(
      lines('diff --git a/empty.txt b/empty.txt', 'new file mode 100644', 'index 0000000..e69de29'),
    );
    assert.deepEqual(files, [{ path: 'empty.txt', status: 'added', hunks: [], hasPatch: true }]);
  });

  it('reads renames with and without content changes', () => {
    const diff = lines(
      'diff --git a/src/old name.ts b/src/new name.ts',
      'similarity index 90%',
      'rename from src/old name.ts',
      'rename to src/new name.ts',
      'index 5555555..6666666 100644',
      '--- a/src/old name.ts\t',
      '+++ b/src/new name.ts\t',
      '@@ -3,3 +3,3 @@',
      ' k',
      '-l',
      '+L',
      ' m',
      'diff --git a/a.ts b/lib/a.ts',
      'similarity index 100%',
      'rename from a.ts',
      'rename to lib/a.ts',
    );
    const files = changedFilesFromUnifiedDiff(diff);
    assert.equal(files.length, 2);
    assert.equal(files[0].status, 'renamed');
    assert.equal(files[0].path, 'src/new name.ts');
    assert.equal(files[0].previousPath, 'src/old name.ts');
    assert.deepEqual(files[0].hunks[0].added, [4]);
    assert.deepEqual(files[0].hunks[0].deleted, [4]);
    assert.deepEqual(files[1], { path: 'lib/a.ts', previousPath: 'a.ts', status: 'renamed', hunks: [], hasPatch: true });
  });

  it('marks binary entries as binary without a patch', () => {
    const diff = lines(
      'diff --git a/img/logo.png b/img/logo.png',
      'index 7777777..8888888 100644',
      'Binary files a/img/logo.png and b/img/logo.png differ',
      'diff --git a/img/new icon.png b/img/new icon.png',
      'new file mode 100644',
      'index 0000000..9999999',
      'Binary files /dev/null and b/img/new icon.png differ',
      'diff --git a/gone.bin b/gone.bin',
      'deleted file mode 100644',
      'index aaaaaaa..0000000',
      'Binary files a/gone.bin and /dev/null differ',
    );
    assert.deepEqual(changedFilesFromUnifiedDiff(diff), [
      { path: 'img/logo.png', status: 'modified', hunks: [], hasPatch: false, binary: true },
      { path: 'img/new icon.png', status: 'added', hunks: [], hasPatch: false, binary: true },
      { path: 'gone.bin', status: 'removed', hunks: [], hasPatch: false, binary: true },
    ]);
  });

  it('marks a `GIT binary patch` entry as binary', () => {
    const diff = lines(
      'diff --git a/f.bin b/f.bin',
      'index 1234567..89abcde 100644',
      'GIT binary patch',
      'literal 3',
      'KcmZQzWME|d00003',
      '',
      'literal 0',
      'HcmV?d00001',
      '',
    );
    assert.deepEqual(changedFilesFromUnifiedDiff(diff), [
      { path: 'f.bin', status: 'modified', hunks: [], hasPatch: false, binary: true },
    ]);
  });

  it('unquotes C-quoted paths, including octal UTF-8 bytes and escaped quotes', () => {
    const diff = lines(
      'diff --git "a/x y.ts" "b/x y.ts"',
      'index 1111111..2222222 100644',
      '--- "a/x y.ts"',
      '+++ "b/x y.ts"',
      '@@ -1 +1 @@',
      '-a',
      '+b',
      'diff --git "a/src/caf\\303\\251.ts" "b/src/caf\\303\\251.ts"',
      'new file mode 100644',
      'index 0000000..2222222',
      '--- /dev/null',
      '+++ "b/src/caf\\303\\251.ts"',
      '@@ -0,0 +1 @@',
      '+x',
      'diff --git "a/q\\"uote.ts" "b/q\\"uote.ts"',
      'deleted file mode 100644',
      'index 2222222..0000000',
      '--- "a/q\\"uote.ts"',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-x',
      'diff --git "a/tab\\there.bin" "b/tab\\there.bin"',
      'index 1111111..2222222 100644',
      'Binary files "a/tab\\there.bin" and "b/tab\\there.bin" differ',
    );
    assert.deepEqual(
      changedFilesFromUnifiedDiff(diff).map((f) => [f.path, f.status]),
      [
        ['x y.ts', 'modified'],
        ['src/café.ts', 'added'],
        ['q"uote.ts', 'removed'],
        ['tab\there.bin', 'modified'],
      ],
    );
  });

  it('reads unquoted paths with spaces from the diff --git line when there is no ---/+++', () => {
    const files = changedFilesFromUnifiedDiff(
      lines('diff --git a/dir b/x b/dir b/x', 'old mode 100644', 'new mode 100755'),
    );
    assert.deepEqual(files, [{ path: 'dir b/x', status: 'modified', hunks: [], hasPatch: true }]);
  });

  it('reads quoted rename from/to lines', () => {
    const files = changedFilesFromUnifiedDiff(
      lines(
        'diff --git "a/\\303\\244.md" b/plain.md',
        'similarity index 100%',
        'rename from "\\303\\244.md"',
        'rename to plain.md',
      ),
    );
    assert.equal(files[0].previousPath, 'ä.md');
    assert.equal(files[0].path, 'plain.md');
  });

  it('does not count "\\ No newline at end of file" as a line', () => {
    const diff = lines(
      'diff --git a/n.txt b/n.txt',
      'index 1111111..2222222 100644',
      '--- a/n.txt',
      '+++ b/n.txt',
      '@@ -1,2 +1,2 @@',
      ' a',
      '-b',
      '\\ No newline at end of file',
      '+c',
      '\\ No newline at end of file',
      'diff --git a/m.txt b/m.txt',
      'index 1111111..2222222 100644',
      '--- a/m.txt',
      '+++ b/m.txt',
      '@@ -1 +1,2 @@',
      ' a',
      '+z',
    );
    const files = changedFilesFromUnifiedDiff(diff);
    assert.equal(files.length, 2);
    assert.deepEqual(files[0].hunks[0].added, [2]);
    assert.deepEqual(files[0].hunks[0].deleted, [2]);
    assert.deepEqual(files[1].hunks[0].added, [2]);
  });

  it('keeps a deleted "-- comment" line (shown as "--- comment") inside its hunk', () => {
    const diff = lines(
      '--- a/schema.sql',
      '+++ b/schema.sql',
      '@@ -1,3 +1,2 @@',
      '--- drop me',
      '-+++ and me',
      '+select 1;',
      ' end',
      '--- a/other.sql',
      '+++ b/other.sql',
      '@@ -4 +4 @@',
      '-x',
      '+y',
    );
    const files = changedFilesFromUnifiedDiff(diff);
    assert.deepEqual(
      files.map((f) => f.path),
      ['schema.sql', 'other.sql'],
    );
    assert.deepEqual(files[0].hunks[0].deleted, [1, 2]);
    assert.deepEqual(files[0].hunks[0].added, [1]);
    assert.deepEqual(files[1].hunks[0].added, [4]);
  });

  it('reads a plain diff -u with timestamps', () => {
    const diff = lines(
      '--- old/a.txt\t2024-01-01 00:00:00.000000000 +0000',
      '+++ new/a.txt\t2024-01-02 00:00:00.000000000 +0000',
      '@@ -1 +1 @@',
      '-1',
      '+2',
    );
    const [file] = changedFilesFromUnifiedDiff(diff);
    assert.equal(file.path, 'new/a.txt');
    assert.equal(file.status, 'modified');
    assert.deepEqual(file.hunks[0].added, [1]);
  });

  it('tolerates CRLF line endings in headers', () => {
    const diff = ['diff --git a/w.ts b/w.ts', 'index 1..2 100644', '--- a/w.ts', '+++ b/w.ts', '@@ -1 +1 @@', '-a', '+b', ''].join(
      '\r\n',
    );
    const [file] = changedFilesFromUnifiedDiff(diff);
    assert.equal(file.path, 'w.ts');
    assert.deepEqual(file.hunks[0].added, [1]);
  });
});

describe('hunksFromPatch', () => {
  it('reads a GitHub-style patch that has hunks but no file headers', () => {
    const patch = [
      '@@ -10,7 +10,8 @@ export class Orders {',
      '   a',
      '   b',
      '   c',
      '-  d',
      '+  d2',
      '+  d3',
      '   e',
      '   f',
      '   g',
      '@@ -40,3 +41,2 @@ function x() {',
      '   p',
      '-  q',
      '   r',
    ].join('\n');
    assert.deepEqual(hunksFromPatch(patch), [
      { oldStart: 10, oldLines: 7, newStart: 10, newLines: 8, added: [13, 14], deleted: [13] },
      { oldStart: 40, oldLines: 3, newStart: 41, newLines: 2, added: [], deleted: [41] },
    ]);
  });

  it('returns no hunks for an empty or missing patch', () => {
    assert.deepEqual(hunksFromPatch(''), []);
    assert.deepEqual(hunksFromPatch(undefined), []);
    assert.deepEqual(hunksFromPatch(null), []);
  });

  it('handles single-line counts omitted from the hunk header', () => {
    assert.deepEqual(hunksFromPatch('@@ -3 +3,2 @@\n-old\n+new\n+newer\n\\ No newline at end of file'), [
      { oldStart: 3, oldLines: 1, newStart: 3, newLines: 2, added: [3, 4], deleted: [3] },
    ]);
  });
});
