// rules.md rule 23: the Related artifacts section closes every written artifact and each entry
// resolves, or is a conventional path announced with "(not yet written)". A dangling link is the
// first sign that an artifact and its peers have drifted apart.
import { currentTypeOf } from '../../src/artifacts/classify.js';
import { findSection } from '../../src/artifacts/markdown.js';
import { checkLink, linksInSection, ownerOf, pathExists, relativeLink, resolveLinkPath } from '../../src/artifacts/links.js';
import { isWrittenArtifact, type MarkdownArtifact } from '../../src/artifacts/model.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { Severity } from '../../src/review/types.js';

const TAIL = ' Each entry must resolve, or be a conventional path marked "(not yet written)".';
const message = (subject: string) => `Related artifacts in {file}: ${subject}.${TAIL}`;

const messages = {
  missingSection: message('the `## Related artifacts` section is missing'),
  notLast: message('the section is not the last `##` section ({found} follows it)'),
  brokenEntry: message('{target} does not exist and is not marked "(not yet written)"'),
  unconventionalAnnouncement: message('{target} is marked "(not yet written)" but is not a conventional path of this feature or the platform'),
  staleAnnotation: message('{target} is marked "(not yet written)" but now exists (stale annotation)'),
  missingTriplet: message('{targets} of this channel {verb} not linked'),
  missingPeers: message('{targets} {verb} not linked'),
  brokenElsewhere: message('{target} (outside the section, line {line}) does not resolve'),
};
type MessageId = keyof typeof messages;

export default createDocsRule({
  meta: {
    id: 'related-artifacts-integrity',
    kind: 'docs',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: [],
    failureModes: [],
    description:
      'The Related artifacts section closes every written artifact, and each link resolves or is a conventional path marked "(not yet written)".',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const artifact of context.model.artifacts.values()) {
          if (artifact.syntax === 'markdown' && isWrittenArtifact(artifact.type)) checkArtifact(context, artifact);
        }
      },
    };
  },
});

type Report = (messageId: MessageId, line: number, anchor: string, data?: Record<string, string | number>, severity?: Severity) => void;

function checkArtifact(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact): void {
  const { doc, path } = artifact;
  const report: Report = (messageId, line, anchor, data = {}, severity) =>
    context.report({
      messageId,
      data: { file: path, ...data },
      loc: { path, startLine: line },
      anchor: `related artifacts | ${anchor}`,
      ...(severity ? { severity } : {}),
      ...(artifact.slug ? { feature: artifact.slug } : {}),
    });
  const owner = ownerOf(path);
  const exists = (p: string) => context.exists(p);

  // Step 1.
  const section = findSection(doc, 'related artifacts');
  if (!section) {
    report('missingSection', 1, 'missing section');
  } else {
    const h2 = doc.headings.filter((s) => s.depth === 2);
    const after = h2.filter((s) => s.line > section.line);
    if (section.depth === 2 && after.length > 0) report('notLast', section.line, 'not last', { found: `"${after[0].heading}"` }, 'Suggestion');
  }

  // Step 2 (inside the section) and step 4 (elsewhere).
  const inSection = section ? linksInSection(doc, section) : [];
  for (const link of doc.links) {
    const inside = section !== undefined && link.line >= section.line && link.line <= section.endLine;
    const { verdict } = checkLink(link, path, owner, exists);
    if (inside) {
      if (verdict === 'missing') report('brokenEntry', link.line, `broken ${link.target}`, { target: link.target });
      else if (verdict === 'announced-unconventional') report('unconventionalAnnouncement', link.line, `unconventional ${link.target}`, { target: link.target }, 'Suggestion');
      else if (verdict === 'stale-annotation') report('staleAnnotation', link.line, `stale ${link.target}`, { target: link.target }, 'Suggestion');
    } else if (verdict === 'missing') {
      report('brokenElsewhere', link.line, `broken elsewhere ${link.target}`, { target: link.target, line: link.line }, 'Suggestion');
    }
  }
  if (!section) return;

  // Step 3.
  const linked = new Set(inSection.map((l) => resolveLinkPath(path, l.target)).filter((p): p is string => p !== null));
  const covers = (target: string) => [...linked].some((l) => l === target || (l.endsWith('/') && target.startsWith(l)));
  const type = currentTypeOf(artifact.type);
  if (type === 'contract' && artifact.slug && artifact.classification.channel) {
    const missing = tripletTargets(artifact.slug, artifact.classification.channel).filter((kind) => !kind.paths.some(covers));
    if (missing.length > 0) {
      const targets = missing.map((k) => relativeLink(path, k.paths[0]).replace(/\.[a-z]+$/, k.label));
      report('missingTriplet', section.line, 'missing triplet', { targets: listOf(targets), verb: targets.length === 1 ? 'is' : 'are' });
    }
  }
  const peers = expectedPeers(context, artifact).filter((peer) => !peer.paths.some(covers));
  if (peers.length > 0) {
    const targets = peers.map((p) => p.label);
    report('missingPeers', section.line, 'missing peers', { targets: listOf(targets), verb: targets.length === 1 ? 'is' : 'are' }, 'Suggestion');
  }
}

