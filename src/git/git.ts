// A minimal git runner: execFile with an argument array (no shell, so refs and paths are never
// interpreted), a timeout, and failures reported as GitError carrying git's own first stderr line.
import { execFile, type ExecFileException } from 'node:child_process';
import { existsSync } from 'node:fs';

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_BUFFER = 64 * 1024 * 1024;
/** git's own binary sniffing looks for a NUL byte in this many leading bytes (xdiff-interface.c). */
export const BINARY_SNIFF_BYTES = 8000;

export interface GitRunOptions {
  cwd: string;
  timeoutMs?: number;
  maxBuffer?: number;
  /** Merged over the inherited environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to git's standard input (`cat-file --batch`); none: stdin is closed at once. */
  input?: string;
}

export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(
    message: string,
    readonly args: readonly string[],
    /** Exit code, or null when git did not exit on its own (timeout, signal, spawn failure). */
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
  }
}

// The cwd passed by the caller must pick the repository; inherited variables (set when running
// inside a git hook, for example) would silently point git somewhere else.
const REPO_LOCATING_VARS = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_PREFIX', 'GIT_COMMON_DIR'];

function buildEnv(extra: GitRunOptions['env']): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
  for (const name of REPO_LOCATING_VARS) delete env[name];
  for (const [key, value] of Object.entries(extra ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** The subcommand, for messages: the first argument that is not a global option or its value. */
function subcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-c' || arg === '-C') {
      i++;
      continue;
    }
    if (!arg.startsWith('-')) return arg;
  }
  return args[0] ?? '';
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? ''
  );
}

function toGitError(
  err: ExecFileException,
  args: readonly string[],
  stderr: string,
  opts: GitRunOptions,
  timeoutMs: number,
): GitError {
  const cmd = `git ${subcommand(args)}`;
  const code = err.code as number | string | undefined | null;
  if (code === 'ENOENT') {
    const msg = existsSync(opts.cwd)
      ? `${cmd}: the git executable was not found on PATH`
      : `${cmd}: directory does not exist: ${opts.cwd}`;
    return new GitError(msg, args, null, stderr);
  }
  if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
    return new GitError(`${cmd}: output exceeded ${opts.maxBuffer ?? DEFAULT_MAX_BUFFER} bytes`, args, null, stderr);
  }
  if (err.killed) {
    return new GitError(`${cmd} timed out after ${timeoutMs} ms`, args, null, stderr);
  }
  if (typeof code !== 'number' && err.signal) {
    return new GitError(`${cmd} was killed by ${err.signal}`, args, null, stderr);
  }
  const exitCode = typeof code === 'number' ? code : null;
  const detail = firstLine(stderr) || err.message.split('\n')[0];
  return new GitError(`${cmd} failed (exit ${exitCode ?? '?'}): ${detail}`, args, exitCode, stderr);
}

/** Runs git and returns stdout as bytes (blobs must not go through a text decoder). */
export function gitBuffer(args: readonly string[], opts: GitRunOptions): Promise<Buffer> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [...args],
      {
        cwd: opts.cwd,
        encoding: 'buffer',
        maxBuffer: opts.maxBuffer ?? DEFAULT_MAX_BUFFER,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        env: buildEnv(opts.env),
        windowsHide: true,
      },
      (err, stdout, stderr) => {
        if (err) reject(toGitError(err, args, stderr.toString('utf8'), opts, timeoutMs));
        else resolve(stdout);
      },
    );
    // A write after git exited early (a bad argument) fails with EPIPE; the exit already reports it.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.input ?? '');
  });
}

/** Runs git and returns stdout as UTF-8 text. */
export async function git(args: readonly string[], opts: GitRunOptions): Promise<string> {
  return (await gitBuffer(args, opts)).toString('utf8');
}

/** Same rule as git: a NUL byte in the first 8000 bytes means binary. */
export function isBinaryContent(content: Uint8Array): boolean {
  const end = Math.min(content.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < end; i++) if (content[i] === 0) return true;
  return false;
}
