// Repository-path globs for the config's `features:`, `services:` and `exclude:` lists: `**` spans
// folders, `*` and `?` stay inside one path segment, `{a,b}` alternates literal text.
//
// A glob is matched by simulating a small automaton over the path, not by a regular expression: a
// glob such as `**a**a**a**b` compiled to `.*a.*a.*a.*b` backtracks polynomially in V8, and the App
// matches one repository's globs against paths a pull request chooses, in a process shared with
// other repositories. The simulation costs at most (path length × glob length) steps.

const enum Kind {
  /** Consumes one given character. */
  Char,
  /** `?`: consumes one character other than `/`. */
  AnyButSlash,
  /** `*`: consumes any run of characters other than `/` (epsilon to next). */
  Star,
  /** `**` not followed by `/`: consumes anything (epsilon to next). */
  GlobStar,
  /** `{a,b}`: epsilon to the first state of each branch. */
  Split,
  /** `**\/`: epsilon to next (no folder) and to its Folders state. */
  FoldersEntry,
  /** Inside `**\/`: consumes anything; a `/` may also end it. */
  Folders,
}

interface Automaton {
  glob: string;
  built: boolean;
  kind: Kind[];
  code: number[];
  next: number[];
  branches: number[][];
  /** The accepting state: one past the last. */
  accept: number;
  /** A glob with no wildcard or alternation is compared as a string. */
  literal: string | null;
  /** The literal text before the first wildcard: most paths are told apart by it alone. */
  prefix: string;
  /** The longest literal run outside alternations: a path without it cannot match (`**\/logs`). */
  needle: string;
  /** Work arrays (two state sets and their marks), reused: matching never re-enters itself. */
  sets: [Int32Array, Int32Array];
  mark: Int32Array;
}

const SLASH = 47;
const cache = new Map<string, Automaton>();

export function matchesGlob(path: string, glob: string): boolean {
  let automaton = cache.get(glob);
  if (!automaton) {
    automaton = compile(glob);
    // The App reviews many repositories in one process: the cache must not grow with all their configs.
    if (cache.size >= 2_000) cache.clear();
    cache.set(glob, automaton);
  }
  return test(automaton, path);
}

/** A compiled glob outside the shared cache, for globs that live only as long as one request's data. */
export function globMatcher(glob: string): (path: string) => boolean {
  const automaton = compile(glob);
  return (path) => test(automaton, path);
}

function test(automaton: Automaton, path: string): boolean {
  if (automaton.literal !== null) return path === automaton.literal;
  return path.startsWith(automaton.prefix) && path.includes(automaton.needle) && run(automaton, path);
}

type Token = { kind: 'char'; code: number } | { kind: 'any' | 'star' | 'globstar' | 'folders' } | { kind: 'alt'; options: string[] };

function tokenize(glob: string): Token[] {
  const tokens: Token[] = [];
  // The next `}` at or after each position, found in one pass from the end (an unclosed `{` is text).
  const close = new Int32Array(glob.length + 1).fill(-1);
  for (let i = glob.length - 1; i >= 0; i--) close[i] = glob[i] === '}' ? i : close[i + 1]!;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        tokens.push({ kind: slash ? 'folders' : 'globstar' });
        i += slash ? 2 : 1;
      } else tokens.push({ kind: 'star' });
    } else if (ch === '?') tokens.push({ kind: 'any' });
    else if (ch === '{' && close[i]! > i) {
      const end = close[i]!;
      tokens.push({ kind: 'alt', options: glob.slice(i + 1, end).split(',') });
      i = end;
    } else tokens.push({ kind: 'char', code: glob.charCodeAt(i) });
  }
  return tokens;
}

function compile(glob: string): Automaton {
  const empty = new Int32Array(0);
  const a: Automaton = { glob, built: false, kind: [], code: [], next: [], branches: [], accept: 0, literal: null, prefix: '', needle: '', sets: [empty, empty], mark: empty };
  // Literal text, found by a scan that allocates no tokens: most globs are rejected by it alone, and
  // the automaton is built only for a path that passes (a CODEOWNERS file has thousands of lines).
  let literalRun = '';
  let seenWildcard = false;
  // A `{` opens an alternation only if a `}` follows it; the search then jumps past that `}`.
  const lastClose = glob.lastIndexOf('}');
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    const wildcard = ch === '*' || ch === '?' || (ch === '{' && i < lastClose);
    if (wildcard) {
      if (!seenWildcard) a.prefix = literalRun;
      seenWildcard = true;
      literalRun = '';
      if (ch === '{') i = glob.indexOf('}', i + 1);
      // `**/` may match no folder at all: its slash is not literal text a path must contain.
      else if (ch === '*' && glob[i + 1] === '*') i += glob[i + 2] === '/' ? 2 : 1;
      continue;
    }
    literalRun += ch;
    if (literalRun.length > a.needle.length) a.needle = literalRun;
  }
  if (!seenWildcard) a.literal = glob;
  return a;
}

