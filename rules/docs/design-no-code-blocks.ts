// rules.md rule 54: a design is a decision artifact. Implementation code, JSON payloads and YAML in
// it go stale the day the real schema or code changes, and readers cannot tell which one is true;
// schemas belong in schemas/ and asyncapi/, code in the source tree, both referenced by path.
import { currentTypeOf } from '../../src/artifacts/classify.js';
import type { CodeBlock, MarkdownDoc } from '../../src/artifacts/markdown.js';
import type { MarkdownArtifact } from '../../src/artifacts/model.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';

const messages = {
  codeBlock:
    'Code block in design {file}:{line} ({lang}). A design is a decision artifact: move schemas to schemas/ and asyncapi/, code to the source tree, and reference them by path.',
};
type MessageId = keyof typeof messages;

const DIAGRAM_LANGS = new Set(['mermaid', 'plantuml']);
/** First words of an unlabelled fence that hold a diagram, not code. */
const DIAGRAM_START = /^(?:flowchart|graph|sequenceDiagram|stateDiagram|@startuml)(?![A-Za-z0-9_])|^stateDiagram-v2/;

export default createDocsRule({
  meta: {
    id: 'design-no-code-blocks',
    kind: 'docs',
    severity: 'Suggestion',
    precision: 'High',
    systemTag: false,
    checklist: [],
    failureModes: [],
    description: 'Design docs contain no implementation code blocks; only mermaid or PlantUML diagrams are fenced.',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const artifact of context.model.artifacts.values()) {
          if (artifact.syntax === 'markdown' && currentTypeOf(artifact.type) === 'design') checkDesign(context, artifact);
        }
      },
    };
  },
});

function checkDesign(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact): void {
  const { doc, path } = artifact;
  for (const block of doc.codeBlocks) {
    if (!block.fenced || isDiagram(doc, block)) continue;
    const lang = block.lang ?? 'unlabelled';
    context.report({
      messageId: 'codeBlock',
      data: { file: path, line: block.line, lang },
      loc: { path, startLine: block.line, endLine: block.endLine },
      // The first content line identifies the block without its line number.
      anchor: `code block | ${lang} | ${firstLine(doc, block).replace(/\s+/g, ' ').trim()}`,
      ...(artifact.slug ? { feature: artifact.slug } : {}),
    });
  }
}

function isDiagram(doc: MarkdownDoc, block: CodeBlock): boolean {
  if (block.lang !== null) return DIAGRAM_LANGS.has(block.lang.toLowerCase());
  return DIAGRAM_START.test(firstLine(doc, block).trim());
}

/** The first non-blank line inside the fence. */
function firstLine(doc: MarkdownDoc, block: CodeBlock): string {
  for (let line = block.line + 1; line < block.endLine; line++) {
    const text = doc.lines[line - 1] ?? '';
    if (text.trim()) return text;
  }
  return '';
}
