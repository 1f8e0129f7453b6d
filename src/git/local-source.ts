// ReviewSource over a local repository, for the CLI. Both sides are read from commit objects, never
// from the work tree, so uncommitted edits do not leak into a review.
import type { ChangedFile, ReadResult, ReviewSource } from '../review/source.js';
import type { Side } from '../review/types.js';
import { changedFilesFromUnifiedDiff } from './diff.js';
import { git, gitBuffer, GitError, isBinaryContent, type GitRunOptions } from './git.js';

export interface LocalGitSourceOptions {
  /** Any directory inside the repository (or a bare repository). */
  repo: string;
  base: string;
  head: string;
  timeoutMs?: number;
}

export interface LocalGitSource extends ReviewSource {
  /** baseRef and headRef are the resolved commit SHAs; these keep what the caller asked for. */
  readonly baseName: string;
  readonly headName: string;
  readonly repo: string;
}

/** Tried in order by resolveDefaultBase. */
export const DEFAULT_BASE_CANDIDATES = [
  'refs/remotes/origin/HEAD',
  'main',
  'master',
  'origin/main',
  'origin/master',
] as const;

const DIFF_MAX_BUFFER = 512 * 1024 * 1024;
/** Changed paths listed per ls-tree call (their total length stays far below the argument limit). */
const LIST_CHUNK = 200;
/** One `cat-file --batch` call reads at most this much, and this many blobs. */
const BATCH_MAX_BYTES = 32 * 1024 * 1024;
const BATCH_MAX_BLOBS = 500;
/** The changed files read ahead on a side's first read: each at most the engine's code file limit, at most this much in all. */
const PREFETCH_MAX_BYTES = 64 * 1024 * 1024;
const PREFETCH_FILE_MAX_BYTES = 1024 * 1024;
// The engine may ask for hundreds of files at once; unbounded parallel spawns only thrash.
const MAX_CONCURRENT_GIT = 8;

// Flags that pin what user config could otherwise change: prefixes (diff.noprefix,
// diff.mnemonicPrefix), context size (diff.context), hunk merging (diff.interHunkContext), the
// algorithm (diff.algorithm), cwd-relative paths (diff.relative) and textconv/external drivers.
// Three context lines and Myers match the patches GitHub serves, so hunks agree across sources.
const DIFF_ARGS = [
  'diff',
  '-M',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--no-relative',
  '--src-prefix=a/',
  '--dst-prefix=b/',
  '--unified=3',
  '--inter-hunk-context=0',
  '--diff-algorithm=myers',
  // diff.orderFile would reorder the changed files, and with them the review's text.
  '-O/dev/null',
];

function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

async function ensureRepo(repo: string, timeoutMs?: number): Promise<void> {
  try {
    await git(['rev-parse', '--git-dir'], { cwd: repo, timeoutMs });
  } catch (err) {
    if (err instanceof GitError) throw new GitError(`Not a git repository: ${repo} (${err.message})`, err.args, err.exitCode, err.stderr);
    throw err;
  }
}

/** The commit SHA a ref names, or undefined when it names none. */
async function tryResolveCommit(repo: string, ref: string, timeoutMs?: number): Promise<string | undefined> {
  try {
    // --end-of-options keeps a ref such as `--output=x` from being read as an option.
    const out = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
      cwd: repo,
      timeoutMs,
    });
    return out.trim() || undefined;
  } catch (err) {
    if (err instanceof GitError && err.exitCode !== null) return undefined;
    throw err;
  }
}

/**
 * A base that names the empty tree: every file at head reads as added (`arch-review review --all`).
 * git accepts a tree wherever diff and ls-tree take a tree-ish, so no commit has to be created.
 */
export const EMPTY_BASE = ':empty-tree';

async function emptyTree(repo: string, timeoutMs?: number): Promise<string> {
  return (await git(['hash-object', '-t', 'tree', '/dev/null'], { cwd: repo, timeoutMs })).trim();
}

/** Resolves a ref (branch, tag, SHA, `HEAD~2`, ...) to a commit SHA, with a readable error. */
export async function resolveCommit(repo: string, ref: string, timeoutMs?: number): Promise<string> {
  if (ref.trim() === '') throw new Error(`Empty git ref given for repository ${repo}`);
  const sha = await tryResolveCommit(repo, ref, timeoutMs);
  if (sha === undefined) {
    throw new GitError(
      `Unknown git ref "${ref}" in ${repo}: it does not name a commit (git rev-parse --verify ${ref}^{commit})`,
      ['rev-parse', '--verify', `${ref}^{commit}`],
      1,
      '',
    );
  }
  return sha;
}

