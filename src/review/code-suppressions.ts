// Code suppressions (rules.md §1.5): `// arch-review-disable-next-line <rule-id> -- <reason>` covers
// the next line; `/* arch-review-disable <rule-id> -- <reason> */` right before a function (or as
// the first thing in its body) covers the whole function. The reason is mandatory: a suppression
// without one still suppresses, but is itself reported, and so is one that matched nothing, and one
// naming a rule id that is a typo of a real one (it suppresses nothing).
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { isFunction, parentOf, type FunctionLike } from '../code/ast.js';
import type { CodeModel } from '../code/model.js';
import { didYouMean } from '../config/did-you-mean.js';
import type { RawFinding } from './types.js';

export interface Suppression {
  path: string;
  ruleIds: string[];
  reason: string;
  commentLine: number;
  fromLine: number;
  toLine: number;
  used: boolean;
}

// `<prefix> <rule ids> [-- <reason>]`. These patterns backtrack quadratically on long runs of
// spaces (about a second per 20,000-character comment line), so they only see comments of a sane
// length; a longer one is matched in two linear steps (`directive`), which agrees with them on
// every comment that names at least one rule.
const NEXT_LINE = /^\s*arch-review-disable-next-line\s+([\w\-, ]+?)(?:\s+--\s*(.*))?\s*$/;
const BLOCK = /^\s*\*?\s*arch-review-disable\s+([\w\-, ]+?)(?:\s+--\s*([\s\S]*?))?\s*$/;
const NEXT_LINE_PREFIX = /^\s*arch-review-disable-next-line\s+/;
const BLOCK_PREFIX = /^\s*\*?\s*arch-review-disable\s+/;
const IDS = /^[\w\-, ]+$/;
const SHORT_COMMENT = 500;

/** [ids, reason] of a directive comment, or null. */
function directive(text: string, pattern: RegExp, prefix: RegExp): [string, string | undefined] | null {
  if (text.length <= SHORT_COMMENT) {
    const m = pattern.exec(text);
    return m ? [m[1]!, m[2]] : null;
  }
  const m = prefix.exec(text);
  if (!m) return null;
  const rest = text.slice(m[0].length);
  const sep = /\s--/.exec(rest);
  const ids = (sep ? rest.slice(0, sep.index) : rest).trimEnd();
  if (!IDS.test(ids)) return null;
  return [ids, sep ? rest.slice(sep.index + sep[0].length) : undefined];
}

export function collectSuppressions(model: CodeModel): Suppression[] {
  const out: Suppression[] = [];
  for (const comment of model.comments) {
    const text = comment.value;
    const next = comment.type === 'Line' ? directive(text, NEXT_LINE, NEXT_LINE_PREFIX) : null;
    if (next) {
      out.push({
        path: model.path, ruleIds: splitIds(next[0]), reason: (next[1] ?? '').trim(),
        commentLine: comment.loc.start.line, fromLine: comment.loc.end.line + 1, toLine: comment.loc.end.line + 1, used: false,
      });
      continue;
    }
    const block = comment.type === 'Block' ? directive(text, BLOCK, BLOCK_PREFIX) : null;
    if (block) {
      const fn = functionCoveredBy(model, comment);
      const fromLine = fn ? outerNode(fn).loc.start.line : comment.loc.end.line + 1;
      const toLine = fn ? fn.loc.end.line : comment.loc.end.line + 1;
      out.push({
        path: model.path, ruleIds: splitIds(block[0]), reason: (block[1] ?? '').trim(),
        commentLine: comment.loc.start.line, fromLine, toLine, used: false,
      });
    }
  }
  return out;
}

function splitIds(raw: string): string[] {
  return raw.split(/[\s,]+/).filter(Boolean);
}

/** The statement or member a function is declared by, which is where a comment above it sits. */
function outerNode(fn: FunctionLike): TSESTree.Node {
  let node: TSESTree.Node = fn;
  for (;;) {
    const parent = parentOf(node);
    if (!parent) return node;
    if (
      parent.type === 'MethodDefinition' ||
      parent.type === 'PropertyDefinition' ||
      parent.type === 'VariableDeclarator' ||
      parent.type === 'VariableDeclaration' ||
      parent.type === 'ExportNamedDeclaration' ||
      parent.type === 'ExportDefaultDeclaration' ||
      parent.type === 'Property'
    ) {
      node = parent;
      continue;
    }
    return node;
  }
}

