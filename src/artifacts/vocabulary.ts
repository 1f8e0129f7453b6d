// Vocabulary matching for docs rules (rules.md §3 "Vocabulary matching", CHANGES.md items 1, 2, 9):
// every word list, phrase and pattern a docs rule matches against Markdown prose goes through here,
// so `ack` never fires inside "tracking", `page on` never inside "page on-call", and `reject` still
// finds "Rejected". Also the negation window and the concrete criterion (a)-(d), which several
// claim rules share.
//
// Word boundaries are enforced inside the compiled RegExp (not by filtering matches afterwards),
// so the engine backtracks to a shorter or later match instead of losing it: `stop .{0,20}(when|if)`
// on "stop the relay when verifying" rejects the "if" inside "verifying" and still finds "when".
import type { MaskedText } from './prose.js';

/**
 * Letters, digits and `_` (rules.md §3 "a word"). No `u` flag is used, so spec patterns written
 * in plain RegExp syntax (`\-`, `\/`) stay valid; Latin-1, Latin Extended, Greek and Cyrillic
 * letters cover the prose these documents are written in.
 */
const W = 'A-Za-z0-9_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F\\u0370-\\u03FF\\u0400-\\u052F';
const WORD_CLASS = `[${W}]`;
/** Hyphen and apostrophes join two word characters into one word (`on-call`, `don't`). */
const JOINERS = "-'\u2019";
const JOINER_CLASS = `[${JOINERS.replace('-', '\\-')}]`;

const WORD_CHAR = new RegExp(`^${WORD_CLASS}$`);
const isWordChar = (ch: string) => WORD_CHAR.test(ch);
const isJoiner = (ch: string) => JOINERS.includes(ch);

/** A match starting with a word character must start a word (not follow one, nor `word-`). */
const START = `(?:(?!${WORD_CLASS})|(?<!${WORD_CLASS})(?<!${WORD_CLASS}${JOINER_CLASS}))`;
/** A short final word must end the text's word (not run on into letters, nor into `-word`). */
const END = `(?!${WORD_CLASS})(?!${JOINER_CLASS}${WORD_CLASS})`;
/** Final words of this many characters or fewer must end at a word end; longer ones are stems. */
const MAX_EXACT_WORD = 3;

/** Matches one word per rules.md §3: `on-call`, `at-least-once`, `don't`, `2026-06-16`. */
export const WORD_PATTERN = new RegExp(`${WORD_CLASS}+(?:${JOINER_CLASS}${WORD_CLASS}+)*`, 'g');

export interface Vocabulary {
  /** The patterns as given, for messages and debugging. */
  readonly sources: readonly string[];
  /** One global, case-insensitive RegExp per pattern, word boundaries compiled in. */
  readonly regexps: readonly RegExp[];
}

export interface VocabularyMatch {
  index: number;
  /** Offset just past the match. */
  end: number;
  text: string;
  /** Index of the pattern in the vocabulary. */
  pattern: number;
}

/**
 * Compiles patterns (RegExp sources, or RegExps whose flags are ignored) for word-boundary
 * matching. Plain words and phrases are valid sources; use `escapeVocabulary` for a literal that
 * contains RegExp syntax. A leading `(?i)` is accepted and dropped: matching is always
 * case-insensitive. Throws on an invalid pattern, as `new RegExp` would.
 */
export function compileVocabulary(patterns: readonly (string | RegExp)[]): Vocabulary {
  const sources = patterns.map((p) => (typeof p === 'string' ? p : p.source).replace(/^\(\?i\)/, ''));
  return { sources, regexps: sources.map(compilePattern) };
}

/** One pattern compiled with the boundary rules, as a global case-insensitive RegExp. */
export function compilePattern(source: string): RegExp {
  const alternatives = parseRegExp(source.replace(/^\(\?i\)/, ''));
  const bounded = alternatives.map((seq) => serialize(finalize(seq, 0))).join('|');
  return new RegExp(`${START}(?:${bounded})`, 'gi');
}

