// Where a finding at a node is, and its line-independent anchor (rules.md §1.4). Shared by the code
// runner and by summaries that outlive the syntax tree (the cross-file index), so a finding reported
// from a summary fingerprints exactly as one reported at the node would.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { isFunction, normalizedText, parentOf } from '../code/ast.js';
import type { CodeModel } from '../code/model.js';

export interface NodeLocation {
  startLine: number;
  endLine: number;
  startColumn: number;
  endColumn: number;
}

export function nodeLocation(node: TSESTree.Node): NodeLocation {
  return { startLine: node.loc.start.line, endLine: node.loc.end.line, startColumn: node.loc.start.column + 1, endColumn: node.loc.end.column + 1 };
}

export function nodeAnchor(model: CodeModel, node: TSESTree.Node): string {
  return `${enclosingFunctionName(model, node)}|${normalizedText(model.text, node)}`;
}

function enclosingFunctionName(model: CodeModel, node: TSESTree.Node): string {
  let current = parentOf(node);
  while (current && !isFunction(current)) current = parentOf(current);
  return model.regionOf(node).name ?? (current ? model.functionName(current) : '<module>');
}
