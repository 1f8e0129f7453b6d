// Reads `.github/arch-review.yml` into a fully defaulted `Config`. The text may come from a pull
// request author, so it is treated as hostile: size and alias expansion are capped before anything
// is materialised. Every failure becomes one line that points at the key to fix.
import { open, type FileHandle } from 'node:fs/promises';
import { isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { didYouMean } from './did-you-mean.js';
import { formatKeyPath, problemsFromIssue, type Problem } from './issue-text.js';
import { configSchema, type Config } from './schema.js';
import { locate, type SourcePosition } from './yaml-location.js';

export const CONFIG_PATH = '.github/arch-review.yml';
export const MAX_CONFIG_BYTES = 64 * 1024;
/** yaml's own default is 100; a config has no honest use for more than a handful of aliases. */
export const MAX_ALIAS_COUNT = 50;

export interface ConfigError {
  /** One line for stderr or a check-run summary: `file:line:col: what is wrong`. */
  message: string;
  /** Dotted key path (`gate.failOn[0]`); empty when the problem is not about one key. */
  key: string;
  line: number | null;
  column: number | null;
}

export type ConfigResult =
  | { ok: true; config: Config; warnings: string[] }
  | { ok: false; error: ConfigError };

export interface ParseConfigOptions {
  /** Rule ids the engine knows; `rules:` entries outside this list produce a warning. */
  knownRuleIds?: readonly string[];
}

function where(fileName: string, position: SourcePosition | null): string {
  return position ? `${fileName}:${position.line}:${position.column}` : fileName;
}

function failure(fileName: string, text: string, key = '', position: SourcePosition | null = null): ConfigResult {
  return {
    ok: false,
    error: { message: `${where(fileName, position)}: ${text}`, key, line: position?.line ?? null, column: position?.column ?? null },
  };
}

function byPosition(a: { position: SourcePosition | null }, b: { position: SourcePosition | null }): number {
  if (!a.position || !b.position) return (a.position ? 0 : 1) - (b.position ? 0 : 1);
  return a.position.line - b.position.line || a.position.column - b.position.column;
}

function unknownRuleWarnings(
  config: Config,
  knownRuleIds: readonly string[],
  doc: Document,
  lineCounter: LineCounter,
  fileName: string,
): string[] {
  const known = new Set(knownRuleIds);
  return Object.keys(config.rules)
    .filter((id) => !known.has(id))
    .map((id) => {
      const position = locate(doc, lineCounter, ['rules', id], 'key');
      const suggestion = didYouMean(id, knownRuleIds);
      const hint = suggestion ? ` — did you mean "${suggestion}"?` : '';
      return `${where(fileName, position)}: unknown rule "${id}" in rules; the override has no effect${hint}`;
    });
}

export function parseConfig(text: string, fileName = CONFIG_PATH, options: ParseConfigOptions = {}): ConfigResult {
  // Cheap length check first: a UTF-16 length above the cap cannot be under it in UTF-8.
  if (text.length > MAX_CONFIG_BYTES || Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) {
    return failure(fileName, `file is larger than ${MAX_CONFIG_BYTES / 1024} KiB; a configuration file has no need to be this big`);
  }

  const lineCounter = new LineCounter();
  let doc: Document;
  let value: unknown;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.2' });
    const syntax = doc.errors[0];
    if (syntax) {
      const { line, col } = lineCounter.linePos(syntax.pos[0]);
      return failure(fileName, `YAML syntax error: ${syntax.message}`, '', { line, column: col });
    }
    // toJS turns a `__proto__` key into the object's prototype, so the entry would vanish unseen.
    const proto = protoKey(doc);
    if (proto !== null) {
      const { line, col } = lineCounter.linePos(proto);
      return failure(fileName, 'a key named "__proto__" is not allowed', '__proto__', { line, column: col });
    }
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      return failure(
        fileName,
        `too many YAML alias expansions (limit ${MAX_ALIAS_COUNT}); anchors and aliases are allowed, but not nested this deeply`,
      );
    }
    return failure(fileName, `could not read YAML: ${(error as Error).message}`);
  }

  // An empty file, or one holding only comments, means "all defaults".
  const input = value ?? {};
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .flatMap((issue): Problem[] => problemsFromIssue(issue, input, configSchema))
      .map((problem) => ({ ...problem, position: locate(doc, lineCounter, problem.path, problem.anchor) }))
      .sort(byPosition);
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    return failure(fileName, `${first.text}${more}`, formatKeyPath(first.path), first.position);
  }

  const warnings = doc.warnings.map((warning) => {
    const { line, col } = lineCounter.linePos(warning.pos[0]);
    return `${fileName}:${line}:${col}: ${warning.message}`;
  });
  if (options.knownRuleIds) {
    warnings.push(...unknownRuleWarnings(parsed.data, options.knownRuleIds, doc, lineCounter, fileName));
  }
  return { ok: true, config: parsed.data, warnings };
}

/** The offset of the first mapping key `__proto__`, or null. */
function protoKey(doc: Document): number | null {
  let at: number | null = null;
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === '__proto__') {
        at = pair.key.range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return at;
}

/** For the CLI: a missing file is not an error, it means the repository uses the defaults. */
export interface LoadConfigOptions extends ParseConfigOptions {
  /** A missing file is an error (a file the user named), not the defaults (the conventional path). */
  mustExist?: boolean;
}

export async function loadConfigFile(path: string, options: LoadConfigOptions = {}): Promise<ConfigResult> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !options.mustExist) {
      return { ok: true, config: configSchema.parse({}), warnings: [] };
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return failure(path, 'no such file');
    return failure(path, `cannot read configuration: ${(error as Error).message}`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return failure(path, 'cannot read configuration: not a regular file');
    // Refuse before reading, so a huge file never lands in memory.
    if (stats.size > MAX_CONFIG_BYTES) {
      return failure(path, `file is larger than ${MAX_CONFIG_BYTES / 1024} KiB; a configuration file has no need to be this big`);
    }
    return parseConfig(await handle.readFile('utf8'), path, options);
  } catch (error) {
    return failure(path, `cannot read configuration: ${(error as Error).message}`);
  } finally {
    await handle.close();
  }
}
