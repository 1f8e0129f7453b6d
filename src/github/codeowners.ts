// CODEOWNERS (GitHub's "About code owners"): who owns a path, for `/review accept` by a code owner
// (review-output.md §11.7). Pure: the App reads the file from the default branch and asks here.
//
// GitHub's rules, as documented: the last matching line wins; a line with a pattern and no owners
// leaves the path unowned; patterns follow gitignore except that `!` negation, `[ ]` ranges and `\`
// escapes do not work; owners are `@user`, `@org/team` or an e-mail address. Where GitHub's
// documentation is silent, placement follows gitignore and the common reading of it (a pattern
// whose last part is not a bare `*` may name a folder and own what is under it; `docs/*` owns only
// the folder's own files). A line this parser cannot read is kept as "unreadable": if it is the last
// line that could match a path, who owns the path is unknown, and the caller must refuse rather than
// fall back to an earlier, broader line. Globs are compiled per file, outside the shared glob cache,
// and matched in time linear in the path, since the path comes from the pull request.
import { globMatcher } from '../review/glob.js';

/** GitHub ignores a CODEOWNERS file larger than this. */
export const MAX_CODEOWNERS_BYTES = 3 * 1024 * 1024;
/** CODEOWNERS locations, in the order GitHub looks for them. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

export interface OwnerRule {
  line: number;
  pattern: string;
  owners: string[];
  /** False for a line that could not be read: it may own a path, but with whom is unknown. */
  readable: boolean;
  matches: (path: string) => boolean;
}

export interface CodeOwners {
  rules: OwnerRule[];
}

const USER = /^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
// Team slugs are letters, digits, `-` and `_`: never `.` or `..`, which would leave the REST path.
const TEAM = /^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\/[A-Za-z0-9][A-Za-z0-9_-]*$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;

export const isUserOwner = (owner: string) => USER.test(owner);
export const isTeamOwner = (owner: string) => TEAM.test(owner);

export function parseCodeOwners(text: string): CodeOwners {
  const rules: OwnerRule[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const content = lines[i]!.replace(/(^|\s)#.*$/, '').trim();
    if (content === '') continue;
    const [pattern = '', ...owners] = content.split(/\s+/);
    const supported = !/[[\]\\{}]/.test(pattern) && !pattern.startsWith('!');
    const readable = supported && owners.every((o) => USER.test(o) || TEAM.test(o) || EMAIL.test(o));
    // An unreadable line is matched loosely, so it can only make more paths "unknown", never fewer.
    const globs = globsOf(supported ? pattern : pattern.replace(/^!+/, '').replace(/\[[^\]]*\]?/g, '?').replace(/[\\{}]/g, '?'));
    if (globs.length === 0 && readable) continue;
    const matchers = globs.map(globMatcher);
    rules.push({ line: i + 1, pattern, owners, readable: readable && globs.length > 0, matches: (path) => matchers.some((m) => m(path)) });
  }
  return { rules };
}

/** gitignore placement: a pattern with a slash before its end is anchored at the root; else anywhere. */
function globsOf(pattern: string): string[] {
  const trailing = pattern.endsWith('/');
  let body = pattern.replace(/\/+$/, '');
  const anchored = body.includes('/');
  body = body.replace(/^\/+/, '');
  if (body === '') return [];
  const glob = anchored || body.startsWith('**') ? body : `**/${body}`;
  if (trailing) return [`${glob}/**`];
  const last = body.slice(body.lastIndexOf('/') + 1);
  return last === '*' ? [glob] : [glob, `${glob}/**`];
}

/** The line that decides who owns `path` (the last that matches), or null when none does. */
export function ownersOf(codeOwners: CodeOwners, path: string): OwnerRule | null {
  for (let i = codeOwners.rules.length - 1; i >= 0; i--) {
    const rule = codeOwners.rules[i]!;
    if (rule.matches(path)) return rule;
  }
  return null;
}
