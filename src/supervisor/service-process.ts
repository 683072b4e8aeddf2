/**
 * Spawns one service: with execa, in its own process group (`detached`, so Ctrl-C in the terminal
 * reaches Styxy only and Styxy stops the group), stdin an open pipe (or ignored with `stdin:
 * 'null'`), never killed by execa itself
 * (`cleanup: false`: stopping is Styxy's job, in dependency order), output not buffered but
 * drained continuously into line splitters, so a service never blocks on a full pipe.
 */
import { existsSync, statSync } from 'node:fs';
import { execa } from 'execa';
import { processStartTime } from '../os/process-table.js';
import type { ProcessRecord } from '../os/stop-target.js';
import type { LaunchSpec } from './launch-spec.js';
import { LineSplitter } from './line-splitter.js';

/** How long an exit waits for the rest of the process's output. */
export const OUTPUT_GRACE_MS = 250;

export interface ServiceProcess {
  readonly record: ProcessRecord;
  /** Settles when the process has exited and its output is read (or OUTPUT_GRACE_MS later). */
  readonly exit: Promise<{ readonly code: number | null; readonly signal: string | null }>;
  /** Writes to its stdin (pipe or terminal); false when it has none or it is closed. */
  readonly write: (data: string) => boolean;
}

export type SpawnResult =
  | { readonly ok: true; readonly process: ServiceProcess }
  | { readonly ok: false; readonly message: string };

export type OutputListener = (stream: 'stdout' | 'stderr', line: string) => void;

export async function spawnService(spec: LaunchSpec, onLine: OutputListener): Promise<SpawnResult> {
  if (!existsSync(spec.cwd) || !statSync(spec.cwd).isDirectory()) {
    return { ok: false, message: `its folder ${spec.cwd} does not exist` };
  }
  const subprocess = execa(spec.file, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: false,
    detached: true,
    cleanup: false,
    buffer: false,
    reject: false,
    // The write end stays open, never ended, for as long as this process lives: a watcher that
    // exits on EOF (`tailwindcss --watch`) stays up, and sees EOF only when the supervisor is gone.
    stdin: spec.stdin === 'null' ? 'ignore' : 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    windowsHide: true,
  });
  const child = subprocess.nodeChildProcess;
  const pid = subprocess.pid;
  if (pid === undefined) {
    const result = await subprocess;
    const cause = result.cause as NodeJS.ErrnoException | undefined;
    const message =
      cause?.code === 'ENOENT'
        ? `${spec.file}: command not found`
        : (cause?.message ?? result.shortMessage ?? 'spawn failed');
    return { ok: false, message };
  }
  // Read the start time now, while the process surely exists: it guards its group against pid reuse.
  const record: ProcessRecord = { pid, pgid: pid, startTime: processStartTime(pid) };
  // A service that closes its stdin, or exits, makes writes fail with EPIPE: never a crash here.
  child.stdin?.on('error', () => {});
  const ended: Promise<void>[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    const splitter = new LineSplitter((line) => onLine(stream, line));
    const source = child[stream];
    if (!source) continue;
    source.on('data', (chunk: Buffer) => splitter.push(chunk));
    ended.push(
      new Promise((resolve) => {
        source.once('close', () => {
          splitter.end();
          resolve();
        });
      }),
    );
  }
  // Report the exit after the last output (a crash's last words come before "exited with code
  // 1"), but not later than OUTPUT_GRACE_MS: a child it left behind may keep the pipes open.
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      const timer = setTimeout(() => resolve({ code, signal }), OUTPUT_GRACE_MS);
      void Promise.all(ended).then(() => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
  });
  // The result promise settles once output closes too; nothing is read from it.
  subprocess.then(
    () => {},
    () => {},
  );
  const stdin = child.stdin;
  const write = (data: string): boolean => {
    if (!stdin || stdin.destroyed || stdin.writableEnded) return false;
    stdin.write(data);
    return true;
  };
  return { ok: true, process: { record, exit, write } };
}