/** Escapes RegExp syntax so a word list entry such as `e.g.` or `C++` is matched literally. */
export function escapeVocabulary(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export interface MatchRange {
  /** First offset a match may start at. */
  from?: number;
  /** Offset a match must end at or before. */
  to?: number;
}

/** Every match of every pattern (leftmost, non-overlapping per pattern), ordered by position. */
export function matchVocabulary(input: string | MaskedText, vocab: Vocabulary, range: MatchRange = {}): VocabularyMatch[] {
  const text = typeof input === 'string' ? input : input.text;
  const from = range.from ?? 0;
  const to = range.to ?? text.length;
  const out: VocabularyMatch[] = [];
  vocab.regexps.forEach((source, pattern) => {
    const re = new RegExp(source.source, source.flags);
    re.lastIndex = from;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m.index >= to) break;
      const end = m.index + m[0].length;
      if (m[0].length === 0) re.lastIndex++;
      else if (end <= to) out.push({ index: m.index, end, text: m[0], pattern });
    }
  });
  return out.sort((a, b) => a.index - b.index || b.end - a.end || a.pattern - b.pattern);
}

export function testVocabulary(input: string | MaskedText, vocab: Vocabulary, range?: MatchRange): boolean {
  return matchVocabulary(input, vocab, range).length > 0;
}

export function firstVocabularyMatch(input: string | MaskedText, vocab: Vocabulary, range?: MatchRange): VocabularyMatch | null {
  return matchVocabulary(input, vocab, range)[0] ?? null;
}

/** The words of a text with their offsets (masked tokens are not words). */
export function wordsOf(text: string): { word: string; index: number; end: number }[] {
  return [...text.matchAll(WORD_PATTERN)].map((m) => ({ word: m[0], index: m.index ?? 0, end: (m.index ?? 0) + m[0].length }));
}

// ---------------------------------------------------------------------------------------------
// Negation window (rules.md §3): used only by rules that name it (artifact-anti-pattern-scan).

export const NEGATION_WORDS = ['avoid', 'never', 'not', 'no', "don't", 'do not', 'instead of', 'rejected', 'prevent', 'without'] as const;
export const NEGATION_WINDOW_WORDS = 6;
const NEGATIONS = compileVocabulary(NEGATION_WORDS.map(escapeVocabulary));

/** True when a negation word or phrase lies wholly within the `words` words before `index`. */
export function isNegated(input: string | MaskedText, index: number, words = NEGATION_WINDOW_WORDS): boolean {
  const text = typeof input === 'string' ? input : input.text;
  const before = wordsOf(text.slice(0, index));
  const from = before.length > words ? before[before.length - words].index : 0;
  return testVocabulary(text, NEGATIONS, { from, to: index });
}

// ---------------------------------------------------------------------------------------------
// Concrete criterion (rules.md §3, CHANGES.md items 1 and 2)

const NUMBER_WITH_UNIT = compileVocabulary([
  '\\d+(\\.\\d+)?\\s*(%|ms|s|sec|seconds?|min|minutes?|h|hours?|d|days?|x|msg/s|/s|rps|req/s|messages?|events?|errors?|points?)(?![A-Za-z0-9_])',
]);
const COMPARATOR_NUMBER = compileVocabulary([
  '(>|>=|<|<=|above|below|exceeds?|over|under|more than|less than|at least|at most)\\s*\\d',
]);
const ANNOTATED_TBD = /<TBD:\s*\S[^>]*>/gi;
/** Upper-case acronyms that name a concept, not a state a system can be in. */
export const NAMED_STATE_STOP_LIST = ['DLQ', 'SLO', 'RPO', 'RTO', 'API', 'PII', 'TBD'] as const;

export type CriterionKind = 'number' | 'comparator' | 'state' | 'tbd';

export interface CriterionHit {
  kind: CriterionKind;
  /** The matched text (for a state in a code span, the span's content). */
  text: string;
  /** Offset in the masked text (the mask token's offset for a code span). */
  index: number;
}

/** `DEGRADED`, `HALF_OPEN`, `PAUSED`: only upper-case letters, digits and `_`, three letters or more. */
export function isNamedState(word: string): boolean {
  if (!/^[A-Z0-9_]+$/.test(word)) return false;
  if ((word.match(/[A-Z]/g) ?? []).length < 3) return false;
  return !(NAMED_STATE_STOP_LIST as readonly string[]).includes(word);
}

/**
 * Every criterion of the unit: (a) a number with a unit, (b) a comparator and a number, (c) a named
 * state in the prose or as the whole content of a code span, (d) an explicit `<TBD: ...>`.
 * Patterns run on the masked text, so nothing inside code spans or URLs counts as a number, and
 * nothing inside a `<TBD: ...>` annotation counts as (a)-(c).
 */
