// Process wrapper around main(): the only place that touches process.argv, stdout and exit codes.
import { main } from './cli.js';
import { limitHeapGrowth } from './runtime/heap.js';

limitHeapGrowth();

const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  cwd: process.cwd(),
});
process.exitCode = code;
