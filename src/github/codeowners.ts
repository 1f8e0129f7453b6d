// CODEOWNERS, for `/review accept` (review-output.md §11.7: a code owner of the finding's file, or a
// repository admin, may accept its risk). GitHub's rules: the first file of `.github/CODEOWNERS`,
// `CODEOWNERS`, `docs/CODEOWNERS` on the default branch counts; gitignore-style patterns; the last
// matching line wins, and a matching line with no owners leaves the path unowned. Read from the
// default branch, so a pull request cannot make its author an owner.
import { compileGlob } from '../review/glob.js';

export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

export interface OwnerRule {
  line: number;
  pattern: string;
  matches: (path: string) => boolean;
  /** `@user`, `@org/team` or an e-mail address, as written. */
  owners: string[];
}

export function parseCodeowners(text: string): OwnerRule[] {
  const rules: OwnerRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    const [pattern, ...owners] = line.split(/\s+/);
    // GitHub ignores lines it cannot use (negations, character ranges); so does this.
    if (!pattern || pattern.startsWith('!') || pattern.includes('[')) return;
    rules.push({ line: index + 1, pattern, matches: matcherFor(pattern), owners });
  });
  return rules;
}

/** The owners of a repository path: those of the last matching rule (none when it lists none). */
export function ownersOf(rules: readonly OwnerRule[], path: string): string[] {
  for (let i = rules.length - 1; i >= 0; i--) if (rules[i]!.matches(path)) return rules[i]!.owners;
  return [];
}

/** Whether a GitHub login is listed by name among owners (teams and e-mail addresses are not resolved). */
export function isListedOwner(owners: readonly string[], login: string): boolean {
  const wanted = `@${login.toLowerCase()}`;
  return owners.some((o) => o.toLowerCase() === wanted);
}

/** gitignore-style: anchored when the pattern has a slash before its end; a directory covers what is below it. */
function matcherFor(pattern: string): (path: string) => boolean {
  let glob = pattern;
  const directory = glob.endsWith('/');
  if (directory) glob = glob.slice(0, -1);
  const anchored = glob.startsWith('/') || glob.includes('/');
  glob = glob.replace(/^\/+/, '');
  if (glob === '*' || glob === '**' || glob === '') glob = '**';
  else if (!anchored) glob = `**/${glob}`;
  const self = compileGlob(glob);
  // `docs/*` owns docs/a.md but not docs/guides/b.md (GitHub's documented exception to gitignore).
  const last = glob.slice(glob.lastIndexOf('/') + 1);
  const below = last.includes('*') && last !== '**' ? null : compileGlob(`${glob}/**`);
  return (path) => (!directory && self.test(path)) || (below !== null && below.test(path));
}
