// The computed parts of the scope line (review-output.md §4.1): channels in scope (published and
// consumed by the analysed code, plus changed contracts), "contracts affected" with the new
// consumers and producers the change adds, and "patterns touched" (recognised in the code, plus the
// `## Patterns` bullets of the touched features' designs).
import type { List } from 'mdast';
import { findSection, sectionBody } from '../../artifacts/markdown.js';
import { maskInline, revealText } from '../../artifacts/prose.js';
import type { ReviewFacts } from './facts.js';

/** Canonical pattern names a design bullet may start with (its lead is normalised to them). */
const KNOWN_PATTERNS = [
  'Event Message', 'Command Message', 'Document Message', 'Datatype Channel', 'Publish-Subscribe Channel',
  'Point-to-Point Channel', 'Transactional Outbox', 'Idempotent Receiver', 'Dead Letter Channel', 'Invalid Message Channel',
  'Claim Check', 'Message History', 'Process Manager', 'Saga', 'Competing Consumers', 'Circuit Breaker', 'Retry',
  'Lease and Fencing Token', 'Resequencer', 'Content-Based Router', 'Materialized View', 'CQRS', 'Event Sourcing',
  'Correlation Identifier', 'Message Channel', 'Guaranteed Delivery', 'Change Data Capture', 'Inbox',
];

/** The pattern names of the touched features' design `## Patterns` bullets, in design order. */
export function designPatterns(facts: ReviewFacts): string[] {
  const out: string[] = [];
  const model = facts.artifacts?.head;
  for (const slug of [...facts.features].sort()) {
    const design = model?.features.get(slug)?.design;
    const section = design ? findSection(design.doc, 'patterns', 2) : undefined;
    if (!design || !section) continue;
    for (const node of sectionBody(design.doc, section)) {
      if (node.type !== 'list') continue;
      for (const item of (node as List).children) {
        const start = item.position?.start.offset;
        const end = item.children[0]?.position?.end.offset;
        if (start === undefined || end === undefined) continue;
        const text = revealText(maskInline(design.doc.text.slice(start, end).replace(/^\s*[-*+]\s+/, ''))).replace(/\s+/g, ' ').trim();
        const lead = (/^(.{1,60}?)(?::|\s—|\s–|\s-\s|\.$)/.exec(text)?.[1] ?? text).trim();
        const known = KNOWN_PATTERNS.filter((p) => lead.toLowerCase().startsWith(p.toLowerCase())).sort((a, b) => b.length - a.length)[0];
        const name = known ?? lead;
        if (name && !out.includes(name)) out.push(name);
      }
    }
  }
  return out;
}

export interface ScopeSummary {
  channels: string[];
  contracts: string[];
  patterns: string[];
}

/**
 * `changedContracts`: channels whose contract, schema or AsyncAPI file changed; `codePatterns`:
 * pattern names the engine recognised in the analysed code.
 */
export function scopeSummary(facts: ReviewFacts, changedContracts: readonly string[], codePatterns: readonly string[]): ScopeSummary {
  const base = facts.baseCode;
  const published = new Set(facts.publishes.map((p) => p.channel).filter((c): c is string => Boolean(c)));
  const consumed = new Set(facts.consumers.map((c) => c.channel).filter((c): c is string => Boolean(c)));
  const newProducer = new Set(
    facts.publishes.filter((p) => p.channel && base && !base.publishes.some((b) => b.channel === p.channel)).map((p) => p.channel!),
  );
  const newConsumer = new Set(
    facts.consumers.filter((c) => c.channel && base && !base.consumers.some((b) => b.channel === c.channel)).map((c) => c.channel!),
  );
  const channels = [...new Set([...published, ...consumed, ...changedContracts])].sort();
  const contracts = [...new Set([...changedContracts, ...newProducer, ...newConsumer])].sort().map((channel) => {
    const notes = [newConsumer.has(channel) ? 'new consumer' : null, newProducer.has(channel) ? 'new producer' : null].filter(Boolean);
    return notes.length ? `${channel} (${notes.join(', ')})` : channel;
  });
  const patterns: string[] = [];
  if (codePatterns.length) patterns.push(`${[...codePatterns].sort().join(', ')} (code)`);
  const design = designPatterns(facts);
  if (design.length) patterns.push(`${design.join(', ')} (design)`);
  return { channels, contracts, patterns };
}
