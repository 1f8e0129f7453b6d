// The run journal (src/app/journal.ts) on its own: what it records and forgets, what a second
// instance on the same file (a restarted process) reads back, and what it does with a file it
// cannot read or write. No simulator here; test/app/recovery.test.ts runs the App on a journal.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { journalId, MAX_AGE_MS, MAX_ENTRIES, RunJournal } from '../../src/app/journal.js';
import type { ReviewJob } from '../../src/app/review-pr.js';

const DAY = 24 * 3600_000;

function sha(n: number): string {
  return n.toString(16).padStart(40, 'a');
}

function job(n: number, over: Partial<ReviewJob> = {}): ReviewJob {
  return { owner: 'acme', repo: 'shop', number: n, headSha: sha(n), defaultBranch: 'main', trigger: 'push', summaryComment: false, ...over };
}

interface Line {
  level: 'info' | 'warn';
  msg: string;
  obj: Record<string, unknown>;
}

function memoryLog() {
  const lines: Line[] = [];
  const write = (level: Line['level']) => (obj: object | string, msg?: string) =>
    void lines.push({ level, msg: msg ?? (typeof obj === 'string' ? obj : ''), obj: typeof obj === 'object' ? (obj as Record<string, unknown>) : {} });
  return { lines, info: write('info'), warn: write('warn'), warnings: () => lines.filter((l) => l.level === 'warn') };
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'arch-review-journal-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** What a restarted process would read from the file. */
function reread(path: string): string[] {
  return new RunJournal(path, { log: memoryLog() }).entries().map((e) => journalId(e.job)).sort();
}

// The journal imports writeFile and rename from node:fs/promises; these tests replace them for a
// while (syncBuiltinESMExports updates the ES module bindings) to count writes and to stage a race.
const fsp = createRequire(import.meta.url)('node:fs/promises') as typeof import('node:fs/promises');
const original = { writeFile: fsp.writeFile, rename: fsp.rename };
function patchFs(patch: Partial<typeof original>): void {
  Object.assign(fsp, patch);
  syncBuiltinESMExports();
}
afterEach(() => patchFs(original));

describe('run journal', () => {
  it('records accepted runs and forgets concluded ones', async () => {
    const path = join(tempDir(), 'runs.json');
    const log = memoryLog();
    const journal = new RunJournal(path, { log });
    assert.deepEqual(journal.entries(), []);

    journal.put(77, job(1));
    journal.put(77, job(2, { accept: { shortId: '3f9a1c0e', reason: 'metrics only', by: 'boss', admin: true, author: null } }));
    journal.put(null, job(3));
    assert.ok(journal.has(job(1)));
    assert.ok(journal.has(job(2)));
    assert.ok(!journal.has(job(3)), 'a run without an installation could not authenticate after a restart');
    assert.ok(!journal.has(job(1, { headSha: sha(99) })), 'runs are per pull request and head');
    const second = journal.entries().find((e) => e.job.number === 2)!;
    assert.equal(second.installationId, 77);
    assert.equal(second.job.accept, undefined, 'an accept is a one-off request and is not replayed');

    // The same run again changes nothing; asking for the summary is remembered.
    const since = journal.entries()[0]!.since;
    journal.put(77, job(1, { trigger: 'rerun' }));
    assert.equal(journal.entries().find((e) => e.job.number === 1)!.job.trigger, 'push');
    journal.put(77, job(1, { summaryComment: true }));
    const first = journal.entries().find((e) => e.job.number === 1)!;
    assert.equal(first.job.summaryComment, true);
    assert.equal(first.since, since, 'the acceptance time is kept');

    journal.delete(job(1));
    journal.delete(job(1));
    journal.delete(job(42));
    assert.deepEqual(journal.entries().map((e) => e.job.number), [2]);
    await journal.flush();
    assert.deepEqual(reread(path), [journalId(job(2))]);
    assert.deepEqual(log.warnings(), []);
  });

  it('a second journal on the same file (a restarted process) holds what the first had not concluded', async () => {
    const path = join(tempDir(), 'nested', 'dir', 'runs.json');
    const before = new RunJournal(path, { log: memoryLog() });
    before.put(77, job(1));
    before.put(78, job(2, { summaryComment: true, previousSha: sha(200) }));
    before.put(77, job(3, { trigger: 'command' }));
    before.delete(job(3));
    await before.flush();

    const log = memoryLog();
    const afterRestart = new RunJournal(path, { log });
    const entries = afterRestart.entries().sort((a, b) => a.job.number - b.job.number);
    assert.deepEqual(entries.map((e) => e.installationId), [77, 78]);
    assert.deepEqual(entries[0]!.job, job(1));
    assert.deepEqual(entries[1]!.job, job(2, { summaryComment: true, previousSha: sha(200) }));
    assert.equal(typeof entries[0]!.since, 'number');
    assert.deepEqual(log.lines, []);

    // The file is owner-only and nothing is left beside it.
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(join(path, '..')), ['runs.json']);
  });

  it(`drops runs accepted more than ${MAX_AGE_MS / DAY} days before the start`, () => {
    const path = join(tempDir(), 'runs.json');
    const now = Date.UTC(2026, 10, 24);
    const entry = (n: number, since: number) => ({ installationId: 77, job: job(n), since });
    writeFileSync(path, JSON.stringify({ version: 1, entries: [entry(1, now - 4 * DAY), entry(2, now - 2 * DAY), entry(3, now - 60_000)] }));
    const log = memoryLog();
    const journal = new RunJournal(path, { now, log });
    assert.deepEqual(journal.entries().map((e) => e.job.number), [2, 3]);
    assert.ok(log.lines.some((l) => l.level === 'info' && l.obj.dropped === 1));
    assert.deepEqual(log.warnings(), []);
  });

  it('skips malformed entries, keeps the others, and says so', () => {
    const path = join(tempDir(), 'runs.json');
    const good = { installationId: 77, job: job(1), since: Date.now() };
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        entries: [
          good,
          { installationId: '77', job: job(2), since: Date.now() },
          { installationId: 77, job: { ...job(3), headSha: 'HEAD' }, since: Date.now() },
          { installationId: 77, job: null, since: Date.now() },
          null,
          'acme/shop#4',
        ],
      }),
    );
    const log = memoryLog();
    const journal = new RunJournal(path, { log });
    assert.deepEqual(journal.entries(), [good]);
    assert.equal(log.warnings().length, 1);
    assert.equal(log.warnings()[0]!.obj.malformed, 5);
  });

  const corrupt: [string, (valid: string) => string | Buffer][] = [
    ['truncated mid-write', (valid) => valid.slice(0, Math.floor(valid.length / 2))],
    ['empty', () => ''],
    ['not JSON', () => 'runs: [1, 2]\n'],
    ['binary', () => Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22])],
    ['JSON null', () => 'null'],
    ['a JSON list', () => '[]'],
    ['entries that are not a list', () => '{"version":1,"entries":5}'],
  ];
  for (const [what, content] of corrupt) {
    it(`file ${what}: an empty journal and a clear warning, never a crash`, async () => {
      const dir = tempDir();
      const path = join(dir, 'runs.json');
      const valid = JSON.stringify({ version: 1, entries: [1, 2, 3].map((n) => ({ installationId: 77, job: job(n), since: Date.now() })) });
      writeFileSync(path, content(valid));
      const log = memoryLog();
      const journal = new RunJournal(path, { log });
      assert.deepEqual(journal.entries(), []);
      const warnings = log.warnings();
      assert.equal(warnings.length, 1, JSON.stringify(log.lines));
      assert.match(warnings[0]!.msg, /run journal unreadable.*empty journal.*not recovered/);
      assert.equal(warnings[0]!.obj.journal, path);
      assert.equal(typeof warnings[0]!.obj.err, 'string');
      // Set aside for a person to look at, not overwritten by the next write.
      assert.equal(warnings[0]!.obj.keptAs, `${path}.corrupt`);
      assert.deepEqual(readFileSync(`${path}.corrupt`), Buffer.from(content(valid)));

      // And the journal works from there.
      journal.put(77, job(9));
      await journal.flush();
      assert.deepEqual(reread(path), [journalId(job(9))]);
    });
  }

  it('no file yet is the ordinary first start: empty, nothing logged', () => {
    const log = memoryLog();
    const journal = new RunJournal(join(tempDir(), 'absent', 'runs.json'), { log });
    assert.deepEqual(journal.entries(), []);
    assert.deepEqual(log.lines, []);
  });

  it('a path that cannot be read (a folder) gives an empty journal and a warning', () => {
    const dir = tempDir();
    const log = memoryLog();
    const journal = new RunJournal(dir, { log });
    assert.deepEqual(journal.entries(), []);
    assert.equal(log.warnings().length, 1);
    assert.match(log.warnings()[0]!.msg, /unreadable/);
    assert.ok(existsSync(dir), 'a folder is not set aside');
  });

  it('`off` (a null path) keeps nothing and writes nothing', async () => {
    let writes = 0;
    patchFs({ writeFile: (async (...args: Parameters<typeof original.writeFile>) => (writes++, original.writeFile(...args))) as typeof original.writeFile });
    const journal = new RunJournal(null, { log: memoryLog() });
    assert.equal(journal.path, null);
    journal.put(77, job(1));
    assert.deepEqual(journal.entries(), []);
    assert.ok(!journal.has(job(1)));
    journal.delete(job(1));
    await journal.flush();
    assert.equal(writes, 0);
  });

  it('coalesces a burst: one write in flight, then one with the latest state', async () => {
    const path = join(tempDir(), 'runs.json');
    const written: number[] = [];
    patchFs({
      writeFile: (async (file: string, data: string, options: object) => {
        written.push((JSON.parse(data) as { entries: unknown[] }).entries.length);
        return original.writeFile(file, data, options);
      }) as typeof original.writeFile,
    });
    const journal = new RunJournal(path, { log: memoryLog() });
    for (let n = 1; n <= 100; n++) journal.put(77, job(n));
    await journal.flush();
    assert.deepEqual(written, [1, 100]);
    assert.equal(reread(path).length, 100);
  });

  it('interleaved changes from many runs are all written: the file ends equal to the journal', async () => {
    const path = join(tempDir(), 'runs.json');
    const journal = new RunJournal(path, { log: memoryLog() });
    const expected = new Set<string>();
    // 40 "runs" that each accept, yield to the event loop a different number of times, and
    // conclude (or not), while flushes race with them.
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        for (let k = 0; k < i % 5; k++) await new Promise((resolve) => setImmediate(resolve));
        journal.put(77, job(i));
        await Promise.resolve();
        if (i % 3 === 0) await journal.flush();
        for (let k = 0; k < i % 4; k++) await new Promise((resolve) => setImmediate(resolve));
        if (i % 2 === 0) journal.delete(job(i));
        else expected.add(journalId(job(i)));
        if (i % 7 === 0) journal.put(77, job(i, { summaryComment: true }));
        if (i % 7 === 0) expected.add(journalId(job(i)));
      }),
    );
    await journal.flush();
    assert.deepEqual(journal.entries().map((e) => journalId(e.job)).sort(), [...expected].sort());
    assert.deepEqual(reread(path), [...expected].sort());
    assert.deepEqual(readdirSync(join(path, '..')), ['runs.json'], 'no temp file left behind');
  });

  it('a change made just as a write finishes is written too', async () => {
    const path = join(tempDir(), 'runs.json');
    const journal = new RunJournal(path, { log: memoryLog() });
    // The change lands in the microtask right after the write's rename completes: after the write
    // loop has looked for more changes, before it has let go of the "write in flight" flag.
    let inject: (() => void) | null = () => journal.put(77, job(2));
    patchFs({
      rename: ((from: string, to: string) =>
        new Promise<void>((resolve, reject) => {
          original.rename(from, to).then(() => {
            resolve();
            const change = inject;
            inject = null;
            if (change) queueMicrotask(change);
          }, reject);
        })) as typeof original.rename,
    });
    journal.put(77, job(1));
    await journal.flush();
    assert.equal(inject, null, 'the change was made');
    assert.deepEqual(reread(path), [journalId(job(1)), journalId(job(2))].sort());
  });

  it('a kill mid-write leaves the previous file', async () => {
    const path = join(tempDir(), 'runs.json');
    const journal = new RunJournal(path, { log: memoryLog() });
    journal.put(77, job(1));
    await journal.flush();
    // The next write dies after half the temp file: the rename never happens.
    patchFs({
      writeFile: (async (file: string, data: string) => {
        await original.writeFile(file, data.slice(0, data.length >> 1));
        throw new Error('killed');
      }) as typeof original.writeFile,
    });
    journal.put(77, job(2));
    await journal.flush();
    assert.deepEqual(reread(path), [journalId(job(1))]);
  });

  it('a write that fails is logged once, never thrown; the entries stay and the next change writes them', async () => {
    const dir = tempDir();
    // The journal's folder cannot be created: a file is in the way (root can write anywhere else).
    writeFileSync(join(dir, 'state'), 'not a folder');
    const path = join(dir, 'state', 'runs.json');
    const log = memoryLog();
    const journal = new RunJournal(path, { log });
    journal.put(77, job(1));
    await journal.flush();
    journal.put(77, job(2));
    await journal.flush();
    assert.equal(journal.entries().length, 2, 'the runs are still known to this process');
    // Reading it at start already failed (and said so); writing says so once, not once per change.
    const failures = log.warnings().filter((l) => /could not be written/.test(l.msg));
    assert.equal(failures.length, 1, JSON.stringify(log.lines));
    assert.match(failures[0]!.msg, /could not be written.*not recovered/);
    assert.equal(failures[0]!.obj.journal, path);

    rmSync(join(dir, 'state'));
    journal.delete(job(1));
    await journal.flush();
    assert.deepEqual(reread(path), [journalId(job(2))]);
    assert.match(log.warnings().at(-1)!.msg, /written again/);
  });

  it(`holds at most ${MAX_ENTRIES} runs, and says so once`, async () => {
    const path = join(tempDir(), 'runs.json');
    const log = memoryLog();
    const journal = new RunJournal(path, { log });
    for (let n = 0; n < MAX_ENTRIES + 10; n++) journal.put(77, job(n));
    assert.equal(journal.entries().length, MAX_ENTRIES);
    assert.ok(!journal.has(job(MAX_ENTRIES)));
    assert.equal(log.warnings().length, 1);
    // A run already recorded is still updated; a concluded one makes room.
    journal.put(77, job(0, { summaryComment: true }));
    assert.equal(journal.entries()[0]!.job.summaryComment, true);
    journal.delete(job(1));
    journal.put(77, job(MAX_ENTRIES));
    assert.ok(journal.has(job(MAX_ENTRIES)));
    await journal.flush();
    assert.equal(reread(path).length, MAX_ENTRIES);
  });
});
