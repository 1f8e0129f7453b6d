// A full queue still answers every pull request, and never with a check that lets an unreviewed change
// merge: the busy run is `cancelled`, and the pull request's next event reviews it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { readSnapshot } from '../simulator/fixture-repo.js';
import { APP_ID, REPO, startStack, type Stack } from '../simulator/harness.js';
import { checkRunEvent, pullRequestEvent } from '../simulator/payloads.js';

const demo = new URL('../../fixtures/demo/', import.meta.url);
const PLACE_ORDER = 'services/orders/src/place-order.ts';

describe('a full review queue', () => {
  let stack: Stack;
  let open!: () => void;
  let gate: Promise<void> | null = new Promise<void>((resolve) => (open = resolve));

  before(async () => {
    stack = await startStack({ transport: 'fetch', app: { maxPending: 1, startGate: () => gate } });
  });
  after(() => stack?.close());

  it('concludes the pull request it cannot take as cancelled (not passing); a Re-review then reviews it', async () => {
    const baseFiles = readSnapshot(new URL('base', demo).pathname);
    const base = await stack.repo.commit(baseFiles);
    stack.sim.addRepo(REPO.owner, REPO.name, stack.repo, base);
    const heads: string[] = [];
    for (const n of [1, 2]) {
      const head = await stack.repo.commit({ ...baseFiles, [PLACE_ORDER]: `${readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8')}// ${n}\n` }, base);
      heads.push(head);
      stack.sim.openPull(REPO.owner, REPO.name, n, base, head);
      await stack.send('pull_request', pullRequestEvent('opened', REPO, { number: n, head, base }));
    }
    const runs = (sha: string) => stack.sim.checkRuns.filter((r) => r.head_sha === sha);
    // The busy answer is written beside the webhook's handling, not before it returns.
    for (let i = 0; i < 200 && runs(heads[1]!).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(runs(heads[1]!).map((r) => [r.status, r.conclusion, r.output.title]), [['completed', 'cancelled', 'Not reviewed: the reviewer is busy']]);
    gate = null;
    open();
    await stack.settle();
    assert.equal(runs(heads[0]!).at(-1)!.conclusion, 'failure');
    await stack.send('check_run', checkRunEvent('rerequested', REPO, { headSha: heads[1]!, appId: APP_ID, name: 'Architecture review', pullNumbers: [2] }));
    await stack.settle();
    assert.deepEqual(runs(heads[1]!).map((r) => r.conclusion), ['cancelled', 'failure']);
  });
});
