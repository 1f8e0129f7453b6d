// Request budgets (issue 5): a 50-file pull request reviewed with at most 10 GitHub requests, a
// 300-file one with at most 25, counted by the simulator from the first request of the run to the
// completed check run. Token exchanges and the once-per-process GET /app are not counted, nor
// retries (none happen here).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { APP_ID, REPO, startStack, type Stack } from '../simulator/harness.js';
import { pullRequestEvent } from '../simulator/payloads.js';
import { samplePullRequest } from '../simulator/sample-prs.js';

describe('request budget per review', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ transport: 'fetch' });
  });
  after(() => stack?.close());

  for (const [files, budget, number] of [[50, 10, 50], [300, 25, 300]] as const) {
    it(`${files}-file pull request: at most ${budget} requests`, async () => {
      const sample = samplePullRequest(files);
      const base = await stack.repo.commit(sample.base);
      const head = await stack.repo.commit(sample.head, base);
      stack.sim.addRepo(REPO.owner, REPO.name, stack.repo, base);
      stack.sim.openPull(REPO.owner, REPO.name, number, base, head);
      assert.equal((await stack.repo.pullFiles(base, head)).length, files);

      const from = stack.sim.requests.length;
      await stack.send('pull_request', pullRequestEvent('opened', REPO, { number, head, base }));
      await stack.settle();

      const run = stack.sim.checkRuns.find((r) => r.head_sha === head);
      assert.equal(run?.status, 'completed');
      assert.equal(run?.conclusion, 'failure', 'the sample carries one dual-write');
      // GET /app (the bot's slug) is read once per process, not per review.
      const used = stack.sim.countSince(from, (r) => r.operation !== 'apps/get-authenticated');
      const byOperation = new Map<string, number>();
      for (const r of stack.sim.requests.slice(from)) byOperation.set(r.operation, (byOperation.get(r.operation) ?? 0) + 1);
      console.log(`${files} files: ${used} requests`, Object.fromEntries(byOperation), run?.output.title, [...new Set((run?.annotations ?? []).map((a) => `${a.title} ${a.path}`))].slice(0, 12));
      assert.ok(used <= budget, `${used} requests for ${files} files (budget ${budget})`);
      assert.deepEqual(stack.sim.rejections, []);
      assert.equal(APP_ID, 4242);
    });
  }
});
