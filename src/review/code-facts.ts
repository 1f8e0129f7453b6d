// Facts code rules need but must not fetch (rules never do I/O): the owning package's tracing
// instrumentation (package.json plus entry files) and the contracts of the channels the code names.
// The engine reads the few files involved through the ReviewSource before the code rules run.
import { posix } from 'node:path';
import { contractOrderingKey, orderingKeyOf } from '../artifacts/channel-sets.js';
import { parseMarkdown } from '../artifacts/markdown.js';
import { candidatePaths, instrumentationFact, preloads, type PackageJsonLike } from '../code/instrumentation.js';
import type { CodeFacts, ContractFact, InstrumentationFact } from '../code/rule-facts.js';
import type { DeclaredChannels } from './rule.js';
import type { ReviewSource } from './source.js';
import type { Side } from './types.js';

const MAX_FACT_BYTES = 256 * 1024;
const MAX_CONTRACTS = 50;

export type FactsFor = (path: string) => CodeFacts;

export async function loadCodeFacts(
  source: ReviewSource,
  side: Side,
  codeFiles: { path: string; text: string }[],
  declared: DeclaredChannels,
): Promise<FactsFor> {
  if (codeFiles.length === 0) return () => ({});
  const tree = new Set(await source.listPaths(side, ''));
  const cache = new Map<string, string | null>();
  const read = async (path: string): Promise<string | null> => {
    if (cache.has(path)) return cache.get(path)!;
    const result = tree.has(path) ? await source.readFile(side, path, MAX_FACT_BYTES) : null;
    const text = result && result.ok ? result.text : null;
    cache.set(path, text);
    return text;
  };

  // Instrumentation per package root (the nearest folder with a package.json).
  const instrumentation = new Map<string, InstrumentationFact | null>();
  for (const file of codeFiles) {
    const root = packageRootOf(file.path, tree);
    if (root === null || instrumentation.has(root)) continue;
    const pkgText = await read(root === '' ? 'package.json' : `${root}/package.json`);
    if (pkgText === null) {
      instrumentation.set(root, null);
      continue;
    }
    // Pre-read the entry files the fact may look at, so the pure builder can read synchronously.
    await preloadEntryFiles(root, pkgText, read);
    instrumentation.set(root, instrumentationFact(root, pkgText, (path) => cache.get(path) ?? null));
  }

  // Contracts of the channels the changed code names (a cheap text scan keeps the reads few).
  const contracts = new Map<string, ContractFact | null>();
  const mentioned = [...declared.keys()].filter((channel) => codeFiles.some((f) => f.text.includes(channel))).slice(0, MAX_CONTRACTS);
  for (const channel of mentioned) {
    const entry = declared.get(channel)!;
    const contractPath = entry.path.endsWith('.md') ? entry.path : `docs/features/${entry.feature}/contracts/${channel}.md`;
    const text = await read(contractPath);
    if (text === null) continue;
    const parsed = parseMarkdown(text);
    if (!parsed.ok) continue;
    const field = contractOrderingKey({ doc: parsed.doc } as Parameters<typeof contractOrderingKey>[0]);
    contracts.set(channel, {
      channel,
      orderingKey: field ? orderingKeyOf(field.value) : null,
      delivery: null,
      path: contractPath,
    });
  }

  return (path: string) => {
    const root = packageRootOf(path, tree);
    return {
      instrumentation: root === null ? null : instrumentation.get(root) ?? null,
      contract: (channel: string) => contracts.get(channel) ?? null,
    };
  };
}

function packageRootOf(path: string, tree: ReadonlySet<string>): string | null {
  let dir = posix.dirname(path);
  for (;;) {
    const candidate = dir === '.' ? 'package.json' : `${dir}/package.json`;
    if (tree.has(candidate)) return dir === '.' ? '' : dir;
    if (dir === '.' || dir === '/') return null;
    dir = posix.dirname(dir);
  }
}

async function preloadEntryFiles(root: string, pkgText: string, read: (path: string) => Promise<string | null>): Promise<void> {
  let pkg: PackageJsonLike;
  try {
    pkg = JSON.parse(pkgText) as PackageJsonLike;
  } catch {
    return;
  }
  const entries = [...preloads(pkg), ...(pkg.main ? [pkg.main] : [])].filter((e) => e.startsWith('.') || e.includes('/') || /\.[cm]?[jt]s$/.test(e));
  for (const entry of entries) {
    for (const candidate of candidatePaths(root, entry)) {
      const text = await read(candidate);
      if (text === null) continue;
      for (const match of text.matchAll(/(?:import\s+(?:[^'"]*from\s+)?|require\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const spec = posix.relative(root, posix.join(posix.dirname(candidate), match[1]!));
        for (const imported of candidatePaths(root, spec)) await read(imported);
      }
      break;
    }
  }
}
