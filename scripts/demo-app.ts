// The App half of `npm run demo`: starts the real GitHub App on loopback, serves the GitHub API from
// the local simulator (test/simulator), sends a signed `pull_request.opened` for the bundled demo PR,
// then a push that fixes it, and prints what the App posted each time.
import { readFileSync } from 'node:fs';
import { readSnapshot } from '../test/simulator/fixture-repo.js';
import { REPO, startStack } from '../test/simulator/harness.js';
import { pullRequestEvent } from '../test/simulator/payloads.js';

const demo = new URL('../fixtures/demo/', import.meta.url);
const PLACE_ORDER = 'services/orders/src/place-order.ts';
const NUMBER = 7;

export async function runAppDemo(print: (line: string) => void): Promise<void> {
  const stack = await startStack({ transport: 'http' });
  try {
    const baseFiles = readSnapshot(new URL('base', demo).pathname);
    const headFiles = readSnapshot(new URL('head', demo).pathname);
    const base = await stack.repo.commit(baseFiles);
    const head = await stack.repo.commit(headFiles, base);
    const fix = await stack.repo.commit(
      { ...headFiles, [PLACE_ORDER]: readFileSync(new URL(`../fixtures/github/demo-fix/${PLACE_ORDER}`, import.meta.url), 'utf8') },
      head,
    );
    stack.sim.addRepo(REPO.owner, REPO.name, stack.repo, base);
    stack.sim.addCollaborator(REPO.owner, REPO.name, 'maintainer', 'maintain');
    stack.sim.openPull(REPO.owner, REPO.name, NUMBER, base, head);

    print(`App listening on ${stack.appUrl}; GitHub API served by the local simulator.`);
    print('');
    print(`1. pull_request.opened for ${REPO.owner}/${REPO.name}#${NUMBER} (head ${head.slice(0, 7)})`);
    await stack.send('pull_request', pullRequestEvent('opened', REPO, { number: NUMBER, head, base }));
    await stack.settle();
    describe(stack, head, print);

    print('');
    print('2. /review from a maintainer');
    await stack.send('issue_comment', stack.comment(NUMBER, 'maintainer', '/review'));
    await stack.settle();
    const summary = stack.sim.pull(REPO.owner, REPO.name, NUMBER).comments.find((c) => c.body.includes('<!-- arch-review:summary -->'));
    print(`   sticky summary comment: ${summary ? `${summary.body.split('\n').length} lines, starts "${summary.body.split('\n')[0]}"` : 'none'}`);

    print('');
    print(`3. pull_request.synchronize with the fix (head ${fix.slice(0, 7)}: the event goes to the outbox in the order's transaction)`);
    stack.sim.pull(REPO.owner, REPO.name, NUMBER).head = fix;
    await stack.send('pull_request', pullRequestEvent('synchronize', REPO, { number: NUMBER, head: fix, base }));
    await stack.settle();
    describe(stack, fix, print);

    print('');
    print(`GitHub requests made: ${stack.sim.requests.length}; rejected by the OpenAPI/limit checks: ${stack.sim.rejections.length}`);
  } finally {
    await stack.close();
  }
}

function describe(stack: Awaited<ReturnType<typeof startStack>>, sha: string, print: (line: string) => void): void {
  for (const run of stack.sim.checkRuns.filter((r) => r.head_sha === sha)) {
    print(`   check run "${run.name}": ${run.status} / ${run.conclusion ?? '-'} — ${run.output.title ?? ''}`);
    for (const a of run.annotations) print(`     annotation ${a.annotation_level} ${a.path}:${a.start_line} ${a.title}`);
  }
  for (const thread of stack.sim.pull(REPO.owner, REPO.name, NUMBER).threads) {
    const first = thread.comments[0]!;
    const rule = /\b(dual-write|[a-z]+(?:-[a-z0-9]+)+)\b/.exec(first.body)?.[1] ?? 'comment';
    print(`   inline thread on ${thread.path}:${thread.line} (${rule})${thread.isResolved ? ' — resolved' : ''}`);
  }
}
