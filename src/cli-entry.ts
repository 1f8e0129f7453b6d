// Process wrapper around main(): the only place that touches process.argv, stdout and exit codes.
import { main } from './cli.js';
import { limitHeapGrowth } from './runtime/heap.js';

limitHeapGrowth();

// A reader that stops early (`| head`, a pager quit) closes the pipe: the rest of the report is not
// wanted, and the exit code still says whether the gate passed. Any other write failure (a full
// disk) means the output is lost: exit 2 with one line, never 1 ("gate fails") or a stack trace.
let writeError: NodeJS.ErrnoException | null = null;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  writeError ??= error;
});
const write = (text: string) => {
  if (writeError === null) process.stdout.write(`${text}\n`);
};

const code = await main(process.argv.slice(2), {
  stdout: write,
  stderr: (text) => process.stderr.write(`${text}\n`),
  cwd: process.cwd(),
});
// Wait for the last write to reach the pipe or the file, so its failure is seen here.
await new Promise<void>((resolve) => {
  if (writeError !== null) resolve();
  else process.stdout.write('', () => resolve());
});
if (writeError !== null && (writeError as NodeJS.ErrnoException).code !== 'EPIPE') {
  process.stderr.write(`arch-review: could not write the output: ${(writeError as Error).message}\n`);
  process.exitCode = 2;
} else {
  process.exitCode = code;
}