/** The base a review compares against, and what it was derived from (shown to the user). */
export interface ResolvedBase {
  sha: string;
  /** The ref whose merge-base with head this is. */
  ref: string;
}

async function mergeBase(repo: string, a: string, b: string): Promise<string | undefined> {
  try {
    return (await git(['merge-base', a, b], { cwd: repo })).trim() || undefined;
  } catch (err) {
    // Exit 1 with no output: the histories share no commit.
    if (err instanceof GitError && err.exitCode === 1) return undefined;
    throw err;
  }
}

async function isShallow(repo: string): Promise<boolean> {
  try {
    return (await git(['rev-parse', '--is-shallow-repository'], { cwd: repo })).trim() === 'true';
  } catch {
    return false;
  }
}

const SHALLOW_HINT =
  'This is a shallow clone (git clone --depth), so the common ancestor is not in its history: run `git fetch --unshallow` (or `git fetch --deepen=<n>`), or review everything with --all.';

/**
 * `--base REF`: the merge-base of REF with head, the commit GitHub compares a pull request from head
 * into REF against. Comparing with REF's tip instead would count every commit REF gained since
 * head branched off as this change's (their findings as introduced by it).
 */
export async function resolveBase(repo: string, ref: string, head: string): Promise<ResolvedBase> {
  await ensureRepo(repo);
  const [refSha, headSha] = [await resolveCommit(repo, ref), await resolveCommit(repo, head)];
  const base = await mergeBase(repo, refSha, headSha);
  if (base) return { sha: base, ref };
  throw new Error(`${ref} and ${head} share no commit in ${repo}, so there is no merge-base to compare against. ${(await isShallow(repo)) ? SHALLOW_HINT : 'Pass --base with a ref on the same history, or review everything with --all.'}`);
}

/**
 * The merge-base of `head` with the repository's default branch: the commit a pull request from
 * `head` would be compared against. Of the candidates that exist (origin/HEAD, main, master and
 * their origin/ counterparts), the one whose merge-base is closest to head wins: a local `main`
 * left behind `origin/main` would otherwise count teammates' merged work as this change's.
 */
export async function resolveDefaultBase(repo: string, head: string): Promise<ResolvedBase> {
  await ensureRepo(repo);
  const headSha = await tryResolveCommit(repo, head);
  if (headSha === undefined) {
    if (head === 'HEAD' && (await tryResolveCommit(repo, 'refs/heads/' + (await currentBranch(repo)))) === undefined) {
      throw new Error(`${repo} has no commits yet: commit your changes first; arch-review reviews commits, not the working tree.`);
    }
    await resolveCommit(repo, head);
  }
  const tried: string[] = [];
  let best: { sha: string; ref: string; distance: number } | null = null;
  let atHead: { sha: string; ref: string } | null = null;
  const reviewedBranch = head === 'HEAD' ? await currentBranch(repo) : head.replace(/^refs\/heads\//, '');
  for (const candidate of DEFAULT_BASE_CANDIDATES) {
    const sha = await tryResolveCommit(repo, candidate);
    if (sha === undefined) {
      tried.push(`${candidate} (not found)`);
      continue;
    }
    const ref = candidate === 'refs/remotes/origin/HEAD' ? 'origin/HEAD' : candidate;
    // The branch being reviewed (commits on a local `main`, ahead of `origin/main`) is no base for
    // itself: its merge-base is head, and nothing would be reviewed. Only when nothing else is there.
    if (candidate === reviewedBranch) {
      atHead ??= { sha: (await mergeBase(repo, sha, headSha!)) ?? sha, ref };
      continue;
    }
    const base = await mergeBase(repo, sha, headSha!);
    if (!base) {
      tried.push(`${candidate} (no common ancestor with ${head})`);
      continue;
    }
    const distance = Number((await git(['rev-list', '--count', `${base}..${headSha}`], { cwd: repo })).trim());
    if (!best || distance < best.distance) best = { sha: base, ref, distance };
  }
  if (best) return { sha: best.sha, ref: best.ref };
  if (atHead) return atHead;
  const shallow = await isShallow(repo);
  throw new Error(
    `Could not find a default branch to compare ${head} against in ${repo}; tried ${tried.join(', ')}. ` +
      (shallow ? SHALLOW_HINT.replace('the common ancestor is', 'a common ancestor may not be') + ' Or pass --base REF.' : 'Pass the base with --base REF (for example --base trunk), or review everything with --all.'),
  );
}

async function currentBranch(repo: string): Promise<string> {
  try {
    return (await git(['symbolic-ref', '--short', 'HEAD'], { cwd: repo })).trim();
  } catch {
    return 'HEAD';
  }
}

interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  /** Blob size in bytes; undefined for trees and submodule commits. */
  size: number | undefined;
  path: string;
}