function functionCoveredBy(model: CodeModel, comment: TSESTree.Comment): FunctionLike | null {
  let best: FunctionLike | null = null;
  for (const fn of model.functions) {
    const outer = outerNode(fn);
    const decoratorStart = (outer as { decorators?: TSESTree.Decorator[] }).decorators?.[0]?.loc.start.line ?? outer.loc.start.line;
    const above = comment.range[1] <= outer.range[0] && decoratorStart - comment.loc.end.line <= 1 && outer.loc.start.line - comment.loc.end.line <= 4;
    const firstInBody = fn.body.type === 'BlockStatement' && comment.range[0] > fn.body.range[0] &&
      (fn.body.body.length === 0 || comment.range[1] <= fn.body.body[0]!.range[0]);
    if ((above || firstInBody) && (!best || fn.range[1] - fn.range[0] < best.range[1] - best.range[0] || above)) {
      best = fn;
      if (above) break;
    }
  }
  return best && isFunction(best) ? best : null;
}

/** `byPath`: the suppressions of every analysed file (`collectSuppressions`), keyed by path. */
export function applyCodeSuppressions(
  findings: RawFinding[],
  byPath: ReadonlyMap<string, Suppression[]>,
  knownRuleIds: string[],
): { findings: RawFinding[]; suppressed: Record<string, number> } {
  const kept: RawFinding[] = [];
  const suppressed: Record<string, number> = {};
  for (const finding of findings) {
    const candidates = byPath.get(finding.location.path) ?? [];
    const match = candidates.find(
      (s) => s.ruleIds.includes(finding.ruleId) && finding.location.startLine >= s.fromLine && finding.location.startLine <= s.toLine,
    );
    if (match) {
      match.used = true;
      suppressed[finding.ruleId] = (suppressed[finding.ruleId] ?? 0) + 1;
    } else {
      kept.push(finding);
    }
  }
  const known = new Set(knownRuleIds);
  // An edit-distance table per id and rule: a file of long made-up ids took 13 s. A rule id is
  // short, so a longer word is no typo of one; each distinct id is looked up once.
  const longest = Math.max(0, ...knownRuleIds.map((id) => id.length));
  const meantFor = new Map<string, string | null>();
  const meaning = (id: string): string | null => {
    if (id.length > longest + 3) return null;
    if (!meantFor.has(id)) meantFor.set(id, meantFor.size < 200 ? didYouMean(id, knownRuleIds) : null);
    return meantFor.get(id)!;
  };
  for (const [path, list] of byPath) {
    for (const s of list) {
      for (const ruleId of s.ruleIds) {
        if (!known.has(ruleId)) {
          // Reported under the rule it was meant for; an id close to none may be a newer version's rule.
          const meant = meaning(ruleId);
          if (meant) kept.push(suppressionFinding(path, s, meant, 'unknownRuleInSuppression',
            `Suppression names \`${ruleId}\`, which is no rule, so it suppresses nothing. Did you mean \`${meant}\`?`));
          continue;
        }
        if (!s.reason) kept.push(suppressionFinding(path, s, ruleId, 'suppressionWithoutReason',
          `Suppression of ${ruleId} has no reason. Write the reason after \`--\`: a reviewer must be able to see why the risk is acceptable.`));
        else if (!s.used) kept.push(suppressionFinding(path, s, ruleId, 'unusedSuppression',
          `Suppression of ${ruleId} matches no finding; remove it so it cannot hide a future one.`));
      }
    }
  }
  return { findings: kept, suppressed };
}

const PROBLEM_MESSAGES: ReadonlySet<string> = new Set(['suppressionWithoutReason', 'unusedSuppression', 'unknownRuleInSuppression']);

/** A Suggestion about a suppression comment (code or docs), not a finding of the rule it names. */
export function isSuppressionProblem(finding: { messageId: string }): boolean {
  return PROBLEM_MESSAGES.has(finding.messageId);
}

function suppressionFinding(path: string, s: Suppression, ruleId: string, messageId: string, message: string): RawFinding {
  return {
    ruleId,
    kind: 'code',
    severity: 'Suggestion',
    systemTag: false,
    precision: 'High',
    messageId,
    message,
    location: { path, startLine: s.commentLine, endLine: s.commentLine },
    anchor: `suppression|${messageId}|${s.ruleIds.join(',')}|${s.reason}`,
    related: [],
    checklist: [],
    failureModes: [],
  };
}
