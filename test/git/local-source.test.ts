import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { git, GitError, isBinaryContent, type GitRunOptions } from '../../src/git/git.js';
import { createLocalGitSource, resolveBase, resolveCommit, resolveDefaultBase } from '../../src/git/local-source.js';
import { createRepoFromSnapshots, type SnapshotRepo } from '../../src/git/snapshot-repo.js';
import type { ReviewSource } from '../../src/review/source.js';

type Tree = Record<string, string | Buffer>;

const numbered = (n: number, edit: Record<number, string> = {}): string =>
  Array.from({ length: n }, (_, i) => edit[i + 1] ?? `line ${i + 1}`).join('\n') + '\n';

const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02, 0x03]);
const BINARY2 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x09, 0x09, 0x09]);
const BIG = 'x'.repeat(5000) + '\n';

const BASE_TREE: Tree = {
  'src/app.ts': numbered(20),
  'src/old-name.ts': numbered(12),
  'src2/other.ts': 'export const other = 1;\n',
  'docs/readme.md': '# Readme\n',
  'removed.ts': 'export const gone = true;\n',
  'assets/logo.png': BINARY,
  'big.txt': BIG,
};

const HEAD_TREE: Tree = {
  'src/app.ts': numbered(20, { 2: 'line 2 changed', 18: 'line 18 changed' }),
  'src/new-name.ts': numbered(12, { 6: 'line 6 renamed and edited' }),
  'src2/other.ts': 'export const other = 1;\n',
  'docs/readme.md': '# Readme\n',
  'added.ts': 'export const added = 1;\nexport const more = 2;\n',
  'dir with space/file name.ts': 'export {};\n',
  'assets/logo.png': BINARY2,
  'big.txt': BIG,
};

async function writeTree(root: string, tree: Tree): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    const full = join(root, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
}

const IDENTITY_ENV: GitRunOptions['env'] = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.invalid',
  GIT_AUTHOR_DATE: '1704153600 +0000',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.invalid',
  GIT_COMMITTER_DATE: '1704153600 +0000',
};

const cleanup: string[] = [];
let scratch: string;
let baseDir: string;
let headDir: string;

async function freshRepo(): Promise<SnapshotRepo> {
  const repo = await createRepoFromSnapshots(baseDir, headDir);
  cleanup.push(repo.dir);
  return repo;
}

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'arch-review-git-test-'));
  cleanup.push(scratch);
  baseDir = join(scratch, 'base');
  headDir = join(scratch, 'head');
  await writeTree(baseDir, BASE_TREE);
  await writeTree(headDir, HEAD_TREE);
});

after(async () => {
  await Promise.all(cleanup.map((d) => rm(d, { recursive: true, force: true })));
});

