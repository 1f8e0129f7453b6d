// rules.md rule 57: the skill moved from a scattered v0.2 layout (docs/designs/, docs/contracts/,
// schemas/, ...) to one folder per feature. Artifacts left at the old paths are read, but they miss
// every per-feature cross-check, so the reviewer points at the move, once, with each target path.
import { classifyPath, isLegacyType, type Classification } from '../../src/artifacts/classify.js';
import { createDocsRule } from '../../src/review/rule.js';

const messages = {
  legacyFiles:
    'Artifacts in the pre-0.3 layout: {files}. Move them under docs/features/<slug>/ (the skill ships scripts/migrate-layout.sh for this), then review ADR scope by hand.',
};

export default createDocsRule({
  meta: {
    id: 'legacy-layout',
    kind: 'docs',
    severity: 'Suggestion',
    precision: 'High',
    systemTag: false,
    checklist: [],
    failureModes: [],
    description: 'Artifacts live in the per-feature layout (docs/features/<slug>/), not at the v0.2 paths.',
    messages,
  },
  create(context) {
    return {
      check() {
        const legacy = [...context.model.paths]
          .map((path) => ({ path, c: classifyPath(path) }))
          .filter((e): e is { path: string; c: Classification } => e.c !== null && isLegacyType(e.c.type))
          .sort((a, b) => a.path.localeCompare(b.path));
        if (legacy.length === 0) return;
        const files = legacy.map(({ path, c }) => {
          // The model resolves the owning feature of legacy channel files and runbooks (artifacts.md §2.3).
          const loaded = context.model.artifacts.get(path);
          return `${path} → ${targetOf(loaded?.classification ?? c, loaded?.slug ?? c.slug)}`;
        });
        context.report({
          messageId: 'legacyFiles',
          data: { files: files.join('; ') },
          loc: { path: legacy[0].path, startLine: 1 },
          // One finding per tree, whose identity does not change as files move one by one.
          anchor: 'legacy layout',
          ...(legacy[0].c.slug ? { feature: legacy[0].c.slug } : {}),
        });
      },
    };
  },
});

/** The v0.3 path of a legacy file (artifacts.md §2.3); `<slug>` where the feature is not known. */
function targetOf(c: Classification, known: string | undefined): string {
  const slug = known ?? '<slug>';
  const root = `docs/features/${slug}`;
  switch (c.type) {
    case 'legacy-design':
      return `${root}/design.md`;
    case 'legacy-adr':
      return `${root}/adrs/${c.number}-${c.title}.md or docs/system/adrs/${c.number}-${c.title}.md`;
    case 'legacy-archdoc':
      return `${root}/architecture-${c.doctype ?? '<doctype>'}.md`;
    case 'legacy-contract':
      return `${root}/contracts/${c.channel}.md`;
    case 'legacy-schema':
      return `${root}/schemas/${c.channel}.${c.format}`;
    case 'legacy-asyncapi':
      return `${root}/asyncapi/${c.channel}.yaml`;
    case 'legacy-runbook':
      return `${root}/runbooks/${c.incident ?? c.stem ?? '<incident>'}.md`;
    case 'legacy-launch':
      return `${root}/launches/${c.date}.md`;
    case 'legacy-readme':
      return `${root}/README.md`;
    default:
      return root;
  }
}
