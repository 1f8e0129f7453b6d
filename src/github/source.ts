// The GitHub ReviewSource: the same interface as the local-git source, over the REST and GraphQL
// APIs, built to keep requests few (a 50-file pull request in about ten requests all told).
//
// - The changed-file list comes from pulls/list-files, 100 a page; each `patch` gives the hunks.
// - The head tree is listed once (git trees API, recursive). The base tree is derived from it and
//   the changed-file list, which names every path that differs, so it costs no request; a changed
//   file's base version is rebuilt from its head version and patch (reverse-patch.ts). Both follow
//   the merge base, as the files API does, even when the base branch has moved on.
// - Blobs are read through GraphQL, up to 100 per request, and cached by blob SHA, so a file that
//   is the same on both sides is read once. The engine asks for files one at a time; a miss fetches
//   the whole group the file belongs to (changed code, the files those import, the artifacts of
//   the docs folder), which is what the engine asks for next.
import { posix } from 'node:path';
import { classifyPath } from '../artifacts/classify.js';
import { isCodePath, isTestPath } from '../code/parse.js';
import { hunksFromPatch } from '../git/diff.js';
import type { ChangedFile, ChangeStatus, ReadResult, ReviewSource } from '../review/source.js';
import type { Side } from '../review/types.js';
import type { GitHubApi } from './api.js';
import { reversePatch } from './reverse-patch.js';
import { BLOBS_PER_QUERY, BLOB_BYTES_PER_QUERY, FILES_PER_PAGE, MAX_PR_FILES } from './limits.js';

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
  baseSha: string;
  headSha: string;
}

export interface GitHubSourceOptions {
  api: GitHubApi;
  pull: PullRequestRef;
}

export interface GitHubSource extends ReviewSource {
  /** Files GitHub listed; it lists at most 3,000. */
  readonly listedFiles: () => number;
  /** Unchanged code files a review will read (`/review full`): fetched in the changed code's batches. */
  readAlong(paths: readonly string[], maxBytes: number): void;
}

interface ApiFile {
  filename: string;
  status: string;
  previous_filename?: string;
  patch?: string;
  sha?: string;
  changes?: number;
}

interface ApiTree {
  truncated: boolean;
  tree: { path: string; mode?: string; type: string; sha: string; size?: number }[];
}

interface TreeEntry {
  /** Unknown for a base file the pull request changed: read by `sha:path` instead. */
  oid: string | null;
  size: number | null;
  /** Mode 120000: a symbolic link, whose blob is the link's target path. */
  symlink?: boolean;
}

const entryOf = (e: ApiTree['tree'][number]): TreeEntry => ({ oid: e.sha, size: e.size ?? null, ...(e.mode === '120000' ? { symlink: true } : {}) });
/** GitHub's patch of a submodule change is one `Subproject commit <sha>` line per side. */
const SUBMODULE_PATCH = /^@@[^\n]*@@\n(?:[-+]Subproject commit [0-9a-f]{40}(?:\n|$)){1,2}$/;

interface BlobNode {
  oid: string;
  byteSize: number;
  isBinary: boolean | null;
  isTruncated: boolean;
  text: string | null;
}

interface CachedBlob {
  byteSize: number;
  binary: boolean;
  truncated: boolean;
  text: string | null;
}

const STATUS: Record<string, ChangeStatus> = {
  added: 'added',
  removed: 'removed',
  modified: 'modified',
  renamed: 'renamed',
  copied: 'added',
  changed: 'modified',
  unchanged: 'modified',
};

// The engine's own import reading (engine.ts), repeated here only to guess what it reads next.
const IMPORT_SPECIFIER = /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"\n]{1,300})['"]/g;
const MAX_CONTEXT_PREFETCH = 200;

function isReviewableCode(path: string): boolean {
  return isCodePath(path) && !isTestPath(path);
}

function isArtifact(path: string): boolean {
  const c = classifyPath(path);
  return c !== null && c.type !== 'unclassified';
}

