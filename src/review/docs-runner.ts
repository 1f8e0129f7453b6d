// Runs docs rules over one side's artifact model: builds each rule's context, turns report
// descriptors into RawFindings, applies per-rule config overrides and the Markdown suppression
// comments of rules.md §1.5. A rule that throws loses its findings, never the run.
import { headingPath, sectionAt, type MarkdownDoc } from '../artifacts/markdown.js';
import type { ArtifactModel } from '../artifacts/model.js';
import type { OtherFinding } from './other-findings.js';
import type { Config } from '../config/schema.js';
import { formatMessage, type CodeChannelUse, type DocsRule, type ReportDescriptor } from './rule.js';
import { resolveRuleSettings } from './rule-settings.js';
import type { RawFinding, Severity, Side } from './types.js';

export interface DocsRunInput {
  side: Side;
  model: ArtifactModel;
  other: ArtifactModel | null;
  config: Config;
  codeChannels?: readonly CodeChannelUse[];
  /** The gating state of the other rules' findings (launch-decision-gate variant 3). */
  otherFindings?: readonly OtherFinding[];
}

export interface DocsRunResult {
  findings: RawFinding[];
  /** Suppressed finding count per rule id. */
  suppressed: Record<string, number>;
  /** Suggestions about suppression comments: no reason, or nothing suppressed. */
  suppressionProblems: RawFinding[];
  /** One entry per rule that threw: `<rule-id>: <error>`. */
  errors: string[];
}

export const SUPPRESSION_MESSAGES = {
  suppressionWithoutReason:
    'Suppression of {ruleId} in {path} gives no reason. Write `<!-- arch-review-disable {ruleId}: <why> -->` so the next reader knows why the finding does not apply.',
  unusedSuppression:
    'Suppression of {ruleId} in {path} suppresses nothing: the rule reports no finding in its scope. Remove the comment.',
} as const;

export function runDocsRules(rules: readonly DocsRule[], input: DocsRunInput): DocsRunResult {
  const findings: RawFinding[] = [];
  const errors: string[] = [];
  const active: string[] = [];
  for (const rule of rules) {
    const settings = resolveRuleSettings(input.config, rule.meta.id);
    if (!settings.enabled) continue;
    active.push(rule.meta.id);
    const result = runOne(rule, input, settings.severity);
    // A loop, not push(...spread): a rule reporting 100,000+ findings must not overflow the stack.
    if (result.ok) for (const finding of result.findings) findings.push(finding);
    else errors.push(`${rule.meta.id}: ${result.error}`);
  }
  return applySuppressions(findings, collectSuppressions(input.model), new Set(active), errors);
}

type RunOutcome = { ok: true; findings: RawFinding[] } | { ok: false; error: string };

function runOne(rule: DocsRule, input: DocsRunInput, severityOverride: Severity | undefined): RunOutcome {
  const findings: RawFinding[] = [];
  const { meta } = rule;
  try {
    const listener = rule.create({
      side: input.side,
      model: input.model,
      other: input.other,
      config: input.config,
      ...(input.codeChannels ? { codeChannels: input.codeChannels } : {}),
      ...(input.otherFindings ? { otherFindings: input.otherFindings } : {}),
      exists: (path) => existsIn(input.model.paths, path),
      report(descriptor) {
        findings.push(toFinding(rule, descriptor, input.model, severityOverride));
      },
    });
    listener.check();
    return { ok: true, findings };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `rule ${meta.id} threw: ${message}` };
  }
}

