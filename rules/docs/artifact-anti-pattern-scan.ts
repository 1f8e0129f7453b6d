// rules.md rule 33: a design, decision or runbook chooses an anti-pattern in its own words ("saves
// the order, then publishes", "retries forever", "two-phase commit"). Phrases match at word
// boundaries, never inside code spans, and not within six words after a negation ("we never
// auto-commit"), the one rule that uses the negation window (rules.md 3).
import { currentTypeOf } from '../../src/artifacts/classify.js';
import type { MarkdownDoc, Section } from '../../src/artifacts/markdown.js';
import type { MarkdownArtifact } from '../../src/artifacts/model.js';
import { bareKey, excerpt, proseUnits, revealText, sectionUnits, type ProseUnit } from '../../src/artifacts/prose.js';
import { compileVocabulary, isNegated, matchVocabulary, testVocabulary, type Vocabulary, type VocabularyMatch } from '../../src/artifacts/vocabulary.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { ChecklistId } from '../../src/review/types.js';

const messages = {
  antiPattern: '{file}:{line} describes {antiPattern} as part of the design: "{excerpt}". {fix}',
};
type MessageId = keyof typeof messages;

interface AntiPattern {
  id: string;
  name: string;
  phrases: Vocabulary;
  /** Extra condition on the unit (and its document) beyond the phrase. */
  also?: (unit: ProseUnit, doc: MarkdownDoc, match: VocabularyMatch) => boolean;
  runbooksOnly?: boolean;
  checklist: ChecklistId[];
  failureModes: string[];
  fix: string;
}

const WRITE_WORDS = compileVocabulary(['write', 'update', 'insert']);
const CONFLICT = compileVocabulary(['conflict']);
const RATE = /\d+\s*(?:msg\/s|\/s|per second)/i;
const AUTO_COMMIT_OFF = /^\W{0,3}(?:(?:is|set to|=|:)\s*)?(?:disabled|off|false)(?![A-Za-z0-9_])/i;

const ANTI_PATTERNS: AntiPattern[] = [
  {
    id: 'dual-write',
    name: 'a dual-write',
    phrases: compileVocabulary([
      '(write|save|commit|insert).{0,40}\\b(then|and then|before|after which)\\b.{0,40}\\b(publish|emit|send)',
      'publish.{0,30}\\bafter\\b.{0,30}\\bcommit',
    ]),
    checklist: ['R8', 'D2'],
    failureModes: ['lost-publish'],
    fix: 'Write the event to an outbox table in the same transaction and let a relay publish it (Transactional Outbox).',
  },
  {
    id: 'ack-before-commit',
    name: 'acknowledging before the work commits',
    phrases: compileVocabulary([
      '(ack|acknowledge|commit (the )?offsets?|delete (the )?message).{0,30}(on receipt|immediately|first|before process)',
      'auto[- ]?commit',
    ]),
    // `auto-commit` names the anti-pattern unless it is switched off right after ("auto-commit disabled").
    also: (unit, _doc, m) => !(/^auto/i.test(m.text) && AUTO_COMMIT_OFF.test(unit.text.slice(m.end))),
    checklist: ['R1'],
    failureModes: ['ack-before-commit'],
    fix: 'Acknowledge or commit offsets only after the durable work commits, and turn auto-commit off.',
  },
  {
    id: 'unbounded-retry',
    name: 'unbounded retry',
    phrases: compileVocabulary(['retr(y|ies) (forever|indefinitely|until (it )?succeeds?|without (a )?limit)', 'infinite retr']),
    checklist: ['R4'],
    failureModes: ['retry-storm', 'poison-message-loop'],
    fix: 'Bound the retries (attempts or a time budget) and dead-letter what still fails.',
  },
  {
    id: 'distributed-2pc',
    name: 'a distributed two-phase commit',
    phrases: compileVocabulary(['two[- ]phase commit', '\\b2pc\\b', '\\bXA\\b transactions?']),
    checklist: ['D2'],
    failureModes: [],
    fix: 'Use a saga with compensations, or an outbox with idempotent consumers, instead of a distributed transaction.',
  },
  {
    id: 'shared-oltp',
    name: 'a shared OLTP database',
    phrases: compileVocabulary(['shared (database|db|schema)']),
    also: (unit) => testVocabulary(unit, WRITE_WORDS),
    checklist: ['D2'],
    failureModes: [],
    fix: 'Give each service its own database and integrate through events or an API.',
  },
  {
    id: 'distributed-monolith',
    name: 'a distributed monolith',
    // The spec's `(deploy|release)(ed)?` would spell "releaseed"; "released" is meant.
    phrases: compileVocabulary(['(deploy(ed|s)?|releas(e|ed|es)) (together|in lockstep)']),
    checklist: ['D4'],
    failureModes: [],
    fix: 'Keep services independently deployable: version the contracts and keep every change backward compatible.',
  },
  {
    id: 'active-active-without-conflict-policy',
    name: 'active-active without a conflict policy',
    phrases: compileVocabulary(['active[- ]active']),
    also: (_unit, doc) => !testVocabulary(doc.text, CONFLICT),
    checklist: ['D2'],
    failureModes: ['split-brain'],
    fix: 'Name the conflict policy (single writer per key, CRDTs, versioned last-writer-wins) and the failover runbook.',
  },
  {
    id: 'cache-as-source-of-truth',
    name: 'a cache as the source of truth',
    phrases: compileVocabulary(['cache (is|as) (the )?source of truth']),
    checklist: ['D2'],
    failureModes: ['stale-cache'],
    fix: 'Keep the database or ledger as the source of truth and document how the cache is rebuilt.',
  },
  {
    id: 'blind-redrive',
    name: 'a blind redrive',
    phrases: compileVocabulary(['(redrive|replay) (all|everything|the whole)']),
    also: (unit) => !RATE.test(revealText(unit)),
    runbooksOnly: true,
    checklist: ['R3', 'D4'],
    failureModes: ['replay-side-effect'],
    fix: 'Redrive at an explicit rate (for example 10 msg/s, then ramp up) and only after the cause is fixed.',
  },
];

