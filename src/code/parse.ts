// One typescript-estree parse per file and side. PR content is hostile: size-capped, time-capped, and
// a parse failure becomes a coverage note rather than an exception.
import { parse, type TSESTree } from '@typescript-eslint/typescript-estree';
import { parseWithDeepStack } from './deep-parse.js';
import { OverTimeLimit, withinTimeLimit } from './time-limit.js';

export const CODE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

export function isCodePath(path: string): boolean {
  return CODE_EXTENSIONS.some((ext) => path.endsWith(ext)) && !path.endsWith('.d.ts');
}

/** rules.md §1.4: test code is read as evidence only, never a finding location. */
export function isTestPath(path: string): boolean {
  return (
    /\.(test|spec)\.[^/]*$/.test(path) ||
    /(^|\/)(__tests__|test|tests)\//.test(path)
  );
}

/** The text every suppression directive contains; a file without it has no comment worth converting. */
export const DIRECTIVE_MARK = 'arch-review-disable';

export function mayHoldDirective(text: string): boolean {
  return text.includes(DIRECTIVE_MARK);
}

export type ParseOutcome =
  | { ok: true; ast: TSESTree.Program }
  | { ok: false; reason: 'unparseable' | 'too-large' | 'time-budget'; detail: string };

export interface ParseLimits {
  maxBytes: number;
  /** Minified bundles have enormous lines; they are generated code, not architecture. */
  maxLineLength: number;
  /**
   * Wall-clock limit for one parse. TypeScript's parser is exponential on some short inputs
   * (measured: `x = async (async (… a))` nested 20 deep, 167 characters, 2.2 s, doubling with each
   * level), so size caps alone cannot bound it. A 1 MB file of ordinary service code parses in
   * about 1-1.5 s here. `Infinity` when the caller bounds the parse itself (the code runner bounds
   * a file's parse and analysis together).
   */
  timeBudgetMs: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxBytes: 1024 * 1024, maxLineLength: 20_000, timeBudgetMs: 10_000 };

const MINIFIED = 'looks minified';

export function parseCode(path: string, text: string, given: Partial<ParseLimits> = {}): ParseOutcome {
  const limits: ParseLimits = { ...DEFAULT_PARSE_LIMITS, ...given };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    return { ok: false, reason: 'too-large', detail: `${bytes} bytes > ${limits.maxBytes} byte limit` };
  }
  let longest = 0;
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    longest = Math.max(longest, stop - start);
    start = stop + 1;
  }
  if (longest > limits.maxLineLength) {
    return { ok: false, reason: 'too-large', detail: `a line of ${longest} characters ${MINIFIED} (limit ${limits.maxLineLength})` };
  }
  const options = {
    loc: true,
    range: true,
    // Comments matter only as suppression directives (src/review/code-suppressions.ts), and
    // converting them walks every token of the file: about a fifth of the parse.
    comment: mayHoldDirective(text),
    jsx: /\.[jt]sx$/.test(path),
    // Parse JS files with the TS parser too; errors on TS-only syntax in .js files are not ours to report.
    errorOnUnknownASTType: false,
    allowInvalidAST: false,
  };
  const started = Date.now();
  try {
    const ast = withinTimeLimit(() => parse(text, options), limits.timeBudgetMs);
    return { ok: true, ast };
  } catch (error) {
    if (error instanceof OverTimeLimit) {
      return { ok: false, reason: 'time-budget', detail: `parsing took longer than the ${limits.timeBudgetMs} ms limit for one file` };
    }
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      // Deep but ordinary code (long concatenations, deeply nested blocks): not the file's fault.
      const deep = parseWithDeepStack(text, options, Number.isFinite(limits.timeBudgetMs) ? limits.timeBudgetMs : DEFAULT_PARSE_LIMITS.timeBudgetMs);
      if (deep.ok) return { ok: true, ast: deep.ast };
      if (deep.timedOut) return { ok: false, reason: 'time-budget', detail: `parsing took longer than the time limit for one file` };
      return { ok: false, reason: 'unparseable', detail: `${deep.error.split('\n')[0]}${deep.lineNumber ? ` at line ${deep.lineNumber}` : ''}` };
    }
    // JSX in a `.js` file is the Create React App convention: tried again as JSX before giving up.
    // The retry has what is left of the file's time limit, not a limit of its own.
    const e = error as { message?: string; lineNumber?: number };
    const where = e.lineNumber ? ` at line ${e.lineNumber}` : '';
    const failure: ParseOutcome = { ok: false, reason: 'unparseable', detail: `${(e.message ?? String(error)).split('\n')[0]}${where}` };
    const left = limits.timeBudgetMs - (Date.now() - started);
    if (!options.jsx && /\.[cm]?js$/.test(path) && text.includes('<') && left > 0) {
      const asJsx = parseCode(path.replace(/\.[cm]?js$/, '.jsx'), text, { ...given, timeBudgetMs: left });
      if (asJsx.ok) return asJsx;
      // A JSX file with a real error further down: the JSX parse's error is the one to fix, the
      // plain parse's is only its first `<`.
      if (asJsx.reason === 'unparseable' && errorLine(asJsx.detail) > (e.lineNumber ?? 0)) return asJsx;
    }
    return failure;
  }
}

function errorLine(detail: string): number {
  return Number(/ at line (\d+)$/.exec(detail)?.[1] ?? 0);
}

/** A `too-large` detail of a file refused for its line length: generated code, not architecture. */
export function looksMinified(detail: string): boolean {
  return detail.includes(MINIFIED);
}
