/**
 * Starts a background supervisor (for `up -d`, and a shared service's instance):
 * `node dist/supervisor/background-main.js` in a
 * session of its own (no terminal, no signal from the caller's terminal reaches it), stdin closed,
 * stdout and stderr appended to the stack's `supervisor.out`, and a report pipe on fd 3 read
 * here (see supervisor/background/launch.ts for why a pipe). It survives the caller's exit.
 */
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { TAG_VARIABLE } from '../../os/tag.js';
import { BACKGROUND_NODE_FLAGS } from '../heap-tuning.js';
import {
  type BackgroundArgs,
  type BackgroundReport,
  backgroundEntry,
  encodeArgs,
  readReport,
  SUPERVISOR_OUTPUT,
} from './launch.js';

/** supervisor.out moves to supervisor.out.1 past this size (it only holds each run's few lines). */
const MAX_OUTPUT_BYTES = 1024 * 1024;

/** How the start ended, as the parent saw it. */
export type LaunchResult =
  | Extract<BackgroundReport, { type: 'up' | 'failed' }>
  /** The report pipe ended without a word: the child died (its output may say why). */
  | { readonly type: 'died' };

export interface LaunchedSupervisor {
  readonly pid: number;
  /** Where its stdout and stderr go. */
  readonly outputFile: string;
  /** The first `up` or `failed` report, or `died`. */
  readonly result: Promise<LaunchResult>;
  /** Settles when the child exits (only waited on after a failure). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the child wrote to its output file so far (this run's part only). */
  output(): string;
  signal(signal: NodeJS.Signals): void;
  /** Lets the caller exit while the child runs on. */
  detach(): void;
}

export function spawnBackground(
  args: BackgroundArgs,
  options: {
    readonly dir: string;
    readonly root: string;
    readonly onReport: (report: BackgroundReport) => void;
    /** Its environment (default: this process's), without STYXY_TAG either way. */
    readonly env?: Readonly<Record<string, string | undefined>>;
  },
): LaunchedSupervisor {
  const outputFile = join(options.dir, SUPERVISOR_OUTPUT);
  rotateIfLarge(outputFile);
  const fd = openSync(outputFile, 'a', 0o600);
  const offset = fstatSync(fd).size;
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  // Started from inside a service of another stack, the supervisor must not carry that stack's
  // tag: the other stack's stop sweeps every process carrying it.
  delete env[TAG_VARIABLE];
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(process.execPath, [...BACKGROUND_NODE_FLAGS, backgroundEntry(), ...encodeArgs(args)], {
      detached: true,
      stdio: ['ignore', fd, fd, 'pipe'],
      env,
      // The project root, not the caller's folder (which may be deleted while the stack runs).
      cwd: options.root,
    });
  } finally {
    closeSync(fd);
  }
  const pipe = child.stdio[3] as Readable;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  const result = new Promise<LaunchResult>((resolve) => {
    let buffer = '';
    pipe.setEncoding('utf8');
    pipe.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const report = readReport(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
        if (!report) continue;
        if (report.type === 'up' || report.type === 'failed') resolve(report);
        else options.onReport(report);
      }
    });
    pipe.once('close', () => resolve({ type: 'died' }));
    pipe.on('error', () => resolve({ type: 'died' }));
    child.once('error', () => resolve({ type: 'died' }));
  });
  return {
    pid: child.pid ?? -1,
    outputFile,
    result,
    exited,
    output: () => readFrom(outputFile, offset),
    signal(signal) {
      try {
        child.kill(signal);
      } catch {}
    },
    detach() {
      pipe.destroy();
      child.unref();
    },
  };
}

function rotateIfLarge(file: string): void {
  try {
    if (statSync(file).size > MAX_OUTPUT_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // Not there yet.
  }
}

/** The file's text from `offset` (at most its last 64 KiB). */
function readFrom(file: string, offset: number): string {
  try {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      const start = Math.max(offset, size - 64 * 1024);
      const buffer = Buffer.alloc(Math.max(0, size - start));
      readSync(fd, buffer, 0, buffer.length, start);
      return buffer.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