describe('createRepoFromSnapshots', () => {
  it('commits base on main and head on feature, with the work tree at head', async () => {
    const repo = await freshRepo();
    const run = { cwd: repo.dir };
    assert.match(repo.base, /^[0-9a-f]{40}$/);
    assert.equal((await git(['rev-parse', 'main'], run)).trim(), repo.base);
    assert.equal((await git(['rev-parse', 'feature'], run)).trim(), repo.head);
    assert.equal((await git(['rev-parse', `${repo.head}^`], run)).trim(), repo.base);
    assert.equal((await git(['symbolic-ref', '--short', 'HEAD'], run)).trim(), 'feature');
    assert.equal(await readFile(join(repo.dir, 'added.ts'), 'utf8'), HEAD_TREE['added.ts']);
    await assert.rejects(readFile(join(repo.dir, 'removed.ts')));
    assert.equal((await git(['log', '-1', '--format=%an <%ae>', 'main'], run)).trim(), 'arch-review <arch-review@example.invalid>');
  });

  it('gives the same SHAs for the same snapshots', async () => {
    const a = await freshRepo();
    const b = await freshRepo();
    assert.notEqual(a.dir, b.dir);
    assert.equal(a.base, b.base);
    assert.equal(a.head, b.head);
  });

  it('commits files a snapshot .gitignore would exclude, and skips a nested .git', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arch-review-git-test-'));
    cleanup.push(dir);
    await writeTree(join(dir, 'b'), { '.gitignore': '*.log\n', 'keep.log': 'kept\n', '.git/HEAD': 'not a repo\n' });
    await writeTree(join(dir, 'h'), { '.gitignore': '*.log\n', 'keep.log': 'kept too\n' });
    const repo = await createRepoFromSnapshots(join(dir, 'b'), join(dir, 'h'), { dir: join(dir, 'repo') });
    assert.equal(repo.dir, join(dir, 'repo'));
    const source = await createLocalGitSource({ repo: repo.dir, base: repo.base, head: repo.head });
    assert.deepEqual(await source.listPaths('base', ''), ['.gitignore', 'keep.log']);
    assert.deepEqual(
      (await source.changedFiles()).map((f) => [f.path, f.status]),
      [['keep.log', 'modified']],
    );
  });

  it('refuses a non-empty target directory and a missing snapshot', async () => {
    await assert.rejects(createRepoFromSnapshots(baseDir, headDir, { dir: scratch }), /not empty/);
    await assert.rejects(createRepoFromSnapshots(join(scratch, 'nope'), headDir), /Base snapshot is not a directory/);
  });
});

