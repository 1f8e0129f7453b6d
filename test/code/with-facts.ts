// Runs a code rule with engine facts (`context.facts`, src/code/rule-facts.ts) injected, so the
// fact-dependent variants can be tested before the engine fills them.
import type { CodeFacts } from '../../src/code/rule-facts.js';
import type { CodeRule } from '../../src/review/rule.js';

export function withFacts<M extends string>(rule: CodeRule<M>, facts: CodeFacts): CodeRule<M> {
  return { meta: rule.meta, create: (context) => rule.create({ ...context, facts } as typeof context) };
}

/** A contract lookup over a small table: channel -> ordering key (normKey'd) and delivery. */
export function contracts(table: Record<string, { orderingKey?: string | null; delivery?: string | null }>): CodeFacts['contract'] {
  return (channel) => {
    const entry = table[channel];
    return entry
      ? { channel, orderingKey: entry.orderingKey ?? null, delivery: entry.delivery ?? null, path: `docs/features/x/contracts/${channel}.md` }
      : null;
  };
}
