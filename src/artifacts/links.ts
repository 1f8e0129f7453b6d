// Link targets (artifacts.md §4.4, §4.5, §5.3): resolving a target written in a Markdown file to a
// repository path, and judging it against the tree: it exists, it is external, it is a
// `(not yet written)` conventional path, or it is a path into the skill itself
// (`reference/<name>.md`). Pure: the caller passes the tree's `exists`.
import { classifyPath } from './classify.js';
import type { Field, LinkTarget, MarkdownDoc, Section } from './markdown.js';

/** artifacts.md §9: dot-separated segments ending in a major version (`orders.placed.v1`). */
export const CHANNEL_NAME = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*(?:\.[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*)+\.v[1-9][0-9]*$/;
/** artifacts.md §1: kebab-case feature slug. */
export const SLUG_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const isChannelName = (name: string) => CHANNEL_NAME.test(name);

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** Targets with a URI scheme or a bare `#anchor` are never resolved against the tree. */
export function isExternalTarget(target: string): boolean {
  const t = target.trim();
  return t.startsWith('#') || SCHEME.test(t) || t.startsWith('//');
}

/** The target without `#fragment` or `?query`, percent-decoded where that is valid. */
export function targetPath(target: string): string {
  const bare = target.trim().replace(/[?#].*$/, '');
  try {
    return decodeURIComponent(bare);
  } catch {
    return bare;
  }
}

/** The `#fragment` of a target, without the `#`, or null. */
export function targetFragment(target: string): string | null {
  const i = target.indexOf('#');
  return i < 0 ? null : target.slice(i + 1);
}

/**
 * The repository path a relative target names, resolved against the directory of `fromPath`
 * (§5.3). A leading `/` is the repository root, as GitHub renders it. A target ending in `/` keeps
 * the slash (a folder). Null for external targets, pure anchors and paths that climb above the root.
 */
export function resolveLinkPath(fromPath: string, target: string): string | null {
  if (isExternalTarget(target)) return null;
  const path = targetPath(target);
  if (!path) return null;
  const segments = path.startsWith('/') ? [] : fromPath.split('/').slice(0, -1);
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return null;
      segments.pop();
    } else segments.push(segment);
  }
  if (segments.length === 0) return null;
  const joined = segments.join('/');
  const last = path.split('/').pop();
  return last === '' || last === '.' || last === '..' ? `${joined}/` : joined;
}

/**
 * Whether a resolved path exists: a file of the tree, or a folder holding at least one file
 * (CHANGES.md item 3). A folder written without its trailing slash still counts, as GitHub shows it.
 */
export function pathExists(path: string, exists: (path: string) => boolean): boolean {
  if (exists(path)) return true;
  return !path.endsWith('/') && exists(`${path}/`);
}

/**
 * `reference/<name>.md`, however many `./` and `../` precede it: a file of the skill's own
 * reference library, which lives in the skill and not in the user's repository (§5.3 (c)).
 */
export function isSkillReference(target: string): boolean {
  const path = targetPath(target).replace(/^(?:\.\.?\/)+/, '');
  return /^reference\/[^/]+\.md$/.test(path);
}

export interface LinkOwner {
  scope: 'feature' | 'platform';
  /** The feature of the file holding the link. */
  slug?: string;
}

const FEATURE_FOLDERS = new Set(['adrs', 'contracts', 'schemas', 'asyncapi', 'runbooks', 'launches']);
const PLATFORM_FOLDERS = new Set(['adrs', 'runbooks', 'standards']);
const CHANNEL_TYPES = new Set(['contract', 'schema', 'asyncapi']);

/**
 * A conventional path of artifacts.md §2 for the same feature or the platform (§5.3 (b)): a file
 * the classifier places in one of the current artifact types, or one of the artifact folders.
 * Contract, schema and AsyncAPI names must be channel names. A platform file may also announce
 * a feature README (platform ADRs and runbooks list the features they affect).
 */
export function isConventionalPath(path: string, owner: LinkOwner): boolean {
  const folder = /^docs\/features\/([^/]+)\/([^/]+)\/$/.exec(path);
  if (folder) return FEATURE_FOLDERS.has(folder[2]) && owner.scope === 'feature' && folder[1] === owner.slug;
  const systemFolder = /^docs\/system\/([^/]+)\/$/.exec(path);
  if (systemFolder) return PLATFORM_FOLDERS.has(systemFolder[1]);
  const c = classifyPath(path);
  if (!c || c.type === 'unclassified' || c.type.startsWith('legacy-')) return false;
  if (CHANNEL_TYPES.has(c.type) && !isChannelName(c.channel ?? '')) return false;
  if (c.scope === 'platform') return true;
  if (owner.scope === 'platform') return c.type === 'readme';
  return c.slug === owner.slug;
}

export type LinkVerdict =
  /** URI scheme or bare anchor: not checked against the tree. */
  | 'external'
  /** Resolves to an existing file or non-empty folder. */
  | 'exists'
  /** Exists, yet still annotated `(not yet written)`. */
  | 'stale-annotation'
  /** Missing, annotated, and a conventional path: allowed. */
  | 'announced'
  /** Missing and annotated, but not a conventional path. */
  | 'announced-unconventional'
  /** Missing skill reference path `reference/<name>.md`: allowed. */
  | 'skill-reference'
  /** Missing and not annotated (or climbing above the repository root). */
  | 'missing';

export interface LinkCheck {
  verdict: LinkVerdict;
  /** Repository path, null for external targets and paths above the root. */
  resolved: string | null;
}

/** Judges one link target of the file at `fromPath` (artifacts.md §5.3 resolution rules). */
export function checkLink(
  link: Pick<LinkTarget, 'target' | 'notYetWritten'>,
  fromPath: string,
  owner: LinkOwner,
  exists: (path: string) => boolean,
): LinkCheck {
  if (isExternalTarget(link.target)) return { verdict: 'external', resolved: null };
  const resolved = resolveLinkPath(fromPath, link.target);
  if (resolved && pathExists(resolved, exists)) {
    return { verdict: link.notYetWritten ? 'stale-annotation' : 'exists', resolved };
  }
  if (isSkillReference(link.target)) return { verdict: 'skill-reference', resolved };
  if (!link.notYetWritten || !resolved) return { verdict: 'missing', resolved };
  return { verdict: isConventionalPath(resolved, owner) ? 'announced' : 'announced-unconventional', resolved };
}

/** The owner of a classified file, for `isConventionalPath`. */
export function ownerOf(path: string): LinkOwner {
  const c = classifyPath(path);
  if (c?.scope === 'platform' || !c?.slug) return { scope: 'platform' };
  return { scope: 'feature', slug: c.slug };
}

/** Links whose first line lies in [from, to]. */
export function linksBetween(doc: MarkdownDoc, from: number, to: number): LinkTarget[] {
  return doc.links.filter((l) => l.line >= from && l.line <= to);
}

/** Links of a section, subsections included. */
export function linksInSection(doc: MarkdownDoc, section: Section): LinkTarget[] {
  return linksBetween(doc, section.line, section.endLine);
}

/** Links on the lines of one field. */
export function linksOfField(doc: MarkdownDoc, field: Field): LinkTarget[] {
  return linksBetween(doc, field.line, field.endLine);
}

/** `a/b/../c/` → the path relative from one repository directory to another file (for messages). */
export function relativeLink(fromPath: string, toPath: string): string {
  const from = fromPath.split('/').slice(0, -1);
  const to = toPath.split('/');
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  return [...Array(from.length - common).fill('..'), ...to.slice(common)].join('/') || '.';
}