export function findCriteria(unit: MaskedText): CriterionHit[] {
  const hits: CriterionHit[] = [];
  const tbds = [...unit.text.matchAll(ANNOTATED_TBD)].map((m) => ({ index: m.index ?? 0, end: (m.index ?? 0) + m[0].length, text: m[0] }));
  // The reason inside `<TBD: SRE sets 5%>` names who decides, not a threshold already chosen.
  const inTbd = (index: number) => tbds.some((t) => index >= t.index && index < t.end);
  const add = (hit: CriterionHit) => {
    if (!inTbd(hit.index)) hits.push(hit);
  };
  for (const m of matchVocabulary(unit.text, NUMBER_WITH_UNIT)) add({ kind: 'number', text: m.text, index: m.index });
  for (const m of matchVocabulary(unit.text, COMPARATOR_NUMBER)) add({ kind: 'comparator', text: m.text, index: m.index });
  for (const w of wordsOf(unit.text)) if (isNamedState(w.word)) add({ kind: 'state', text: w.word, index: w.index });
  for (const mask of unit.masks) {
    if (mask.kind === 'code' && isNamedState(mask.content.trim())) add({ kind: 'state', text: mask.content.trim(), index: mask.offset });
  }
  for (const t of tbds) hits.push({ kind: 'tbd', text: t.text, index: t.index });
  return hits.sort((a, b) => a.index - b.index);
}

/** `concrete` when (a), (b) or (c) holds; `tbd` when only an explicit `<TBD: ...>` does; else `none`. */
export function criterionStatus(unit: MaskedText): 'concrete' | 'tbd' | 'none' {
  const hits = findCriteria(unit);
  if (hits.some((h) => h.kind !== 'tbd')) return 'concrete';
  return hits.length > 0 ? 'tbd' : 'none';
}

export function hasConcreteCriterion(unit: MaskedText): boolean {
  return criterionStatus(unit) === 'concrete';
}

// ---------------------------------------------------------------------------------------------
// A small RegExp parser, just enough to find the pattern's final literal words. The boundary rule
// depends on the *pattern's* last word ("if" in `(when|if)`), not on the text it happened to match
// ("classif" in "classify"), so it cannot be checked on the match alone.

type Atom =
  | { t: 'char'; src: string; ch: string }
  | { t: 'class'; src: string }
  | { t: 'assert'; src: string }
  | { t: 'group'; open: string; alts: Item[][] }
  | { t: 'look'; open: string; alts: Item[][] }
  | { t: 'backref'; src: string };

interface Item {
  atom: Atom;
  /** Quantifier as written (`?`, `{0,20}`, `+?`), or ''. */
  quant: string;
  min: number;
  /** Boundary assertion to emit after this item. */
  end?: boolean;
}

