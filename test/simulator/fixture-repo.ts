// A repository for the GitHub simulator: snapshots are committed with real git (so diffs and
// patches are git's own, as GitHub's are), and trees and blobs are kept in memory with git's own
// blob SHAs, so serving them costs no process.
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { changedFilesFromUnifiedDiff } from '../../src/git/diff.js';
import { git, type GitRunOptions } from '../../src/git/git.js';

export interface BlobEntry {
  oid: string;
  content: Buffer;
}

export interface PullFile {
  sha: string;
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed';
  previous_filename?: string;
  additions: number;
  deletions: number;
  changes: number;
  patch?: string;
}

const ENV: GitRunOptions['env'] = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'sim',
  GIT_AUTHOR_EMAIL: 'sim@example.invalid',
  GIT_AUTHOR_DATE: '1704067200 +0000',
  GIT_COMMITTER_NAME: 'sim',
  GIT_COMMITTER_EMAIL: 'sim@example.invalid',
  GIT_COMMITTER_DATE: '1704067200 +0000',
};
const CONFIG = ['-c', 'core.autocrlf=false', '-c', 'core.hooksPath=/dev/null', '-c', 'commit.gpgSign=false'];

export function blobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** Every file under a folder, as repository-relative paths. */
export function readSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full).split('\\').join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

export class FixtureRepo {
  readonly dir: string;
  readonly #snapshots = new Map<string, Map<string, BlobEntry>>();
  readonly #blobs = new Map<string, Buffer>();
  readonly #diffs = new Map<string, PullFile[]>();

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async create(): Promise<FixtureRepo> {
    const dir = mkdtempSync(join(tmpdir(), 'arch-review-sim-'));
    await git([...CONFIG, 'init', '-q', '--template=', '-b', 'main'], { cwd: dir, env: ENV });
    return new FixtureRepo(dir);
  }

  /** Commits a whole snapshot (not a change set) on top of `parent`; returns the commit SHA. */
  async commit(files: Record<string, string | Buffer>, parent?: string): Promise<string> {
    for (const name of readdirSync(this.dir)) if (name !== '.git') rmSync(join(this.dir, name), { recursive: true, force: true });
    const entries = new Map<string, BlobEntry>();
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.dir, path);
      mkdirSync(dirname(full), { recursive: true });
      const buf = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
      writeFileSync(full, buf);
      const oid = blobSha(buf);
      entries.set(path, { oid, content: buf });
      this.#blobs.set(oid, buf);
    }
    const run = { cwd: this.dir, env: ENV };
    await git([...CONFIG, 'add', '-A', '-f'], run);
    const tree = (await git(['write-tree'], run)).trim();
    const sha = (await git(['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', 'snapshot'], run)).trim();
    this.#snapshots.set(sha, entries);
    return sha;
  }

  has(sha: string): boolean {
    return this.#snapshots.has(sha);
  }

  files(sha: string): Map<string, BlobEntry> {
    const snap = this.#snapshots.get(sha);
    if (!snap) throw new Error(`unknown commit ${sha}`);
    return snap;
  }

  blob(oid: string): Buffer | undefined {
    return this.#blobs.get(oid);
  }

  /** The commit `git merge-base a b` names, or null when the histories share none. */
  async mergeBase(a: string, b: string): Promise<string | null> {
    try {
      return (await git(['merge-base', a, b], { cwd: this.dir, env: ENV })).trim() || null;
    } catch {
      return null;
    }
  }

  /** The pulls/list-files answer for base...head, from `git diff` (3 lines of context, as GitHub). */
  async pullFiles(base: string, head: string): Promise<PullFile[]> {
    const key = `${base}..${head}`;
    const cached = this.#diffs.get(key);
    if (cached) return cached;
    const text = await git(['diff', '-M', '--no-color', '--no-ext-diff', '--unified=3', base, head, '--'], {
      cwd: this.dir,
      env: ENV,
      maxBuffer: 256 * 1024 * 1024,
    });
    const headFiles = this.files(head);
    const out: PullFile[] = [];
    for (const section of text.split(/^(?=diff --git )/m).filter((s) => s.startsWith('diff --git '))) {
      const file = changedFilesFromUnifiedDiff(section)[0];
      if (!file) continue;
      const lines = section.split('\n');
      const at = lines.findIndex((l) => l.startsWith('@@'));
      const patchLines = at >= 0 ? lines.slice(at) : [];
      while (patchLines.length && patchLines[patchLines.length - 1] === '') patchLines.pop();
      const additions = patchLines.filter((l) => l.startsWith('+')).length;
      const deletions = patchLines.filter((l) => l.startsWith('-')).length;
      const removedOid = file.status === 'removed' ? this.files(base).get(file.path)?.oid : undefined;
      out.push({
        sha: headFiles.get(file.path)?.oid ?? removedOid ?? '0'.repeat(40),
        filename: file.path,
        status: file.status,
        ...(file.previousPath ? { previous_filename: file.previousPath } : {}),
        additions,
        deletions,
        changes: additions + deletions,
        ...(patchLines.length ? { patch: patchLines.join('\n') } : {}),
      });
    }
    this.#diffs.set(key, out);
    return out;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