interface Peer {
  label: string;
  /** Any of these paths (or a linked folder holding one) counts as linking the peer. */
  paths: string[];
}

function tripletTargets(slug: string, channel: string): { label: string; paths: string[] }[] {
  const root = `docs/features/${slug}`;
  return [
    { label: '.{json,avsc,proto}', paths: ['json', 'avsc', 'proto'].map((ext) => `${root}/schemas/${channel}.${ext}`) },
    { label: '.yaml', paths: ['yaml', 'yml', 'json'].map((ext) => `${root}/asyncapi/${channel}.${ext}`) },
  ];
}

/**
 * Existing peers the source's template lists for this type (artifacts.md §5.3 table). Folder peers
 * (ADRs, runbooks, launches) are satisfied by the folder or by any one file in it; contracts,
 * schemas and AsyncAPI files of a design are per channel. Architecture docs and standards have no
 * template list.
 */
function expectedPeers(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact): Peer[] {
  const type = currentTypeOf(artifact.type);
  const { path, slug } = artifact;
  const paths = [...context.model.paths].sort();
  const under = (prefix: string, re: RegExp) => paths.filter((p) => p.startsWith(prefix) && re.test(p.slice(prefix.length)));
  const file = (label: string, target: string): Peer[] =>
    pathExists(target, (p) => context.exists(p)) ? [{ label: `${label} (${relativeLink(path, target)})`, paths: [target] }] : [];
  // A folder peer is one missing link: the folder or any one of its files, named as candidates.
  const folder = (label: string, prefix: string, re: RegExp): Peer[] => {
    const files = under(prefix, re).filter((p) => p !== path);
    return files.length > 0 ? [{ label: `${label} (${candidates(files.map((f) => relativeLink(path, f)))})`, paths: [prefix, ...files] }] : [];
  };
  const each = (prefix: string, re: RegExp): Peer[] => under(prefix, re).map((p) => ({ label: relativeLink(path, p), paths: [p] }));
  const catalog = file('the system catalog', 'docs/system/catalog.md');

  if (artifact.classification.scope === 'platform') {
    if (type === 'adr') return catalog;
    if (type === 'runbook') return [...catalog, ...folder('a platform ADR', 'docs/system/adrs/', /^\d{4}-[^/]+\.md$/)];
    return [];
  }
  if (!slug || artifact.type !== type) return [];
  const root = `docs/features/${slug}/`;
  const design = file('the design', `${root}design.md`);
  const readme = file('the README', `${root}README.md`);
  switch (type) {
    case 'design':
      return [
        ...folder('an ADR', `${root}adrs/`, /^[^/]+\.md$/),
        ...each(`${root}contracts/`, /^[^/]+\.md$/),
        ...each(`${root}schemas/`, /^[^/]+\.(json|avsc|proto)$/),
        ...each(`${root}asyncapi/`, /^[^/]+\.(?:ya?ml|json)$/),
        ...folder('a runbook', `${root}runbooks/`, /^[^/]+\.md$/),
        ...folder('a launch decision', `${root}launches/`, /^[^/]+\.md$/),
        ...catalog,
      ];
    case 'contract':
      return [...design, ...readme, ...folder('a runbook', `${root}runbooks/`, /^[^/]+\.md$/)];
    case 'adr':
      return [
        ...design,
        ...folder('a sibling ADR', `${root}adrs/`, /^[^/]+\.md$/),
        ...folder('a contract', `${root}contracts/`, /^[^/]+\.md$/),
        ...readme,
        ...folder('a platform ADR', 'docs/system/adrs/', /^\d{4}-[^/]+\.md$/),
      ];
    case 'runbook':
      return [...design, ...folder('a contract', `${root}contracts/`, /^[^/]+\.md$/), ...readme, ...folder('a sibling runbook', `${root}runbooks/`, /^[^/]+\.md$/)];
    case 'launch':
      return [
        ...design,
        ...folder('an ADR', `${root}adrs/`, /^[^/]+\.md$/),
        ...folder('a contract', `${root}contracts/`, /^[^/]+\.md$/),
        ...folder('a runbook', `${root}runbooks/`, /^[^/]+\.md$/),
        ...readme,
        ...catalog,
      ];
    default:
      return [];
  }
}

/** Up to three candidate links joined with "or"; more are counted. */
function candidates(links: readonly string[]): string {
  const shown = links.slice(0, 3);
  const more = links.length - shown.length;
  if (more > 0) return `${shown.join(', ')} or ${more} more`;
  return shown.length <= 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

