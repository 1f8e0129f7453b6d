// The few extra reads the computed review needs beyond the code and artifact models
// (review-output.md §6.1, §8.1, §9.1): test files that may reference the feature's code, CI
// configuration, changed deployment YAML, and the contracts of channels a touched feature consumes
// from another feature. Every read is capped; what cannot be read is simply absent as evidence.
import { buildArtifactModel, type ArtifactModel } from '../../artifacts/model.js';
import { isCodePath, isTestPath } from '../../code/parse.js';
import type { Config } from '../../config/schema.js';
import { serviceResolver } from '../cross-file.js';
import type { ChangedFile, ReviewSource } from '../source.js';
import { featureChannels } from './docs.js';
import type { EvidenceFile } from './facts.js';

export const EVIDENCE_LIMITS = {
  /** Test files read per review (changed tests first, then those named like the code). */
  maxTestFiles: 30,
  maxTestBytes: 256 * 1024,
  maxCiFiles: 5,
  maxCiBytes: 128 * 1024,
  maxDeployYamlFiles: 10,
  maxDeployYamlBytes: 64 * 1024,
  maxConsumedContracts: 10,
  maxContractBytes: 256 * 1024,
};

export interface EvidenceInput {
  source: ReviewSource;
  config: Config;
  changed: readonly ChangedFile[];
  /** Head code files in scope (non-test). */
  codePaths: readonly string[];
  features: readonly string[];
  headModel: ArtifactModel;
}

export interface LoadedEvidence {
  tests: EvidenceFile[];
  ciConfigs: EvidenceFile[];
  loadTestPaths: string[];
  deploymentChanges: string[];
  serviceFolderChanges: string[];
  services: number;
  consumed: ArtifactModel | undefined;
}

const SERVICE_ROOT = /^((?:services|apps|packages)\/[^/]+)\//;
const CI_CONFIG = /^(\.github\/workflows\/[^/]+\.ya?ml|\.gitlab-ci\.yml|\.circleci\/config\.yml|Jenkinsfile)$/;
const LOAD_TEST = /(^|\/)(k6|artillery|load-?tests?)\/|\.load\.[cm]?[jt]sx?$|(^|\/)artillery\.ya?ml$/i;
const DEPLOY_PATH = /\.tf$|(^|\/)(k8s|helm|charts|deploy)\//;
const SCALER_KIND = /^\s*kind:\s*["']?(HorizontalPodAutoscaler|ScaledObject)["']?\s*$/m;

async function readAll(source: ReviewSource, paths: readonly string[], maxBytes: number): Promise<EvidenceFile[]> {
  const out: EvidenceFile[] = [];
  for (const path of paths) {
    const read = await source.readFile('head', path, maxBytes);
    if (read.ok) out.push({ path, text: read.text });
  }
  return out;
}

/**
 * Test files worth reading: those the pull request changes, wherever they are (a top-level `tests/`
 * folder included), then those in the code's service folder (or repo) named like the code.
 */
function testCandidates(headPaths: readonly string[], changed: readonly ChangedFile[], codePaths: readonly string[]): string[] {
  if (codePaths.length === 0) return [];
  const roots = new Set(codePaths.map((p) => SERVICE_ROOT.exec(p)?.[1] ?? ''));
  const stems = new Set(codePaths.map((p) => p.slice(p.lastIndexOf('/') + 1).replace(/\.[cm]?[jt]sx?$/, '').toLowerCase()));
  const changedTests = new Set(changed.filter((f) => f.status !== 'removed').map((f) => f.path));
  const tests = headPaths.filter(
    (p) => isCodePath(p) && isTestPath(p) && !/(^|\/)node_modules\//.test(p) &&
      (changedTests.has(p) || [...roots].some((r) => r === '' || p.startsWith(`${r}/`))),
  );
  const named = (p: string) => [...stems].some((s) => p.toLowerCase().includes(s));
  const rank = (p: string) => (changedTests.has(p) ? 0 : named(p) ? 1 : 2);
  return tests.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)).slice(0, EVIDENCE_LIMITS.maxTestFiles);
}

export async function loadEvidence(input: EvidenceInput): Promise<LoadedEvidence> {
  const { source, changed, codePaths, features, headModel } = input;
  const headPaths = await source.listPaths('head', '');

  const tests = await readAll(source, testCandidates(headPaths, changed, codePaths), EVIDENCE_LIMITS.maxTestBytes);
  const ciConfigs = features.length
    ? await readAll(source, headPaths.filter((p) => CI_CONFIG.test(p)).slice(0, EVIDENCE_LIMITS.maxCiFiles), EVIDENCE_LIMITS.maxCiBytes)
    : [];
  const loadTestPaths = headPaths.filter((p) => LOAD_TEST.test(p) && !/(^|\/)node_modules\//.test(p)).slice(0, 20);

  // §6.1: deployment or scaling files, including YAML documents of an autoscaler kind.
  const deploymentChanges = changed.filter((f) => DEPLOY_PATH.test(f.path)).map((f) => f.path);
  const yaml = changed
    .filter((f) => f.status !== 'removed' && /\.ya?ml$/.test(f.path) && !f.path.startsWith('docs/') && !f.path.startsWith('.github/') && !DEPLOY_PATH.test(f.path))
    .map((f) => f.path)
    .slice(0, EVIDENCE_LIMITS.maxDeployYamlFiles);
  for (const file of await readAll(source, yaml, EVIDENCE_LIMITS.maxDeployYamlBytes)) {
    if (SCALER_KIND.test(file.text)) deploymentChanges.push(file.path);
  }

  // §6.1: a service folder added, or its package manifest changed.
  const serviceFolderChanges: string[] = [];
  const addedRoots = new Set(changed.filter((f) => f.status === 'added').map((f) => SERVICE_ROOT.exec(f.path)?.[1]).filter((r): r is string => Boolean(r)));
  for (const root of [...addedRoots].sort()) {
    if ((await source.listPaths('base', root)).length === 0) serviceFolderChanges.push(`${root}/`);
  }
  for (const f of changed) {
    const root = /^((?:services|apps)\/[^/]+)\/package\.json$/.exec(f.path)?.[1];
    if (root && !serviceFolderChanges.includes(`${root}/`)) serviceFolderChanges.push(`${root}/`);
  }

  const serviceOf = serviceResolver(input.config, headPaths.filter((p) => /^(services|apps)\/[^/]+\/package\.json$/.test(p)));
  const services = new Set(headPaths.map(serviceOf).filter((s): s is string => s !== null)).size;

  // C1.5: a consumed channel's contract lives in the producing feature, outside the touched ones.
  const wanted: string[] = [];
  for (const slug of features) {
    for (const channel of featureChannels(headModel.features.get(slug)).consumed) {
      const owned = [...headModel.features.values()].some((f) => f.contracts.has(channel));
      if (owned) continue;
      const path = headPaths.find((p) => p.startsWith('docs/features/') && p.endsWith(`/contracts/${channel}.md`) && p.split('/').length === 5);
      if (path && !wanted.includes(path)) wanted.push(path);
    }
  }
  const contracts = await readAll(source, wanted.slice(0, EVIDENCE_LIMITS.maxConsumedContracts), EVIDENCE_LIMITS.maxContractBytes);
  const consumed = contracts.length ? buildArtifactModel(contracts, { allPaths: headPaths, side: 'head' }) : undefined;

  return { tests, ciConfigs, loadTestPaths, deploymentChanges, serviceFolderChanges, services, consumed };
}
