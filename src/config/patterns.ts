// Config patterns (`patterns.*`, rules.md §1.6) are regular expressions written PCRE-style
// (`(?i)outbox`) and matched against names the pull request's code chooses: table names, channel
// names. A repository's own pattern is therefore matched by RE2 (re2js), in time linear in the
// name, so no pattern can backtrack for minutes inside a process other repositories share. RE2 reads
// leading `(?i)`, `(?s)`, `(?m)` groups itself and has no lookaround or backreferences; a pattern
// using them is a configuration error that says so. The built-in defaults are known to be linear
// and run as native regular expressions, which are faster on the hot path.
import { RE2JS } from 're2js';
import type { Config } from './schema.js';

/** What rules need of a config pattern. */
export interface Pattern {
  readonly source: string;
  test(text: string): boolean;
  /** `text` with its first match removed (`envPrefix`). */
  strip(text: string): string;
}

export const DEFAULT_PATTERNS = {
  outboxTable: '(?i)outbox',
  inboxTable: '(?i)(inbox|processed_?(event|message)s?|dedup|idempot)',
  dlqChannel: '(?i)(\\.dlq|\\.dlt|dead[-_.]?letter)$',
  envPrefix: '^(dev|staging|prod)[.-]',
} as const;

const DEFAULT_SOURCES: ReadonlySet<string> = new Set(Object.values(DEFAULT_PATTERNS));

const LEADING_FLAG_GROUP = /^\(\?([A-Za-z]+)\)/;

/** A default pattern as a native RegExp: leading inline-flag groups become flags. */
function nativeOf(pattern: string): RegExp {
  let source = pattern;
  const flags = new Set<string>();
  for (let match = LEADING_FLAG_GROUP.exec(source); match; match = LEADING_FLAG_GROUP.exec(source)) {
    for (const letter of match[1]!) flags.add(letter);
    source = source.slice(match[0].length);
  }
  return new RegExp(source, [...flags].sort().join(''));
}

/** Compiles a config pattern; throws SyntaxError with RE2's reason for one it cannot match. */
export function compilePattern(pattern: string): Pattern {
  if (DEFAULT_SOURCES.has(pattern)) {
    const re = nativeOf(pattern);
    return {
      source: pattern,
      test: (text) => re.test(text),
      strip: (text) => text.replace(re, ''),
    };
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (error) {
    // RE2's messages name the construct ("invalid or unsupported Perl syntax: `(?<`").
    throw new SyntaxError(`${(error as Error).message} (patterns use RE2 syntax: no lookaround or backreferences)`);
  }
  return {
    source: pattern,
    test: (text) => re.test(text),
    strip: (text) => {
      const match = re.exec(text) as RegExpExecArray | null;
      return match ? text.slice(0, match.index) + text.slice(match.index + match[0].length) : text;
    },
  };
}

export interface CompiledPatterns {
  outboxTable: Pattern;
  inboxTable: Pattern;
  dlqChannel: Pattern;
  envPrefix: Pattern;
}

// Rules ask for patterns per file; compiling once per config keeps that off the hot path.
const cache = new WeakMap<Config, CompiledPatterns>();

export function compiledPatterns(config: Config): CompiledPatterns {
  let compiled = cache.get(config);
  if (!compiled) {
    const { outboxTable, inboxTable, dlqChannel, envPrefix } = config.patterns;
    compiled = {
      outboxTable: compilePattern(outboxTable),
      inboxTable: compilePattern(inboxTable),
      dlqChannel: compilePattern(dlqChannel),
      envPrefix: compilePattern(envPrefix),
    };
    cache.set(config, compiled);
  }
  return compiled;
}
