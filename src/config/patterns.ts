// Config patterns are written PCRE-style (`(?i)outbox`, rules.md §1.6) because that is what people
// copy from other tools; JS has no leading inline-flag group, so those groups become RegExp flags.
import type { Config } from './schema.js';

const INLINE_FLAGS: Record<string, string> = { i: 'i', s: 's', m: 'm' };

const LEADING_FLAG_GROUP = /^\(\?([A-Za-z]+)\)/;

/**
 * Compiles a config pattern. Leading `(?i)`, `(?s)`, `(?m)` groups (in any combination, e.g. `(?is)`)
 * become JS flags; any other inline flag throws, since silently ignoring `(?x)` would change meaning.
 * No `g`/`y` flag: a shared stateful RegExp would make `test()` depend on the previous call.
 */
export function toRegExp(pattern: string): RegExp {
  let source = pattern;
  const flags = new Set<string>();
  for (let match = LEADING_FLAG_GROUP.exec(source); match; match = LEADING_FLAG_GROUP.exec(source)) {
    for (const letter of match[1]) {
      const flag = INLINE_FLAGS[letter];
      if (!flag) throw new SyntaxError(`unsupported inline flag "(?${letter})" (supported: (?i), (?s), (?m))`);
      flags.add(flag);
    }
    source = source.slice(match[0].length);
  }
  return new RegExp(source, [...flags].sort().join(''));
}

export interface CompiledPatterns {
  outboxTable: RegExp;
  inboxTable: RegExp;
  dlqChannel: RegExp;
  envPrefix: RegExp;
}

// Rules ask for patterns per file; compiling once per config keeps that off the hot path.
const cache = new WeakMap<Config, CompiledPatterns>();

export function compiledPatterns(config: Config): CompiledPatterns {
  let compiled = cache.get(config);
  if (!compiled) {
    const { outboxTable, inboxTable, dlqChannel, envPrefix } = config.patterns;
    compiled = {
      outboxTable: toRegExp(outboxTable),
      inboxTable: toRegExp(inboxTable),
      dlqChannel: toRegExp(dlqChannel),
      envPrefix: toRegExp(envPrefix),
    };
    cache.set(config, compiled);
  }
  return compiled;
}
