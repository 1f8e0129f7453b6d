// Runs every code rule over a set of files: one parse and one traversal per file, shared by the
// code model and all rules. `Program:exit` listeners are deferred until every file has been
// traversed, so rules that reason at file level can use helper summaries from the other files.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { normalizedText, parentOf, isFunction } from '../code/ast.js';
import { CodeModel, type ExternalEffect, type RoleRef } from '../code/model.js';
import type { CodeFacts } from '../code/rule-facts.js';
import { parseCode, type ParseLimits, DEFAULT_PARSE_LIMITS } from '../code/parse.js';
import { traverse, TraversalTooDeep, type ListenerMap } from '../code/traverse.js';
import type { Config } from '../config/schema.js';
import { compiledPatterns } from '../config/patterns.js';
import { formatMessage, type CodeRule, type DeclaredChannels, type ReportDescriptor } from './rule.js';
import { applyCodeSuppressions } from './code-suppressions.js';
import { buildCrossFileIndex, type CrossFileIndex, type RepoFile } from './cross-file.js';
import { resolveRuleSettings } from './rule-settings.js';
import type { CoverageSkip, RawFinding, Side } from './types.js';
import { posix } from 'node:path';

export interface CodeFileInput {
  path: string;
  text: string;
}

export interface CodeRunResult {
  findings: RawFinding[];
  suppressed: Record<string, number>;
  skipped: CoverageSkip[];
  models: Map<string, CodeModel>;
  errors: string[];
}

export interface CodeRunOptions {
  side: Side;
  config: Config;
  limits?: ParseLimits;
  /** Files read only for helper summaries (imports of changed files): analysed, never reported on. */
  contextFiles?: CodeFileInput[];
  declaredChannels?: DeclaredChannels | null;
  /** Schema and deployment sources of the repository, for rules that reason across services. */
  crossFileSources?: { files: RepoFile[]; paths: string[] };
  /** Per-file facts the engine read (package instrumentation, channel contracts). */
  factsFor?: (path: string) => CodeFacts;
  /** The review's deadline: files not yet analysed by then are listed as skipped (time-budget). */
  deadline?: number;
  now?: () => number;
}

export function runCodeRules(files: CodeFileInput[], rules: CodeRule[], options: CodeRunOptions): CodeRunResult {
  const { side, config } = options;
  const patterns = compiledPatterns(config);
  const skipped: CoverageSkip[] = [];
  const errors: string[] = [];
  const models = new Map<string, CodeModel>();
  const deferred: { path: string; exits: (() => void)[] }[] = [];
  const findings: RawFinding[] = [];
  const active = rules.filter((rule) => resolveRuleSettings(config, rule.meta.id).enabled);
  const reportPaths = new Set(files.map((f) => f.path));
  let crossFileIndex: CrossFileIndex | undefined;
  const crossFile = () =>
    (crossFileIndex ??= buildCrossFileIndex({
      models: models.values(),
      repoFiles: options.crossFileSources?.files ?? [],
      ...(options.crossFileSources ? { repoPaths: options.crossFileSources.paths } : {}),
      config,
    }));

  const modelFor = (module: string, fromPath: string): CodeModel | null => {
    const base = posix.normalize(posix.join(posix.dirname(fromPath), module));
    const stem = base.replace(/\.(js|mjs|cjs|jsx)$/, '');
    for (const candidate of [base, ...['.ts', '.tsx', '.js', '.mjs', '.cjs', '/index.ts', '/index.js'].map((ext) => stem + ext)]) {
      const model = models.get(candidate);
      if (model) return model;
    }
    return null;
  };
  const importedEffects = (module: string, fromPath: string, exportPath: string[]): ExternalEffect[] =>
    modelFor(module, fromPath)?.exportedEffects().get(exportPath.join('.')) ?? [];
  const importedValue = (module: string, fromPath: string, exportPath: string[]): RoleRef | null =>
    exportPath.length === 1 ? modelFor(module, fromPath)?.exportedValueRole(exportPath[0]!) ?? null : null;

  const now = options.now ?? Date.now;
  for (const file of [...files, ...(options.contextFiles ?? [])]) {
    if (options.deadline !== undefined && now() > options.deadline) {
      if (reportPaths.has(file.path)) skipped.push({ path: file.path, side, reason: 'time-budget', detail: 'review time budget exhausted before this file was analysed' });
      continue;
    }
    const parsed = parseCode(file.path, file.text, options.limits ?? DEFAULT_PARSE_LIMITS);
    if (!parsed.ok) {
      if (reportPaths.has(file.path)) skipped.push({ path: file.path, side, reason: parsed.reason, detail: parsed.detail });
      continue;
    }
    const model = new CodeModel(parsed.ast, file.path, file.text, {
      wrappers: { publish: config.wrappers.publish, dbWrite: config.wrappers.dbWrite },
      outboxPattern: patterns.outboxTable,
      envPrefixPattern: patterns.envPrefix,
      importedEffects,
      importedValue,
    });
    const listeners: ListenerMap[] = [model.collector()];
    const exits: (() => void)[] = [];
    if (reportPaths.has(file.path)) {
      for (const rule of active) {
        const settings = resolveRuleSettings(config, rule.meta.id);
        const context = {
          path: file.path,
          side,
          sourceText: file.text,
          model,
          config,
          declaredChannels: options.declaredChannels ?? null,
          get crossFile() {
            return crossFile();
          },
          ...(options.factsFor ? { facts: options.factsFor(file.path) } : {}),
          importedModels: () => {
            const out: CodeModel[] = [];
            for (const binding of new Set([...model.imports.values()].map((b) => b.module))) {
              if (!binding.startsWith('.')) continue;
              const other = modelFor(binding, file.path);
              if (other && other !== model && !out.includes(other)) out.push(other);
            }
            return out;
          },
          report: (descriptor: ReportDescriptor) => {
            findings.push(toRawFinding(rule, descriptor, model, settings.severity));
          },
        };
        let visitors: ListenerMap;
        try {
          visitors = rule.create(context) as ListenerMap;
        } catch (error) {
          errors.push(`${rule.meta.id} failed on ${file.path}: ${(error as Error).message}`);
          continue;
        }
        const { 'Program:exit': programExit, ...rest } = visitors;
        listeners.push(guardListeners(rest, rule.meta.id, file.path, errors));
        if (programExit) {
          exits.push(() => {
            try {
              programExit(parsed.ast);
            } catch (error) {
              errors.push(`${rule.meta.id} failed on ${file.path}: ${(error as Error).message}`);
            }
          });
        }
      }
    }
    try {
      traverse(parsed.ast, listeners);
    } catch (error) {
      if (error instanceof TraversalTooDeep) {
        if (reportPaths.has(file.path)) skipped.push({ path: file.path, side, reason: 'unparseable', detail: error.message });
        continue;
      }
      throw error;
    }
    models.set(file.path, model);
    if (reportPaths.has(file.path)) deferred.push({ path: file.path, exits });
  }

  for (const { exits } of deferred) for (const exit of exits) exit();

  const suppression = applyCodeSuppressions(findings, models, active.map((r) => r.meta.id));
  return { findings: suppression.findings, suppressed: suppression.suppressed, skipped, models, errors };
}

