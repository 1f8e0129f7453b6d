import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommand } from '../../src/app/commands.js';
import { ReviewQueue, type QueueTask, type RunSignal } from '../../src/app/queue.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('review queue', () => {
  it('one run per pull request; a newer head replaces the waiting one and supersedes the running one', async () => {
    const started: string[] = [];
    const signals = new Map<string, RunSignal>();
    const release = gate();
    const queue = new ReviewQueue<null>({
      concurrency: 4,
      maxPending: 10,
      run: async (task, signal) => {
        started.push(task.headSha);
        signals.set(task.headSha, signal);
        if (task.headSha === 'a') await release.opened;
      },
    });
    const task = (headSha: string, explicit = false): QueueTask<null> => ({ key: 'o/r#1', headSha, explicit, data: null });
    assert.equal(queue.enqueue(task('a')), 'queued');
    assert.equal(queue.enqueue(task('a')), 'duplicate');
    assert.equal(queue.enqueue(task('b')), 'queued');
    assert.equal(queue.enqueue(task('c')), 'coalesced');
    assert.equal(signals.get('a')!.supersededBy(), 'c');
    release.open();
    await queue.idle();
    assert.deepEqual(started, ['a', 'c']);
  });

  it('a retry of an older commit (supersedes: false) does not cut short the newer head\'s running review', async () => {
    const signals = new Map<string, RunSignal>();
    const release = gate();
    const queue = new ReviewQueue<null>({
      concurrency: 4,
      maxPending: 10,
      run: async (task, signal) => {
        signals.set(task.headSha, signal);
        if (task.headSha === 'b') await release.opened;
      },
    });
    assert.equal(queue.enqueue({ key: 'o/r#1', headSha: 'b', explicit: false, data: null }), 'queued');
    assert.equal(queue.enqueue({ key: 'o/r#1', headSha: 'a', explicit: false, supersedes: false, data: null }), 'queued');
    assert.equal(signals.get('b')!.supersededBy(), null);
    release.open();
    await queue.idle();
  });

  it('explicit re-runs of the same SHA are not duplicates; a full queue says so', async () => {
    const release = gate();
    const queue = new ReviewQueue<null>({ concurrency: 1, maxPending: 1, run: () => release.opened });
    assert.equal(queue.enqueue({ key: 'x', headSha: 'a', explicit: false, data: null }), 'queued');
    assert.equal(queue.enqueue({ key: 'x', headSha: 'a', explicit: true, data: null }), 'queued');
    assert.equal(queue.enqueue({ key: 'y', headSha: 'b', explicit: false, data: null }), 'full');
    release.open();
    await queue.idle();
    assert.deepEqual(queue.stats(), { pending: 0, running: 0 });
  });

  it('runs different pull requests concurrently up to the limit', async () => {
    let active = 0;
    let peak = 0;
    const queue = new ReviewQueue<null>({
      concurrency: 2,
      maxPending: 10,
      run: async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setImmediate(resolve));
        active--;
      },
    });
    for (let i = 0; i < 6; i++) queue.enqueue({ key: `k${i}`, headSha: 's', explicit: false, data: null });
    await queue.idle();
    assert.equal(peak, 2);
  });
});

describe('/review commands', () => {
  it('reads the first line only', () => {
    assert.deepEqual(parseCommand('/review'), { name: 'review', reach: { kind: 'diff' } });
    assert.deepEqual(parseCommand('  /review help\nmore'), { name: 'help' });
    assert.equal(parseCommand('please /review'), null);
    assert.equal(parseCommand('> /review\nquoted'), null);
    assert.equal(parseCommand('/reviewer'), null);
  });

  it('accept needs an id and a reason', () => {
    assert.deepEqual(parseCommand('/review accept 3F9A1C0E metrics only'), { name: 'accept', shortId: '3f9a1c0e', reason: 'metrics only' });
    assert.equal(parseCommand('/review accept 3f9a1c0e')?.name, 'invalid');
    assert.equal(parseCommand('/review accept zz reason')?.name, 'invalid');
  });

  it('full, and paths that must stay inside the repository', () => {
    assert.deepEqual(parseCommand('/review full'), { name: 'review', reach: { kind: 'full' } });
    assert.deepEqual(parseCommand('/review src/orders docs/features/orders/'), {
      name: 'review',
      reach: { kind: 'paths', paths: ['src/orders', 'docs/features/orders/'] },
    });
    assert.deepEqual(parseCommand('/review ./full'), { name: 'review', reach: { kind: 'paths', paths: ['./full'] } });
    assert.match((parseCommand('/review full src/a.ts') as { problem: string }).problem, /takes nothing after it/);
    assert.deepEqual(parseCommand('/review .'), { name: 'review', reach: { kind: 'paths', paths: ['.'] } });
    // Echoed in the bot's comment: nothing that mentions, links or renders.
    for (const hostile of ['@octo-org/security', '![x](https://evil.example/p.png)', '<img>', 'a`b', `${'a'.repeat(201)}`]) {
      assert.equal(parseCommand(`/review ${hostile}`)?.name, 'invalid', hostile);
    }
    const escape = parseCommand('/review src/../../etc/passwd');
    assert.equal(escape?.name, 'invalid');
    assert.match((escape as { problem: string }).problem, /not a path in this repository/);
    assert.equal(parseCommand(`/review ${Array.from({ length: 21 }, (_, i) => `p${i}`).join(' ')}`)?.name, 'invalid');
  });
});