/** The states, built once, on the first path that passes the literal checks. */
function build(a: Automaton): void {
  a.built = true;
  const tokens = tokenize(a.glob);
  const add = (kind: Kind, code: number, next: number, branches: number[] = []) => {
    a.kind.push(kind);
    a.code.push(code);
    a.next.push(next);
    a.branches.push(branches);
  };
  for (const token of tokens) {
    const at = a.kind.length;
    if (token.kind === 'char') add(Kind.Char, token.code, at + 1);
    else if (token.kind === 'any') add(Kind.AnyButSlash, 0, at + 1);
    else if (token.kind === 'star') add(Kind.Star, 0, at + 1);
    else if (token.kind === 'globstar') add(Kind.GlobStar, 0, at + 1);
    else if (token.kind === 'folders') {
      add(Kind.FoldersEntry, 0, at + 2, [at + 1]);
      add(Kind.Folders, 0, at + 2);
    } else if (token.kind === 'alt') {
      // Split, then each branch's characters in a row; every branch ends at the state after them all.
      const join = at + 1 + token.options.reduce((n, o) => n + o.length, 0);
      const starts: number[] = [];
      let first = at + 1;
      for (const option of token.options) {
        starts.push(option.length === 0 ? join : first);
        first += option.length;
      }
      add(Kind.Split, 0, join, starts);
      for (const option of token.options) {
        for (let k = 0; k < option.length; k++) {
          const state = a.kind.length;
          add(Kind.Char, option.charCodeAt(k), k === option.length - 1 ? join : state + 1);
        }
      }
    }
  }
  a.accept = a.kind.length;
  a.sets = [new Int32Array(a.accept + 1), new Int32Array(a.accept + 1)];
  a.mark = new Int32Array(a.accept + 1);
}

function run(a: Automaton, path: string): boolean {
  if (!a.built) build(a);
  let [current, next] = a.sets;
  let currentCount = 0;
  let nextCount = 0;
  // `mark[s] === generation` says s is already in the set being built: no clearing per character.
  const mark = a.mark.fill(0);
  let generation = 1;
  const stack: number[] = [];
  const addTo = (target: Int32Array, count: number, state: number): number => {
    stack.push(state);
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (mark[s] === generation) continue;
      mark[s] = generation;
      target[count++] = s;
      if (s === a.accept) continue;
      const kind = a.kind[s]!;
      if (kind === Kind.Star || kind === Kind.GlobStar) stack.push(a.next[s]!);
      else if (kind === Kind.Split) for (const b of a.branches[s]!) stack.push(b);
      else if (kind === Kind.FoldersEntry) stack.push(a.next[s]!, a.branches[s]![0]!);
    }
    return count;
  };
  currentCount = addTo(current, 0, 0);
  for (let i = 0; i < path.length && currentCount > 0; i++) {
    const ch = path.charCodeAt(i);
    generation++;
    nextCount = 0;
    for (let j = 0; j < currentCount; j++) {
      const s = current[j]!;
      if (s === a.accept) continue;
      switch (a.kind[s]) {
        case Kind.Char:
          if (ch === a.code[s]) nextCount = addTo(next, nextCount, a.next[s]!);
          break;
        case Kind.AnyButSlash:
          if (ch !== SLASH) nextCount = addTo(next, nextCount, a.next[s]!);
          break;
        case Kind.Star:
          if (ch !== SLASH) nextCount = addTo(next, nextCount, s);
          break;
        case Kind.GlobStar:
          nextCount = addTo(next, nextCount, s);
          break;
        case Kind.Folders:
          nextCount = addTo(next, nextCount, s);
          if (ch === SLASH) nextCount = addTo(next, nextCount, a.next[s]!);
          break;
        default:
          break;
      }
    }
    [current, next] = [next, current];
    currentCount = nextCount;
  }
  for (let j = 0; j < currentCount; j++) if (current[j] === a.accept) return true;
  return false;
}

/**
 * Names such as channels or hosts against a pattern whose wildcard is `*` (any text, `/` and `.`
 * included), and `?` (any one character) when `question` is set. The pieces between stars are found
 * left to right, which is exact for this syntax and costs at most (name length × pattern length),
 * where a regular expression `a.*b.*c` would backtrack.
 */
export function matchesWildcard(name: string, pattern: string, question = false): boolean {
  const pieces = pattern.split('*');
  const first = pieces[0]!;
  if (pieces.length === 1) return name.length === first.length && pieceAt(name, first, 0, question);
  const last = pieces[pieces.length - 1]!;
  const end = name.length - last.length;
  if (end < first.length || !pieceAt(name, first, 0, question) || !pieceAt(name, last, end, question)) return false;
  let at = first.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    let found = -1;
    for (let from = at; from + piece.length <= end; from++) {
      if (pieceAt(name, piece, from, question)) {
        found = from;
        break;
      }
    }
    if (found < 0) return false;
    at = found + piece.length;
  }
  return true;
}

function pieceAt(name: string, piece: string, at: number, question: boolean): boolean {
  if (at + piece.length > name.length) return false;
  if (!question) return name.startsWith(piece, at);
  for (let k = 0; k < piece.length; k++) if (piece[k] !== '?' && piece[k] !== name[at + k]) return false;
  return true;
}
