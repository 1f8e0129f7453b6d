// `npm start`: the webhook server. Configured by Probot's standard environment: APP_ID,
// PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, HOST, GHE_HOST, GHE_PROTOCOL, LOG_LEVEL,
// WEBHOOK_PATH; REVIEW_CONCURRENCY sets how many reviews run at once; RUN_JOURNAL names the file that
// carries accepted runs across a restart (`off` for none; default in the temp folder).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProbot } from 'probot';
import { createArchReviewApp } from './app.js';
import { RunJournal } from './journal.js';
import { archReviewOctokit } from './octokit.js';
import { createAppServer, RequestActivity } from './server.js';
import { limitHeapGrowth } from '../runtime/heap.js';

limitHeapGrowth();

const env = process.env;
if (!env.APP_ID || !(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH) || !env.WEBHOOK_SECRET) {
  // Probot would start its manifest set-up flow instead; a server without credentials is a mistake.
  console.error('arch-review: APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET must be set (see docs/app.md)');
  process.exit(2);
}

const probot = createProbot({ overrides: { Octokit: archReviewOctokit() } });
const journalPath = env.RUN_JOURNAL === 'off' ? null : env.RUN_JOURNAL || join(tmpdir(), `arch-review-${env.APP_ID}`, 'runs.json');
// Webhooks are answered 202 before Probot sees them; deliveries are handed to Probot, and reviews
// started, in lulls between requests (server.ts).
const activity = new RequestActivity();
const { app, queue, recover } = createArchReviewApp({
  appId: Number(env.APP_ID),
  concurrency: Number(env.REVIEW_CONCURRENCY) || 2,
  journal: new RunJournal(journalPath),
  startGate: () => activity.lull(),
});
await probot.load(app);

const server = createAppServer({
  probot,
  secret: env.WEBHOOK_SECRET,
  webhookPath: env.WEBHOOK_PATH || undefined,
  log: probot.log,
  health: () => queue.stats(),
  activity,
});
const port = Number(env.PORT) || 3000;
server.listen(port, env.HOST || '0.0.0.0', () => probot.log.info(`arch-review listening on port ${port}`));
// Runs accepted before a restart (queued, or stopped mid-review) are finished, not left in progress.
void recover().catch((error: unknown) => probot.log.error({ err: (error as Error).message }, 'journal recovery failed'));

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  probot.log.info(`${signal}: finishing running reviews before exit`);
  server.close();
  // Deliveries already answered 202 are queued (and journaled) before the queue is awaited.
  await server.handOffAll();
  // A review cut off mid-way would leave its check run in progress; give the queue a minute.
  await Promise.race([queue.idle(), new Promise((resolve) => setTimeout(resolve, 60_000).unref())]);
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
