// `npm run demo`: turns the bundled base/head snapshots into a temporary git repository and runs
// the real CLI over it, exactly as a user would run `arch-review review` in their own clone; then
// runs the same pull request through the real GitHub App against the local GitHub simulator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli.js';
import { createRepoFromSnapshots } from '../src/git/snapshot-repo.js';
import { runAppDemo } from './demo-app.js';

const root = fileURLToPath(new URL('../fixtures/demo/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'arch-review-demo-'));
try {
  const repo = await createRepoFromSnapshots(join(root, 'base'), join(root, 'head'), { dir });
  const format = process.argv[2] ?? 'markdown';
  const code = await main(['review', '--repo', repo.dir, '--base', repo.base, '--head', repo.head, '--format', format], {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    cwd: process.cwd(),
  });
  process.stderr.write(`\narch-review exited ${code} (${code === 1 ? 'the gate fails, as the demo intends' : code === 0 ? 'the gate passes' : 'error'})\n`);
  // A failing gate is the point of the demo; only a real error fails the script.
  process.exitCode = code === 2 ? 2 : 0;
  if (code !== 2 && format === 'markdown') {
    process.stdout.write('\n---\n\n## The same pull request through the GitHub App\n\n');
    await runAppDemo((line) => process.stdout.write(`${line}\n`));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