describe('createLocalGitSource', () => {
  let repo: SnapshotRepo;
  let source: ReviewSource;

  before(async () => {
    repo = await freshRepo();
    source = await createLocalGitSource({ repo: repo.dir, base: 'main', head: 'feature' });
  });

  it('resolves refs to commit SHAs', () => {
    assert.equal(source.baseRef, repo.base);
    assert.equal(source.headRef, repo.head);
  });

  it('reports every changed file with its status', async () => {
    const files = await source.changedFiles();
    const summary = files.map((f) => [f.path, f.status, f.previousPath ?? null]).sort();
    assert.deepEqual(summary, [
      ['added.ts', 'added', null],
      ['assets/logo.png', 'modified', null],
      ['dir with space/file name.ts', 'added', null],
      ['removed.ts', 'removed', null],
      ['src/app.ts', 'modified', null],
      ['src/new-name.ts', 'renamed', 'src/old-name.ts'],
    ]);
  });

  it('reports hunks with exact added and deleted line numbers', async () => {
    const files = await source.changedFiles();
    const app = files.find((f) => f.path === 'src/app.ts')!;
    assert.equal(app.hasPatch, true);
    assert.deepEqual(app.hunks, [
      { oldStart: 1, oldLines: 5, newStart: 1, newLines: 5, added: [2], deleted: [2] },
      { oldStart: 15, oldLines: 6, newStart: 15, newLines: 6, added: [18], deleted: [18] },
    ]);
    const renamed = files.find((f) => f.path === 'src/new-name.ts')!;
    assert.deepEqual(renamed.hunks.flatMap((h) => h.added), [6]);
    const added = files.find((f) => f.path === 'added.ts')!;
    assert.deepEqual(added.hunks.flatMap((h) => h.added), [1, 2]);
    const removed = files.find((f) => f.path === 'removed.ts')!;
    assert.deepEqual(removed.hunks.flatMap((h) => h.deleted), [1]);
  });

  it('marks binary changes as binary without a patch', async () => {
    const logo = (await source.changedFiles()).find((f) => f.path === 'assets/logo.png')!;
    assert.equal(logo.binary, true);
    assert.equal(logo.hasPatch, false);
    assert.deepEqual(logo.hunks, []);
  });

  it('reads base and head contents', async () => {
    assert.deepEqual(await source.readFile('base', 'src/app.ts', 1_000_000), {
      ok: true,
      text: BASE_TREE['src/app.ts'],
      bytes: Buffer.byteLength(BASE_TREE['src/app.ts']),
    });
    const head = await source.readFile('head', 'src/app.ts', 1_000_000);
    assert.equal(head.ok && head.text, HEAD_TREE['src/app.ts']);
    const spaced = await source.readFile('head', 'dir with space/file name.ts', 1000);
    assert.equal(spaced.ok && spaced.text, 'export {};\n');
  });

  it('reports missing files, including directories and the wrong side', async () => {
    assert.deepEqual(await source.readFile('base', 'added.ts', 1000), { ok: false, reason: 'missing' });
    assert.deepEqual(await source.readFile('head', 'removed.ts', 1000), { ok: false, reason: 'missing' });
    assert.deepEqual(await source.readFile('head', 'src', 1000), { ok: false, reason: 'missing' });
    assert.deepEqual(await source.readFile('head', 'no/such/file.ts', 1000), { ok: false, reason: 'missing' });
  });

  it('reports too-large files with their size, without reading them', async () => {
    assert.deepEqual(await source.readFile('head', 'big.txt', 100), { ok: false, reason: 'too-large', bytes: 5001 });
    const exact = await source.readFile('head', 'big.txt', 5001);
    assert.equal(exact.ok, true);
  });

  it('reports binary files', async () => {
    assert.deepEqual(await source.readFile('base', 'assets/logo.png', 1000), {
      ok: false,
      reason: 'binary',
      bytes: BINARY.length,
    });
  });

  it('lists blob paths under a prefix, sorted, on each side', async () => {
    assert.deepEqual(await source.listPaths('head', 'src'), ['src/app.ts', 'src/new-name.ts']);
    assert.deepEqual(await source.listPaths('base', 'src/'), ['src/app.ts', 'src/old-name.ts']);
    assert.deepEqual(await source.listPaths('head', 'dir with space'), ['dir with space/file name.ts']);
    assert.deepEqual(await source.listPaths('head', 'nothing-here'), []);
    assert.deepEqual(await source.listPaths('base', ''), [
      'assets/logo.png',
      'big.txt',
      'docs/readme.md',
      'removed.ts',
      'src/app.ts',
      'src/old-name.ts',
      'src2/other.ts',
    ]);
  });

  it('reads through a subdirectory of the work tree with repository-relative paths', async () => {
    const sub = await createLocalGitSource({ repo: join(repo.dir, 'src'), base: repo.base, head: repo.head });
    assert.deepEqual(await sub.listPaths('head', 'docs'), ['docs/readme.md']);
    const read = await sub.readFile('head', 'docs/readme.md', 1000);
    assert.equal(read.ok && read.text, '# Readme\n');
    assert.deepEqual(
      (await sub.changedFiles()).map((f) => f.path).sort(),
      (await source.changedFiles()).map((f) => f.path).sort(),
    );
  });

  it('skips submodule gitlinks in listings and reads them as missing', async () => {
    const r = await freshRepo();
    const run = { cwd: r.dir, env: IDENTITY_ENV };
    await git(['update-index', '--add', '--cacheinfo', `160000,${r.base},vendor/sub`], run);
    const tree = (await git(['write-tree'], run)).trim();
    const commit = (await git(['commit-tree', tree, '-p', r.head, '-m', 'add submodule'], run)).trim();
    const s = await createLocalGitSource({ repo: r.dir, base: r.head, head: commit });
    assert.equal((await s.listPaths('head', '')).includes('vendor/sub'), false);
    assert.deepEqual(await s.readFile('head', 'vendor/sub', 1000), { ok: false, reason: 'missing' });
  });

  it('rejects unknown refs with a clear message', async () => {
    await assert.rejects(
      createLocalGitSource({ repo: repo.dir, base: 'no-such-branch', head: 'feature' }),
      (err: Error) => {
        assert.ok(err instanceof GitError);
        assert.match(err.message, /Unknown git ref "no-such-branch"/);
        assert.ok(err.message.includes(repo.dir));
        return true;
      },
    );
    await assert.rejects(resolveCommit(repo.dir, '--output=/tmp/x'), /Unknown git ref "--output=\/tmp\/x"/);
    await assert.rejects(resolveCommit(repo.dir, ''), /Empty git ref/);
  });

  it('rejects a directory that is not a repository', async () => {
    const plain = await mkdtemp(join(tmpdir(), 'arch-review-not-git-'));
    cleanup.push(plain);
    await assert.rejects(createLocalGitSource({ repo: plain, base: 'main', head: 'feature' }), /Not a git repository/);
  });
});