function guardListeners(listeners: ListenerMap, ruleId: string, path: string, errors: string[]): ListenerMap {
  const out: ListenerMap = {};
  let failed = false;
  for (const [key, fn] of Object.entries(listeners)) {
    if (!fn) continue;
    out[key] = (node) => {
      if (failed) return;
      try {
        fn(node);
      } catch (error) {
        failed = true;
        errors.push(`${ruleId} failed on ${path}: ${(error as Error).message}`);
      }
    };
  }
  return out;
}

function enclosingFunctionName(model: CodeModel, node: TSESTree.Node): string {
  let current = parentOf(node);
  while (current && !isFunction(current)) current = parentOf(current);
  return model.regionOf(node).name ?? (current ? model.functionName(current) : '<module>');
}

export function toRawFinding(
  rule: CodeRule,
  descriptor: ReportDescriptor,
  model: CodeModel,
  severityOverride?: RawFinding['severity'],
): RawFinding {
  const node = descriptor.node;
  const loc = descriptor.loc ?? (node
    ? { startLine: node.loc.start.line, endLine: node.loc.end.line, startColumn: node.loc.start.column + 1, endColumn: node.loc.end.column + 1 }
    : { startLine: 1, endLine: 1 });
  const anchor = descriptor.anchor ?? (node ? `${enclosingFunctionName(model, node)}|${normalizedText(model.text, node)}` : descriptor.messageId);
  const template = (rule.meta.messages as Record<string, string>)[descriptor.messageId] ?? descriptor.messageId;
  return {
    ruleId: rule.meta.id,
    kind: 'code',
    severity: severityOverride ?? descriptor.severity ?? rule.meta.severity,
    systemTag: rule.meta.systemTag,
    precision: descriptor.precision ?? rule.meta.precision,
    messageId: descriptor.messageId,
    message: formatMessage(template, descriptor.data),
    location: {
      path: loc.path ?? model.path,
      startLine: loc.startLine,
      endLine: loc.endLine ?? loc.startLine,
      ...(loc.startColumn !== undefined ? { startColumn: loc.startColumn } : {}),
      ...(loc.endColumn !== undefined ? { endColumn: loc.endColumn } : {}),
    },
    anchor,
    related: (descriptor.related ?? []).map((r) => ({ ...r })),
    ...(descriptor.variant ? { variant: descriptor.variant } : {}),
    ...(descriptor.channel ? { channel: descriptor.channel } : {}),
    ...(descriptor.feature ? { feature: descriptor.feature } : {}),
    ...(rule.meta.pattern ? { pattern: rule.meta.pattern } : {}),
    checklist: descriptor.checklist ?? rule.meta.checklist,
    ...(rule.meta.antiPattern ? { antiPattern: rule.meta.antiPattern } : {}),
    failureModes: descriptor.failureModes ?? rule.meta.failureModes,
  };
}