/** Parses `git ls-tree -l -z` output: `<mode> <type> <oid> <size>\t<path>\0`. */
function parseLsTree(out: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of out.split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, oid, size] = record.slice(0, tab).split(/ +/);
    entries.push({ mode, type, oid, size: size === '-' || size === undefined ? undefined : Number(size), path: record.slice(tab + 1) });
  }
  return entries;
}

interface BlobRequest {
  oid: string;
  size: number;
  resolve: (content: Buffer) => void;
  reject: (error: unknown) => void;
}

/**
 * Reads blobs by id, the reads asked for in one turn of the event loop together through one
 * `git cat-file --batch` (the engine asks for a pull request's files all at once).
 */
function blobBatcher(run: GitRunOptions, limit: <T>(task: () => Promise<T>) => Promise<T>): { read(oid: string, size: number): Promise<Buffer> } {
  let pending: BlobRequest[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    while (pending.length > 0) {
      const batch: BlobRequest[] = [];
      let bytes = 0;
      while (pending.length > 0 && batch.length < BATCH_MAX_BLOBS && (batch.length === 0 || bytes + pending[0]!.size <= BATCH_MAX_BYTES)) {
        bytes += pending[0]!.size;
        batch.push(pending.shift()!);
      }
      void limit(() => gitBuffer(['cat-file', '--batch'], {
        ...run,
        input: batch.map((r) => `${r.oid}\n`).join(''),
        maxBuffer: bytes + batch.length * 128 + 1024,
      })).then(
        (out) => answer(batch, out),
        (error: unknown) => batch.forEach((r) => r.reject(error)),
      );
    }
  };
  return {
    read(oid, size) {
      return new Promise<Buffer>((resolve, reject) => {
        pending.push({ oid, size, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}

/** `<oid> <type> <size>\n<content>\n` per request, in order; `<oid> missing\n` for an unknown id. */
function answer(batch: readonly BlobRequest[], out: Buffer): void {
  let at = 0;
  for (const request of batch) {
    const nl = out.indexOf(10, at);
    const header = nl < 0 ? '' : out.toString('latin1', at, nl);
    const size = Number(header.split(' ')[2]);
    if (nl < 0 || !header.startsWith(request.oid) || !Number.isInteger(size)) {
      request.reject(new GitError(`git cat-file: no content for ${request.oid} (${header || 'no answer'})`, ['cat-file', '--batch'], null, ''));
      if (nl < 0) continue;
      at = nl + 1;
      continue;
    }
    request.resolve(Buffer.from(out.subarray(nl + 1, nl + 1 + size)));
    at = nl + 1 + size + 1;
  }
}

function normalizePath(path: string): string {
  return path.replace(/^(\.\/)+/, '').replace(/^\/+/, '').replace(/\/+$/, '');
}

export async function createLocalGitSource(opts: LocalGitSourceOptions): Promise<LocalGitSource> {
  const { repo, timeoutMs } = opts;
  await ensureRepo(repo, timeoutMs);
  const [baseSha, headSha] = await Promise.all([
    opts.base === EMPTY_BASE ? emptyTree(repo, timeoutMs) : resolveCommit(repo, opts.base, timeoutMs),
    resolveCommit(repo, opts.head, timeoutMs),
  ]);
  const run: GitRunOptions = { cwd: repo, timeoutMs };
  const limit = limiter(MAX_CONCURRENT_GIT);
  const shaOf = (side: Side): string => (side === 'base' ? baseSha : headSha);
  let changed: Promise<ChangedFile[]> | undefined;

  // ls-tree rather than `cat-file -s <sha>:<path>`: one call yields type and size, so a directory
  // or a submodule at `path` reads as missing instead of as a tree object's bytes.
  // --full-tree makes paths repository-relative even when `repo` is a subdirectory, and
  // --literal-pathspecs keeps `*` or `:` in a name from being read as pathspec syntax.
  const lsTree = (args: string[]): Promise<TreeEntry[]> =>
    limit(() => git(['--literal-pathspecs', 'ls-tree', '-l', '-z', '--full-tree', ...args], run)).then(parseLsTree);
  // The changed files of a side are listed in a few calls and read ahead together on the side's
  // first read: the engine reads them one after another, and a spawn per file took 4 ms (8 s for a
  // 1,000-file pull request). Only the changed paths are listed, not the whole tree, which in a large
  // monorepo costs seconds and hundreds of MB; other paths are looked up one call each.
  const changedEntries = new Map<Side, Promise<Map<string, TreeEntry>>>();
  const entriesOf = (side: Side): Promise<Map<string, TreeEntry>> => {
    let entries = changedEntries.get(side);
    if (!entries) {
      entries = changedFilesOnce().then(async (files) => {
        const paths = [...new Set(files.map((f) => (side === 'base' ? f.previousPath ?? f.path : f.path)))];
        const out = new Map<string, TreeEntry>();
        for (let i = 0; i < paths.length; i += LIST_CHUNK) {
          for (const e of await lsTree([shaOf(side), '--', ...paths.slice(i, i + LIST_CHUNK)])) out.set(e.path, e);
        }
        let budget = PREFETCH_MAX_BYTES;
        for (const entry of out.values()) {
          if (entry.type !== 'blob' || entry.size === undefined || entry.mode === '120000') continue;
          if (entry.size > PREFETCH_FILE_MAX_BYTES || entry.size > budget || prefetched.has(entry.oid)) continue;
          budget -= entry.size;
          const read = blobs.read(entry.oid, entry.size);
          read.catch(() => undefined);
          prefetched.set(entry.oid, read);
        }
        return out;
      }).catch(() => new Map<string, TreeEntry>());
      changedEntries.set(side, entries);
    }
    return entries;
  };
  const blobs = blobBatcher(run, limit);
  const prefetched = new Map<string, Promise<Buffer>>();
  const changedFilesOnce = (): Promise<ChangedFile[]> => {
    changed ??= limit(() => git([...DIFF_ARGS, baseSha, headSha, '--'], { ...run, maxBuffer: DIFF_MAX_BUFFER })).then(
      changedFilesFromUnifiedDiff,
    );
    return changed;
  };

  return {
    baseRef: baseSha,
    headRef: headSha,
    baseName: opts.base,
    headName: opts.head,
    repo,

    changedFiles: changedFilesOnce,

    async readFile(side: Side, path: string, maxBytes: number): Promise<ReadResult> {
      const wanted = normalizePath(path);
      if (wanted === '') return { ok: false, reason: 'missing' };
      const entry = (await entriesOf(side)).get(wanted) ?? (await lsTree([shaOf(side), '--', wanted])).find((e) => e.path === wanted);
      if (!entry || entry.type !== 'blob' || entry.size === undefined) return { ok: false, reason: 'missing' };
      if (entry.mode === '120000') return { ok: false, reason: 'symlink' };
      if (entry.size > maxBytes) return { ok: false, reason: 'too-large', bytes: entry.size };
      const early = prefetched.get(entry.oid);
      prefetched.delete(entry.oid);
      const content = await (early ?? blobs.read(entry.oid, entry.size));
      if (isBinaryContent(content)) return { ok: false, reason: 'binary', bytes: content.length };
      return { ok: true, text: content.toString('utf8'), bytes: content.length };
    },

    async listPaths(side: Side, prefix: string): Promise<string[]> {
      const p = normalizePath(prefix);
      const entries = await lsTree(['-r', shaOf(side), ...(p ? ['--', p] : [])]);
      return entries
        .filter((e) => e.type === 'blob' && (p === '' || e.path === p || e.path.startsWith(`${p}/`)))
        .map((e) => e.path)
        .sort();
    },
  };
}