describe('resolveDefaultBase', () => {
  it('finds the merge-base with main after main has moved on', async () => {
    const r = await freshRepo();
    const run = { cwd: r.dir, env: IDENTITY_ENV };
    const tree = (await git(['rev-parse', `${r.base}^{tree}`], run)).trim();
    const moved = (await git(['commit-tree', tree, '-p', r.base, '-m', 'main moves on'], run)).trim();
    await git(['update-ref', 'refs/heads/main', moved], run);
    assert.equal((await resolveDefaultBase(r.dir, 'feature')).sha, r.base);
  });

  it('prefers origin/HEAD over local main', async () => {
    const r = await freshRepo();
    const run = { cwd: r.dir };
    // origin's default branch already contains the feature commit, so its merge-base is head.
    await git(['update-ref', 'refs/remotes/origin/main', r.head], run);
    await git(['symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main'], run);
    assert.equal((await resolveDefaultBase(r.dir, 'feature')).sha, r.head);
  });

  it('prefers origin/main over a local main left behind it (the closest merge-base wins), and says which', async () => {
    const r = await freshRepo();
    const run = { cwd: r.dir, env: IDENTITY_ENV };
    // origin/main gained a teammate's commit and the feature was rebased on it; local main is stale.
    const tree = (await git(['rev-parse', `${r.base}^{tree}`], run)).trim();
    const teammate = (await git(['commit-tree', tree, '-p', r.base, '-m', 'teammate'], run)).trim();
    const feature = (await git(['commit-tree', (await git(['rev-parse', `${r.head}^{tree}`], run)).trim(), '-p', teammate, '-m', 'feature'], run)).trim();
    await git(['update-ref', 'refs/remotes/origin/main', teammate], run);
    await git(['update-ref', 'refs/heads/feature', feature], run);
    assert.deepEqual(await resolveDefaultBase(r.dir, 'feature'), { sha: teammate, ref: 'origin/main' });
  });

  it('on a local main ahead of origin/main, the unpushed commits are reviewed (main is no base for itself)', async () => {
    const r = await freshRepo();
    const run = { cwd: r.dir };
    await git(['update-ref', 'refs/remotes/origin/main', r.base], run);
    await git(['update-ref', 'refs/heads/main', r.head], run);
    assert.deepEqual(await resolveDefaultBase(r.dir, 'main'), { sha: r.base, ref: 'origin/main' });
    // With no other candidate, the branch itself is all there is: an empty change, as before.
    await git(['update-ref', '-d', 'refs/remotes/origin/main'], run);
    assert.deepEqual(await resolveDefaultBase(r.dir, 'main'), { sha: r.head, ref: 'main' });
  });

  it('--base REF is the merge-base of REF with head, not REF\'s tip', async () => {
    const r = await freshRepo();
    const run = { cwd: r.dir, env: IDENTITY_ENV };
    const tree = (await git(['rev-parse', `${r.base}^{tree}`], run)).trim();
    const moved = (await git(['commit-tree', tree, '-p', r.base, '-m', 'main moves on'], run)).trim();
    await git(['update-ref', 'refs/heads/main', moved], run);
    assert.deepEqual(await resolveBase(r.dir, 'main', 'feature'), { sha: r.base, ref: 'main' });
    const orphan = (await git(['commit-tree', tree, '-m', 'unrelated history'], run)).trim();
    await assert.rejects(resolveBase(r.dir, orphan, 'feature'), /share no commit/);
  });

  it('falls back to master and lists what it tried when nothing matches', async () => {
    const r = await freshRepo();
    const run = { cwd: r.dir };
    await git(['branch', '-m', 'main', 'master'], run);
    assert.equal((await resolveDefaultBase(r.dir, 'feature')).sha, r.base);
    await git(['branch', '-m', 'master', 'trunk'], run);
    await assert.rejects(resolveDefaultBase(r.dir, 'feature'), (err: Error) => {
      for (const name of ['refs/remotes/origin/HEAD', 'main', 'master', 'origin/main', 'origin/master']) {
        assert.ok(err.message.includes(name), `message names ${name}: ${err.message}`);
      }
      return true;
    });
  });
});

