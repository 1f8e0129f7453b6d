// Several App instances (processes, as far as the App can tell) against one GitHub simulator, each
// built as main.ts builds it (Probot, createArchReviewApp, optionally a run journal), in process with
// the simulator injected as Octokit's fetch. An instance can "crash": from that moment none of its
// requests reaches GitHub or ever answers, so its reviews stop where they were and it writes nothing
// more, as after a SIGKILL. A new instance on the same journal file is the restarted process.
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createProbot, type Probot } from 'probot';
import { createArchReviewApp, type ArchReviewApp } from '../../src/app/app.js';
import type { RetryOptions } from '../../src/github/api.js';
import type { RunJournal } from '../../src/app/journal.js';
import { archReviewOctokit } from '../../src/app/octokit.js';
import type { ReviewJob, RunOutcome } from '../../src/app/review-pr.js';
import { FixtureRepo, readSnapshot } from './fixture-repo.js';
import { GitHubSimulator } from './github-simulator.js';
import { APP_ID, APP_SLUG, memoryLogger, REPO, SECRET, type LogLine } from './harness.js';
import { deliveryId } from './payloads.js';

export interface SimulatedGitHub {
  sim: GitHubSimulator;
  repo: FixtureRepo;
  privateKey: string;
  close(): Promise<void>;
}

export async function startSimulatedGitHub(): Promise<SimulatedGitHub> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const sim = new GitHubSimulator({ appId: APP_ID, appSlug: APP_SLUG, publicKeyPem: publicKey });
  const repo = await FixtureRepo.create();
  return {
    sim,
    repo,
    privateKey,
    async close() {
      await sim.close();
      repo.remove();
    },
  };
}

/**
 * The simulator with one repository whose default branch holds the demo's base snapshot
 * (fixtures/demo/base) and a maintainer: the starting point of the App's pull request tests.
 */
export async function startDemoGitHub(): Promise<{ github: SimulatedGitHub; baseFiles: Record<string, string>; base: string }> {
  const github = await startSimulatedGitHub();
  const baseFiles = readSnapshot(fileURLToPath(new URL('../../fixtures/demo/base', import.meta.url)));
  const base = await github.repo.commit(baseFiles);
  github.sim.addRepo(REPO.owner, REPO.name, github.repo, base);
  github.sim.addCollaborator(REPO.owner, REPO.name, 'maintainer', 'maintain');
  return { github, baseFiles, base };
}

/** One request as the instance sends it (GraphQL requests carry their query in `body`). */
export interface OutgoingRequest {
  method: string;
  url: URL;
  body: string;
}

export interface InstanceOptions {
  journal?: RunJournal;
  concurrency?: number;
  retry?: RetryOptions;
  unfinishedRetryDelaysMs?: readonly number[];
  /** The instance crashes when it is about to send a matching request (which never reaches GitHub). */
  crashWhen?: (request: OutgoingRequest) => boolean;
}

export interface AppInstance {
  probot: Probot;
  app: ArchReviewApp;
  outcomes: { outcome: RunOutcome; job: ReviewJob }[];
  logs: LogLine[];
  /** Resolves when the instance has crashed (through `crashWhen` or `crash()`). */
  crashed: Promise<void>;
  isCrashed(): boolean;
  crash(): void;
  /** Delivers a webhook straight into Probot. */
  send(name: string, payload: object, id?: string): Promise<string>;
  /** Waits until the queue is idle; never call it on a crashed instance. */
  settle(): Promise<void>;
}

export async function startAppInstance(github: SimulatedGitHub, options: InstanceOptions = {}): Promise<AppInstance> {
  const logs: LogLine[] = [];
  const outcomes: AppInstance['outcomes'] = [];
  let down = false;
  let markCrashed!: () => void;
  const crashed = new Promise<void>((resolve) => (markCrashed = resolve));
  const crash = () => {
    down = true;
    markCrashed();
  };

  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const body = typeof init?.body === 'string' ? init.body : '';
    if (!down && options.crashWhen?.({ method: init?.method ?? 'GET', url, body })) crash();
    // A dead process sends nothing and hears nothing back.
    if (down) return new Promise<Response>(() => undefined);
    return github.sim.fetch(input, init);
  };

  const probot = createProbot({
    env: { APP_ID: String(APP_ID), PRIVATE_KEY: github.privateKey, WEBHOOK_SECRET: SECRET, GHE_HOST: 'github.test', GHE_PROTOCOL: 'http', LOG_LEVEL: 'debug' },
    overrides: { log: memoryLogger(logs), Octokit: archReviewOctokit({ throttle: false }), request: { fetch } },
  });
  const app = createArchReviewApp({
    appId: APP_ID,
    concurrency: options.concurrency ?? 2,
    retry: { fallbackWaitMs: 5, transientWaitMs: 5, ...(options.retry ?? {}) },
    ...(options.journal ? { journal: options.journal } : {}),
    ...(options.unfinishedRetryDelaysMs ? { unfinishedRetryDelaysMs: options.unfinishedRetryDelaysMs } : {}),
    onOutcome: (outcome, job) => outcomes.push({ outcome, job }),
  });
  await probot.load(app.app);

  return {
    probot,
    app,
    outcomes,
    logs,
    crashed,
    isCrashed: () => down,
    crash,
    async send(name, payload, id = deliveryId()) {
      await probot.receive({ id, name, payload } as Parameters<Probot['receive']>[0]);
      return id;
    },
    settle: () => app.queue.idle(),
  };
}

/** True when the request is a GraphQL query or mutation with this operation name. */
export function isGraphql(request: OutgoingRequest, operation: string): boolean {
  return request.url.pathname.endsWith('/graphql') && new RegExp(`^\\s*(?:query|mutation)\\s+${operation}\\b`).test((JSON.parse(request.body || '{}') as { query?: string }).query ?? '');
}
