// Starts the real App against the GitHub simulator: over real HTTP on loopback (the App listening
// for signed webhooks, the simulator serving the API through GHE_HOST), or in process with the
// simulator injected as Octokit's fetch (handler tests).
import { createHmac, generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProbot, type Probot } from 'probot';
import { createArchReviewApp, type ArchReviewApp, type ArchReviewOptions } from '../../src/app/app.js';
import { archReviewOctokit } from '../../src/app/octokit.js';
import type { RunOutcome, ReviewJob } from '../../src/app/review-pr.js';
import { createAppServer } from '../../src/app/server.js';
import { FixtureRepo } from './fixture-repo.js';
import { GitHubSimulator } from './github-simulator.js';
import { deliveryId, issueCommentEvent, type RepoCoordinates } from './payloads.js';

export const APP_ID = 4242;
export const APP_SLUG = 'arch-review';
export const SECRET = 'webhook-secret-for-tests';
export const REPO: RepoCoordinates = { owner: 'acme', name: 'shop', installationId: 77 };

export interface LogLine {
  level: string;
  text: string;
}

/** A pino-shaped logger that keeps every line, so tests can check what is (not) logged. */
export function memoryLogger(lines: LogLine[] = [], bindings: object = {}): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  const write = (level: string) => (obj: unknown, msg?: string) => {
    lines.push({ level, text: JSON.stringify({ ...bindings, ...(typeof obj === 'object' && obj !== null ? obj : { msg: obj }), ...(msg ? { msg } : {}) }) });
  };
  return {
    level: 'debug',
    lines,
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    fatal: write('fatal'),
    child: (more: object) => memoryLogger(lines, { ...bindings, ...more }),
  };
}

export interface Stack {
  sim: GitHubSimulator;
  repo: FixtureRepo;
  probot: Probot;
  app: ArchReviewApp;
  outcomes: { outcome: RunOutcome; job: ReviewJob }[];
  logs: LogLine[];
  /** Base URL of the App's HTTP server (http transport only). */
  appUrl: string | null;
  /** Delivers a webhook: signed over HTTP, or straight into Probot in process. */
  send(name: string, payload: object, options?: { id?: string; secret?: string }): Promise<{ status: number; id: string }>;
  /** A comment by a person, stored in the simulator as GitHub would, and its webhook payload. */
  comment(number: number, login: string, body: string): object;
  /** Waits until every queued review has finished. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(options: { transport: 'http' | 'fetch'; app?: Pick<ArchReviewOptions, 'maxPending' | 'startGate'> }): Promise<Stack> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const sim = new GitHubSimulator({ appId: APP_ID, appSlug: APP_SLUG, publicKeyPem: publicKey });
  const repo = await FixtureRepo.create();
  const logs: LogLine[] = [];
  const outcomes: Stack['outcomes'] = [];
  const host = options.transport === 'http' ? await sim.listen() : 'github.test';

  const probot = createProbot({
    env: { APP_ID: String(APP_ID), PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, GHE_HOST: host, GHE_PROTOCOL: 'http', LOG_LEVEL: 'debug' },
    overrides: {
      log: memoryLogger(logs),
      Octokit: archReviewOctokit({ throttle: false }),
      ...(options.transport === 'fetch' ? { request: { fetch: sim.fetch } } : {}),
    },
  });
  const app = createArchReviewApp({
    appId: APP_ID,
    concurrency: 2,
    retry: { fallbackWaitMs: 5 },
    onOutcome: (outcome, job) => outcomes.push({ outcome, job }),
    ...options.app,
  });
  await probot.load(app.app);

  let server: Server | null = null;
  let appUrl: string | null = null;
  if (options.transport === 'http') {
    server = createAppServer({ probot, secret: SECRET, log: probot.log, health: () => app.queue.stats() });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  return {
    sim,
    repo,
    probot,
    app,
    outcomes,
    logs,
    appUrl,
    async send(name, payload, opts = {}) {
      const id = opts.id ?? deliveryId();
      if (!appUrl) {
        await probot.receive({ id, name, payload } as Parameters<Probot['receive']>[0]);
        return { status: 202, id };
      }
      const body = JSON.stringify(payload);
      const signature = `sha256=${createHmac('sha256', opts.secret ?? SECRET).update(body).digest('hex')}`;
      const res = await fetch(`${appUrl}/api/github/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': name, 'x-github-delivery': id, 'x-hub-signature-256': signature },
        body,
      });
      await res.text();
      return { status: res.status, id };
    },
    comment(number, login, body) {
      const commentId = sim.addUserComment(REPO.owner, REPO.name, number, login, body);
      return issueCommentEvent(REPO, { number, body, login, commentId });
    },
    settle: () => app.queue.idle(),
    async close() {
      await app.queue.idle();
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      await sim.close();
      repo.remove();
    },
  };
}