describe('git runner', () => {
  it('turns failures into GitError with the first stderr line', async () => {
    await assert.rejects(git(['rev-parse', '--verify', 'definitely-not-a-ref'], { cwd: scratch }), (err: Error) => {
      assert.ok(err instanceof GitError);
      assert.equal(err.exitCode, 128);
      assert.match(err.message, /^git rev-parse failed \(exit 128\): fatal: /);
      assert.equal(err.message.includes('\n'), false);
      return true;
    });
  });

  it('says when the working directory does not exist', async () => {
    await assert.rejects(git(['status'], { cwd: join(scratch, 'missing-dir') }), /directory does not exist/);
  });

  it('detects binary content the way git does', () => {
    const text = Buffer.alloc(9000, 0x61);
    assert.equal(isBinaryContent(text), false);
    text[7999] = 0;
    assert.equal(isBinaryContent(text), true);
    text[7999] = 0x61;
    text[8000] = 0;
    assert.equal(isBinaryContent(text), false);
    assert.equal(isBinaryContent(Buffer.alloc(0)), false);
  });
});

describe('reading many files at once', () => {
  it('answers each concurrent read with its own blob, through batched reads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arch-review-git-test-'));
    cleanup.push(dir);
    const files: Record<string, string | Buffer> = {};
    for (let i = 0; i < 120; i++) files[`src/f${i}.ts`] = `export const v${i} = ${i};\n`.repeat(i % 7);
    // Content that looks like cat-file's own headers, an empty file, a binary, two identical blobs.
    files['src/header-like.ts'] = `${'a'.repeat(40)} blob 12\nnot a header\n`;
    files['src/empty.ts'] = '';
    files['src/binary.ts'] = BINARY;
    files['src/same-a.ts'] = 'export const same = 1;\n';
    files['src/same-b.ts'] = 'export const same = 1;\n';
    await writeTree(join(dir, 'b'), { 'README.md': '# x\n' });
    await writeTree(join(dir, 'h'), files);
    const repo = await createRepoFromSnapshots(join(dir, 'b'), join(dir, 'h'), { dir: join(dir, 'repo') });
    const source = await createLocalGitSource({ repo: repo.dir, base: repo.base, head: repo.head });
    const paths = [...Object.keys(files), 'src/missing.ts', 'src'];
    const reads = await Promise.all(paths.map((p) => source.readFile('head', p, 1024 * 1024)));
    for (const [i, path] of paths.entries()) {
      const read = reads[i]!;
      const want = files[path];
      if (want === undefined) assert.deepEqual(read, { ok: false, reason: 'missing' }, path);
      else if (Buffer.isBuffer(want)) assert.deepEqual(read, { ok: false, reason: 'binary', bytes: want.length }, path);
      else assert.deepEqual(read, { ok: true, text: want, bytes: Buffer.byteLength(want) }, path);
    }
    assert.deepEqual(await source.readFile('base', 'src/f1.ts', 1024), { ok: false, reason: 'missing' });
  });
});
