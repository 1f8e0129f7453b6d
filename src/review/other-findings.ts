// The optional context input of `launch-decision-gate` variant 3 (rules.md rule 20, CHANGES.md 6):
// the gating state of this review run's findings from every other rule. The docs context does not
// carry it yet; a rule reads it when present and skips the variant when it is not.
//
// Engine contract: run every rule except `launch-decision-gate` first, assign statuses, acceptance
// and gating, then run `launch-decision-gate` on the head side with `otherFindings` set to those
// head findings (feature filled in for code findings from the config mapping or channel owner).
import type { DocsRuleContext } from './rule.js';
import type { Severity } from './types.js';

export interface OtherFinding {
  ruleId: string;
  severity: Severity;
  /** As the engine computed it: Critical, precise enough, in gate scope, not accepted. */
  gating: boolean;
  path: string;
  line: number;
  fingerprint: string;
  /** Accepted with `/review accept` (review-output.md 10). */
  accepted: boolean;
  /** Owning feature slug; the engine fills it for code findings where it can. */
  feature?: string;
}

/** A docs context that may carry the other rules' findings (read-only). */
export type DocsRuleContextWithFindings<M extends string = string> = DocsRuleContext<M> & {
  readonly otherFindings?: readonly OtherFinding[];
};
