// SARIF 2.1.0 output for code-scanning upload and other SARIF viewers: one run, every finding at head.
// Removed findings are left out: their location is the base's, and GitHub's code scanning ignores
// `baselineState`, so a fixed finding uploaded as `absent` would open an alert on the fixing code.
import type * as Sarif from 'sarif';
import type { Finding, FindingStatus, Precision, RelatedLocation, ReviewResult, Severity } from '../review/types.js';
import { BASELINE_PATH } from '../review/baseline.js';
import { compareFindings } from '../review/summary/facts.js';

export interface SarifRule {
  id: string;
  description: string;
  docsUrl: string;
  severity: Severity;
  precision: Precision;
}

export const TOOL_NAME = 'arch-review';
export const TOOL_INFORMATION_URI = 'https://github.com/arch-review/arch-review';
export const FINGERPRINT_KEY = 'archReview/v1';
export const SRCROOT = '%SRCROOT%';

const LEVEL: Record<Severity, Sarif.Result.level> = {
  Critical: 'error',
  Important: 'warning',
  Suggestion: 'note',
  System: 'note',
};

const BASELINE: Record<Exclude<FindingStatus, 'removed'>, Sarif.Result.baselineState> = {
  introduced: 'new',
  'pre-existing': 'unchanged',
};

/**
 * A relative URI reference: each path segment percent-encoded, separators kept. Paths come from git,
 * always `/`-separated, so a backslash is part of a file's name (`%5C`), not a separator.
 */
function uriOf(path: string): string {
  return path
    .replace(/^\.?\/+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

// SARIF lines are 1-based and regions must not run backwards; columns are left out because the
// finding record does not say which base its columns use.
function region(startLine: number, endLine?: number): Sarif.Region {
  const start = Math.max(1, Math.trunc(startLine) || 1);
  const end = Math.max(start, Math.trunc(endLine ?? start) || start);
  return { startLine: start, endLine: end };
}

function physical(path: string, startLine: number, endLine?: number): Sarif.PhysicalLocation {
  return { artifactLocation: { uri: uriOf(path), uriBaseId: SRCROOT }, region: region(startLine, endLine) };
}

function related(r: RelatedLocation, id: number): Sarif.Location {
  return { id, physicalLocation: physical(r.path, r.line), message: { text: r.note || 'related location' } };
}

function toResult(f: Finding, ruleIndex: Map<string, number>): Sarif.Result {
  const out: Sarif.Result = {
    ruleId: f.ruleId,
    ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId) } : {}),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [{ physicalLocation: physical(f.location.path, f.location.startLine, f.location.endLine) }],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    baselineState: BASELINE[f.status as Exclude<FindingStatus, 'removed'>],
  };
  if (f.related.length) out.relatedLocations = f.related.map(related);
  if (f.accepted) {
    // Accepted risks stay visible in the review; SARIF viewers show them as suppressed, not gone.
    out.suppressions = [
      {
        kind: 'external',
        status: 'accepted',
        justification: `risk accepted by ${f.accepted.by.startsWith('@') ? '' : '@'}${f.accepted.by}: ${f.accepted.reason}`,
      },
    ];
  } else if (f.baselined) {
    out.suppressions = [{ kind: 'external', status: 'accepted', justification: `in the baseline file ${BASELINE_PATH}` }];
  }
  out.properties = {
    severity: f.severity,
    precision: f.precision,
    status: f.status,
    gating: f.gating,
    systemTag: f.systemTag,
    ...(f.variant !== undefined ? { variant: f.variant } : {}),
    ...(f.feature !== undefined ? { feature: f.feature } : {}),
    ...(f.channel !== undefined ? { channel: f.channel } : {}),
    ...(f.pattern !== undefined ? { pattern: f.pattern } : {}),
  };
  return out;
}

export function toSarif(result: ReviewResult, rules: readonly SarifRule[], toolVersion: string): Sarif.Log {
  const ruleIndex = new Map<string, number>();
  const descriptors: Sarif.ReportingDescriptor[] = [];
  for (const r of rules) {
    if (ruleIndex.has(r.id)) continue;
    ruleIndex.set(r.id, descriptors.length);
    descriptors.push({
      id: r.id,
      shortDescription: { text: r.description },
      helpUri: r.docsUrl,
      defaultConfiguration: { level: LEVEL[r.severity] },
      properties: { precision: r.precision, severity: r.severity },
    });
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: TOOL_NAME, version: toolVersion, informationUri: TOOL_INFORMATION_URI, rules: descriptors },
        },
        originalUriBaseIds: { [SRCROOT]: { description: { text: 'The repository root.' } } },
        results: result.findings.filter((f) => f.status !== 'removed').sort(compareFindings).map((f) => toResult(f, ruleIndex)),
        properties: { base: result.base, head: result.head, gate: { ...result.gate } },
      },
    ],
  };
}

export function renderSarif(result: ReviewResult, rules: readonly SarifRule[], toolVersion: string): string {
  return `${JSON.stringify(toSarif(result, rules, toolVersion), null, 2)}\n`;
}