const RUNBOOK_PROCEDURE = /triage|mitigation|redrive|replay|steps|procedure|recovery|remediation|rollback|failover/;

export default createDocsRule({
  meta: {
    id: 'artifact-anti-pattern-scan',
    kind: 'docs',
    severity: 'Important',
    precision: 'Heuristic',
    systemTag: false,
    checklist: ['R1', 'R3', 'R4', 'R8', 'D2', 'D4'],
    failureModes: [],
    description:
      'Designs, ADR decisions, RFC recommendations, architecture-doc flows and runbook procedures do not choose an anti-pattern (dual-write, ack before commit, unbounded retry, 2PC, ...) in their own words.',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const artifact of context.model.artifacts.values()) {
          if (artifact.syntax === 'markdown') checkArtifact(context, artifact);
        }
      },
    };
  },
});

/** The units each type is scanned in (rules.md 33 Inputs). */
function scannedUnits(artifact: MarkdownArtifact): ProseUnit[] | null {
  const { doc } = artifact;
  const type = currentTypeOf(artifact.type);
  const within = (test: (key: string) => boolean) => {
    const sections = doc.headings.filter((s) => s.depth >= 2 && test(bareKey(s.key)));
    // Nested matching sections would list a unit twice; keep the outermost.
    const outer = sections.filter((s) => !sections.some((o) => o !== s && contains(o, s)));
    return outer.flatMap((s) => sectionUnits(doc, s, { affirmative: true }));
  };
  switch (type) {
    case 'design':
      return proseUnits(doc, { affirmative: true });
    case 'adr':
      return within((k) => k === 'decision' || k === 'decision outcome' || k === 'consequences');
    case 'archdoc':
      return within((k) => k.includes('flow') || (artifact.classification.doctype === 'rfc' && (k === 'recommendation' || k === 'decision')));
    case 'runbook':
      return within((k) => RUNBOOK_PROCEDURE.test(k));
    default:
      return null;
  }
}

function contains(outer: Section, inner: Section): boolean {
  return outer.line < inner.line && inner.endLine <= outer.endLine;
}

function checkArtifact(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact): void {
  const units = scannedUnits(artifact);
  if (!units) return;
  const runbook = currentTypeOf(artifact.type) === 'runbook';
  for (const unit of units) {
    for (const ap of ANTI_PATTERNS) {
      if (ap.runbooksOnly && !runbook) continue;
      const hit = matchVocabulary(unit, ap.phrases).find((m) => !isNegated(unit, m.index) && (!ap.also || ap.also(unit, artifact.doc, m)));
      if (!hit) continue;
      context.report({
        messageId: 'antiPattern',
        data: { file: artifact.path, line: unit.line, antiPattern: ap.name, excerpt: excerpt(unit), fix: ap.fix },
        loc: { path: artifact.path, startLine: unit.line, endLine: unit.endLine },
        anchor: `${unit.headingPath.join(' > ')} | ${ap.id} | ${excerpt(unit, 120).toLowerCase()}`,
        checklist: ap.checklist,
        failureModes: ap.failureModes,
        variant: ap.id,
        // The summary's Anti-patterns section files the hit under this one (summary/anti-patterns.ts).
        antiPattern: ap.id,
        ...(artifact.slug ? { feature: artifact.slug } : {}),
      });
    }
  }
}
