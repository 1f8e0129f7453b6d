// Which touched feature a finding, a code file or a test belongs to (review-output.md §3 and §9.3
// step 1: "a multi-feature review reports one verdict per feature"). Code belongs to a feature by the
// configuration's `features:` mapping, by the channels it publishes (the owning feature) or consumes
// (the feature whose design or README lists the channel as consumed); when only one feature is
// touched, all code in scope is that feature's.
import type { ArtifactModel, Feature } from '../../artifacts/model.js';
import { matchesGlob } from '../glob.js';
import type { Finding } from '../types.js';
import { featureChannels } from './docs.js';
import { headFindings, type EvidenceFile, type FactSite, type ReviewFacts } from './facts.js';

export interface FeatureScope {
  /** Null for a review that touches no feature (code only). */
  slug: string | null;
  feature: Feature | undefined;
  baseFeature: Feature | undefined;
  model: ArtifactModel | undefined;
  baseModel: ArtifactModel | undefined;
  /** Code files of the feature among the analysed ones. */
  codePaths: Set<string>;
  /** Channels of the feature: design, README, contracts, and those its code publishes or consumes. */
  channels: Set<string>;
  /** Head findings of the feature. */
  findings: Finding[];
  /** The review facts restricted to the feature's code. */
  facts: ReviewFacts;
  /** Tests that reference the feature's code or channels. */
  tests: EvidenceFile[];
}

/** Every analysed code path, from the fact sites. */
export function codePathsOf(facts: ReviewFacts): Set<string> {
  const out = new Set<string>();
  const sites: FactSite[] = [
    ...facts.consumers,
    ...facts.publishes,
    ...facts.dbWrites,
    ...facts.retries,
    ...(facts.patternComments ?? []),
    ...(facts.outboundCalls ?? []),
  ];
  for (const s of sites) out.add(s.path);
  for (const p of facts.analysedPaths ?? []) out.add(p);
  return out;
}

/**
 * The sites of one path. Every finding and code path asks this of the same arrays, so they are
 * indexed once (rebuilt if appended to since): scanning them per question made a 1,000-file review
 * quadratic (20 s in the summary for 2,000 publishes).
 */
const sitesByPath = new WeakMap<readonly FactSite[], { length: number; index: Map<string, FactSite[]> }>();
function sitesAt<T extends FactSite>(sites: readonly T[], path: string): readonly T[] {
  let entry = sitesByPath.get(sites);
  if (!entry || entry.length !== sites.length) {
    const index = new Map<string, FactSite[]>();
    for (const site of sites) {
      const list = index.get(site.path);
      if (list) list.push(site);
      else index.set(site.path, [site]);
    }
    entry = { length: sites.length, index };
    sitesByPath.set(sites, entry);
  }
  return (entry.index.get(path) ?? []) as T[];
}

/** Answers per facts object and path; dropped when sites were added since (the facts are append-only). */
const answers = new WeakMap<ReviewFacts, { publishes: number; consumers: number; byPath: Map<string, readonly string[]> }>();

/** The touched features a code path belongs to. */
export function featuresOfCode(path: string, facts: ReviewFacts): readonly string[] {
  let memo = answers.get(facts);
  if (!memo || memo.publishes !== facts.publishes.length || memo.consumers !== facts.consumers.length) {
    memo = { publishes: facts.publishes.length, consumers: facts.consumers.length, byPath: new Map() };
    answers.set(facts, memo);
  }
  let answer = memo.byPath.get(path);
  if (!answer) {
    // Every finding of a file asks again: a file with thousands of publishes and findings made this quadratic.
    answer = Object.freeze(computeFeaturesOfCode(path, facts));
    memo.byPath.set(path, answer);
  }
  return answer;
}

function computeFeaturesOfCode(path: string, facts: ReviewFacts): string[] {
  const touched = facts.features;
  const out = new Set<string>();
  for (const [slug, globs] of Object.entries(facts.featureGlobs ?? {})) {
    if (touched.includes(slug) && globs.some((g) => matchesGlob(path, g))) out.add(slug);
  }
  for (const p of sitesAt(facts.publishes, path)) {
    if (!p.channel) continue;
    const owner = facts.channelOwners?.get(p.channel);
    if (owner && touched.includes(owner)) out.add(owner);
  }
  const model = facts.artifacts?.head;
  for (const c of sitesAt(facts.consumers, path)) {
    if (!c.channel || !model) continue;
    for (const slug of touched) if (featureChannels(model.features.get(slug)).consumed.has(c.channel)) out.add(slug);
  }
  if (out.size === 0 && touched.length === 1) out.add(touched[0]);
  return [...out].sort();
}

/** The touched features a finding belongs to (its `feature`, its docs folder, or its code file's). */
export function featuresOfFinding(f: Finding, facts: ReviewFacts): readonly string[] {
  if (f.feature && facts.features.includes(f.feature)) return [f.feature];
  const slug = /^docs\/features\/([^/]+)\//.exec(f.location.path)?.[1];
  if (slug) return facts.features.includes(slug) ? [slug] : [];
  if (f.location.path.startsWith('docs/')) return [];
  return featuresOfCode(f.location.path, facts);
}

