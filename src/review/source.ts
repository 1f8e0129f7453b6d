// The one interface the engine reads a pull request through. Two implementations: local git
// (src/git/local-source.ts, for the CLI) and the GitHub API (the App).
import type { Side } from './types.js';

export type ChangeStatus = 'added' | 'modified' | 'removed' | 'renamed';

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Head line numbers added by this hunk. */
  added: number[];
  /** Base line numbers deleted by this hunk. */
  deleted: number[];
}

export interface ChangedFile {
  path: string;
  /** Set for renames: the path at base. */
  previousPath?: string;
  status: ChangeStatus;
  hunks: Hunk[];
  /** False when the diff carried no textual patch (binary, too large). */
  hasPatch: boolean;
  binary?: boolean;
  /** A git submodule (gitlink): its files live in another repository and are not reviewed. */
  submodule?: boolean;
}

export type ReadResult =
  | { ok: true; text: string; bytes: number }
  /** `symlink`: a symbolic link; its target is never followed or read. */
  | { ok: false; reason: 'missing' | 'binary' | 'too-large' | 'symlink'; bytes?: number };

export interface ReviewSource {
  readonly baseRef: string;
  readonly headRef: string;
  changedFiles(): Promise<ChangedFile[]>;
  /** Reads a file at one side; never returns more than `maxBytes` of text. */
  readFile(side: Side, path: string, maxBytes: number): Promise<ReadResult>;
  /** Every file path under `prefix` at one side (recursive, repository-relative, sorted). */
  listPaths(side: Side, prefix: string): Promise<string[]>;
}