function parseRegExp(source: string): Item[][] {
  let i = 0;
  const parseAlts = (): Item[][] => {
    const alts: Item[][] = [[]];
    while (i < source.length) {
      const c = source[i];
      if (c === ')') return alts;
      if (c === '|') {
        i++;
        alts.push([]);
        continue;
      }
      const atom = parseAtom();
      alts[alts.length - 1].push({ atom, ...parseQuant() });
    }
    return alts;
  };
  const parseAtom = (): Atom => {
    const c = source[i];
    if (c === '\\') return parseEscape();
    if (c === '[') {
      const start = i++;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i++;
      return { t: 'class', src: source.slice(start, i) };
    }
    if (c === '(') {
      const open = /^\((?:\?:|\?=|\?!|\?<=|\?<!|\?<[A-Za-z_$][\w$]*>)?/.exec(source.slice(i))![0];
      i += open.length;
      const alts = parseAlts();
      if (source[i] !== ')') throw new SyntaxError(`Unterminated group in vocabulary pattern /${source}/`);
      i++;
      const look = open === '(?=' || open === '(?!' || open === '(?<=' || open === '(?<!';
      return look ? { t: 'look', open, alts } : { t: 'group', open, alts };
    }
    i++;
    if (c === '.') return { t: 'class', src: '.' };
    if (c === '^' || c === '$') return { t: 'assert', src: c };
    return { t: 'char', src: c === "'" || c === '\u2019' ? "['\u2019]" : c, ch: c };
  };
  const parseEscape = (): Atom => {
    const next = source[i + 1] ?? '';
    if ('dDwWsS'.includes(next)) {
      i += 2;
      return { t: 'class', src: `\\${next}` };
    }
    if (next === 'b' || next === 'B') {
      i += 2;
      return { t: 'assert', src: `\\${next}` };
    }
    const special =
      /^\\(?:[pP]\{[^}]*\}|k<[^>]*>|[1-9]\d*|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]+\}|c[A-Za-z]|[tnrfv0])/.exec(source.slice(i));
    if (special) {
      i += special[0].length;
      const kind = special[0][1];
      if (kind === 'p' || kind === 'P') return { t: 'class', src: special[0] };
      if (kind === 'k' || /[1-9]/.test(kind)) return { t: 'backref', src: special[0] };
      return { t: 'char', src: special[0], ch: '\u0000' };
    }
    i += 2;
    return { t: 'char', src: `\\${next}`, ch: next };
  };
  const parseQuant = (): { quant: string; min: number } => {
    const m = /^(?:([?*+])|\{(\d+)(?:,(\d*))?\})\??/.exec(source.slice(i));
    if (!m) return { quant: '', min: 1 };
    i += m[0].length;
    const min = m[1] ? (m[1] === '+' ? 1 : 0) : Number(m[2]);
    return { quant: m[0], min };
  };
  const alts = parseAlts();
  if (i < source.length) throw new SyntaxError(`Unmatched ")" in vocabulary pattern /${source}/`);
  return alts;
}

function isZeroWidth(item: Item): boolean {
  return item.atom.t === 'assert' || item.atom.t === 'look';
}

/**
 * Marks the final literal words of a sequence: a short one (three characters or fewer, counting a
 * run that starts before the enclosing group, as in `retr(y|ies)`) gets an end-of-word assertion.
 * A pattern that ends in an explicit assertion (`\b`, a lookahead) keeps exactly that meaning,
 * and a final class (`\d`, `.`) has no literal word to judge.
 */
function finalize(seq: Item[], prefix: number): Item[] {
  const out = seq.map((item) => ({ ...item }));
  let k = out.length - 1;
  while (k >= 0 && isZeroWidth(out[k])) {
    if (out[k].atom.t === 'assert' || out[k].atom.t === 'look') return out;
    k--;
  }
  // An optional final item (`s?`, `(ed)?`) may match nothing, so the item before it can end the
  // match too; its assertion then goes after the optional item, where it holds in both cases.
  for (let j = k; j >= 0; j--) {
    markFinal(out, j, k, prefix);
    if (out[j].min !== 0 || j === 0) break;
  }
  return out;
}

function markFinal(out: Item[], j: number, at: number, prefix: number): void {
  const { atom } = out[j];
  if (atom.t === 'char') {
    if (!isWordChar(atom.ch)) return;
    if (runLength(out, j, prefix) <= MAX_EXACT_WORD) out[at].end = true;
  } else if (atom.t === 'group') {
    const before = j > 0 ? runLength(out, j - 1, prefix) : prefix;
    out[j] = { ...out[j], atom: { ...atom, alts: atom.alts.map((alt) => finalize(alt, before)) } };
  }
}

/** Length of the literal word ending at item `j` (joiners count inside the word). */
function runLength(seq: Item[], j: number, prefix: number): number {
  let n = 0;
  for (let k = j; k >= 0; k--) {
    const { atom, quant } = seq[k];
    if (atom.t !== 'char' || (quant !== '' && quant !== '?')) return n;
    if (isWordChar(atom.ch)) n++;
    else if (isJoiner(atom.ch) && k > 0 && n > 0 && seq[k - 1].atom.t === 'char' && isWordChar((seq[k - 1].atom as { ch: string }).ch)) n++;
    else return n;
  }
  return n + prefix;
}

function serialize(seq: Item[]): string {
  return seq
    .map((item) => {
      const { atom } = item;
      let src: string;
      if (atom.t === 'group' || atom.t === 'look') src = `${atom.open}${atom.alts.map(serialize).join('|')})`;
      else src = atom.src;
      return `${src}${item.quant}${item.end ? END : ''}`;
    })
    .join('');
}

/** For tests and diagnostics: the RegExp source a pattern compiles to. */
export function compiledSource(source: string): string {
  return compilePattern(source).source;
}

