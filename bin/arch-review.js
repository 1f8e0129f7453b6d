#!/usr/bin/env node
// Runs the compiled CLI when the package was built (npm run build, the Docker image), else the
// TypeScript sources through tsx, so a fresh `npm ci` checkout works with nothing else to do.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/src/cli-entry.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli-entry.ts', import.meta.url).href);
}