/** A test references code when it names the file's module (its path stem) or a channel. */
export function testReferences(test: EvidenceFile, codePaths: Iterable<string>, channels: Iterable<string>): boolean {
  for (const path of codePaths) {
    const stem = path.replace(/\.[cm]?[jt]sx?$/, '');
    const base = stem.slice(stem.lastIndexOf('/') + 1);
    if (base === 'index') {
      const dir = stem.slice(0, stem.lastIndexOf('/'));
      if (dir && test.text.includes(dir.slice(dir.lastIndexOf('/') + 1))) return true;
    } else if (new RegExp(`['"\`][^'"\`\\n]*\\b${escape(base)}(\\.[cm]?[jt]sx?)?['"\`]`).test(test.text)) {
      return true;
    }
  }
  for (const channel of channels) if (test.text.includes(channel)) return true;
  return false;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A changed path belongs to a feature: its docs folder, or the feature's configured code paths. */
function ownsPath(facts: ReviewFacts, slug: string, path: string): boolean {
  if (path.startsWith(`docs/features/${slug}/`)) return true;
  const globs = facts.featureGlobs?.[slug];
  if (globs?.length) return globs.some((g) => matchesGlob(path, g));
  return facts.features.length === 1 && !path.startsWith('docs/features/');
}

function restrict(facts: ReviewFacts, keep: (path: string) => boolean, slug: string | null): ReviewFacts {
  const only = <T extends { path: string }>(sites: readonly T[]) => sites.filter((s) => keep(s.path));
  const codePaths = [...codePathsOf(facts)].filter(keep);
  const owned = (path: string) => slug === null || keep(path) || ownsPath(facts, slug, path);
  return {
    ...facts,
    // Changes the feature owns (§6.1 reads them per feature for C3.6): its docs, its mapped paths.
    ...(facts.changes ? { changes: facts.changes.filter((c) => owned(c.path)) } : {}),
    ...(facts.deploymentChanges ? { deploymentChanges: facts.deploymentChanges.filter(owned) } : {}),
    ...(facts.serviceFolderChanges ? { serviceFolderChanges: facts.serviceFolderChanges.filter((p) => owned(p) || owned(`${p}package.json`)) } : {}),
    consumers: only(facts.consumers),
    publishes: only(facts.publishes),
    dbWrites: only(facts.dbWrites),
    retries: only(facts.retries),
    regionsWithWriteAndPublish: facts.regionsWithWriteAndPublish > 0 && only(facts.publishes).length > 0 && only(facts.dbWrites).length > 0
      ? facts.regionsWithWriteAndPublish
      : 0,
    // Without the analysed path list (hand-built facts) a single feature keeps the file count.
    codeFiles: facts.analysedPaths === undefined && facts.features.length <= 1 ? facts.codeFiles : codePaths.length,
    analysedPaths: codePaths,
    features: slug ? [slug] : facts.features,
    ...(facts.patternComments ? { patternComments: only(facts.patternComments) } : {}),
    ...(facts.outboundCalls ? { outboundCalls: only(facts.outboundCalls) } : {}),
  };
}

/** One scope per touched feature; a single feature-less scope when the review touches none. */
export function featureScopes(findings: readonly Finding[], facts: ReviewFacts): FeatureScope[] {
  const head = headFindings(findings);
  const model = facts.artifacts?.head;
  const baseModel = facts.artifacts?.base ?? undefined;
  const allCode = codePathsOf(facts);
  const tests = facts.tests ?? [];
  if (facts.features.length === 0) {
    return [
      {
        slug: null,
        feature: undefined,
        baseFeature: undefined,
        model,
        baseModel,
        codePaths: allCode,
        channels: new Set(facts.publishes.map((p) => p.channel).filter((c): c is string => Boolean(c))),
        findings: head,
        facts,
        tests: tests.filter((t) => testReferences(t, allCode, [])),
      },
    ];
  }
  return [...facts.features].sort().map((slug) => {
    const codePaths = new Set([...allCode].filter((p) => featuresOfCode(p, facts).includes(slug)));
    const feature = model?.features.get(slug);
    const own = featureChannels(feature);
    const channels = new Set([...own.produced, ...own.consumed]);
    for (const p of facts.publishes) if (codePaths.has(p.path) && p.channel) channels.add(p.channel);
    for (const c of facts.consumers) if (codePaths.has(c.path) && c.channel) channels.add(c.channel);
    return {
      slug,
      feature,
      baseFeature: baseModel?.features.get(slug),
      model,
      baseModel,
      codePaths,
      channels,
      findings: head.filter((f) => featuresOfFinding(f, facts).includes(slug)),
      facts: restrict(facts, (p) => codePaths.has(p), slug),
      tests: tests.filter((t) => testReferences(t, codePaths, channels)),
    };
  });
}