/** `docs/features/<slug>/` or `docs/system/`: what the engine reads together. */
function docsGroup(path: string): string | null {
  const feature = /^docs\/features\/[^/]+\//.exec(path);
  if (feature) return feature[0];
  return path.startsWith('docs/system/') ? 'docs/system/' : null;
}

function hasNextPage(headers: Record<string, unknown>): boolean {
  const link = headers.link;
  return typeof link === 'string' && /rel="next"/.test(link);
}

const BLOB_FIELDS = 'fragment BlobFields on Blob { oid byteSize isBinary isTruncated text }';

export function createGitHubSource(options: GitHubSourceOptions): GitHubSource {
  const { api, pull } = options;
  const repoParams = { owner: pull.owner, repo: pull.repo };
  let changed: Promise<ChangedFile[]> | undefined;
  let headBlobShas = new Map<string, string>();
  /** Base path → the patch that turns it into its head version (null head path: removed). */
  let basePatches = new Map<string, { headPath: string | null; patch: string }>();
  const rebuilt = new Map<string, string | null>();
  let listed = 0;
  const trees = new Map<Side, Promise<Map<string, TreeEntry>>>();
  const blobs = new Map<string, CachedBlob>();
  /** `side:path` → blob SHA learnt from a read by expression. */
  const oidByPath = new Map<string, string>();
  const missing = new Set<string>();
  /** Unchanged code a `/review full` analyses: read in the changed code's batches. */
  const alsoCode = new Set<string>();
  let alsoCodeMaxBytes = Infinity;
  const key = (side: Side, path: string) => `${side}:${path}`;
  // The base branch's tip is not the base a pull request's files are compared with: its merge base
  // with the head is. Asked only when a base file has to be read by path (no patch to rebuild it
  // from, or GitHub's file list was cut), which the compare API answers in one request.
  let mergeBase: Promise<string> | null = null;
  const baseCommit = (): Promise<string> => {
    mergeBase ??= api
      .request<{ merge_base_commit: { sha: string } }>('GET /repos/{owner}/{repo}/compare/{basehead}', {
        ...repoParams,
        basehead: `${pull.baseSha}...${pull.headSha}`,
        per_page: 1,
      })
      .then((res) => res.data.merge_base_commit.sha);
    return mergeBase;
  };
  const shaOf = async (side: Side) => (side === 'base' ? baseCommit() : pull.headSha);

  async function listFiles(): Promise<ChangedFile[]> {
    const files: ChangedFile[] = [];
    const shas = new Map<string, string>();
    const patches = new Map<string, { headPath: string | null; patch: string }>();
    for (let page = 1; page <= MAX_PR_FILES / FILES_PER_PAGE; page++) {
      const res = await api.request<ApiFile[]>('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
        ...repoParams,
        pull_number: pull.number,
        per_page: FILES_PER_PAGE,
        page,
      });
      for (const f of res.data) {
        const status = STATUS[f.status] ?? 'modified';
        const hasPatch = typeof f.patch === 'string' || f.changes === 0;
        files.push({
          path: f.filename,
          ...(f.status === 'renamed' && f.previous_filename ? { previousPath: f.previous_filename } : {}),
          status,
          hunks: hunksFromPatch(f.patch),
          hasPatch,
          ...(typeof f.patch === 'string' && SUBMODULE_PATCH.test(f.patch) ? { submodule: true } : {}),
        });
        if (f.sha && status !== 'removed') shas.set(f.filename, f.sha);
        if (status !== 'added' && typeof f.patch === 'string') {
          patches.set(f.previous_filename ?? f.filename, { headPath: status === 'removed' ? null : f.filename, patch: f.patch });
        }
      }
      if (res.data.length < FILES_PER_PAGE || !hasNextPage(res.headers)) break;
    }
    headBlobShas = shas;
    basePatches = patches;
    listed = files.length;
    return files;
  }

  function changedFiles(): Promise<ChangedFile[]> {
    changed ??= listFiles();
    return changed;
  }

  /** The head tree, listed once; a truncated listing is completed folder by folder. */
  async function loadHeadTree(): Promise<Map<string, TreeEntry>> {
    const res = await api.request<ApiTree>('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
      ...repoParams,
      tree_sha: pull.headSha,
      recursive: '1',
    });
    const map = new Map<string, TreeEntry>();
    const add = (prefix: string, entries: ApiTree['tree']) => {
      for (const e of entries) if (e.type === 'blob') map.set(prefix + e.path, entryOf(e));
    };
    add('', res.data.tree);
    if (res.data.truncated) {
      // Past 100,000 entries GitHub truncates: re-list the folders the engine reads from.
      for (const folder of ['docs', ...new Set((await changedFiles()).map((f) => posix.dirname(f.path)))]) {
        await addSubtree(folder, map);
      }
    }
    return map;
  }

  async function addSubtree(folder: string, map: Map<string, TreeEntry>): Promise<void> {
    if (folder === '.' || folder === '') return;
    let sha = pull.headSha;
    for (const part of folder.split('/')) {
      const res = await api.request<ApiTree>('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { ...repoParams, tree_sha: sha });
      const next = res.data.tree.find((e) => e.path === part && e.type === 'tree');
      if (!next) return;
      sha = next.sha;
    }
    const res = await api.request<ApiTree>('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { ...repoParams, tree_sha: sha, recursive: '1' });
    for (const e of res.data.tree) if (e.type === 'blob') map.set(`${folder}/${e.path}`, entryOf(e));
  }

  /** Base = head with the pull request's changes undone; changed base files have no known SHA. */
  async function deriveBaseTree(): Promise<Map<string, TreeEntry>> {
    const [head, files] = await Promise.all([tree('head'), changedFiles()]);
    if (files.length >= MAX_PR_FILES) return listTree(await baseCommit());
    const base = new Map(head);
    for (const f of files) {
      if (f.status === 'added' || f.status === 'renamed') base.delete(f.path);
      if (f.status === 'added') continue;
      base.set(f.previousPath ?? f.path, { oid: null, size: null });
    }
    return base;
  }

  async function listTree(sha: string): Promise<Map<string, TreeEntry>> {
    const res = await api.request<ApiTree>('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { ...repoParams, tree_sha: sha, recursive: '1' });
    return new Map(res.data.tree.filter((e) => e.type === 'blob').map((e) => [e.path, entryOf(e)] as const));
  }

  function tree(side: Side): Promise<Map<string, TreeEntry>> {
    let t = trees.get(side);
    if (!t) {
      t = side === 'head' ? loadHeadTree() : deriveBaseTree();
      trees.set(side, t);
    }
    return t;
  }

  function oidOf(side: Side, path: string, entry: TreeEntry | undefined): string | null {
    return entry?.oid ?? oidByPath.get(key(side, path)) ?? (side === 'head' ? headBlobShas.get(path) ?? null : null);
  }

  function rebuildable(side: Side, path: string, entry: TreeEntry | undefined): boolean {
    return side === 'base' && entry?.oid === null && basePatches.has(path) && rebuilt.get(path) !== null;
  }

  /** True when reading the file needs no blob request. */
  async function isCached(side: Side, path: string): Promise<boolean> {
    if (missing.has(key(side, path))) return true;
    const entry = (await tree(side)).get(path);
    if (!entry || rebuildable(side, path, entry)) return true;
    const oid = oidOf(side, path, entry);
    return oid !== null && blobs.has(oid);
  }

  async function changedCodeTargets(): Promise<[Side, string][]> {
    const out: [Side, string][] = [];
    for (const f of await changedFiles()) {
      if (f.status !== 'removed' && isReviewableCode(f.path)) out.push(['head', f.path]);
      const basePath = f.previousPath ?? f.path;
      if (f.status !== 'added' && isReviewableCode(basePath)) out.push(['base', basePath]);
    }
    // Unchanged files have one blob at both sides: the batch reads it once. Files the review would
    // skip as too large are not fetched.
    if (alsoCode.size > 0) {
      const head = await tree('head');
      for (const path of alsoCode) if ((head.get(path)?.size ?? 0) <= alsoCodeMaxBytes) out.push(['head', path], ['base', path]);
    }
    return out;
  }

  /** Files the changed code imports, resolved the way the engine resolves them. */
  async function contextTargets(): Promise<[Side, string][]> {
    const out: [Side, string][] = [];
    for (const [side, path] of await changedCodeTargets()) {
      const t = await tree(side);
      // The engine reads the owning package.json for instrumentation facts: fetch it in the same batch.
      for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
        const pkg = dir === '.' ? 'package.json' : `${dir}/package.json`;
        if (t.has(pkg)) {
          if (!out.some(([s, p]) => s === side && p === pkg)) out.push([side, pkg]);
          break;
        }
        if (dir === '.' || dir === '/') break;
      }
      const text = cachedText(side, path, t.get(path));
      if (text === null) continue;
      for (const m of text.matchAll(IMPORT_SPECIFIER)) {
        const target = posix.normalize(posix.join(posix.dirname(path), m[1]!));
        const stem = target.replace(/\.(js|mjs|cjs|jsx)$/, '');
        const hit = [target, `${stem}.ts`, `${stem}.tsx`, `${stem}.js`, `${stem}/index.ts`, `${stem}/index.js`].find(
          (c) => isCodePath(c) && t.has(c),
        );
        if (hit) out.push([side, hit]);
        if (out.length >= MAX_CONTEXT_PREFETCH * 2) return out;
      }
    }
    return out;
  }

  async function artifactTargets(path: string): Promise<[Side, string][]> {
    const groups = new Set<string>(['docs/system/']);
    const own = docsGroup(path);
    if (own) groups.add(own);
    for (const f of await changedFiles()) {
      const g = docsGroup(f.path);
      if (g) groups.add(g);
    }
    const out: [Side, string][] = [];
    for (const side of ['head', 'base'] as const) {
      for (const p of (await tree(side)).keys()) {
        const g = docsGroup(p);
        if (g && groups.has(g) && isArtifact(p)) out.push([side, p]);
      }
    }
    return out;
  }

  function cachedText(side: Side, path: string, entry: TreeEntry | undefined): string | null {
    if (side === 'base' && rebuilt.get(path)) return rebuilt.get(path)!;
    const oid = oidOf(side, path, entry);
    return oid ? blobs.get(oid)?.text ?? null : null;
  }

  async function readAheadFor(side: Side, path: string): Promise<[Side, string][]> {
    const code = await changedCodeTargets();
    if (code.some(([s, p]) => s === side && p === path)) return code;
    if (docsGroup(path)) return artifactTargets(path);
    return contextTargets();
  }

  async function fetchBatch(side: Side, path: string): Promise<void> {
    const wanted: [Side, string][] = [[side, path], ...(await readAheadFor(side, path))];
    const seen = new Set<string>();
    const batch: { side: Side; path: string; oid: string | null; size: number }[] = [];
    for (const [s, p] of wanted) {
      const entry = (await tree(s)).get(p);
      const oid = oidOf(s, p, entry);
      const id = oid ?? key(s, p);
      if (seen.has(id) || (await isCached(s, p))) continue;
      seen.add(id);
      batch.push({ side: s, path: p, oid, size: entry?.size ?? 0 });
    }
    let chunk: typeof batch = [];
    let bytes = 0;
    for (const item of batch) {
      if (chunk.length >= BLOBS_PER_QUERY || (chunk.length > 0 && bytes + item.size > BLOB_BYTES_PER_QUERY)) {
        await readBlobs(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(item);
      bytes += item.size;
    }
    if (chunk.length) await readBlobs(chunk);
  }

  async function readBlobs(items: { side: Side; path: string; oid: string | null }[]): Promise<void> {
    const vars: Record<string, unknown> = { owner: pull.owner, name: pull.repo };
    const decls = ['$owner: String!', '$name: String!'];
    const baseSha = items.some((item) => !item.oid && item.side === 'base') ? await shaOf('base') : pull.baseSha;
    const fields = items.map((item, i) => {
      if (item.oid) {
        vars[`o${i}`] = item.oid;
        decls.push(`$o${i}: GitObjectID!`);
        return `b${i}: object(oid: $o${i}) { ...BlobFields }`;
      }
      vars[`e${i}`] = `${item.side === 'base' ? baseSha : pull.headSha}:${item.path}`;
      decls.push(`$e${i}: String!`);
      return `b${i}: object(expression: $e${i}) { ...BlobFields }`;
    });
    const query = `query ReadBlobs(${decls.join(', ')}) { repository(owner: $owner, name: $name) { ${fields.join(' ')} } } ${BLOB_FIELDS}`;
    const data = await api.graphql<{ repository: Record<string, BlobNode | null> }>(query, vars);
    items.forEach((item, i) => {
      const node = data.repository[`b${i}`];
      if (!node || typeof node.oid !== 'string') {
        missing.add(key(item.side, item.path));
        return;
      }
      oidByPath.set(key(item.side, item.path), node.oid);
      blobs.set(node.oid, {
        byteSize: node.byteSize,
        binary: node.isBinary === true,
        truncated: node.isTruncated,
        text: node.text,
      });
    });
  }

  /** The base version from the head version and the patch; null when that is not possible. */
  async function rebuildBase(path: string): Promise<string | null> {
    if (rebuilt.has(path)) return rebuilt.get(path)!;
    const { headPath, patch } = basePatches.get(path)!;
    let text: string | null = '';
    if (headPath !== null) {
      const head = await readFile('head', headPath, Number.MAX_SAFE_INTEGER);
      text = head.ok ? head.text : null;
    }
    const base = text === null ? null : reversePatch(text, patch);
    rebuilt.set(path, base);
    return base;
  }

  async function readFile(side: Side, rawPath: string, maxBytes: number): Promise<ReadResult> {
    const path = rawPath.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
    const entry = (await tree(side)).get(path);
    if (!entry) return { ok: false, reason: 'missing' };
    if (entry.symlink) return { ok: false, reason: 'symlink' };
    if (rebuildable(side, path, entry)) {
      const text = await rebuildBase(path);
      if (text !== null) {
        const bytes = Buffer.byteLength(text, 'utf8');
        return bytes > maxBytes ? { ok: false, reason: 'too-large', bytes } : { ok: true, text, bytes };
      }
    }
    if (entry.size !== null && entry.size > maxBytes) return { ok: false, reason: 'too-large', bytes: entry.size };
    if (!(await isCached(side, path))) await fetchBatch(side, path);
    if (missing.has(key(side, path))) return { ok: false, reason: 'missing' };
    const oid = oidOf(side, path, entry);
    const blob = oid ? blobs.get(oid) : undefined;
    if (!blob) return { ok: false, reason: 'missing' };
    if (blob.binary) return { ok: false, reason: 'binary', bytes: blob.byteSize };
    if (blob.byteSize > maxBytes || blob.truncated || blob.text === null) return { ok: false, reason: 'too-large', bytes: blob.byteSize };
    return { ok: true, text: blob.text, bytes: blob.byteSize };
  }

  return {
    baseRef: pull.baseSha,
    headRef: pull.headSha,
    changedFiles,
    readFile,
    async listPaths(side: Side, prefix: string): Promise<string[]> {
      const p = prefix.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
      return [...(await tree(side)).keys()].filter((path) => p === '' || path === p || path.startsWith(`${p}/`)).sort();
    },
    listedFiles: () => listed,
    readAlong(paths: readonly string[], maxBytes: number): void {
      alsoCodeMaxBytes = maxBytes;
      for (const path of paths) if (isReviewableCode(path)) alsoCode.add(path);
    },
  };
}
