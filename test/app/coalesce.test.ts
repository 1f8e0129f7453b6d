// What a pull request's waiting runs become when another arrives (app.ts `coalesce`), seen from the
// run journal and the runs that start. The queue is held shut until every task is in.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createArchReviewApp } from '../../src/app/app.js';
import { RunJournal } from '../../src/app/journal.js';
import type { ReviewJob } from '../../src/app/review-pr.js';

const X = 'a'.repeat(40);
const Y = 'b'.repeat(40);
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

function setup() {
  const journal = new RunJournal(join(mkdtempSync(join(tmpdir(), 'arch-review-coalesce-')), 'runs.json'), { log: quiet as never });
  const started: string[] = [];
  const put = journal.put.bind(journal);
  // A run starts by journaling itself (app.ts `review`); the fake API makes it fail right after.
  journal.put = (installationId, job) => {
    started.push(`${job.headSha[0]}:${job.trigger}`);
    put(installationId, job);
  };
  let open!: () => void;
  const gate = new Promise<void>((resolve) => { open = resolve; });
  let opened = false;
  const app = createArchReviewApp({ appId: 1, journal, unfinishedRetryDelaysMs: [], startGate: () => (opened ? null : gate) });
  const job = (sha: string, trigger: ReviewJob['trigger']): ReviewJob => ({ owner: 'o', repo: 'r', number: 7, headSha: sha, defaultBranch: 'main', trigger, summaryComment: false });
  const enqueue = (sha: string, trigger: ReviewJob['trigger'], extra: { explicit?: boolean; supersedes?: false } = {}) =>
    app.queue.enqueue({ key: 'o/r#7', headSha: sha, explicit: extra.explicit ?? false, ...(extra.supersedes === false ? { supersedes: false } : {}), data: { type: 'review', api: {} as never, installationId: 5, job: job(sha, trigger) } });
  const heads = () => journal.entries().map((e) => e.job.headSha[0]).sort();
  const run = async () => {
    started.length = 0;
    opened = true;
    open();
    await app.queue.idle();
  };
  return { journal, job, enqueue, heads, run, started };
}

describe('coalescing the runs that wait for one pull request', () => {
  it('a retried recovered run of a commit keeps that commit\'s journal entry', () => {
    const { journal, job, enqueue, heads } = setup();
    journal.put(5, job(X, 'push'));
    journal.put(5, job(Y, 'push'));
    enqueue(X, 'recover');
    enqueue(Y, 'push');
    enqueue(X, 'recover', { supersedes: false });
    assert.deepEqual(heads(), ['a', 'b'], 'X is still queued, so a restart must find it');
  });

  it('a re-run of the commit a push has since replaced does not take the push\'s place', async () => {
    const { journal, job, enqueue, run, started } = setup();
    enqueue(Y, 'push');
    journal.put(5, job(Y, 'push'));
    // runForSha listed the open pull requests just before the push and saw X as the head.
    enqueue(X, 'rerun', { explicit: true, supersedes: false });
    await run();
    assert.deepEqual(started, ['a:rerun', 'b:push'], 'the re-run concludes its own commit, the push reviews the head last');
  });
});
