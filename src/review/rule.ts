// The rule API, shaped like typescript-eslint's: `meta` + `create(context)`. Code rules return AST
// visitors (dispatched by one traversal per file); docs rules return a `check` over the artifact
// model. Rules never do I/O: everything they read comes through the context.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { ArtifactModel } from '../artifacts/model.js';
import type { CodeModel } from '../code/model.js';
import type { Config } from '../config/schema.js';
import type { CrossFileIndex } from './cross-file.js';
import type { CodeFacts } from '../code/rule-facts.js';
import type {
  ChecklistId,
  Precision,
  RelatedLocation,
  RuleKind,
  Severity,
  Side,
} from './types.js';

export const DOCS_BASE_URL = 'https://github.com/arch-review/arch-review/blob/main/docs/rules/';

export interface RuleMeta<MessageIds extends string = string> {
  id: string;
  kind: RuleKind;
  severity: Severity;
  precision: Precision;
  systemTag: boolean;
  checklist: ChecklistId[];
  antiPattern?: string;
  failureModes: string[];
  /** The pattern the fix points to (Transactional Outbox, Idempotent Receiver, ...). */
  pattern?: string;
  description: string;
  /**
   * Code rules whose `Program:exit` reads `context.crossFile`: the engine runs that listener after
   * every file of the side is analysed, when the file's syntax tree and model have been released,
   * so it must report with `loc` and `anchor`, not `node`, and not read `context.model`.
   */
  repositoryWide?: boolean;
  /**
   * Code rules that also read `context.crossFile` from a `Repository:exit` listener: like a
   * repository-wide `Program:exit`, it runs after every file of the side is analysed, from the index
   * alone (report with `loc` and `anchor`), while the rule's other listeners run per file as usual.
   */
  crossFile?: boolean;
  messages: Record<MessageIds, string>;
  docsUrl: string;
}

export type RuleMetaInput<M extends string> = Omit<RuleMeta<M>, 'docsUrl'>;

/** What a rule passes to `report`; everything not given falls back to the rule's meta. */
export interface ReportDescriptor<MessageIds extends string = string> {
  messageId: MessageIds;
  data?: Record<string, string | number>;
  /** Code rules: the node to locate the finding at. */
  node?: TSESTree.Node;
  /** Docs rules (or code rules overriding the node): an explicit location. */
  loc?: { path?: string; startLine: number; endLine?: number; startColumn?: number; endColumn?: number };
  /** Line-independent identity of the finding inside its file (rules.md §1.4). */
  anchor?: string;
  severity?: Severity;
  precision?: Precision;
  variant?: string;
  related?: RelatedLocation[];
  channel?: string;
  feature?: string;
  checklist?: ChecklistId[];
  failureModes?: string[];
  /** For a rule covering several anti-patterns (the phrase scan): which one this finding is; `meta.antiPattern` otherwise. */
  antiPattern?: string;
}

export type Visitor = (node: TSESTree.Node) => void;
export type Visitors = Partial<Record<string, Visitor>>;

/** Channels declared by contract or AsyncAPI files anywhere in the tree at this side. */
export type DeclaredChannels = ReadonlyMap<string, { feature: string; path: string }>;

export interface CodeRuleContext<MessageIds extends string = string> {
  readonly path: string;
  readonly side: Side;
  readonly sourceText: string;
  /** The file's code model: its lists and indexes are complete in `Program:exit`, partial before. */
  readonly model: CodeModel;
  readonly config: Config;
  /** Null when the repository's docs were not listed (a single-file run). */
  readonly declaredChannels: DeclaredChannels | null;
  /** Models of the repository files this file imports (one level), complete at `Program:exit`. */
  importedModels(): CodeModel[];
  /** Facts across all analysed files and the repository's schema/deploy sources; complete only at `Program:exit`. */
  readonly crossFile?: CrossFileIndex;
  /** The file's package instrumentation and the contracts of channels it names, read by the engine. */
  readonly facts?: CodeFacts;
  report(descriptor: ReportDescriptor<MessageIds>): void;
}

/** A channel the analysed code publishes to or consumes from, for code↔docs cross-checks. */
export interface CodeChannelUse {
  channel: string;
  path: string;
  line: number;
  kind: 'publish' | 'consume';
}

export interface DocsRuleContext<MessageIds extends string = string> {
  readonly side: Side;
  /** Channels the changed code uses at this side (empty for docs-only reviews). */
  readonly codeChannels?: readonly CodeChannelUse[];
  readonly model: ArtifactModel;
  /** The same artifact model at the other side, for rules that compare base with head. */
  readonly other: ArtifactModel | null;
  readonly config: Config;
  /** Whether a repository path exists at this side (for link checks). */
  exists(path: string): boolean;
  report(descriptor: ReportDescriptor<MessageIds> & { loc: NonNullable<ReportDescriptor['loc']> & { path: string } }): void;
}

export interface CodeRule<MessageIds extends string = string> {
  meta: RuleMeta<MessageIds> & { kind: 'code' };
  create(context: CodeRuleContext<MessageIds>): Visitors;
}

export interface DocsRule<MessageIds extends string = string> {
  meta: RuleMeta<MessageIds> & { kind: 'docs' };
  create(context: DocsRuleContext<MessageIds>): { check(): void };
}

export type Rule = CodeRule | DocsRule;

/** Binds the docs URL from the rule id, as typescript-eslint's RuleCreator does. */
export function createCodeRule<M extends string>(rule: {
  meta: RuleMetaInput<M> & { kind: 'code' };
  create(context: CodeRuleContext<M>): Visitors;
}): CodeRule<M> {
  return { meta: { ...rule.meta, docsUrl: `${DOCS_BASE_URL}${rule.meta.id}.md` }, create: rule.create };
}

export function createDocsRule<M extends string>(rule: {
  meta: RuleMetaInput<M> & { kind: 'docs' };
  create(context: DocsRuleContext<M>): { check(): void };
}): DocsRule<M> {
  return { meta: { ...rule.meta, docsUrl: `${DOCS_BASE_URL}${rule.meta.id}.md` }, create: rule.create };
}

/** Fills `{name}` placeholders of a message template. Unknown names stay visible, never vanish. */
export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    Object.prototype.hasOwnProperty.call(data, key) ? String(data[key]) : whole,
  );
}
