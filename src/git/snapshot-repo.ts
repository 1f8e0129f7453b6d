// Builds a throwaway repository from two folder snapshots (base on `main`, head on `feature`), so the
// demo and end-to-end tests review a real git history. Identity, dates and config are pinned, so the
// same snapshots always give the same SHAs and the user's git setup cannot change the result.
import { cp, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir, devNull } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { git, type GitRunOptions } from './git.js';

export interface SnapshotRepo {
  dir: string;
  /** Commit SHA of the base snapshot (branch `main`). */
  base: string;
  /** Commit SHA of the head snapshot (branch `feature`, child of base). */
  head: string;
}

const IDENTITY_NAME = 'arch-review';
const IDENTITY_EMAIL = 'arch-review@example.invalid';
const BASE_DATE = '1704067200 +0000'; // 2024-01-01T00:00:00Z
const HEAD_DATE = '1704070800 +0000'; // one hour later

// Applied to every command, so neither global/system config nor the template directory can add
// signing, hooks, line-ending conversion or a different default branch.
const CONFIG = [
  `user.name=${IDENTITY_NAME}`,
  `user.email=${IDENTITY_EMAIL}`,
  'commit.gpgSign=false',
  'tag.gpgSign=false',
  'core.hooksPath=/dev/null',
  'core.autocrlf=false',
  'core.safecrlf=false',
  'core.fsmonitor=false',
  'init.defaultBranch=main',
  'gc.auto=0',
].flatMap((kv) => ['-c', kv]);

function envFor(date: string): GitRunOptions['env'] {
  return {
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: devNull,
    GIT_AUTHOR_NAME: IDENTITY_NAME,
    GIT_AUTHOR_EMAIL: IDENTITY_EMAIL,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: IDENTITY_NAME,
    GIT_COMMITTER_EMAIL: IDENTITY_EMAIL,
    GIT_COMMITTER_DATE: date,
  };
}

async function assertDirectory(path: string, what: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`${what} is not a directory: ${path}`);
}

/** Copies a snapshot's contents into the work tree; a `.git` inside the snapshot is not content. */
async function copySnapshot(from: string, to: string): Promise<void> {
  await cp(from, to, {
    recursive: true,
    force: true,
    verbatimSymlinks: true,
    filter: (src) => basename(src) !== '.git',
  });
}

async function clearWorkTree(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name !== '.git') await rm(join(dir, name), { recursive: true, force: true });
  }
}

async function commitAll(dir: string, message: string, date: string): Promise<string> {
  const run: GitRunOptions = { cwd: dir, env: envFor(date) };
  // -f: a snapshot's own .gitignore (or the user's excludes) must not drop files from the commit.
  await git([...CONFIG, 'add', '-A', '-f'], run);
  await git([...CONFIG, 'commit', '-q', '--no-verify', '--no-gpg-sign', '--allow-empty', '-m', message], run);
  return (await git(['rev-parse', 'HEAD'], run)).trim();
}

/**
 * Creates a repository whose `main` holds `baseDir` and whose `feature` (one commit on top) holds
 * `headDir`, deletions included. `opts.dir` must be absent or empty; by default a new temp dir is
 * used. The caller removes the directory.
 */
export async function createRepoFromSnapshots(
  baseDir: string,
  headDir: string,
  opts: { dir?: string } = {},
): Promise<SnapshotRepo> {
  const baseAbs = resolve(baseDir);
  const headAbs = resolve(headDir);
  await assertDirectory(baseAbs, 'Base snapshot');
  await assertDirectory(headAbs, 'Head snapshot');

  let dir: string;
  if (opts.dir) {
    dir = resolve(opts.dir);
    await mkdir(dir, { recursive: true });
    // The work tree is cleared between the two commits; refuse to do that to someone's files.
    if ((await readdir(dir)).length > 0) throw new Error(`Snapshot repository directory is not empty: ${dir}`);
  } else {
    dir = await mkdtemp(join(tmpdir(), 'arch-review-snapshot-'));
  }

  const run: GitRunOptions = { cwd: dir, env: envFor(BASE_DATE) };
  await git([...CONFIG, 'init', '-q', '--template=', '-b', 'main'], run);

  await copySnapshot(baseAbs, dir);
  const base = await commitAll(dir, 'base snapshot', BASE_DATE);

  await git([...CONFIG, 'checkout', '-q', '-b', 'feature'], run);
  await clearWorkTree(dir);
  await copySnapshot(headAbs, dir);
  const head = await commitAll(dir, 'head snapshot', HEAD_DATE);

  return { dir, base, head };
}