/** A path exists when it is a file of the tree, or (ending in `/`) a folder holding one. */
function existsIn(paths: ReadonlySet<string>, path: string): boolean {
  const normalized = path.replace(/^\.\//, '');
  if (!normalized.endsWith('/')) return paths.has(normalized);
  for (const p of paths) if (p.startsWith(normalized)) return true;
  return false;
}

type LocatedDescriptor = ReportDescriptor & { loc: NonNullable<ReportDescriptor['loc']> & { path: string } };

function toFinding(rule: DocsRule, d: LocatedDescriptor, model: ArtifactModel, severityOverride?: Severity): RawFinding {
  const { meta } = rule;
  const template = (meta.messages as Record<string, string>)[d.messageId];
  if (template === undefined) throw new Error(`reported unknown messageId "${d.messageId}"`);
  const startLine = Math.max(1, d.loc.startLine);
  const finding: RawFinding = {
    ruleId: meta.id,
    kind: 'docs',
    severity: severityOverride ?? d.severity ?? meta.severity,
    systemTag: meta.systemTag,
    precision: d.precision ?? meta.precision,
    messageId: d.messageId,
    message: formatMessage(template, d.data),
    location: {
      path: d.loc.path,
      startLine,
      endLine: Math.max(startLine, d.loc.endLine ?? startLine),
      ...(d.loc.startColumn !== undefined ? { startColumn: d.loc.startColumn } : {}),
      ...(d.loc.endColumn !== undefined ? { endColumn: d.loc.endColumn } : {}),
    },
    anchor: d.anchor ?? defaultAnchor(model, d.loc.path, startLine),
    related: d.related ?? [],
    checklist: d.checklist ?? meta.checklist,
    failureModes: d.failureModes ?? meta.failureModes,
  };
  if (d.variant !== undefined) finding.variant = d.variant;
  if (d.feature !== undefined) finding.feature = d.feature;
  if (d.channel !== undefined) finding.channel = d.channel;
  if (meta.pattern !== undefined) finding.pattern = meta.pattern;
  const antiPattern = d.antiPattern ?? meta.antiPattern;
  if (antiPattern !== undefined) finding.antiPattern = antiPattern;
  return finding;
}

/** rules.md §1.4: heading path plus the normalised offending text, never a line number. */
function defaultAnchor(model: ArtifactModel, path: string, line: number): string {
  const artifact = model.artifacts.get(path);
  if (artifact?.syntax === 'markdown') {
    return `${headingPath(artifact.doc, line).join(' > ')} | ${normalizeText(artifact.doc.lines[line - 1] ?? '')}`;
  }
  return ` | ${normalizeText(artifact?.text.split(/\r?\n/)[line - 1] ?? '')}`;
}

const normalizeText = (s: string) => s.replace(/\s+/g, ' ').trim();

// ---------------------------------------------------------------------------------------------
// Suppressions (rules.md §1.5)

interface Suppression {
  ruleId: string;
  reason: string;
  path: string;
  line: number;
  /** Lines the comment covers: its section with subsections, or the whole file. */
  from: number;
  to: number;
  comment: string;
  used: number;
}

const DIRECTIVE = /^arch-review-disable\s+([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*(?::\s*([\s\S]*))?$/;

function collectSuppressions(model: ArtifactModel): Suppression[] {
  const out: Suppression[] = [];
  for (const artifact of model.artifacts.values()) {
    if (artifact.syntax !== 'markdown') continue;
    for (const comment of artifact.doc.comments) {
      const m = DIRECTIVE.exec(comment.text);
      if (!m) continue;
      const { from, to } = suppressionScope(artifact.doc, comment.line);
      for (const ruleId of m[1].split(/\s*,\s*/)) {
        out.push({
          ruleId,
          reason: (m[2] ?? '').trim(),
          path: artifact.path,
          line: comment.line,
          from,
          to,
          comment: normalizeText(comment.text),
          used: 0,
        });
      }
    }
  }
  return out;
}

function suppressionScope(doc: MarkdownDoc, line: number): { from: number; to: number } {
  const section = sectionAt(doc, line);
  return section ? { from: section.line, to: section.endLine } : { from: 1, to: Number.MAX_SAFE_INTEGER };
}

function applySuppressions(
  findings: RawFinding[],
  suppressions: Suppression[],
  activeRules: ReadonlySet<string>,
  errors: string[],
): DocsRunResult {
  const kept: RawFinding[] = [];
  const suppressed: Record<string, number> = {};
  for (const finding of findings) {
    const { path, startLine } = finding.location;
    // The narrowest covering comment gets the credit, so a file-wide one never makes a section one "unused".
    const match = suppressions
      .filter((s) => s.ruleId === finding.ruleId && s.path === path && s.from <= startLine && startLine <= s.to)
      .sort((a, b) => a.to - a.from - (b.to - b.from))[0];
    if (!match) {
      kept.push(finding);
      continue;
    }
    match.used++;
    suppressed[finding.ruleId] = (suppressed[finding.ruleId] ?? 0) + 1;
  }
  // Only rules that ran can judge their suppressions: a caller running a subset must not see
  // every other rule's comments as unused.
  const suppressionProblems: RawFinding[] = [];
  for (const s of suppressions) {
    if (!activeRules.has(s.ruleId)) continue;
    if (!s.reason) suppressionProblems.push(problem(s, 'suppressionWithoutReason'));
    if (s.used === 0) suppressionProblems.push(problem(s, 'unusedSuppression'));
  }
  return { findings: kept, suppressed, suppressionProblems, errors };
}

function problem(s: Suppression, messageId: keyof typeof SUPPRESSION_MESSAGES): RawFinding {
  return {
    ruleId: s.ruleId,
    kind: 'docs',
    severity: 'Suggestion',
    systemTag: false,
    precision: 'High',
    messageId,
    message: formatMessage(SUPPRESSION_MESSAGES[messageId], { ruleId: s.ruleId, path: s.path }),
    location: { path: s.path, startLine: s.line, endLine: s.line },
    anchor: `suppression | ${messageId} | ${s.comment}`,
    related: [],
    checklist: [],
    failureModes: [],
  };
}
