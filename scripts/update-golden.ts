// Regenerates the golden `/review` outputs: for each `fixtures/golden/<name>/{base,head}` pair, builds a
// git repository with createRepoFromSnapshots, runs the real CLI (`arch-review review --format
// markdown`) and writes its stdout to `fixtures/golden/<name>/review.md`.
//
//   node --import tsx scripts/update-golden.ts            # every golden
//   node --import tsx scripts/update-golden.ts <name>...  # some of them
//
// A regenerated golden is a claim about what the reviewer should say. Read the diff before
// committing it: every finding, checklist mark, failure mode and gap must be traceable to the
// fixture's code or to an artifact field (test/e2e/golden.test.ts lists what each golden shows).
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { main } from '../src/cli.js';
import { createRepoFromSnapshots } from '../src/git/snapshot-repo.js';

export const GOLDEN_ROOT = fileURLToPath(new URL('../fixtures/golden/', import.meta.url));

/** Golden names: folders of fixtures/golden holding `base/` and `head/`. */
export function goldenNames(): string[] {
  return readdirSync(GOLDEN_ROOT)
    .filter((name) => statSync(join(GOLDEN_ROOT, name)).isDirectory())
    .filter((name) => ['base', 'head'].every((side) => statSync(join(GOLDEN_ROOT, name, side), { throwIfNoEntry: false })?.isDirectory()))
    .sort();
}

export interface GoldenRun {
  /** CLI stdout, exactly as `arch-review review --format markdown` prints it, newline-terminated. */
  markdown: string;
  code: number;
  stderr: string;
}

/** Runs the real CLI over the golden's snapshots. */
export async function runGolden(name: string): Promise<GoldenRun> {
  const scratch = mkdtempSync(join(tmpdir(), `arch-review-golden-${name}-`));
  try {
    const repo = await createRepoFromSnapshots(join(GOLDEN_ROOT, name, 'base'), join(GOLDEN_ROOT, name, 'head'), { dir: join(scratch, 'repo') });
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['review', '--repo', repo.dir, '--base', repo.base, '--head', repo.head, '--format', 'markdown'], {
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      cwd: scratch,
    });
    return { markdown: `${out.join('\n')}\n`, code, stderr: err.join('\n') };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function goldenPath(name: string): string {
  return join(GOLDEN_ROOT, name, 'review.md');
}

async function update(names: string[]): Promise<void> {
  for (const name of names) {
    const run = await runGolden(name);
    if (run.code === 2) throw new Error(`${name}: arch-review failed: ${run.stderr}`);
    writeFileSync(goldenPath(name), run.markdown);
    process.stdout.write(`${name}: exit ${run.code}, wrote ${goldenPath(name)}${run.stderr ? `\n  stderr: ${run.stderr}` : ''}\n`);
  }
  process.stdout.write('Review the diff (git diff fixtures/golden) before committing: goldens are checked by a human.\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const wanted = process.argv.slice(2);
  const known = goldenNames();
  const unknown = wanted.filter((n) => !known.includes(n));
  if (unknown.length) {
    process.stderr.write(`unknown golden(s): ${unknown.join(', ')} (known: ${known.join(', ')})\n`);
    process.exit(2);
  }
  await update(wanted.length ? wanted : known);
}
