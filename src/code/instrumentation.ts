// Builds the instrumentation fact of rules.md §2.10 for the engine: a package is instrumented when
// its package.json depends on a tracing package and an entry file registers it (a `NodeSDK` start,
// a `register` import, `--require` / `--import` in a start script). Pure: the engine passes a
// reader for repository files, so rules and this module never touch the file system themselves.
import { posix } from 'node:path';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { CodeModel } from './model.js';
import type { InstrumentationFact } from './rule-facts.js';
import { booleanValue, lookupProperty, originOf } from './value-flow.js';

const TRACING_PACKAGE = /^(@opentelemetry\/(auto-instrumentations-node|instrumentation-[\w-]+|sdk-node)|opentelemetry-instrumentation-[\w-]+|dd-trace|newrelic|@appsignal\/opentelemetry-instrumentation-bullmq|bullmq-otel)$/;

/** Preloads that register instrumentation by themselves (`node -r dd-trace/init`). */
const SELF_REGISTERING = /^(@opentelemetry\/auto-instrumentations-node\/register|dd-trace\/init|newrelic)$/;

/** Source text that starts tracing: an SDK start, instrumentation registration, an agent init. */
const REGISTERS = [
  /\bregisterInstrumentations\s*\(/,
  /require\(\s*['"]dd-trace['"]\s*\)\s*\.init\s*\(/,
  /\btracer\s*\.init\s*\(/,
  /['"]dd-trace\/init['"]/,
  /['"]@opentelemetry\/auto-instrumentations-node\/register['"]/,
  /require\(\s*['"]newrelic['"]\s*\)|import\s+['"]newrelic['"]/,
];

export interface PackageJsonLike {
  main?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export function registersInstrumentation(text: string): boolean {
  return startsNodeSdk(text) || REGISTERS.some((re) => re.test(text));
}

/**
 * `new NodeSDK(...)` and, within 400 characters after a closing parenthesis that follows it,
 * `.start(`. One forward scan: the regular expression this replaces
 * (`new\s+NodeSDK\s*\([\s\S]*?\)\s*[\s\S]{0,400}?\.start\s*\(`) took about 30 s on 100 KB of
 * `new NodeSDK()` and grows with the cube of the input.
 */
function startsNodeSdk(text: string): boolean {
  const tokens = /new\s+NodeSDK\s*\(|\)|\.start\s*\(/g;
  let sdkAt = -1;
  let lastClose = -1;
  for (let m = tokens.exec(text); m; m = tokens.exec(text)) {
    const token = m[0];
    if (token === ')') {
      if (sdkAt >= 0) lastClose = m.index;
    } else if (token.startsWith('new')) {
      if (sdkAt < 0) sdkAt = m.index;
    } else if (lastClose >= 0) {
      // Whitespace right after the `)` does not count towards the 400 characters.
      let from = lastClose + 1;
      while (from < m.index && /\s/.test(text[from]!)) from++;
      if (m.index - from <= 400) return true;
    }
  }
  return false;
}

/** Modules and files preloaded by scripts: `node -r X`, `--require X`, `--import X`, `NODE_OPTIONS`. */
export function preloads(pkg: PackageJsonLike): string[] {
  const out: string[] = [];
  for (const script of Object.values(pkg.scripts ?? {})) {
    for (const match of script.matchAll(/(?:^|[\s"'=])(?:-r|--require|--import|--loader)(?:\s+|=)(['"]?)([^\s'"]+)\1/g)) out.push(match[2]!);
  }
  return [...new Set(out)];
}

/**
 * Repository paths a preloaded or main file may live at: build output paths (`dist/x.js`) are
 * mapped back to their sources (`src/x.ts`), since the reviewer sees sources only.
 */
export function candidatePaths(packageRoot: string, file: string): string[] {
  const base = posix.normalize(posix.join(packageRoot, file));
  const stem = base.replace(/\.(c|m)?js$/, '');
  const rel = posix.relative(packageRoot, stem);
  const sources = [rel, rel.replace(/^(dist|build|out|lib)\/(src\/)?/, 'src/'), rel.replace(/^(dist|build|out|lib)\//, '')];
  const out: string[] = [base];
  for (const s of new Set(sources)) {
    for (const ext of ['.ts', '.mts', '.js', '.mjs', '.cjs']) out.push(posix.join(packageRoot, s + ext));
  }
  return [...new Set(out)];
}

/** Relative imports of an entry file, for `import './instrumentation'` at the top of `main.ts`. */
function relativeImports(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(/(?:import\s+(?:[^'"]*from\s+)?|require\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) out.push(match[1]!);
  return out;
}

/**
 * The instrumentation fact of one package. `read` returns a repository file's text or null; the
 * engine owns it. Checks preloads from scripts, the `main` file and the files it imports.
 */
export function instrumentationFact(packageRoot: string, packageJsonText: string, read: (path: string) => string | null): InstrumentationFact {
  let pkg: PackageJsonLike;
  try {
    pkg = JSON.parse(packageJsonText) as PackageJsonLike;
  } catch {
    return { packageRoot, packages: [], registered: false };
  }
  const deps = { ...pkg.optionalDependencies, ...pkg.devDependencies, ...pkg.dependencies };
  const packages = Object.keys(deps).filter((name) => TRACING_PACKAGE.test(name)).sort();
  if (packages.length === 0) return { packageRoot, packages, registered: false };
  const textOf = (file: string): { path: string; text: string } | null => {
    for (const path of candidatePaths(packageRoot, file)) {
      const text = read(path);
      if (text !== null) return { path, text };
    }
    return null;
  };
  let registered = false;
  for (const preload of preloads(pkg)) {
    if (SELF_REGISTERING.test(preload)) registered = true;
    else if (preload.startsWith('.') || preload.includes('/')) {
      const found = textOf(preload);
      if (found && registersInstrumentation(found.text)) registered = true;
    }
  }
  if (!registered && pkg.main) {
    const main = textOf(pkg.main);
    if (main) {
      registered = registersInstrumentation(main.text) || relativeImports(main.text).some((spec) => {
        const imported = textOf(posix.relative(packageRoot, posix.join(posix.dirname(main.path), spec)));
        return imported !== null && registersInstrumentation(imported.text);
      });
    }
  }
  return { packageRoot, packages, registered };
}

/**
 * Client libraries whose own tracing is switched on in this file: a Pub/Sub client built with
 * `enableOpenTelemetryTracing: true`, a BullMQ queue built with a `telemetry` option. The engine
 * unions this over a package's files into `InstrumentationFact.clientTracing`.
 */
export function clientTracing(model: CodeModel): string[] {
  const out = new Set<string>();
  for (const call of model.calls) {
    if (call.type !== 'NewExpression') continue;
    const ctor = originOf(model, call.callee);
    if (ctor.kind !== 'module') continue;
    const name = ctor.path.at(-1);
    if (ctor.module === '@google-cloud/pubsub' && name === 'PubSub') {
      const flag = lookupProperty(model, call.arguments[0] as TSESTree.Node | undefined, 'enableOpenTelemetryTracing');
      if (flag.state === 'present' && booleanValue(model, flag.value) === true) out.add('pubsub');
    }
    if (ctor.module === 'bullmq' && (name === 'Queue' || name === 'FlowProducer')) {
      const telemetry = lookupProperty(model, call.arguments[name === 'Queue' ? 1 : 0] as TSESTree.Node | undefined, 'telemetry');
      if (telemetry.state === 'present') out.add('bullmq');
    }
  }
  return [...out].sort();
}
